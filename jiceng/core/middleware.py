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
