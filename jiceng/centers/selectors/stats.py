"""Statistics of a center's rooms and services: reservations and utilization per room (reserved
hours over open hours in the period), reservations by purpose, and the service catalogue by
category, channel and providing department."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone

from jiceng.centers.models import Center, ReservationStatus, RoomReservation
from jiceng.centers.selectors.places import week_hours
from jiceng.centers.selectors.reservations import span
from jiceng.core.periods import add_months, month_start


@dataclass
class RoomStats:
    name: str
    kind: str
    reservations: int = 0
    hours: float = 0.0
    open_hours: float = 0.0

    @property
    def utilization(self) -> float:
        """Reserved hours over open hours, in percent (one decimal)."""
        return round(100 * self.hours / self.open_hours, 1) if self.open_hours else 0.0


@dataclass
class CenterStats:
    start: date
    end: date
    rooms: list[RoomStats] = field(default_factory=list)
    by_purpose: list[tuple[str, int]] = field(default_factory=list)
    by_status: list[tuple[str, int]] = field(default_factory=list)
    top_categories: list[tuple[str, int]] = field(default_factory=list)
    top_departments: list[tuple[str, int]] = field(default_factory=list)
    by_channel: list[tuple[str, int]] = field(default_factory=list)


def _hours(a: datetime, b: datetime) -> float:
    return (b - a).total_seconds() / 3600


def center_stats(center: Center, start: date | None = None, end: date | None = None) -> CenterStats:
    """The statistics of ``center`` for [start, end] (default: the current month, reservations ahead
    in it included)."""
    today = timezone.localdate()
    start = start or (month_start(end) if end else month_start(today))
    end = end or add_months(start, 1) - timedelta(days=1)
    lo, hi = span(start, end)
    days = week_hours(center, start, (end - start).days + 1)
    open_hours = sum(_hours(datetime.combine(d, h.opens), datetime.combine(d, h.closes)) for d, h in days if h)
    rooms = {r.pk: RoomStats(r.name, r.get_kind_display(), open_hours=open_hours if r.is_bookable else 0.0)
             for r in center.rooms.order_by("name")}
    statuses, purposes = Counter(), Counter()
    reservations = RoomReservation.objects.filter(room__center=center, starts_at__lt=hi, ends_at__gt=lo)
    for r in reservations.only("room_id", "starts_at", "ends_at", "status", "purpose"):
        statuses[r.get_status_display()] += 1
        if r.status != ReservationStatus.APPROVED:
            continue
        purposes[r.get_purpose_display()] += 1
        row = rooms[r.room_id]
        row.reservations += 1
        row.hours += _hours(max(r.starts_at, lo), min(r.ends_at, hi))
    services = list(center.services.filter(is_active=True).select_related("department"))
    return CenterStats(
        start=start, end=end,
        rooms=sorted(rooms.values(), key=lambda r: (-r.hours, r.name)),
        by_purpose=purposes.most_common(), by_status=statuses.most_common(),
        top_categories=Counter(s.category for s in services).most_common(10),
        top_departments=Counter(s.department.name for s in services if s.department_id).most_common(10),
        by_channel=Counter(s.get_channel_display() for s in services).most_common())
