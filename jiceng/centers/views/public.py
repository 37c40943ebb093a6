"""Public pages (no sign-in): centers on a map and in a list (nearest first with a location), a
center's page (today's hours, services, rota, rooms, photos), and the photos themselves."""

from __future__ import annotations

from itertools import groupby

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import path, reverse

from jiceng.centers.models import CenterLevel, CenterPhoto
from jiceng.centers.selectors import places as selectors


def _near(request) -> tuple[tuple[float, float] | None, str]:
    lat, lng = request.GET.get("lat", "").strip(), request.GET.get("lng", "").strip()
    if not (lat or lng):
        return None, ""
    try:
        return selectors.parse_near(f"{lat},{lng}"), ""
    except ValidationError as exc:
        return None, exc.message_dict["near"][0]


def _features(centers) -> dict:
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [c.lng, c.lat]},
         "properties": {"name": f"{c.name}（{c.get_level_display()}）", "code": str(c.pk)}}
        for c in centers if c.lat is not None]}


def center_list(request):
    near, near_error = _near(request)
    level = request.GET.get("level", "")
    level = level if level in CenterLevel.values else ""
    q = request.GET.get("q", "")[:40]
    centers = selectors.public_center_list(near=near, level=level, q=q)
    return render(request, "centers/public_list.html", {
        "centers": centers, "features": _features(centers), "near": near, "near_error": near_error,
        "level": level, "q": q, "levels": CenterLevel.choices,
        "href_template": reverse("centers:center_page", kwargs={"center_id": 0}).replace("/0/", "/__code__/")})


def center_page(request, center_id: int):
    center = selectors.public_center_get(center_id)
    day = selectors.today()
    services = list(selectors.active_services(center))
    shifts = list(selectors.current_rota(center, day))
    return render(request, "centers/public_center.html", {
        "center": center, "today": day, "today_hours": selectors.hours_on(center, day),
        "week": selectors.week_hours(center, day),
        "service_groups": [(category, list(items)) for category, items in groupby(services, lambda s: s.category)],
        "service_count": len(services),
        "rota_days": [(label, list(items)) for label, items in groupby(shifts, lambda s: s.get_weekday_display())],
        "rooms": selectors.public_rooms(center), "photos": center.photos.all(),
        "features": _features([center])})


def photo(request, photo_id: int):
    item = CenterPhoto.objects.filter(pk=photo_id, center__is_active=True).first()
    if item is None or not item.image:
        raise Http404
    try:
        handle = item.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, content_type=_content_type(item.image.name))


def _content_type(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower()
    return {"png": "image/png", "webp": "image/webp"}.get(ext, "image/jpeg")


urlpatterns = [
    path("centers/", center_list, name="public_list"),
    path("centers/<int:center_id>/", center_page, name="center_page"),
    path("centers/photos/<int:photo_id>", photo, name="photo"),
]
