"""Endpoints of member mobility: relationship transfers (组织关系转接) and one POST per transition,
floating members (流动党员), lost contact (失联) and in-service reporting (双报到). Thin: selectors and
services do the work."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from jiceng.core.api import ERRORS, ErrorOut
from jiceng.core.pagination import Pagination
from jiceng.core.selectors import orgs as org_selectors
from jiceng.core.selectors import territory as area_selectors
from jiceng.members.rules import mobility as rules
from jiceng.members.selectors import mobility as mobility_selectors
from jiceng.members.selectors import roll as roll_selectors
from jiceng.members.selectors import transfers as selectors
from jiceng.members.services import mobility as mobility_services
from jiceng.members.services import transfers as services
from jiceng.members.services.roll import today

router = Router(tags=["transfers"])
WRITE = {409: ErrorOut, **ERRORS}


class TransferOut(Schema):
    id: int
    member: int | None = Field(None, alias="member_id")
    member_name: str
    direction: str = Field(description="internal | outgoing (to outside the system) | incoming (from outside)")
    from_org: int | None = Field(None, alias="from_org_id")
    from_org_name: str | None = None
    to_org: int | None = Field(None, alias="to_org_id")
    to_org_name: str | None = None
    outside_org_name: str
    reason: str
    reason_name: str
    state: str
    state_name: str
    letter_no: str
    issued_on: date | None
    valid_until: date | None
    dues_paid_through: date | None
    note: str
    return_reason: str = Field(description="why the receiving side sent the letter back")
    created_at: datetime
    closed_at: datetime | None

    @staticmethod
    def resolve_direction(obj):
        return selectors.direction(obj)

    @staticmethod
    def resolve_from_org_name(obj):
        return obj.from_org.name if obj.from_org_id else None

    @staticmethod
    def resolve_to_org_name(obj):
        return obj.to_org.name if obj.to_org_id else None

    @staticmethod
    def resolve_reason_name(obj):
        return obj.get_reason_display()

    @staticmethod
    def resolve_state_name(obj):
        return obj.get_state_display()


class StepOut(Schema):
    state: str
    state_name: str
    at: datetime
    actor: str = Field(alias="actor_label")
    note: str

    @staticmethod
    def resolve_state_name(obj):
        return obj.get_state_display()


class TransferDetailOut(TransferOut):
    steps: list[StepOut] = Field(alias="step_items")
    actions: list[str] = Field(alias="allowed_actions", description="transitions the caller may take now")
    person: dict | None = Field(None, alias="person_masked", description="from outside: the letter's person, masked")


class PersonIn(Schema):
    name: str = Field(..., max_length=50)
    id_number: str = Field(..., max_length=40)
    phone: str = Field("", max_length=20)
    joined_on: date
    status: str = "full"
    full_on: date | None = None
    category: str = "in_service"
    ethnicity: str = Field("汉族", max_length=20)
    education: str = ""
    work_unit: str = Field("", max_length=120)
    job_title: str = Field("", max_length=60)


class TransferIn(Schema):
    member: int | None = Field(None, description="a member on the caller's roll (out of its branch)")
    person: PersonIn | None = Field(None, description="coming from outside the system: the person on the letter")
    to_org: int | None = Field(None, description="the receiving branch, when it is in the system")
    outside_org_name: str = Field("", max_length=150, description="the organization outside the system")
    reason: str = "work"
    note: str = Field("", max_length=2000)
    letter_no: str = Field("", max_length=60, description="coming from outside: the letter's number")
    issued_on: date | None = Field(None, description="coming from outside: the letter's date")


class TransferQuery(Schema):
    box: str = Field("all", pattern="^(inbox|outbox|all)$")
    state: str = Field("", max_length=12)
    q: str = Field("", max_length=60)


class NoteIn(Schema):
    note: str = Field("", max_length=2000)


class IssueIn(NoteIn):
    letter_no: str = Field("", max_length=60, description="generated when blank")
    issued_on: date | None = Field(None, description="today when blank")


class ReturnIn(Schema):
    reason: str = Field(..., max_length=2000)


def _detail(request, transfer_id: int):
    transfer = selectors.transfer_get(request.user, transfer_id)
    transfer.step_items = list(selectors.transfer_steps(transfer))
    transfer.allowed_actions = selectors.transfer_actions(request.user, transfer, today())
    transfer.person_masked = selectors.transfer_person_masked(transfer) or None
    return transfer


def _member_arg(request, member_id: int | None, field: str = "member"):
    if member_id is None:
        return None
    try:
        return roll_selectors.member_get(request.user, member_id)
    except Http404 as exc:
        raise ValidationError({field: [_("党员不存在或不在您的管辖范围内")]}) from exc


@router.get("/transfers", response={200: list[TransferOut], **ERRORS})
@paginate(Pagination)
def transfer_list(request, filters: Query[TransferQuery]):
    """Transfers in the caller's scope: ``inbox`` (to an organization the caller oversees, once a letter
    is issued), ``outbox`` (from one), or ``all``; ``state`` is a state or ``open``."""
    return selectors.transfer_list(request.user, **filters.dict())


@router.post("/transfers", response={201: TransferDetailOut, **WRITE})
def transfer_create(request, payload: TransferIn):
    """Start a transfer: ``member`` + ``to_org`` (inside the system), ``member`` + ``outside_org_name``
    (out of it), or ``person`` + ``to_org`` + ``outside_org_name`` + ``letter_no`` + ``issued_on`` (a letter
    from outside, awaiting acceptance). A member with an open transfer → 409."""
    data = payload.dict()
    member = _member_arg(request, data.pop("member"))
    to_org_id = data.pop("to_org")
    to_org = selectors.destination_get(to_org_id) if to_org_id is not None else None
    transfer = services.transfer_create(request.user, member=member, to_org=to_org, **data)
    return Status(201, _detail(request, transfer.pk))


@router.get("/transfers/{int:transfer_id}", response={200: TransferDetailOut, **ERRORS})
def transfer_detail(request, transfer_id: int):
    return _detail(request, transfer_id)


def _transition(request, transfer_id: int, service, **kwargs):
    service(request.user, transfer=selectors.transfer_get(request.user, transfer_id), **kwargs)
    return _detail(request, transfer_id)


@router.post("/transfers/{int:transfer_id}/submit", response={200: TransferDetailOut, **WRITE})
def transfer_submit(request, transfer_id: int, payload: NoteIn):
    return _transition(request, transfer_id, services.transfer_submit, **payload.dict())


@router.post("/transfers/{int:transfer_id}/approve", response={200: TransferDetailOut, **WRITE})
def transfer_approve(request, transfer_id: int, payload: NoteIn):
    """The sending 党委 approves (permission ``approve_transfer``)."""
    return _transition(request, transfer_id, services.transfer_approve, **payload.dict())


@router.post("/transfers/{int:transfer_id}/issue", response={200: TransferDetailOut, **WRITE})
def transfer_issue(request, transfer_id: int, payload: IssueIn):
    """Issue the introduction letter; dues must be paid up to the month of departure (422 otherwise)."""
    return _transition(request, transfer_id, services.transfer_issue, **payload.dict())


@router.post("/transfers/{int:transfer_id}/accept", response={200: TransferDetailOut, **WRITE})
def transfer_accept(request, transfer_id: int, payload: NoteIn):
    """The receiving branch accepts: the member moves to its roll."""
    return _transition(request, transfer_id, services.transfer_accept, **payload.dict())


@router.post("/transfers/{int:transfer_id}/return", response={200: TransferDetailOut, **WRITE})
def transfer_return(request, transfer_id: int, payload: ReturnIn):
    """The receiving branch sends the letter back with a reason the sender sees."""
    return _transition(request, transfer_id, services.transfer_return, **payload.dict())


@router.post("/transfers/{int:transfer_id}/cancel", response={200: TransferDetailOut, **WRITE})
def transfer_cancel(request, transfer_id: int, payload: NoteIn):
    return _transition(request, transfer_id, services.transfer_cancel, **payload.dict())


class FloatingOut(Schema):
    id: int
    member: int = Field(alias="member_id")
    member_name: str
    branch_name: str
    left_on: date
    place: str
    area: str | None = None
    local_org: int | None = Field(None, alias="local_org_id")
    local_org_name: str
    reason: str
    contact: str
    last_contact_on: date | None
    returned_on: date | None
    should_transfer: bool = Field(description="away six months or more: transfer the relationship")
    contact_overdue: bool = Field(description="no contact for six months or more")

    @staticmethod
    def resolve_member_name(obj):
        return obj.member.name

    @staticmethod
    def resolve_branch_name(obj):
        return obj.member.branch.name

    @staticmethod
    def resolve_area(obj):
        return obj.area.code if obj.area_id else None


class FloatingQuery(Schema):
    branch: int | None = None
    state: str = Field("away", pattern="^(away|returned|all)$")
    q: str = Field("", max_length=60)


class FloatingIn(Schema):
    member: int
    left_on: date
    place: str = Field(..., max_length=120)
    area: str | None = Field(None, description="code of the area where the member is, if in the system")
    local_org: int | None = Field(None, description="the organization whose life they join, if in the system")
    local_org_name: str = Field("", max_length=150)
    reason: str = Field("", max_length=120)
    contact: str = Field("", max_length=120)


class FloatingReturnIn(Schema):
    returned_on: date


class FloatingContactIn(Schema):
    on: date
    note: str = Field("", max_length=200)


@router.get("/floating", response={200: list[FloatingOut], **ERRORS}, tags=["floating"])
@paginate(Pagination)
def floating_list(request, filters: Query[FloatingQuery]):
    """流动党员 of the branches in the caller's scope (``branch`` narrows to one organization and below)."""
    data = filters.dict()
    branch = org_selectors.org_for_field(request.user, data.pop("branch"), "branch")
    return mobility_selectors.floating_list(request.user, branch=branch, **data)


@router.post("/floating", response={201: FloatingOut, **WRITE}, tags=["floating"])
def floating_register(request, payload: FloatingIn):
    """Register a member as away; a member already away → 409."""
    data = payload.dict()
    member = _member_arg(request, data.pop("member"))
    local_org = data.pop("local_org")
    record = mobility_services.floating_register(
        request.user, member=member, area=area_selectors.area_for_field(data.pop("area"), "area"),
        local_org=mobility_selectors.local_org_get(local_org) if local_org is not None else None, **data)
    return Status(201, mobility_selectors.floating_get(request.user, record.pk))


@router.post("/floating/{int:record_id}/contact", response={200: FloatingOut, **WRITE}, tags=["floating"])
def floating_contact(request, record_id: int, payload: FloatingContactIn):
    record = mobility_selectors.floating_get(request.user, record_id)
    mobility_services.floating_contact(request.user, record=record, **payload.dict())
    return mobility_selectors.floating_get(request.user, record_id)


@router.post("/floating/{int:record_id}/return", response={200: FloatingOut, **WRITE}, tags=["floating"])
def floating_return(request, record_id: int, payload: FloatingReturnIn):
    record = mobility_selectors.floating_get(request.user, record_id)
    mobility_services.floating_return(request.user, record=record, **payload.dict())
    return mobility_selectors.floating_get(request.user, record_id)


class LostOut(Schema):
    id: int
    name: str
    branch: int = Field(alias="branch_id")
    branch_name: str
    id_number: str = Field(alias="id_masked")
    phone: str = Field(alias="phone_masked")
    is_lost: bool
    lost_since: date | None
    last_contact_on: date | None
    is_floating: bool
    floating_place: str
    review_due: bool = Field(description="out of contact six months or more: a 停止党籍 review is due")

    @staticmethod
    def resolve_branch_name(obj):
        return obj.branch.name

    @staticmethod
    def resolve_review_due(obj):
        return obj.is_lost and rules.lost_review_due(obj.lost_since, today())


class LostQuery(Schema):
    branch: int | None = None
    review: bool = Field(False, description="only those due for the 停止党籍 review")
    q: str = Field("", max_length=50)


class LostIn(Schema):
    since: date
    note: str = Field("", max_length=200)


class FoundIn(Schema):
    on: date
    note: str = Field("", max_length=200)


@router.get("/members/lost", response={200: list[LostOut], **ERRORS}, tags=["floating"])
@paginate(Pagination)
def lost_list(request, filters: Query[LostQuery]):
    """失联党员 and letters expired unreceived; ``review_due`` marks the 停止党籍 review list (the
    organization decides: the status never changes by itself)."""
    data = filters.dict()
    branch = org_selectors.org_for_field(request.user, data.pop("branch"), "branch")
    return mobility_selectors.lost_list(request.user, branch=branch, **data)


@router.post("/members/{int:member_id}/lost", response={200: LostOut, **WRITE}, tags=["floating"])
def member_mark_lost(request, member_id: int, payload: LostIn):
    member = roll_selectors.member_get(request.user, member_id)
    return mobility_services.member_mark_lost(request.user, member=member, **payload.dict())


@router.post("/members/{int:member_id}/found", response={200: LostOut, **WRITE}, tags=["floating"])
def member_mark_found(request, member_id: int, payload: FoundIn):
    member = roll_selectors.member_get(request.user, member_id)
    return mobility_services.member_mark_found(request.user, member=member, **payload.dict())


class ReportOut(Schema):
    id: int
    member: int = Field(alias="member_id")
    member_name: str
    member_branch_name: str
    work_unit: str
    community: str
    community_name: str
    unit_org: int | None = Field(None, alias="unit_org_id")
    unit_org_name: str | None = None
    skills: str
    availability: str
    reported_on: date
    ended_on: date | None

    @staticmethod
    def resolve_member_name(obj):
        return obj.member.name

    @staticmethod
    def resolve_member_branch_name(obj):
        return obj.member.branch.name

    @staticmethod
    def resolve_work_unit(obj):
        return obj.member.work_unit

    @staticmethod
    def resolve_community(obj):
        return obj.community.code

    @staticmethod
    def resolve_community_name(obj):
        return obj.community.name

    @staticmethod
    def resolve_unit_org_name(obj):
        return obj.unit_org.name if obj.unit_org_id else None


class ReportQuery(Schema):
    community: str = Field("", max_length=24, description="code of a community (or a street: all below)")
    state: str = Field("open", pattern="^(open|ended|all)$")
    q: str = Field("", max_length=50, description="name or work unit")
    skill: str = Field("", max_length=50, description="in skills or availability")


class ReportIn(Schema):
    member: int | None = Field(None, description="a member on the caller's roll")
    id_number: str = Field("", max_length=40, description="or the full ID number of the member reporting")
    community: str = Field(..., max_length=24, description="code of the community reported to")
    unit_org: int | None = Field(None, description="the organization of the member's work unit")
    skills: str = Field("", max_length=200)
    availability: str = Field("", max_length=200)
    reported_on: date


class ReportEndIn(Schema):
    ended_on: date


@router.get("/service-reports", response={200: list[ReportOut], **ERRORS}, tags=["service-reports"])
@paginate(Pagination)
def service_report_list(request, filters: Query[ReportQuery]):
    """在职党员报到 (双报到) to the communities in the caller's scope: who, skills, availability."""
    data = filters.dict()
    community = area_selectors.area_for_field(data.pop("community"), "community")
    return mobility_selectors.service_report_list(request.user, community=community, **data)


@router.post("/service-reports", response={201: ReportOut, **WRITE}, tags=["service-reports"])
def service_report_register(request, payload: ReportIn):
    """Register an in-service member with a community; one open report per member (409 otherwise)."""
    data = payload.dict()
    member = _member_arg(request, data.pop("member"))
    id_number = data.pop("id_number")
    if member is None:
        member = mobility_selectors.member_by_id_number(id_number)
        if member is None:
            raise ValidationError({"id_number": [_("党员名册中没有这个身份证号，请核对")]})
    community = area_selectors.area_for_field(data.pop("community"), "community")
    unit_org = data.pop("unit_org")
    report = mobility_services.service_report_register(
        request.user, member=member, community=community,
        unit_org=mobility_selectors.local_org_get(unit_org, "unit_org") if unit_org is not None else None, **data)
    return Status(201, mobility_selectors.service_report_get(request.user, report.pk))


@router.post("/service-reports/{int:report_id}/end", response={200: ReportOut, **WRITE}, tags=["service-reports"])
def service_report_end(request, report_id: int, payload: ReportEndIn):
    report = mobility_selectors.service_report_get(request.user, report_id)
    mobility_services.service_report_end(request.user, report=report, **payload.dict())
    return mobility_selectors.service_report_get(request.user, report_id)
