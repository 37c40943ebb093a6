"""REST endpoints of appeals: workflow (mounted under /api/v1/ by ``appeals.api``).

Reads: the scoped list with filters, the dispatch catalogue (public), one appeal with its timeline,
orders, photos and extensions. Writes: one POST per transition; 409 when the appeal's state does not
allow it (the message names the state and the action), 422 with field errors, 403/404 by scope.
Creation (``POST /appeals``) belongs to the intake part.
"""


from datetime import date, datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from jiceng.appeals.models import Appeal, Category, CategoryDeadline, Extension
from jiceng.appeals.selectors import appeals as sel
from jiceng.appeals.services import workflow as wf
from jiceng.core.api import ERRORS, ErrorOut
from jiceng.core.models import Area, Department
from jiceng.core.pagination import Pagination

router = Router(tags=["appeals"])
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class DeadlineOut(Schema):
    area_level: str
    urgency: str
    response_hours: int
    complete_amount: int
    complete_unit: str


class CategoryOut(Schema):
    code: str
    name: str
    parent: str | None
    unit_kind: str
    department_kind: str
    description: str
    deadlines: list[DeadlineOut]


class AppealRow(Schema):
    id: int
    ticket_no: str
    hotline_no: str
    channel: str
    type: str
    urgency: str
    status: str
    status_name: str
    category: str | None
    category_name: str | None
    content: str
    address: str
    community: str | None
    street: str | None
    lead_department: str | None
    received_at: datetime
    response_due_at: datetime | None
    complete_due_at: datetime | None
    deadline_uncertain: bool
    responded_at: datetime | None
    resolved_at: datetime | None
    overdue: bool

    @staticmethod
    def resolve_status_name(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_category(obj):
        return obj.category.code if obj.category_id else None

    @staticmethod
    def resolve_category_name(obj):
        return obj.category.name if obj.category_id else None

    @staticmethod
    def resolve_community(obj):
        return obj.community.code if obj.community_id else None

    @staticmethod
    def resolve_street(obj):
        return obj.street.code if obj.street_id else None

    @staticmethod
    def resolve_lead_department(obj):
        return obj.lead_department.name if obj.lead_department_id else None


class EventOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor_name: str
    unit_name: str
    note: str
    public: bool
    at: datetime


class OrderOut(Schema):
    id: int
    role: str
    unit: str
    department: int | None = Field(None, alias="department_id")
    area: str | None
    status: str
    note: str
    dispatched_at: datetime
    accepted_at: datetime | None
    returned_at: datetime | None
    return_reason: str

    @staticmethod
    def resolve_unit(obj):
        return obj.unit_name

    @staticmethod
    def resolve_area(obj):
        return obj.area.code if obj.area_id else None


class ExtensionOut(Schema):
    id: int
    days: int
    reason: str
    status: str
    old_due_at: datetime | None
    new_due_at: datetime
    requested_at: datetime
    decided_at: datetime | None
    decision_note: str


class AppealOut(AppealRow):
    phone: str = Field(alias="phone_masked", description="masked: 138****8000")
    name: str
    latitude: float | None
    longitude: float | None
    grid: str | None
    suggested_category: str | None
    suggestion_reason: str
    solution: str
    park_plan: str
    parked_until: date | None
    merged_into: int | None = Field(None, alias="merged_into_id")
    responded_on_time: bool | None
    completed_on_time: bool | None
    escalation_level: int
    callback: dict | None
    timeline: list[EventOut]
    orders: list[OrderOut]
    photos: list[str]
    extensions: list[ExtensionOut]

    @staticmethod
    def resolve_grid(obj):
        return obj.grid.name if obj.grid_id else None

    @staticmethod
    def resolve_suggested_category(obj):
        return obj.suggested_category.code if obj.suggested_category_id else None

    @staticmethod
    def resolve_callback(obj):
        if obj.cb_at is None:
            return None
        return {"contacted": obj.cb_contacted, "solved": obj.cb_solved, "satisfied": obj.cb_satisfied,
                "comment": obj.cb_comment, "channel": obj.cb_channel, "at": obj.cb_at.isoformat()}

    @staticmethod
    def resolve_timeline(obj):
        return list(sel.timeline(obj))

    @staticmethod
    def resolve_orders(obj):
        return list(sel.orders_of(obj))

    @staticmethod
    def resolve_photos(obj):
        return [p.file.url for p in obj.photos.all()]

    @staticmethod
    def resolve_extensions(obj):
        return list(Extension.objects.filter(appeal=obj))


WRITE = {200: AppealOut, 409: ErrorOut, **ERRORS}


class ListQuery(Schema):
    status: str = Field("", description="one or more statuses, comma-separated (received, dispatched, …)")
    category: str = Field("", description="a category code; a parent code takes its children too")
    area: str = Field("", description="an area code: appeals placed in its subtree")
    overdue: bool | None = None
    period: str = Field("", description="YYYY-MM: received in that month")
    channel: str = ""
    q: str = Field("", max_length=40, description="ticket number, 12345 number or words of the content")


def _detail(request, appeal: Appeal) -> Appeal:
    appeal = sel.appeal_for(request.user, appeal.pk)
    appeal.overdue = sel.Appeal.objects.filter(pk=appeal.pk).filter(sel.overdue_condition(timezone.now())).exists()
    return appeal


@router.get("/appeals", response={200: list[AppealRow], **ERRORS})
@paginate(Pagination)
def appeal_list(request, filters: Query[ListQuery]):
    """Appeals in the caller's scope (a department handler: those sent to their department), the overdue
    first, then by the nearest completion deadline."""
    try:
        qs = sel.filtered(sel.visible_appeals(request.user), **filters.dict())
    except ValueError as exc:
        raise ValidationError({str(exc): [_("筛选条件无效")]}) from None
    return sel.with_overdue(qs, timezone.now()).order_by("-overdue", "complete_due_at", "-received_at", "pk")


@router.get("/appeals/categories", response={200: list[CategoryOut], **ERRORS}, auth=None)
def category_list(request):
    """The dispatch catalogue (派单目录): every active category with its parent, the kind of unit that
    answers it, the department kind and its deadlines per urgency and area level. Public."""
    categories = list(Category.objects.filter(is_active=True).select_related("parent"))
    deadlines: dict[int, list] = {}
    for row in CategoryDeadline.objects.filter(category__in=categories):
        deadlines.setdefault(row.category_id, []).append(row)
    return [{"code": c.code, "name": c.name, "parent": c.parent.code if c.parent_id else None,
             "unit_kind": c.unit_kind, "department_kind": c.department_kind, "description": c.description,
             "deadlines": deadlines.get(c.pk, [])} for c in categories]


@router.get("/appeals/{int:appeal_id}", response={200: AppealOut, **ERRORS})
def appeal_detail(request, appeal_id: int):
    """One appeal with its timeline, orders, photo URLs and extension requests (404 out of scope)."""
    return _detail(request, sel.appeal_for(request.user, appeal_id))


class CategorizeIn(Schema):
    category: str = Field(..., max_length=32, description="the confirmed category code")


@router.post("/appeals/{int:appeal_id}/categorize", response=WRITE)
def appeal_categorize(request, appeal_id: int, payload: CategorizeIn):
    appeal = sel.appeal_for(request.user, appeal_id)
    return _detail(request, wf.appeal_categorize(request.user, appeal, category=payload.category))


class PlaceIn(Schema):
    community: str | None = Field(None, max_length=12, description="12-digit community code")
    lat: float | None = None
    lng: float | None = None


@router.post("/appeals/{int:appeal_id}/place", response=WRITE)
def appeal_place(request, appeal_id: int, payload: PlaceIn):
    appeal = sel.appeal_for(request.user, appeal_id)
    return _detail(request, wf.appeal_place(request.user, appeal, **payload.dict()))


class UnitIn(Schema):
    department: Id | None = Field(None, description="a department id")
    area: str | None = Field(None, max_length=12, description="or a street / community code")


class DispatchIn(Schema):
    lead: UnitIn
    assists: list[UnitIn] = Field(default_factory=list, max_length=20)
    transfer: bool = Field(False, description="转办: the unit takes the appeal over")
    note: str = Field("", max_length=300)


def _unit(value: UnitIn, field: str):
    if value.department:
        department = Department.objects.select_related("area").filter(pk=value.department).first()
        if department is not None:
            return department
    elif value.area:
        area = Area.objects.filter(code=value.area).first()
        if area is not None:
            return area
    raise ValidationError({field: [_("请选择存在的职能部门或街道、社区")]})


@router.post("/appeals/{int:appeal_id}/dispatch", response=WRITE)
def appeal_dispatch(request, appeal_id: int, payload: DispatchIn):
    """派单 to a lead unit (``{"department": id}`` or ``{"area": "code"}``) with optional assists."""
    appeal = sel.appeal_for(request.user, appeal_id)
    lead = _unit(payload.lead, "lead")
    assists = [_unit(u, "assists") for u in payload.assists]
    return _detail(request, wf.appeal_dispatch(request.user, appeal, lead=lead, assists=assists,
                                               transfer=payload.transfer, note=payload.note))


class OrderIn(Schema):
    order: Id | None = Field(None, description="the order to act on; default: the caller's unit's order")


@router.post("/appeals/{int:appeal_id}/accept", response=WRITE)
def appeal_accept(request, appeal_id: int, payload: OrderIn | None = None):
    """签收 the caller's unit's order (the lead's is the appeal's response)."""
    appeal = sel.appeal_for(request.user, appeal_id)
    return _detail(request, wf.appeal_accept(request.user, appeal, order=payload.order if payload else None))


class ReturnIn(OrderIn):
    reason: str = Field(..., max_length=300)


@router.post("/appeals/{int:appeal_id}/return", response=WRITE)
def appeal_return(request, appeal_id: int, payload: ReturnIn):
    appeal = sel.appeal_for(request.user, appeal_id)
    return _detail(request, wf.appeal_return(request.user, appeal, reason=payload.reason, order=payload.order))


class ProgressIn(Schema):
    note: str = Field(..., max_length=1000)
    public: bool = False


@router.post("/appeals/{int:appeal_id}/progress", response=WRITE)
def appeal_progress(request, appeal_id: int, payload: ProgressIn):
    appeal = sel.appeal_for(request.user, appeal_id)
    return _detail(request, wf.appeal_progress(request.user, appeal, note=payload.note, public=payload.public))


class ResolveIn(Schema):
    solution: str = Field(..., max_length=2000)


@router.post("/appeals/{int:appeal_id}/resolve", response=WRITE)
def appeal_resolve(request, appeal_id: int, payload: ResolveIn):
    appeal = sel.appeal_for(request.user, appeal_id)
    return _detail(request, wf.appeal_resolve(request.user, appeal, solution=payload.solution))


class ExtendIn(Schema):
    days: int = Field(..., ge=1, le=365)
    reason: str = Field(..., max_length=300)


@router.post("/appeals/{int:appeal_id}/extend", response={201: ExtensionOut, 409: ErrorOut, **ERRORS})
def appeal_extend(request, appeal_id: int, payload: ExtendIn):
    """申请延期 by the lead unit: ``days`` more calendar days."""
    appeal = sel.appeal_for(request.user, appeal_id)
    return Status(201, wf.appeal_extension_request(request.user, appeal, days=payload.days,
                                                 reason=payload.reason))


class DecideIn(Schema):
    approve: bool
    note: str = Field("", max_length=300)


@router.post("/appeals/{int:appeal_id}/extend/{int:extension_id}/decide",
             response={200: ExtensionOut, 409: ErrorOut, **ERRORS})
def appeal_extend_decide(request, appeal_id: int, extension_id: int, payload: DecideIn):
    appeal = sel.appeal_for(request.user, appeal_id)
    extension = Extension.objects.filter(pk=extension_id, appeal=appeal).first()
    if extension is None:
        raise sel.Http404
    return wf.appeal_extension_decide(request.user, extension, approve=payload.approve, note=payload.note)


class MergeIn(Schema):
    into: Id = Field(..., description="id of the main appeal")
    note: str = Field("", max_length=300)


@router.post("/appeals/{int:appeal_id}/merge", response=WRITE)
def appeal_merge(request, appeal_id: int, payload: MergeIn):
    """合并 this appeal (a duplicate) into ``into``."""
    appeal = sel.appeal_for(request.user, appeal_id)
    try:
        main = sel.appeal_for(request.user, payload.into)
    except sel.Http404:
        raise ValidationError({"into": [_("未找到该主工单")]}) from None
    return _detail(request, wf.appeal_merge(request.user, appeal, into=main, note=payload.note))


class CallbackIn(Schema):
    contacted: bool
    solved: str = Field(..., description="solved / partly / unsolved (or 解决 / 部分解决 / 未解决)")
    satisfied: str = Field(..., description="satisfied / basic / unsatisfied (or 满意 / 基本满意 / 不满意)")
    comment: str = Field("", max_length=500)


@router.post("/appeals/{int:appeal_id}/callback", response=WRITE)
def appeal_callback(request, appeal_id: int, payload: CallbackIn):
    """回访 by phone, entered by staff (the filer rates on the tracking page instead)."""
    appeal = sel.appeal_for(request.user, appeal_id)
    return _detail(request, wf.appeal_callback(request.user, appeal, channel="phone", **payload.dict()))


class ParkIn(Schema):
    plan: str = Field("", max_length=1000)
    until: date | None = None
    unpark: bool = Field(False, description="true: back from 挂账 to 办理中")


@router.post("/appeals/{int:appeal_id}/park", response=WRITE)
def appeal_park(request, appeal_id: int, payload: ParkIn):
    """挂账 with a plan and a target date, or back (``unpark``)."""
    appeal = sel.appeal_for(request.user, appeal_id)
    if payload.unpark:
        return _detail(request, wf.appeal_unpark(request.user, appeal, note=payload.plan))
    return _detail(request, wf.appeal_park(request.user, appeal, plan=payload.plan, until=payload.until))


class CloseIn(Schema):
    note: str = Field("", max_length=300)


@router.post("/appeals/{int:appeal_id}/close", response=WRITE)
def appeal_close(request, appeal_id: int, payload: CloseIn):
    appeal = sel.appeal_for(request.user, appeal_id)
    return _detail(request, wf.appeal_close(request.user, appeal, note=payload.note))
