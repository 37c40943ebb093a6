"""Statistics per department and month: report-in rate, on-time rate, average rating (the formulas
are in ``rules``; the page shows them next to the numbers). Counted over the calls summoned in the
month on the whistles the actor sees."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from jiceng.core import scope
from jiceng.whistles import rules
from jiceng.whistles.models import WhistleCall
from jiceng.whistles.selectors.whistles import VIEW, area_for_field, handler_department_id, month_bounds


@dataclass
class DepartmentStats:
    department_id: int
    department: str
    summoned: int
    reported: int
    on_time: int
    late: int  # reported after the deadline, or not reported and overdue
    pending: int  # not reported, still within the deadline
    rated: int
    rating_total: int

    @property
    def report_rate(self) -> int | None:
        return rules.percent(self.reported, self.summoned)

    @property
    def on_time_rate(self) -> int | None:
        return rules.percent(self.on_time, self.summoned)

    @property
    def average_rating(self) -> Decimal | None:
        return rules.average(self.rating_total, self.rated)


def current_period() -> str:
    return f"{timezone.localdate():%Y-%m}"


def department_stats(actor, *, period: str = "", area: str = "") -> list[DepartmentStats]:
    """One row per department summoned in ``period`` (``YYYY-MM``, default this month) on whistles the
    actor sees, optionally only those whose caller lies under the area with code ``area``."""
    start, end = month_bounds(period or current_period())
    calls = WhistleCall.objects.filter(summoned_at__gte=start, summoned_at__lt=end)
    # the caller unit's staff count every department; a department's handler counts its own calls
    seen = scope.where(actor, VIEW, area_field="whistle__caller__path")
    if dept := handler_department_id(actor):
        seen |= Q(department_id=dept)
    calls = calls.filter(seen)
    if area:
        calls = calls.filter(whistle__caller__path__subtree=area_for_field(area).path)
    now = timezone.now()
    rows = (calls.values("department_id", "department__name")
            .annotate(summoned=Count("pk"),
                      reported=Count("pk", filter=Q(reported_at__isnull=False)),
                      on_time=Count("pk", filter=Q(reported_at__isnull=False, reported_at__lte=F("report_due_at"))),
                      late=Count("pk", filter=Q(reported_at__gt=F("report_due_at"))
                                 | Q(reported_at__isnull=True, report_due_at__lt=now)),
                      pending=Count("pk", filter=Q(reported_at__isnull=True, report_due_at__gte=now)),
                      rated=Count("rating"), rating_total=Sum("rating", default=0))
            .order_by("department__name"))
    return [DepartmentStats(r["department_id"], r["department__name"], r["summoned"], r["reported"], r["on_time"],
                            r["late"], r["pending"], r["rated"], r["rating_total"]) for r in rows]
