"""Reads of centers, rooms, hours and notices. Public reads (the map, the list, a center's page) show
active centers to everyone; staff reads go through ``scope.visible``."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.centers.models import Center, CenterNotice, CenterService, OpeningHours, Room, RotaShift
from jiceng.centers.rules import DayHours, day_hours, distance_m
from jiceng.core import paths, scope, workdays
from jiceng.core.models import Department

VIEW = "centers.view_center"
CHANGE = "centers.change_center"


def parse_near(text: str) -> tuple[float, float] | None:
    """``"39.85,116.37"`` → (39.85, 116.37); empty → None; anything else is a field error ``near``."""
    if not text.strip():
        return None
    try:
        lat, lng = (float(part) for part in text.split(","))
    except ValueError as exc:
        raise ValidationError({"near": [_("位置应写作“纬度,经度”，如 39.85,116.37")]}) from exc
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise ValidationError({"near": [_("经纬度超出范围")]})
    return lat, lng


def public_centers() -> QuerySet[Center]:
    return Center.objects.filter(is_active=True).select_related("area", "area__parent")


def public_center_get(center_id) -> Center:
    return scope.get_or_404(scope.system_actor("public"), VIEW, public_centers(), pk=center_id)


def public_center_list(*, near: tuple[float, float] | None = None, level: str = "", q: str = "") -> list[Center]:
    """Active centers; nearest first (with ``distance`` in metres) when ``near`` is given."""
    qs = public_centers().annotate(room_count=Count("rooms", filter=Q(rooms__is_active=True), distinct=True))
    if level:
        qs = qs.filter(level=level)
    if q.strip():
        qs = qs.filter(Q(name__contains=q.strip()) | Q(address__contains=q.strip()) | Q(area__name__contains=q.strip()))
    centers = list(qs)
    if near:
        for c in centers:
            c.distance = distance_m(near[0], near[1], c.lat, c.lng) if c.lat is not None else None
            c.distance_km = round(c.distance / 1000, 1) if c.distance is not None else None
        centers.sort(key=lambda c: (c.distance is None, c.distance or 0, c.name))
    return centers


def center_list(actor, *, perm: str = VIEW) -> QuerySet[Center]:
    return scope.visible(actor, perm, Center.objects.select_related("area")).annotate(
        room_count=Count("rooms", distinct=True))


def center_get(actor, center_id, *, perm: str = VIEW) -> Center:
    return scope.get_or_404(actor, perm, Center.objects.select_related("area"), pk=center_id)


def room_get(actor, room_id, *, perm: str = VIEW) -> Room:
    return scope.get_or_404(actor, perm, Room.objects.select_related("center", "center__area"), pk=room_id)


def public_room_get(room_id) -> Room:
    """A bookable room of an active center (anyone may see it; reserving is checked by the service)."""
    return scope.get_or_404(scope.system_actor("public"), VIEW, Room.objects.select_related(
        "center", "center__area").filter(center__is_active=True, is_active=True), pk=room_id)


def today() -> date:
    return timezone.localdate()


def _holiday_flags(day: date) -> tuple[bool, bool]:
    """(statutory holiday, make-up workday) for ``day``; (False, False) for a year the calendar does not know."""
    try:
        workday = workdays.is_workday(day)
    except workdays.UnknownCalendar:
        return False, False
    listed = {d.date: d.is_workday for d in workdays.year_schedule(day.year)}
    return (day in listed and not workday), (day in listed and workday)


def hours_on(center: Center, day: date, *, weekly: dict | None = None) -> DayHours | None:
    """The hours ``center`` is open on ``day`` (None: closed), following its rule, its exceptions and
    the working-day calendar (``rules.day_hours``)."""
    if weekly is None:
        weekly = {h.weekday: (h.opens, h.closes) for h in center.hours.all()}
    exc = center.exceptions.filter(date=day).first()
    holiday, makeup = _holiday_flags(day)
    return day_hours(day, weekly=weekly, exception=(exc.is_open, exc.opens, exc.closes, exc.note) if exc else None,
                     holiday=holiday, makeup=makeup, closed_on_holidays=center.closed_on_holidays)


def week_hours(center: Center, start: date, days: int = 7) -> list[tuple[date, DayHours | None]]:
    weekly = {h.weekday: (h.opens, h.closes) for h in center.hours.all()}
    return [(start + timedelta(n), hours_on(center, start + timedelta(n), weekly=weekly)) for n in range(days)]


def weekly_hours(center: Center) -> list[OpeningHours]:
    return list(center.hours.all())


def active_services(center: Center) -> QuerySet[CenterService]:
    return center.services.filter(is_active=True).select_related("department").order_by("category", "name")


def current_rota(center: Center, day: date | None = None) -> QuerySet[RotaShift]:
    """Shifts in force on ``day`` (today by default), by weekday and time."""
    day = day or today()
    return (center.rota.filter(valid_from__lte=day).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
            .select_related("department").order_by("weekday", "starts", "department__name"))


def public_rooms(center: Center) -> QuerySet[Room]:
    return center.rooms.filter(is_active=True).order_by("kind", "name")


def notices(actor, center: Center, limit: int = 30) -> QuerySet[CenterNotice]:
    scope.require(actor, VIEW, center)
    return center.notices.all()[:limit]


def departments_for(center: Center) -> QuerySet[Department]:
    """The departments that may sit in or provide services at ``center``: those of its area or above."""
    return (Department.objects.filter(area__path__in=paths.ancestors(center.area.path))
            .select_related("area").order_by("name"))
