"""Endpoints of member development (发展党员): files, one POST per step (by number or by name), the
预备期's extension, disqualification, stopping, what is due and statistics. Thin: selectors and
services do the work. ID numbers and mobiles are always masked here."""

from datetime import date

from django.http import Http404
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from jiceng.core.api import ERRORS, ErrorOut
from jiceng.core.pagination import Pagination
from jiceng.core.selectors import orgs as org_selectors
from jiceng.members.rules import development as rules
from jiceng.members.selectors import development as selectors
from jiceng.members.services import development as services

router = Router(tags=["development"])


class DueOut(Schema):
    kind: str
    step: int = Field(alias="number")
    step_name: str = Field(alias="name")
    due_on: date | None
    earliest_on: date | None


class ApplicantOut(Schema):
    id: int
    name: str
    sex: str
    birth_date: date
    ethnicity: str
    id_number: str = Field(alias="id_masked", description="masked: 110105********002X")
    phone: str = Field(alias="phone_masked", description="masked: 138****5678")
    education: str
    work_unit: str
    branch: int = Field(alias="branch_id")
    branch_name: str
    stage: str
    stage_name: str
    outcome: str
    outcome_name: str
    last_step: int
    next: DueOut | None = None
    applied_on: date
    activist_on: date | None
    candidate_on: date | None
    admitted_on: date | None = Field(description="支部大会通过日期 = 入党时间")
    probation_ends_on: date | None
    extended_to: date | None
    full_on: date | None = Field(description="转正时间 = 预备期满之日")
    member: int | None = Field(None, alias="member_id")

    @staticmethod
    def resolve_branch_name(obj):
        return obj.branch.name

    @staticmethod
    def resolve_stage_name(obj):
        return obj.get_stage_display()

    @staticmethod
    def resolve_outcome_name(obj):
        return obj.get_outcome_display()

    @staticmethod
    def resolve_next(obj):
        return selectors.next_due(obj)


class DocumentOut(Schema):
    id: int
    name: str


class StepOut(Schema):
    id: int
    number: int
    name: str
    stage: str
    done_on: date
    responsible: str
    note: str
    data: dict
    exception_reason: str
    documents: list[DocumentOut]

    @staticmethod
    def resolve_name(obj):
        return str(rules.BY_NUMBER[obj.number].name)

    @staticmethod
    def resolve_stage(obj):
        return rules.BY_NUMBER[obj.number].stage

    @staticmethod
    def resolve_documents(obj):
        return list(obj.documents.all())


class ApplicantDetailOut(ApplicantOut):
    steps: list[StepOut] = Field(alias="step_items")


class ApplicantIn(Schema):
    name: str = Field(..., max_length=50)
    id_number: str = Field(..., max_length=30)
    phone: str = Field("", max_length=30)
    branch: int = Field(..., ge=1, le=2**62)
    applied_on: date
    ethnicity: str = Field("汉族", max_length=20)
    education: str = Field("", max_length=16)
    work_unit: str = Field("", max_length=120)
    category: str = Field("in_service", max_length=16, description="党费类别 (the roll's dues category codes)")
    responsible: str = Field("", max_length=100)
    received_by: str = Field("", max_length=100)
    note: str = Field("", max_length=2000)


class StepIn(Schema):
    done_on: date | None = None
    responsible: str = Field("", max_length=100)
    note: str = Field("", max_length=2000)
    data: dict = Field(default_factory=dict, description="the step's items (see GET /applicants/steps)")
    exception_reason: str = Field("", max_length=2000,
                                  description="a justified exception (needs members.except_development)")


class ExtendIn(Schema):
    on: date | None = Field(None, description="date of the decision")
    extended_to: date | None = None
    reason: str = Field("", max_length=2000)


class CloseIn(Schema):
    on: date | None = None
    reason: str = Field("", max_length=2000)
    document_no: str = Field("", max_length=60)


class ApplicantQuery(Schema):
    q: str = Field("", max_length=50)
    org: int | None = Field(None, ge=1, le=2**62, description="an organization: its subtree's files")
    stage: str = Field("", max_length=16)
    outcome: str = Field("", max_length=16)
    year: int | None = Field(None, ge=1900, le=2200)


class DueItemOut(Schema):
    applicant: int
    name: str
    branch: int
    branch_name: str
    kind: str
    label: str
    step: int
    due_on: date
    overdue: bool


class CountOut(Schema):
    key: str
    label: str
    count: int
    admitted: int | None = None


class StatsOut(Schema):
    total: int
    by_year: list[CountOut]
    by_stage: list[CountOut]
    by_sex: list[CountOut]
    by_age: list[CountOut]
    by_education: list[CountOut]


class StepFieldOut(Schema):
    name: str
    label: str
    kind: str
    required: bool


class StepDefOut(Schema):
    number: int
    slug: str
    stage: str
    stage_name: str
    name: str
    rule: str
    repeatable: bool
    fields: list[StepFieldOut]


def _detail(request, applicant):
    applicant = selectors.applicant_get(request.user, applicant.pk)  # afresh, with the dates the next step needs
    applicant.step_items = selectors.applicant_steps(applicant)
    return applicant


def _step_number(step: str) -> int:
    found = rules.step_for(step)
    if found is None:
        raise Http404
    return found.number


@router.get("/applicants/steps", response={200: list[StepDefOut], **ERRORS})
def step_definitions(request):
    """The 25 steps: number, name (slug), stage, the rule and the data each records."""
    return [{"number": s.number, "slug": s.slug, "stage": s.stage, "stage_name": s.stage_name, "name": str(s.name),
             "rule": str(s.rule), "repeatable": s.repeatable,
             "fields": [{"name": f.name, "label": str(f.label), "kind": f.kind, "required": f.required}
                        for f in s.fields]} for s in rules.STEPS]


@router.get("/applicants", response={200: list[ApplicantOut], **ERRORS})
@paginate(Pagination)
def applicant_list(request, filters: Query[ApplicantQuery]):
    """The ledger (台账) in the caller's scope; ``org`` narrows it to a 党委's or a branch's subtree."""
    return selectors.applicant_list(request.user, selectors.ApplicantFilter(**filters.dict()))


@router.post("/applicants", response={201: ApplicantDetailOut, 409: ErrorOut, **ERRORS})
def applicant_create(request, payload: ApplicantIn):
    """登记入党申请 (step 1). The same person with an open file, or already a member → 409."""
    data = payload.dict()
    branch = org_selectors.org_for_field(request.user, data.pop("branch"), "branch")
    applicant = services.applicant_create(request.user, branch=branch, **data)
    return Status(201, _detail(request, applicant))


@router.get("/applicants/due", response={200: list[DueItemOut], **ERRORS})
@paginate(Pagination)
def applicant_due(request, org: int | None = Query(None, ge=1, le=2**62)):
    """What is due soon or overdue: talks, half-yearly assessments, 转正 discussions, approvals."""
    return [{"applicant": i.applicant.pk, "name": i.applicant.name, "branch": i.applicant.branch_id,
             "branch_name": i.applicant.branch.name, "kind": i.kind, "label": i.label, "step": i.step,
             "due_on": i.due_on, "overdue": i.overdue} for i in selectors.due_list(request.user, org=org)]


@router.get("/applicants/stats", response={200: StatsOut, **ERRORS})
def applicant_stats(request, org: int | None = Query(None, ge=1, le=2**62),
                    year: int | None = Query(None, ge=1900, le=2200)):
    """Counts by year of application (and of admission), stage, sex, age band and education."""
    return selectors.stats(request.user, org=org, year=year)


@router.get("/applicants/{int:applicant_id}", response={200: ApplicantDetailOut, **ERRORS})
def applicant_detail(request, applicant_id: int):
    return _detail(request, selectors.applicant_get(request.user, applicant_id))


@router.post("/applicants/{int:applicant_id}/steps/{step}", response={200: ApplicantDetailOut, 403: ErrorOut,
                                                                       **ERRORS})
def applicant_step(request, applicant_id: int, step: str, payload: StepIn):
    """Record step ``step`` (its number 2–25 or its name: ``talk``, ``approval`` …). A step that breaks a
    rule → 422 with the rule's words and article; with ``exception_reason`` an organizer holding
    ``members.except_development`` records it as an exception."""
    applicant = selectors.applicant_get(request.user, applicant_id)
    services.applicant_step(request.user, applicant=applicant, number=_step_number(step), **payload.dict())
    return _detail(request, applicant)


@router.post("/applicants/{int:applicant_id}/steps/{step}/documents",
             response={201: list[DocumentOut], **ERRORS})
def step_documents(request, applicant_id: int, step: str, files: File[list[UploadedFile]]):
    """Upload documents (PDF, OFD, Word, Excel, JPG/PNG; size limit a setting) to a recorded step."""
    applicant = selectors.applicant_get(request.user, applicant_id)
    row = selectors.step_get(request.user, applicant, _step_number(step))
    return Status(201, services.step_documents_add(request.user, step=row, documents=files))


@router.post("/applicants/{int:applicant_id}/extend", response={200: ApplicantDetailOut, **ERRORS})
def applicant_extend(request, applicant_id: int, payload: ExtendIn):
    """延长预备期: once, six months to one year beyond the end of the 预备期."""
    applicant = selectors.applicant_get(request.user, applicant_id)
    return _detail(request, services.applicant_extend(request.user, applicant=applicant, **payload.dict()))


@router.post("/applicants/{int:applicant_id}/disqualify", response={200: ApplicantDetailOut, **ERRORS})
def applicant_disqualify(request, applicant_id: int, payload: CloseIn):
    """取消预备党员资格."""
    applicant = selectors.applicant_get(request.user, applicant_id)
    return _detail(request, services.applicant_disqualify(request.user, applicant=applicant, **payload.dict()))


@router.post("/applicants/{int:applicant_id}/stop", response={200: ApplicantDetailOut, **ERRORS})
def applicant_stop(request, applicant_id: int, payload: CloseIn):
    """终止培养 (before the 党委 approves the person as a 预备党员)."""
    applicant = selectors.applicant_get(request.user, applicant_id)
    data = payload.dict()
    data.pop("document_no")
    return _detail(request, services.applicant_stop(request.user, applicant=applicant, **data))
