"""Reads of whistles. A whistle is visible to staff whose reach of ``view_whistle`` covers the caller
unit's area, and to the handlers of every department it summons (a handler holds
``report_whistlecall`` and has ``user.department``). Out of scope reads as missing (404)."""

from __future__ import annotations

from datetime import datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core import scope
from jiceng.core.models import Area, Department
from jiceng.core.paths import ancestors
from jiceng.whistles import rules
from jiceng.whistles.models import CALLER_LEVELS, Whistle, WhistleAction, WhistleCall, WhistleStatus

VIEW = "whistles.view_whistle"
BLOW = "whistles.add_whistle"
MANAGE = "whistles.change_whistle"
REPORT = "whistles.report_whistlecall"


def handler_department_id(actor) -> int | None:
    """The department the actor answers summons for: a department set on the account and the
    permission to report in."""
    dept = getattr(actor, "department_id", None)
    return dept if dept and scope.holds(actor, REPORT) else None


def visible_condition(actor) -> Q:
    q = scope.where(actor, VIEW, area_field="caller__path")
    dept = handler_department_id(actor)
    if dept:
        q |= Q(pk__in=WhistleCall.objects.filter(department_id=dept).values("whistle_id"))
    return q


def can_see(actor, whistle: Whistle) -> bool:
    if scope.reach(actor, VIEW).covers(area_path=whistle.caller.path):
        return True
    dept = handler_department_id(actor)
    return bool(dept) and WhistleCall.objects.filter(whistle=whistle, department_id=dept).exists()


def can_manage(actor, whistle: Whistle) -> bool:
    """The caller unit's staff: blow more calls, rate, close."""
    return scope.reach(actor, MANAGE).covers(area_path=whistle.caller.path)


def can_report(actor, call: WhistleCall) -> bool:
    """Only a handler of the summoned department reports in and records its actions."""
    return handler_department_id(actor) == call.department_id


def require(actor, allowed: bool, whistle: Whistle) -> None:
    """403 when the actor sees the whistle but may not act; 404 when it cannot even see it."""
    if allowed:
        return
    if can_see(actor, whistle):
        raise PermissionDenied(_("您没有执行此操作的权限。"))
    raise Http404


def _calls_prefetch() -> Prefetch:
    return Prefetch("calls", queryset=WhistleCall.objects.select_related("department", "reporter", "rated_by")
                    .order_by("summoned_at", "pk"))


def _base() -> QuerySet[Whistle]:
    return Whistle.objects.select_related("caller", "created_by").prefetch_related(_calls_prefetch())


def month_bounds(period: str) -> tuple[datetime, datetime]:
    """A ``YYYY-MM`` month as aware local datetimes [start, end); a field error on ``period`` if bad."""
    try:
        start, end = rules.month_span(period)
    except ValueError as exc:
        raise ValidationError({"period": [str(exc)]}) from exc
    return (timezone.make_aware(datetime.combine(start, time.min)),
            timezone.make_aware(datetime.combine(end, time.min)))


def area_for_field(code: str | None, field: str = "area") -> Area | None:
    if not code:
        return None
    area = Area.objects.filter(code=code.strip()).first()
    if area is None:
        raise ValidationError({field: [_("区划代码%(code)s不存在") % {"code": code}]})
    return area


def whistle_list(actor, *, status: str = "", department: int | None = None, period: str = "",
                 urgency: str = "", area: str = "") -> QuerySet[Whistle]:
    qs = _base().filter(visible_condition(actor))
    if status:
        if status not in WhistleStatus.values:
            raise ValidationError({"status": [_("状态应为 open（办理中）或 closed（已结束）")]})
        qs = qs.filter(status=status)
    if urgency:
        qs = qs.filter(urgency=urgency)
    if department:
        qs = qs.filter(pk__in=WhistleCall.objects.filter(department_id=department).values("whistle_id"))
    if period:
        start, end = month_bounds(period)
        qs = qs.filter(created_at__gte=start, created_at__lt=end)
    if area:
        qs = qs.filter(caller__path__subtree=area_for_field(area).path)
    return qs.order_by("-created_at", "-pk")


def whistle_get(actor, whistle_id) -> Whistle:
    try:
        return _base().filter(visible_condition(actor)).get(pk=whistle_id)
    except (Whistle.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def call_get(whistle: Whistle, call_id) -> WhistleCall:
    """A call of a whistle the actor already sees (fetched through ``whistle_get``)."""
    for call in whistle.calls.all():
        if str(call.pk) == str(call_id):
            call.whistle = whistle
            return call
    raise Http404


def actions_of(whistle: Whistle) -> dict[int, list[WhistleAction]]:
    rows: dict[int, list[WhistleAction]] = {}
    for action in WhistleAction.objects.filter(call__whistle=whistle).select_related("by").order_by("at", "pk"):
        rows.setdefault(action.call_id, []).append(action)
    return rows


def department_inbox(actor) -> QuerySet[WhistleCall]:
    """The summons of the actor's department: unreported calls of open whistles first, by deadline."""
    dept = handler_department_id(actor)
    if not dept:
        return WhistleCall.objects.none()
    return (WhistleCall.objects.filter(department_id=dept).select_related("whistle", "whistle__caller", "department")
            .annotate(settled=Case(When(Q(reported_at__isnull=False) | Q(whistle__status=WhistleStatus.CLOSED),
                                        then=Value(1)), default=Value(0), output_field=IntegerField()))
            .order_by("settled", "report_due_at", "pk"))


def callers_for(actor, perm: str = BLOW) -> QuerySet[Area]:
    """The units the actor may blow a whistle for (street, community, park, business district, building)."""
    return scope.visible(actor, perm, Area.objects.filter(level__in=CALLER_LEVELS)).order_by("path")


def departments_for(caller: Area) -> QuerySet[Department]:
    """The departments serving ``caller``: those of the caller's own area or an area above it."""
    return Department.objects.filter(area__path__in=ancestors(caller.path)).select_related("area").order_by("name")


def departments_visible(actor) -> QuerySet[Department]:
    """Departments for the filters: of the areas above and within the actor's reach."""
    r = scope.reach(actor, VIEW)
    if r.everything:
        return Department.objects.order_by("name")
    paths = set()
    for prefix in r.areas:
        paths.update(ancestors(prefix))
    q = Q(area__path__in=paths)
    for prefix in r.areas:
        q |= Q(area__path__subtree=prefix)
    dept = handler_department_id(actor)
    if dept:
        q |= Q(pk=dept)
    return Department.objects.filter(q).order_by("name")


def open_counts(actor) -> dict[str, int]:
    """For the workbench tile: open whistles the actor sees, and its department's pending report-ins."""
    counts = Whistle.objects.filter(visible_condition(actor), status=WhistleStatus.OPEN).aggregate(n=Count("pk"))
    pending = department_inbox(actor).filter(reported_at__isnull=True, whistle__status=WhistleStatus.OPEN).count()
    return {"open": counts["n"], "pending": pending}


def appeals_of(whistle: Whistle) -> list[dict]:
    """The appeals linked to the whistle: ticket number and status in words."""
    return [{"id": a.pk, "ticket_no": a.ticket_no, "status": a.status, "status_name": a.get_status_display()}
            for a in whistle.appeals.order_by("ticket_no")]


def appeals_for_field(actor, tickets, field: str = "appeals") -> list:
    """The appeals with these ticket numbers as the actor sees them (``appeals.view_appeal``); a field
    error names the ticket numbers that do not exist or lie outside the actor's reach."""
    from jiceng.appeals.models import Appeal

    wanted = list(dict.fromkeys(str(t).strip() for t in tickets or [] if str(t).strip()))
    if not wanted:
        return []
    found = {a.ticket_no: a for a in scope.visible(actor, "appeals.view_appeal",
                                                   Appeal.objects.filter(ticket_no__in=wanted))}
    if missing := [t for t in wanted if t not in found]:
        raise ValidationError({field: [_("工单%(t)s不存在或不在您的管辖范围内") % {"t": "、".join(missing)}]})
    return [found[t] for t in wanted]
