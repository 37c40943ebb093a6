"""Endpoints of the roll (党员名册): list, register, read, change, timeline, unmask, status, discipline,
and the health of an organization's numbers. Thin: selectors and services do the work."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from jiceng.core.api import ERRORS, ErrorOut
from jiceng.core.pagination import Pagination
from jiceng.core.selectors import orgs as org_selectors
from jiceng.core.selectors import territory as area_selectors
from jiceng.members.selectors import health as health_selectors
from jiceng.members.selectors import roll as selectors
from jiceng.members.services import roll as services

router = Router(tags=["members"])


class MemberOut(Schema):
    id: int
    name: str
    sex: str
    birth_date: date
    ethnicity: str
    id_number: str = Field(alias="id_masked", description="masked: 110105********002X")
    phone: str = Field(alias="phone_masked", description="masked: 138****5678")
    education: str
    work_unit: str
    job_title: str
    residence: str | None = None
    branch: int = Field(alias="branch_id")
    branch_name: str
    party_group: int | None = Field(None, alias="party_group_id")
    category: str
    status: str
    status_name: str
    joined_on: date
    full_on: date | None
    party_standing: int | None = Field(None, description="党龄 in whole years, from 转正时间")
    is_floating: bool
    is_lost: bool
    reports_to: str | None = None
    is_cadre: bool
    dues_paid_through: date | None

    @staticmethod
    def resolve_residence(obj):
        return obj.residence.code if obj.residence_id else None

    @staticmethod
    def resolve_reports_to(obj):
        return obj.reports_to.code if obj.reports_to_id else None

    @staticmethod
    def resolve_branch_name(obj):
        return obj.branch.name

    @staticmethod
    def resolve_status_name(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_party_standing(obj):
        from jiceng.members.rules.standing import party_standing

        return party_standing(obj.full_on, services.today())


class DisciplineOut(Schema):
    id: int
    kind: str
    decided_on: date
    ends_on: date | None
    decided_by: str
    document_no: str
    reason: str


class MemberDetailOut(MemberOut):
    pinyin: str
    note: str
    floating_place: str
    floating_since: date | None
    lost_since: date | None
    probation_extended_to: date | None
    may_vote: bool
    vote_refusal: str | None
    disciplines: list[DisciplineOut] = Field(alias="discipline_items")


class MemberIn(Schema):
    name: str = Field(..., min_length=1, max_length=50)
    id_number: str = Field(..., max_length=40)
    phone: str = Field(..., max_length=20)
    branch: int
    category: str = "in_service"
    status: str = "full"
    joined_on: date
    full_on: date | None = None
    sex: str | None = None
    birth_date: date | None = None
    ethnicity: str = Field("汉族", max_length=20)
    education: str = ""
    work_unit: str = Field("", max_length=120)
    job_title: str = Field("", max_length=60)
    residence: str | None = Field(None, description="code of the residential community")
    party_group: int | None = None
    is_cadre: bool = False
    note: str = Field("", max_length=2000)


class MemberPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=50)
    phone: str | None = Field(None, max_length=20)
    category: str | None = None
    joined_on: date | None = None
    full_on: date | None = None
    ethnicity: str | None = Field(None, max_length=20)
    education: str | None = None
    work_unit: str | None = Field(None, max_length=120)
    job_title: str | None = Field(None, max_length=60)
    residence: str | None = None
    party_group: int | None = None
    is_cadre: bool | None = None
    note: str | None = Field(None, max_length=2000)


class EventOut(Schema):
    on: date
    at: datetime
    kind: str
    text: str
    actor: str = Field(alias="actor_label")
    data: dict


class UnmaskedOut(Schema):
    id_number: str
    phone: str


class StatusIn(Schema):
    status: str
    on: date
    reason: str = Field(..., max_length=500)
    document_no: str = Field("", max_length=60)


class DisciplineIn(Schema):
    kind: str
    decided_on: date
    ends_on: date | None = None
    decided_by: str = Field("", max_length=120)
    document_no: str = Field("", max_length=60)
    reason: str = Field("", max_length=2000)


class RollQuery(Schema):
    q: str = Field("", max_length=50)
    branch: int | None = None
    status: str = ""
    flag: str = ""
    category: str = ""
    sex: str = ""


def _detail(member):
    from jiceng.members.rules.standing import voting_refusal

    member.discipline_items = selectors.member_disciplines(member)
    member.vote_refusal = voting_refusal(status=member.status, disciplines=member.discipline_items,
                                         day=services.today())
    member.may_vote = member.vote_refusal is None
    return member


def _branch_arg(request, org_id: int | None, field: str = "branch"):
    return org_selectors.org_for_field(request.user, org_id, field)


def _area_arg(code: str | None, field: str = "residence"):
    return area_selectors.area_for_field(code, field)


@router.get("/members", response={200: list[MemberOut], **ERRORS})
@paginate(Pagination)
def member_list(request, filters: Query[RollQuery]):
    """The roll in the caller's scope; ``q`` matches a name, pinyin initials, the last 4 characters of
    the ID number or mobile, or a whole ID number or mobile (exact, through the blind index)."""
    return selectors.member_list(request.user, selectors.RollFilter(**filters.dict()))


@router.post("/members", response={201: MemberDetailOut, 409: ErrorOut, **ERRORS})
def member_create(request, payload: MemberIn):
    """Register a member. 422 names the bad field and writes nothing; the same ID number twice → 409."""
    data = payload.dict()
    if not data["phone"].strip():
        raise ValidationError({"phone": [_("请填写手机号")]})
    branch = _branch_arg(request, data.pop("branch"))
    if branch is None:
        raise ValidationError({"branch": [_("请选择组织关系所在支部")]})
    data["party_group"] = _branch_arg(request, data.pop("party_group"), "party_group")
    data["residence"] = _area_arg(data.pop("residence"))
    member = services.member_create(request.user, branch=branch, **data)
    return Status(201, _detail(selectors.member_get(request.user, member.pk)))


@router.get("/members/{int:member_id}", response={200: MemberDetailOut, **ERRORS})
def member_detail(request, member_id: int):
    return _detail(selectors.member_get(request.user, member_id))


@router.patch("/members/{int:member_id}", response={200: MemberDetailOut, **ERRORS})
def member_update(request, member_id: int, payload: MemberPatch):
    member = selectors.member_get(request.user, member_id)
    data = payload.dict(exclude_unset=True)
    if "residence" in data:
        data["residence"] = _area_arg(data["residence"])
    if "party_group" in data:
        data["party_group"] = _branch_arg(request, data["party_group"], "party_group")
    services.member_update(request.user, member=member, **data)
    return _detail(selectors.member_get(request.user, member_id))


@router.get("/members/{int:member_id}/timeline", response={200: list[EventOut], **ERRORS})
def member_timeline(request, member_id: int):
    """Status changes, transfers, discipline, mobility: the member's record in date order."""
    member = selectors.member_get(request.user, member_id)
    return list(selectors.member_timeline(request.user, member))


@router.post("/members/{int:member_id}/unmask", response={200: UnmaskedOut, **ERRORS})
def member_unmask(request, member_id: int):
    """The full ID number and mobile (permission ``unmask_member``; every call is audited)."""
    return services.member_unmask(request.user, member=selectors.member_get(request.user, member_id))


@router.post("/members/{int:member_id}/status", response={200: MemberDetailOut, **ERRORS})
def member_status(request, member_id: int, payload: StatusIn):
    member = selectors.member_get(request.user, member_id)
    services.member_set_status(request.user, member=member, **payload.dict())
    return _detail(selectors.member_get(request.user, member_id))


@router.post("/members/{int:member_id}/disciplines", response={201: DisciplineOut, **ERRORS})
def member_discipline(request, member_id: int, payload: DisciplineIn):
    member = selectors.member_get(request.user, member_id)
    return Status(201, services.discipline_record(request.user, member=member, **payload.dict()))


class CheckOut(Schema):
    code: str
    level: str
    message: str


class OrgHealthOut(Schema):
    id: int
    name: str
    kind: str
    full: int
    probationary: int
    committee_size: int
    term_ends_on: date | None
    checks: list[CheckOut]


@router.get("/orgs/{int:org_id}/health", response={200: list[OrgHealthOut], **ERRORS}, tags=["orgs"])
def org_health(request, org_id: int, problems_only: bool = False):
    """RULES §1 checks for the organization and every organization below it: committee needed,
    too many or too few members, terms ending within 6 months or overdue (换届提醒)."""
    org = org_selectors.org_get(request.user, org_id)
    return health_selectors.org_health(request.user, org, problems_only=problems_only)
