from django.conf import settings

from jiceng.core import audit
from jiceng.core.http import client_ip

CSP = "; ".join([
    "default-src 'self'",
    "img-src 'self' data: blob:{tiles}",
    "style-src 'self' 'unsafe-inline'",
    "script-src 'self'",
    "font-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
])


class SecurityHeadersMiddleware:
    """Content-Security-Policy and related headers; remembers the client IP for the audit trail."""

    def __init__(self, get_response):
        self.get_response = get_response
        tiles = settings.MAP_TILE_URL
        origin = ""
        if tiles.startswith("http"):
            origin = " " + "/".join(tiles.split("/")[:3]).replace("{s}.", "*.")
        self.csp = CSP.format(tiles=origin)

    def __call__(self, request):
        token = audit.client_ip.set(client_ip(request))
        try:
            response = self.get_response(request)
        finally:
            audit.client_ip.reset(token)
        if not request.path.startswith("/api/v1/docs"):
            response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
        return response


class ApiErrorMiddleware:
    """Errors Django raises before the API sees a request (an unknown URL, a method the path does not
    take) answer in the API's error schema rather than as an HTML page."""

    MESSAGES = {404: "未找到", 405: "该地址不支持此请求方法"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refused = self._nul_parameter(request)
        if refused:
            return refused
        response = self.get_response(request)
        if (request.path.startswith("/api/") and response.status_code in self.MESSAGES
                and not response.get("Content-Type", "").startswith("application/json")):
            from django.http import JsonResponse

            replaced = JsonResponse({"detail": self.MESSAGES[response.status_code], "errors": []},
                                    status=response.status_code)
            if response.has_header("Allow"):
                replaced["Allow"] = response["Allow"]
            return replaced
        return response

    @staticmethod
    def _nul_parameter(request):
        """A NUL character in a query parameter or a JSON body is never meaningful and PostgreSQL cannot
        store or compare text with one: refuse it up front (422 for the API, 400 for pages), never a 500."""
        from django.http import HttpResponseBadRequest, JsonResponse
        from django.utils.translation import gettext as _

        def refuse(field: str):
            message = _("含有不允许的控制字符")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("输入有误，请按提示修改"), "errors": [
                    {"field": field, "message": message}]}, status=422)
            return HttpResponseBadRequest(message)

        for name, values in request.GET.lists():
            if any("\x00" in value for value in values):
                return refuse(name)
        if request.content_type == "application/json" and request.method in {"POST", "PUT", "PATCH"}:
            body = request.body  # JSON carries NUL as \u0000; text and jsonb columns refuse it
            if b"\x00" in body or b"\\u0000" in body:
                return refuse("__all__")
        return None
