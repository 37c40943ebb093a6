"""Endpoints of meetings (三会一课 and the rest): kinds, meetings, attendance, sign-in, leave, files and
votes. Thin: selectors and services do the work."""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from jiceng.core import scope
from jiceng.core.api import ERRORS, ErrorOut
from jiceng.core.pagination import Pagination
from jiceng.core.selectors import orgs as org_selectors
from jiceng.orglife.selectors import meetings as selectors
from jiceng.orglife.services import attendance as attendance_services
from jiceng.orglife.services import kinds as kind_services
from jiceng.orglife.services import meetings as services
from jiceng.orglife.services import votes as vote_services

router = Router(tags=["meetings"])
CONFLICT = {409: ErrorOut, **ERRORS}


class KindOut(Schema):
    id: int
    code: str
    name: str
    period: str
    times: int
    audience: str
    per_group: bool
    needs_committee: bool
    rule_text: str
    is_builtin: bool
    is_active: bool
    order: int


class KindIn(Schema):
    code: str = Field(..., max_length=40)
    name: str = Field(..., max_length=40)
    period: str = "none"
    times: int = Field(1, ge=1, le=31)
    audience: str = "all"
    per_group: bool = False
    needs_committee: bool = False
    rule_text: str = Field("", max_length=200)
    order: int = Field(100, ge=0, le=32767)


class KindPatch(Schema):
    name: str | None = Field(None, max_length=40)
    period: str | None = None
    times: int | None = Field(None, ge=1, le=31)
    audience: str | None = None
    per_group: bool | None = None
    needs_committee: bool | None = None
    rule_text: str | None = Field(None, max_length=200)
    is_active: bool | None = None
    order: int | None = Field(None, ge=0, le=32767)


class RateOut(Schema):
    expected: int = Field(description="应到")
    excused: int = Field(description="请假获准")
    present: int = Field(description="出席")
    rate: Decimal | None = Field(description="出席 ÷ (应到 − 请假), %")
    share: Decimal | None = Field(description="出席 ÷ 应到, %")


class MeetingBrief(Schema):
    id: int
    kind: str
    kind_name: str
    org: int = Field(alias="org_id")
    org_name: str
    starts_at: datetime
    ends_at: datetime | None
    place: str
    topic: str
    host: str
    recorder: str
    status: str
    status_name: str

    @staticmethod
    def resolve_kind(obj):
        return obj.kind.code

    @staticmethod
    def resolve_kind_name(obj):
        return obj.kind.name

    @staticmethod
    def resolve_org_name(obj):
        return obj.org.name

    @staticmethod
    def resolve_status_name(obj):
        return obj.get_status_display()



class MeetingOut(MeetingBrief):
    attendance: RateOut

    @staticmethod
    def resolve_attendance(obj):
        r = selectors.rate_of(obj)
        return {"expected": r.expected, "excused": r.excused, "present": r.present, "rate": r.rate,
                "share": r.share}


class MeetingDetailOut(MeetingOut):
    content: str
    minutes: str
    resolutions: str
    cancel_reason: str
    checkin_code: str = Field(description="sign-in code (only for those who may change the meeting)")
    notified_at: datetime | None


class MeetingIn(Schema):
    org: int
    kind: str = Field(..., description="kind code", max_length=40)
    starts_at: datetime
    ends_at: datetime | None = None
    topic: str = Field(..., max_length=120)
    place: str = Field("", max_length=120)
    content: str = Field("", max_length=20000)
    host: str = Field("", max_length=40)
    recorder: str = Field("", max_length=40)
    notify: bool = True


class MeetingPatch(Schema):
    kind: str | None = Field(None, max_length=40)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    topic: str | None = Field(None, max_length=120)
    place: str | None = Field(None, max_length=120)
    content: str | None = Field(None, max_length=20000)
    host: str | None = Field(None, max_length=40)
    recorder: str | None = Field(None, max_length=40)
    minutes: str | None = Field(None, max_length=50000)
    resolutions: str | None = Field(None, max_length=20000)


class TransitionIn(Schema):
    action: str = Field(..., description="held | cancel | notify | recompute")
    reason: str = Field("", max_length=200)


class AttendanceOut(Schema):
    id: int
    member: int = Field(alias="member_id")
    name: str
    state: str
    state_name: str
    is_dual_life: bool
    notified_at: datetime | None
    signed_at: datetime | None
    sign_method: str
    leave_status: str
    leave_reason: str

    @staticmethod
    def resolve_name(obj):
        return obj.member.name

    @staticmethod
    def resolve_state_name(obj):
        return obj.get_state_display()


class MarkIn(Schema):
    present: list[int] = Field(default_factory=list, max_length=1000)
    absent: list[int] = Field(default_factory=list, max_length=1000)


class CodeIn(Schema):
    code: str = Field(..., max_length=8)


class LeaveIn(Schema):
    reason: str = Field(..., max_length=300)


class DecideIn(Schema):
    approve: bool


class MyMeetingOut(Schema):
    meeting: MeetingBrief
    state: str
    leave_status: str
    notified_at: datetime | None
    signed_at: datetime | None


class FileOut(Schema):
    id: int
    kind: str
    name: str
    size: int
    uploaded_at: datetime


class VoteIn(Schema):
    subject: str = Field(..., max_length=200)
    rule: str = Field("ordinary", description="ordinary | admission | full_membership | election")


class VoteOut(Schema):
    id: int
    meeting: int = Field(alias="meeting_id")
    subject: str
    rule: str
    status: str
    entitled: int
    present: int
    written: int
    yes: int
    no: int
    abstain: int
    quorum: bool | None
    passed: bool | None
    explanation: str


class BallotIn(Schema):
    choice: str = Field(..., description="yes | no | abstain")
    member: int | None = Field(None, description="the secretary records another member's vote")
    written: bool = Field(False, description="a written opinion of an absent member")


class BallotOut(Schema):
    id: int
    vote: int = Field(alias="vote_id")
    member: int = Field(alias="member_id")
    choice: str
    written: bool


class MeetingQuery(Schema):
    org: int | None = None
    kind: str = Field("", max_length=40)
    status: str = Field("", max_length=12)
    month: date | None = Field(None, description="any day of the month")


# --- kinds -------------------------------------------------------------------------------------

@router.get("/meeting-kinds", response={200: list[KindOut], **ERRORS})
def kind_list(request, active: bool = False):
    """Kinds of organizational life with their frequency rules (RULES §2 defaults)."""
    return list(selectors.kinds(active_only=active))


@router.post("/meeting-kinds", response={201: KindOut, **CONFLICT})
def kind_create(request, payload: KindIn):
    return Status(201, kind_services.kind_create(request.user, **payload.dict()))


@router.patch("/meeting-kinds/{int:kind_id}", response={200: KindOut, **ERRORS})
def kind_update(request, kind_id: int, payload: KindPatch):
    """Edit a kind or deactivate it (``is_active: false``); built-in kinds are never deleted."""
    kind = selectors.kind_get(kind_id)
    return kind_services.kind_update(request.user, kind=kind, **payload.dict(exclude_unset=True))


# --- meetings ----------------------------------------------------------------------------------

def _kind_arg(code: str | None, field: str = "kind"):
    kind = selectors.kinds().filter(code=code).first() if code else None
    if kind is None:
        raise ValidationError({field: [_("组织生活类型不存在")]})
    return kind


def _detail(request, meeting_id: int):
    meeting = selectors.meeting_get(request.user, meeting_id)
    if not scope.can(request.user, services.CHANGE, meeting):
        meeting.checkin_code = ""
    return meeting


@router.get("/meetings", response={200: list[MeetingOut], **ERRORS})
@paginate(Pagination)
def meeting_list(request, filters: Query[MeetingQuery]):
    """Meetings in the caller's scope, newest first; ``org`` includes the organizations below it."""
    return selectors.meeting_list(request.user, selectors.MeetingFilter(**filters.dict()))


@router.post("/meetings", response={201: MeetingDetailOut, **ERRORS})
def meeting_create(request, payload: MeetingIn):
    """Plan a meeting; the attendees are computed from the kind and notified (``notify``)."""
    data = payload.dict()
    org = org_selectors.org_for_field(request.user, data.pop("org"), "org")
    kind = _kind_arg(data.pop("kind"))
    meeting = services.meeting_create(request.user, org=org, kind=kind, **data)
    return Status(201, _detail(request, meeting.pk))


@router.get("/meetings/mine", response={200: list[MyMeetingOut], **ERRORS})
@paginate(Pagination)
def my_meetings(request):
    """我的会议: the signed-in member's own meetings (notices, sign-in state, leave)."""
    return selectors.my_attendances(request.user)


@router.post("/meetings/sign-in", response={200: MyMeetingOut, **ERRORS})
def sign_in(request, payload: CodeIn):
    """签到 with the code shown at the door (or in the QR code) while the sign-in window is open."""
    return attendance_services.sign_in_by_code(request.user, code=payload.code)


@router.get("/meetings/{int:meeting_id}", response={200: MeetingDetailOut, **ERRORS})
def meeting_detail(request, meeting_id: int):
    return _detail(request, meeting_id)


@router.patch("/meetings/{int:meeting_id}", response={200: MeetingDetailOut, **ERRORS})
def meeting_update(request, meeting_id: int, payload: MeetingPatch):
    meeting = selectors.meeting_get(request.user, meeting_id)
    data = payload.dict(exclude_unset=True)
    if "kind" in data:
        data["kind"] = _kind_arg(data["kind"])
    services.meeting_update(request.user, meeting=meeting, **data)
    return _detail(request, meeting_id)


@router.post("/meetings/{int:meeting_id}/transition", response={200: MeetingDetailOut, **CONFLICT})
def meeting_transition(request, meeting_id: int, payload: TransitionIn):
    """``held`` (确认已召开), ``cancel`` (with ``reason``), ``notify`` (发通知), ``recompute`` (参会人员)."""
    meeting = selectors.meeting_get(request.user, meeting_id)
    services.meeting_transition(request.user, meeting=meeting, **payload.dict())
    return _detail(request, meeting_id)


@router.get("/meetings/{int:meeting_id}/attendance", response={200: list[AttendanceOut], **ERRORS})
def attendance_list(request, meeting_id: int):
    return list(selectors.attendance_list(selectors.meeting_get(request.user, meeting_id)))


@router.post("/meetings/{int:meeting_id}/attendance", response={200: list[AttendanceOut], **ERRORS})
def attendance_mark(request, meeting_id: int, payload: MarkIn):
    """The recorder marks members present or back to not signed in (member ids)."""
    meeting = selectors.meeting_get(request.user, meeting_id)
    attendance_services.attendance_mark(request.user, meeting=meeting, **payload.dict())
    return list(selectors.attendance_list(meeting))


@router.post("/meetings/{int:meeting_id}/leave", response={201: MyMeetingOut, **CONFLICT})
def leave_request(request, meeting_id: int, payload: LeaveIn):
    """请假: the signed-in member asks leave from a planned meeting, with a reason."""
    row = selectors.my_attendance_get(request.user, meeting_id)
    return Status(201, attendance_services.leave_request(request.user, meeting=row.meeting, reason=payload.reason))


@router.post("/meetings/{int:meeting_id}/leave/{int:attendance_id}", response={200: AttendanceOut, **CONFLICT})
def leave_decide(request, meeting_id: int, attendance_id: int, payload: DecideIn):
    meeting = selectors.meeting_get(request.user, meeting_id)
    return attendance_services.leave_decide(request.user, meeting=meeting, attendance_id=attendance_id,
                                            approve=payload.approve)


@router.post("/meetings/{int:meeting_id}/files", response={201: FileOut, **ERRORS})
def file_add(request, meeting_id: int, file: File[UploadedFile], kind: Form[str] = "attachment"):
    """Upload a photo (JPG/PNG) or attachment (PDF, OFD, Word, Excel, JPG/PNG), ≤ ORGLIFE_UPLOAD_MAX_MB."""
    meeting = selectors.meeting_get(request.user, meeting_id)
    return Status(201, attendance_services.file_add(request.user, meeting=meeting, file=file, kind=kind))


# --- votes -------------------------------------------------------------------------------------

@router.get("/meetings/{int:meeting_id}/votes", response={200: list[VoteOut], **ERRORS})
def vote_list(request, meeting_id: int):
    return list(selectors.vote_list(selectors.meeting_get(request.user, meeting_id)))


@router.post("/meetings/{int:meeting_id}/votes", response={201: VoteOut, **ERRORS})
def vote_open(request, meeting_id: int, payload: VoteIn):
    """Open a vote; the entitled voters (full members not under 留党察看) are fixed now."""
    meeting = selectors.meeting_get(request.user, meeting_id)
    return Status(201, vote_services.vote_open(request.user, meeting=meeting, **payload.dict()))


@router.post("/meetings/votes/{int:vote_id}/ballots", response={201: BallotOut, **CONFLICT})
def ballot_cast(request, vote_id: int, payload: BallotIn):
    """One ballot per person (a second one → 409). Without ``member``: the caller votes for themself."""
    vote = selectors.vote_for_ballot(request.user, vote_id)
    member = selectors.vote_member(request.user, vote, payload.member) if payload.member else None
    return Status(201, vote_services.ballot_cast(request.user, vote=vote, member=member, choice=payload.choice,
                                                 written=payload.written))


@router.post("/meetings/votes/{int:vote_id}/close", response={200: VoteOut, **CONFLICT})
def vote_close(request, vote_id: int):
    """计票: the outcome by RULES §2 with the numbers and the rule's words (``explanation``)."""
    return vote_services.vote_close(request.user, vote=selectors.vote_get(request.user, vote_id))
