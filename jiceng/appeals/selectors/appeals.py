"""Reads of appeals for staff: what an actor sees, the dispatch board's queues, a department's inbox, the
list filters and the timeline.

Who sees an appeal (``visible_appeals``): ``perm`` reaches its place (``area_path``), or the place of its
首接 unit (``owner_area``), or the area of one of its live orders (a street an appeal was transferred to);
an unplaced hotline call is seen by whoever entered it. A department handler (``user.department``) sees,
within that, only the appeals with an order to their department or first received by it.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from jiceng.appeals.models import (
    OPEN_STATUSES,
    Appeal,
    AppealEvent,
    Order,
    OrderStatus,
    Status,
)
from jiceng.core import audit, scope

VIEW = "appeals.view_appeal"
LIVE_ORDERS = (OrderStatus.PENDING, OrderStatus.ACCEPTED, OrderStatus.DONE)


def department_of(actor):
    """The department an actor works for (None for area staff, system actors and anonymous users)."""
    user = audit.user_of(actor)
    return getattr(user, "department", None) if user else None


def visible_condition(actor, perm: str = VIEW) -> Q:
    """The filter of the appeals ``perm`` reaches for ``actor`` (see the module's docstring)."""
    r = scope.reach(actor, perm)
    if r.everything:
        q = Q(pk__isnull=False)
    elif r.nowhere:
        return Q(pk__in=[])
    else:
        orders = Order.objects.filter(scope.where(actor, perm, area_field="area__path"), appeal=OuterRef("pk"),
                                      status__in=LIVE_ORDERS)
        q = (scope.where(actor, perm, area_field="area_path") | scope.where(actor, perm, area_field="owner_area__path")
             | Exists(orders))
        user = audit.user_of(actor)
        if user is not None:
            q |= Q(area_path="", created_by=user)
    department = department_of(actor)
    if department is not None:
        mine = Order.objects.filter(appeal=OuterRef("pk"), department=department)
        q &= Exists(mine) | Q(owner_department=department)
    return q


def visible_appeals(actor, perm: str = VIEW) -> QuerySet:
    """The appeals ``actor`` may see (or act on with ``perm``)."""
    return Appeal.objects.filter(visible_condition(actor, perm))


def can(actor, perm: str, appeal: Appeal) -> bool:
    if getattr(actor, "is_system", False):
        return True
    return visible_appeals(actor, perm).filter(pk=appeal.pk).exists()


def appeal_for(actor, pk, perm: str = VIEW) -> Appeal:
    """The appeal ``pk`` if ``actor`` sees it, else 404."""
    try:
        return (visible_appeals(actor, perm)
                .select_related("category", "suggested_category", "grid", "community", "street", "district",
                                "owner_area", "owner_department", "lead_department", "merged_into")
                .get(pk=int(pk)))
    except (Appeal.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def overdue_condition(now: datetime) -> Q:
    """Open and past the completion deadline, or past the response deadline while not accepted."""
    return Q(status__in=OPEN_STATUSES) & (
        Q(complete_due_at__lt=now) | Q(responded_at__isnull=True, response_due_at__lt=now))


# The dispatch board's queues: (key, Chinese label, condition).
QUEUES = [
    ("received", Status.RECEIVED.label, Q(status=Status.RECEIVED)),
    ("returned", Status.RETURNED.label, Q(status=Status.RETURNED)),
    ("dispatched", Status.DISPATCHED.label, Q(status=Status.DISPATCHED)),
    ("handling", "办理中", Q(status__in=[Status.ACCEPTED, Status.IN_PROGRESS])),
    ("parked", Status.PARKED.label, Q(status=Status.PARKED)),
    ("callback", "待回访", Q(status=Status.RESOLVED)),
    ("finished", "已完成", Q(status__in=[Status.VISITED, Status.CLOSED, Status.MERGED])),
]
QUEUE_KEYS = [k for k, _label, _q in QUEUES]


def queue_counts(actor, *, now: datetime | None = None) -> dict:
    """``{"received": n, …, "overdue": n}`` for the board's tabs, in one query."""
    now = now or timezone.now()
    aggregates = {key: Count("pk", filter=q) for key, _label, q in QUEUES}
    aggregates["overdue"] = Count("pk", filter=overdue_condition(now))
    aggregates["open"] = Count("pk", filter=Q(status__in=OPEN_STATUSES))
    return visible_appeals(actor).aggregate(**aggregates)


def board(actor, *, queue: str = "", now: datetime | None = None) -> QuerySet:
    """The appeals of one queue (all open ones when ``queue`` is empty; ``overdue`` for the overdue), the
    overdue first, then by the nearest deadline."""
    now = now or timezone.now()
    qs = visible_appeals(actor)
    if queue == "overdue":
        qs = qs.filter(overdue_condition(now))
    elif queue in QUEUE_KEYS:
        qs = qs.filter(dict((k, q) for k, _label, q in QUEUES)[queue])
    else:
        qs = qs.filter(status__in=OPEN_STATUSES)
    return with_overdue(qs, now).order_by("-overdue", "complete_due_at", "received_at", "pk")


def with_overdue(qs: QuerySet, now: datetime) -> QuerySet:
    from django.db.models import BooleanField, Case, Value, When

    return qs.annotate(overdue=Case(When(overdue_condition(now), then=Value(True)), default=Value(False),
                                    output_field=BooleanField())).select_related(
        "category", "community", "street", "lead_department")


def inbox(actor) -> QuerySet:
    """The orders waiting for or being handled by the actor's unit: a department handler's orders to their
    department; an area worker's orders to an area their ``handle_appeal`` reaches."""
    department = department_of(actor)
    qs = Order.objects.filter(status__in=[OrderStatus.PENDING, OrderStatus.ACCEPTED])
    if department is not None:
        qs = qs.filter(department=department)
    else:
        qs = qs.filter(scope.where(actor, "appeals.handle_appeal", area_field="area__path"))
    return qs.select_related("appeal", "appeal__category", "appeal__community", "department", "area").order_by(
        "status", "appeal__complete_due_at", "pk").exclude(status=OrderStatus.ACCEPTED,
                                                           appeal__status__in=[*_DONE_STATUSES])


_DONE_STATUSES = (Status.RESOLVED, Status.VISITED, Status.CLOSED, Status.MERGED)


def pending_count(actor) -> int:
    return inbox(actor).filter(status=OrderStatus.PENDING).count()


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The first instant of the month and of the next one, local time."""
    start = timezone.make_aware(datetime(year, month, 1))
    end = timezone.make_aware(datetime(year + month // 12, month % 12 + 1, 1))
    return start, end


PERIOD = re.compile(r"^(\d{4})-(\d{2})$")
TICKET = re.compile(r"^[0-9A-Za-z-]{4,40}$")


def filtered(qs: QuerySet, *, status: str = "", category: str = "", area: str = "", overdue: bool | None = None,
             period: str = "", channel: str = "", q: str = "", now: datetime | None = None) -> QuerySet:
    """The list filters; a bad value of one filter raises ``ValueError`` naming it."""
    from jiceng.appeals.models import Category, Channel
    from jiceng.core.models import Area

    now = now or timezone.now()
    if status:
        statuses = [s for s in status.split(",") if s]
        if any(s not in Status.values for s in statuses):
            raise ValueError("status")
        qs = qs.filter(status__in=statuses)
    if category:
        node = Category.objects.filter(code=category).first()
        if node is None:
            raise ValueError("category")
        qs = qs.filter(Q(category=node) | Q(category__parent=node))
    if area:
        place = Area.objects.filter(code=area).first() if area.isdigit() else None
        if place is None:
            raise ValueError("area")
        qs = qs.filter(area_path__subtree=place.path)
    if overdue is True:
        qs = qs.filter(overdue_condition(now))
    elif overdue is False:
        qs = qs.exclude(overdue_condition(now))
    if period:
        match = PERIOD.match(period)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValueError("period")
        start, end = month_bounds(int(match.group(1)), int(match.group(2)))
        qs = qs.filter(received_at__gte=start, received_at__lt=end)
    if channel:
        if channel not in Channel.values:
            raise ValueError("channel")
        qs = qs.filter(channel=channel)
    if q:
        q = q.strip()[:40]
        qs = qs.filter(Q(ticket_no=q) | Q(hotline_no=q) | Q(ticket_no__startswith=q) | Q(content__icontains=q))
    return qs


def timeline(appeal: Appeal, *, public_only: bool = False) -> QuerySet:
    qs = AppealEvent.objects.filter(appeal=appeal)
    return qs.filter(public=True) if public_only else qs


def orders_of(appeal: Appeal) -> QuerySet:
    return Order.objects.filter(appeal=appeal).select_related("department", "area", "accepted_by")


def ancestor_paths(path: str) -> list[str]:
    """``/11/01/06/`` → ``["/11/", "/11/01/", "/11/01/06/"]``."""
    parts = [p for p in (path or "").split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def suggested_units(appeal: Appeal) -> list:
    """The units the catalogue points to for the appeal's category: departments of the category's kind in
    the appeal's district or above (the nearest first), or the appeal's street or community."""
    from jiceng.appeals.models import UnitKind
    from jiceng.core.models import Department

    category = appeal.category
    if category is None:
        return []
    if category.unit_kind == UnitKind.DEPARTMENT:
        kind = category.department_kind or (category.parent.department_kind if category.parent_id else "")
        if not kind:
            return []
        paths = ancestor_paths(appeal.area_path) if appeal.area_path else None
        qs = Department.objects.filter(kind=kind).select_related("area")
        if paths is not None:
            qs = qs.filter(area__path__in=paths)
        return sorted(qs, key=lambda d: (-len(d.area.path), d.name))
    unit = appeal.community if category.unit_kind == UnitKind.COMMUNITY else appeal.street
    return [unit] if unit is not None else []
