from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address; behind a trusted proxy (JICENG_BEHIND_PROXY) its X-Forwarded-For."""
    if request is None:
        return None
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None
