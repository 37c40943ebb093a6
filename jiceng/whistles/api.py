"""Endpoints of 吹哨报到 under ``/api/v1/whistles``: list (scoped), blow, detail with calls, actions and
ratings, summon one more department, report in, record an action, rate, close, and the statistics
per department. Enterprise requests are in ``api_enterprise``. Thin: selectors and services work."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from jiceng.core.api import ERRORS, ErrorOut
from jiceng.core.models import Area, Department
from jiceng.whistles import api_enterprise
from jiceng.whistles.selectors import stats as stat_selectors
from jiceng.whistles.selectors import whistles as selectors
from jiceng.whistles.services import whistles as services

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
ops = Router(tags=["whistles"])


class ActionOut(Schema):
    id: int
    text: str
    by: str | None
    at: datetime

    @staticmethod
    def resolve_by(obj):
        return str(obj.by) if obj.by_id else None


class CallOut(Schema):
    id: int
    department: int = Field(alias="department_id")
    department_name: str
    summoned_at: datetime
    report_due_at: datetime
    reported_at: datetime | None
    reporter: str | None
    on_time: bool | None
    overdue: bool = Field(description="not reported and the deadline has passed")
    rating: int | None
    rating_comment: str
    rated_at: datetime | None
    actions: list[ActionOut] = []

    @staticmethod
    def resolve_department_name(obj):
        return obj.department.name

    @staticmethod
    def resolve_reporter(obj):
        return str(obj.reporter) if obj.reporter_id else None

    @staticmethod
    def resolve_overdue(obj):
        from django.utils import timezone

        return obj.reported_at is None and timezone.now() > obj.report_due_at

    @staticmethod
    def resolve_actions(obj):
        return getattr(obj, "action_rows", [])


class AppealRef(Schema):
    id: int
    ticket_no: str
    status: str
    status_name: str


class WhistleOut(Schema):
    id: int
    title: str
    matter: str
    caller: str = Field(description="area code of the caller unit")
    caller_name: str
    urgency: str
    urgency_name: str
    report_minutes: int
    status: str
    status_name: str
    location: str
    latitude: float | None
    longitude: float | None
    created_at: datetime
    created_by: str | None
    closed_at: datetime | None
    result: str
    close_reason: str
    calls: list[CallOut]

    @staticmethod
    def resolve_caller(obj):
        return obj.caller.code

    @staticmethod
    def resolve_caller_name(obj):
        return obj.caller.name

    @staticmethod
    def resolve_urgency_name(obj):
        return obj.get_urgency_display()

    @staticmethod
    def resolve_status_name(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_created_by(obj):
        return str(obj.created_by) if obj.created_by_id else None

    @staticmethod
    def resolve_calls(obj):
        return list(obj.calls.all())


class WhistleDetailOut(WhistleOut):
    enterprise_request: int | None = None
    appeals: list[AppealRef] = []


class WhistleIn(Schema):
    caller: str = Field(..., max_length=24, description="area code of the caller unit (street, community, park …)")
    title: str = Field(..., max_length=120)
    matter: str = Field(..., max_length=4000)
    urgency: str = Field("normal", description="urgent (紧急) or normal (一般)")
    departments: list[Id] = Field(..., max_length=50, description="ids of the departments summoned")
    report_minutes: int | None = Field(None, description="report-in time limit; default by urgency (settings)")
    location: str = Field("", max_length=200)
    latitude: float | None = None
    longitude: float | None = None
    appeals: list[str] = Field([], max_length=50, description="ticket numbers of the appeals the whistle is about")


class AppealsIn(Schema):
    appeals: list[str] = Field(..., max_length=50, description="ticket numbers (工单编号)")


class CallIn(Schema):
    department: Id


class ReportIn(Schema):
    note: str = Field("", max_length=2000)


class ActionIn(Schema):
    text: str = Field(..., max_length=2000)


class RateIn(Schema):
    rating: int
    comment: str = Field("", max_length=300)


class CloseIn(Schema):
    result: str = Field(..., max_length=2000)
    reason: str = Field("", max_length=300, description="required while a summoned department has not reported in")


class ListQuery(Schema):
    status: str = ""
    department: Id | None = None
    period: str = Field("", description="YYYY-MM: whistles blown in that month")
    urgency: str = ""
    area: str = Field("", description="area code: callers in its subtree")


class StatsQuery(Schema):
    period: str = Field("", description="YYYY-MM (default: this month)")
    area: str = Field("", description="area code: callers in its subtree")


class DepartmentStatsOut(Schema):
    department: int = Field(alias="department_id")
    department_name: str = Field(alias="department")
    summoned: int
    reported: int
    on_time: int
    late: int
    pending: int
    rated: int
    report_rate: int | None = Field(description="percent: reported / summoned")
    on_time_rate: int | None = Field(description="percent: reported by the deadline / summoned")
    average_rating: Decimal | None


class StatsOut(Schema):
    period: str
    area: str | None
    departments: list[DepartmentStatsOut]


def _departments(ids: list[int], field: str = "departments") -> list[Department]:
    found = {d.pk: d for d in Department.objects.filter(pk__in=ids)}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationError({field: [_("部门不存在：%(ids)s") % {"ids": "、".join(missing)}]})
    return [found[i] for i in ids]


def _detail(actor, whistle_id: int):
    whistle = selectors.whistle_get(actor, whistle_id)
    actions = selectors.actions_of(whistle)
    for call in whistle.calls.all():
        call.action_rows = actions.get(call.pk, [])
    request = getattr(whistle, "enterprise_request", None)  # the reverse one-to-one, when there is one
    whistle.enterprise_request_id = request.pk if request else None
    whistle.appeal_rows = selectors.appeals_of(whistle)
    return whistle


class _Detail(WhistleDetailOut):
    @staticmethod
    def resolve_enterprise_request(obj):
        return obj.enterprise_request_id

    @staticmethod
    def resolve_appeals(obj):
        return obj.appeal_rows


@ops.get("/whistles", response={200: list[WhistleOut], **ERRORS})
def whistle_list(request, filters: Query[ListQuery]):
    """Whistles the caller sees (the caller unit's staff; handlers of a summoned department), newest first."""
    return list(selectors.whistle_list(request.user, **filters.dict())[:500])


@ops.get("/whistles/stats", response={200: StatsOut, **ERRORS})
def whistle_stats(request, filters: Query[StatsQuery]):
    """Per department: report-in rate = reported / summoned; on-time rate = reported by the deadline /
    summoned (an unreported call counts as not on time); average rating of the rated calls."""
    period = filters.period or stat_selectors.current_period()
    rows = stat_selectors.department_stats(request.user, period=period, area=filters.area)
    return {"period": period, "area": filters.area or None, "departments": rows}


@ops.post("/whistles", response={201: _Detail, **ERRORS})
def whistle_create(request, payload: WhistleIn):
    """吹哨. 201 with the calls and their report-in deadlines; 422 names the bad field."""
    data = payload.dict()
    data["caller"] = Area.objects.filter(code=data["caller"].strip()).first()
    if data["caller"] is None:
        raise ValidationError({"caller": [_("吹哨单位的区划代码不存在")]})
    data["departments"] = _departments(data["departments"])
    data["appeals"] = selectors.appeals_for_field(request.user, data["appeals"])
    whistle = services.whistle_blow(request.user, **data)
    return Status(201, _detail(request.user, whistle.pk))


@ops.get("/whistles/{whistle_id}", response={200: _Detail, **ERRORS})
def whistle_get(request, whistle_id: Id):
    return _detail(request.user, whistle_id)


@ops.post("/whistles/{whistle_id}/appeals", response={200: _Detail, **ERRORS})
def whistle_appeals(request, whistle_id: Id, payload: AppealsIn):
    """Link appeals (by ticket number) to the whistle; 422 names those out of reach or unknown."""
    whistle = selectors.whistle_get(request.user, whistle_id)
    appeals = selectors.appeals_for_field(request.user, payload.appeals)
    services.whistle_link_appeals(request.user, whistle=whistle, appeals=appeals)
    return _detail(request.user, whistle_id)


@ops.post("/whistles/{whistle_id}/calls", response={201: CallOut, 409: ErrorOut, **ERRORS})
def call_add(request, whistle_id: Id, payload: CallIn):
    """Summon one more department (its deadline counts from now)."""
    whistle = selectors.whistle_get(request.user, whistle_id)
    department = Department.objects.filter(pk=payload.department).first()
    return Status(201, services.whistle_call_add(request.user, whistle=whistle, department=department))


@ops.post("/whistles/{whistle_id}/calls/{call_id}/report", response={200: CallOut, 409: ErrorOut, **ERRORS})
def call_report(request, whistle_id: Id, call_id: Id, payload: ReportIn):
    """报到, by a handler of the summoned department; 409 when it has already reported in."""
    whistle = selectors.whistle_get(request.user, whistle_id)
    call = selectors.call_get(whistle, call_id)
    return services.whistle_report_in(request.user, whistle=whistle, call=call, note=payload.note)


@ops.post("/whistles/{whistle_id}/calls/{call_id}/actions", response={201: ActionOut, 409: ErrorOut, **ERRORS})
def call_action(request, whistle_id: Id, call_id: Id, payload: ActionIn):
    whistle = selectors.whistle_get(request.user, whistle_id)
    call = selectors.call_get(whistle, call_id)
    return Status(201, services.whistle_action_add(request.user, whistle=whistle, call=call, text=payload.text))


@ops.post("/whistles/{whistle_id}/calls/{call_id}/rate", response={200: CallOut, **ERRORS})
def call_rate(request, whistle_id: Id, call_id: Id, payload: RateIn):
    """The caller unit rates a department (1–5) after it has reported in."""
    whistle = selectors.whistle_get(request.user, whistle_id)
    call = selectors.call_get(whistle, call_id)
    return services.whistle_rate(request.user, whistle=whistle, call=call, rating=payload.rating,
                                 comment=payload.comment)


@ops.post("/whistles/{whistle_id}/close", response={200: _Detail, 409: ErrorOut, **ERRORS})
def whistle_close(request, whistle_id: Id, payload: CloseIn):
    """结束. 422 on ``reason`` while a summoned department has not reported in (事不完、人不撤)."""
    whistle = selectors.whistle_get(request.user, whistle_id)
    services.whistle_close(request.user, whistle=whistle, result=payload.result, reason=payload.reason)
    return _detail(request.user, whistle_id)


router = Router()
router.add_router("", api_enterprise.router)  # first: "/whistles/enterprise-requests" is not a whistle id
router.add_router("", ops)
