"""Reads of room reservations: a room's timetable (busy slots for everyone who may reserve, details
where the actor's scope reaches), the actor's reservations, and the queue waiting for approval."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.centers.models import HOLDING_STATUSES, ReservationStatus, Room, RoomReservation
from jiceng.core import scope

VIEW = "centers.view_roomreservation"
MAX_SPAN_DAYS = 92


def _base() -> QuerySet[RoomReservation]:
    return RoomReservation.objects.select_related("room", "room__center", "room__center__area", "org")


def span(start: date | None, end: date | None) -> tuple[datetime, datetime]:
    """[start 00:00, end+1 00:00) in local time; default: today and the next 13 days."""
    start = start or timezone.localdate()
    end = end or start + timedelta(days=13)
    if end < start or (end - start).days > MAX_SPAN_DAYS:
        raise ValidationError({"to": [_("结束日期应不早于开始日期，且相隔不超过%(n)d天") % {"n": MAX_SPAN_DAYS}]})
    return (timezone.make_aware(datetime.combine(start, time.min)),
            timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min)))


def room_timetable(actor, room: Room, *, start: date | None = None, end: date | None = None) -> list:
    """The room's holding reservations in the span; each carries ``detail_visible``: whether the actor
    sees who reserved it and why (the center's staff, or the reserving organization)."""
    lo, hi = span(start, end)
    rows = list(_base().filter(room=room, status__in=HOLDING_STATUSES, starts_at__lt=hi, ends_at__gt=lo))
    visible = set(scope.visible(actor, VIEW, RoomReservation.objects.filter(pk__in=[r.pk for r in rows]))
                  .values_list("pk", flat=True))
    for r in rows:
        r.detail_visible = r.pk in visible
    return rows


def reservation_list(actor, *, status: str = "", center: int | None = None, upcoming: bool = False
                     ) -> QuerySet[RoomReservation]:
    qs = scope.visible(actor, VIEW, _base())
    if status:
        qs = qs.filter(status=status)
    if center:
        qs = qs.filter(room__center_id=center)
    if upcoming:
        qs = qs.filter(ends_at__gte=timezone.now())
    return qs.order_by("starts_at", "pk")


def pending_for(actor, center) -> QuerySet[RoomReservation]:
    return reservation_list(actor, status=ReservationStatus.PENDING, center=center.pk, upcoming=True)


def reservation_get(actor, reservation_id) -> RoomReservation:
    return scope.get_or_404(actor, VIEW, _base(), pk=reservation_id)


def meeting_for_field(actor, meeting_id: int | None):
    """The orglife meeting record a reservation links to, as the actor sees it (a field error if not)."""
    if meeting_id is None:
        return None
    from jiceng.orglife.models import Meeting

    try:
        return scope.get_or_404(actor, "orglife.view_meeting", Meeting.objects.all(), pk=meeting_id)
    except Http404 as exc:
        raise ValidationError({"meeting": [_("会议记录不存在或不在您的管辖范围内")]}) from exc


def orgs_for_reserving(actor) -> QuerySet:
    """The organizations the actor may reserve rooms for (choices of the reservation form)."""
    from jiceng.core.models import Org

    r = scope.reach(actor, "centers.add_roomreservation")
    if r.everything:
        return Org.objects.filter(is_active=True).order_by("path")
    q = Q(pk__in=[])
    for prefix in r.orgs:
        q |= Q(path__subtree=prefix)
    for prefix in r.areas:
        q |= Q(area__path__subtree=prefix)
    return Org.objects.filter(q, is_active=True).order_by("path")
