"""Appeals for the stats tests, written straight onto the model fields (the workflow's services are
another part's), with the fields the three rates read."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count

from django.utils import timezone

from jiceng.appeals.models import Appeal, Category

_seq = count(1)


def when(period: str, day: int = 10, hour: int = 9) -> datetime:
    return datetime(int(period[:4]), int(period[5:]), day, hour, tzinfo=timezone.get_current_timezone())


def make_appeal(*, place, received_at: datetime, status: str = "closed", department=None, category: str = "city.road",
                responded: float | None = 3, finished: float | None = 2, solved: str = "", satisfied: str = "",
                response_hours: int = 24, complete_days: int = 7, save: bool = True, **extra) -> Appeal:
    """An appeal at ``place`` (a community, or a street) received at ``received_at``: responded after
    ``responded`` hours (None: not), finished after ``finished`` days (None: not)."""
    community = place if place.level == "community" else None
    street = place if place.level == "street" else place.parent
    district = street.parent
    response_due = received_at + timedelta(hours=response_hours)
    complete_due = received_at + timedelta(days=complete_days)
    a = Appeal(ticket_no=f"T{next(_seq):013d}", channel="hotline", type="complaint",
               category=Category.objects.get(code=category), content="测试诉求", community=community, street=street,
               district=district, area_path=place.path, lead_department=department, status=status,
               received_at=received_at, response_due_at=response_due, complete_due_at=complete_due,
               cb_solved=solved, cb_satisfied=satisfied, **extra)
    if responded is not None:
        a.responded_at = received_at + timedelta(hours=responded)
        a.responded_on_time = a.responded_at <= response_due
    if finished is not None and status in ("resolved", "visited", "closed"):
        a.resolved_at = received_at + timedelta(days=finished)
        a.completed_on_time = a.resolved_at <= complete_due
    if save:
        a.save()
    return a
