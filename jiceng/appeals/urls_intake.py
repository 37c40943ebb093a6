"""Pages of appeals: intake. Mounted at the site root: the public pages under /appeal/…, Open311 under
/open311/v2/…, the staff's intake pages under /appeals/… (report from a phone, hotline import, photos)."""

from django.urls import path, re_path

from jiceng.appeals import open311
from jiceng.appeals.views import intake, public

FMT = r"(?P<fmt>json|xml)"

urlpatterns: list = [
    path("appeal/new/", public.appeal_new, name="public_new"),
    path("appeal/done/", public.appeal_done, name="public_done"),
    path("appeal/track/", public.track, name="public_track"),
    path("appeal/track/callback/", public.track_callback, name="public_callback"),
    path("appeal/map.geojson", public.territory_map, name="public_map"),
    path("open311/v2/", open311.root, name="open311_root"),
    re_path(rf"^open311/v2/discovery\.{FMT}$", open311.discovery, name="open311_discovery"),
    re_path(rf"^open311/v2/services\.{FMT}$", open311.services, name="open311_services"),
    re_path(rf"^open311/v2/services/(?P<code>[\w.-]+?)\.{FMT}$", open311.service_definition,
            name="open311_service"),
    re_path(rf"^open311/v2/requests\.{FMT}$", open311.requests_view, name="open311_requests"),
    re_path(rf"^open311/v2/requests/(?P<request_id>[\w-]+?)\.{FMT}$", open311.request_detail,
            name="open311_request"),
    *intake.urlpatterns,
]
