"""Reads of meetings, attendance and votes. Every function starts from what the actor may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from jiceng.core import audit, scope
from jiceng.core.models import Org
from jiceng.core.periods import add_months, month_start
from jiceng.members.selectors.roll import member_of_user
from jiceng.orglife.models import (
    Attendance,
    AttendanceState,
    DualLife,
    LeaveStatus,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Vote,
)
from jiceng.orglife.rules.attendance import Rate, attendance_rate

VIEW = "orglife.view_meeting"


@dataclass
class MeetingFilter:
    org: int | None = None  # an organization: its meetings and those of the organizations below it
    kind: str = ""  # a kind code
    status: str = ""
    month: date | None = None  # any day of the month


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def month_bounds(day: date) -> tuple[datetime, datetime]:
    start = month_start(day)
    return _aware(start), _aware(add_months(start, 1))


def with_counts(qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return qs.annotate(
        n_expected=Count("attendances", distinct=True),
        n_present=Count("attendances", filter=Q(attendances__state=AttendanceState.PRESENT), distinct=True),
        n_excused=Count("attendances", filter=Q(attendances__state=AttendanceState.EXCUSED), distinct=True),
        n_leave_pending=Count("attendances", filter=Q(attendances__leave_status=LeaveStatus.PENDING), distinct=True),
    )


def meeting_list(actor, filters: MeetingFilter | None = None) -> QuerySet[Meeting]:
    f = filters or MeetingFilter()
    qs = scope.visible(actor, VIEW, Meeting.objects.select_related("org", "kind"))
    if f.org:
        org = scope.visible(actor, "core.view_org", Org.objects.filter(pk=f.org)).only("path").first()
        qs = qs.filter(org__path__subtree=org.path) if org else qs.none()
    if f.kind:
        qs = qs.filter(kind__code=f.kind)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.month:
        start, end = month_bounds(f.month)
        qs = qs.filter(starts_at__gte=start, starts_at__lt=end)
    return with_counts(qs).order_by("-starts_at", "-id")


def meeting_get(actor, meeting_id) -> Meeting:
    return scope.get_or_404(actor, VIEW, Meeting.objects.select_related("org", "org__area", "kind"), pk=meeting_id)


def rate_of(meeting: Meeting) -> Rate:
    if hasattr(meeting, "n_expected"):
        return attendance_rate(expected=meeting.n_expected, excused=meeting.n_excused, present=meeting.n_present)
    states = dict(meeting.attendances.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    return attendance_rate(expected=sum(states.values()), excused=states.get(AttendanceState.EXCUSED, 0),
                           present=states.get(AttendanceState.PRESENT, 0))


def attendance_list(meeting: Meeting) -> QuerySet[Attendance]:
    """The attendees of a meeting the actor already holds (fetched with ``meeting_get``)."""
    return meeting.attendances.select_related("member", "member__branch").order_by("member__name", "member_id")


def vote_list(meeting: Meeting) -> QuerySet[Vote]:
    return meeting.votes.order_by("opened_at", "id")


def _votes() -> QuerySet[Vote]:
    return Vote.objects.select_related("meeting", "meeting__org", "meeting__kind")


def vote_get(actor, vote_id) -> Vote:
    return scope.get_or_404(actor, VIEW, _votes(), pk=vote_id)


def vote_for_ballot(actor, vote_id) -> Vote:
    """A vote the actor sees in scope, or one at a meeting the actor attends as a member."""
    member = own_member(actor)
    mine = Q(meeting__attendances__member=member) if member else Q(pk__in=[])
    vote = _votes().filter(pk=vote_id).filter(mine).first() if str(vote_id).isdigit() else None
    return vote or vote_get(actor, vote_id)


def vote_member(actor, vote: Vote, member_id: int):
    """The member a secretary records a ballot for: one on the meeting's attendance list."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    row = None
    if str(member_id or "").isdigit():
        row = vote.meeting.attendances.select_related("member").filter(member_id=member_id).first()
    if row is None:
        raise ValidationError({"member": [_("该党员不在参会名单中")]})
    return row.member


def pending_leave(actor, org: Org | None = None) -> QuerySet[Attendance]:
    """请假待审批 in the actor's scope (under ``org`` when given), soonest meeting first."""
    qs = scope.visible(actor, VIEW, Attendance.objects.filter(leave_status=LeaveStatus.PENDING,
                                                              meeting__status=MeetingStatus.PLANNED))
    if org is not None:
        qs = qs.filter(meeting__org__path__subtree=org.path)
    return qs.select_related("member", "meeting", "meeting__kind").order_by("meeting__starts_at", "id")


def kinds(active_only: bool = False) -> QuerySet[MeetingKind]:
    """Kinds are deployment-wide configuration, readable by every signed-in user."""
    qs = MeetingKind.objects.all()
    return qs.filter(is_active=True) if active_only else qs


def kind_get(kind_id) -> MeetingKind:
    try:
        return MeetingKind.objects.get(pk=kind_id)
    except (MeetingKind.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def month_plan(actor, org: Org | None, day: date) -> dict:
    """本月计划: the meetings of the month in scope, and for each active kind how many are planned and held."""
    meetings = list(meeting_list(actor, MeetingFilter(org=org.pk if org else None, month=day)))
    per_kind = []
    for kind in kinds(active_only=True):
        mine = [m for m in meetings if m.kind_id == kind.pk]
        per_kind.append({"kind": kind, "planned": sum(1 for m in mine if m.status == MeetingStatus.PLANNED),
                         "held": sum(1 for m in mine if m.status == MeetingStatus.HELD)})
    return {"meetings": meetings, "per_kind": per_kind}


# --- a member's own pages ---------------------------------------------------------------------------

def own_member(user):
    """The member record of a signed-in person themself; None for a system actor or an unlinked account."""
    return member_of_user(user) if audit.user_of(user) is not None else None


def my_attendances(user) -> QuerySet[Attendance]:
    """我的会议: the attendance rows of the signed-in member themself, newest first."""
    member = own_member(user)
    if member is None:
        return Attendance.objects.none()
    return (Attendance.objects.filter(member=member)
            .select_related("meeting", "meeting__org", "meeting__kind").order_by("-meeting__starts_at", "-id"))


def my_attendance_get(user, meeting_id) -> Attendance:
    member = own_member(user)
    row = None
    if member is not None:
        row = (Attendance.objects.select_related("meeting", "meeting__org", "meeting__kind")
               .filter(member=member, meeting_id=meeting_id).first() if str(meeting_id).isdigit() else None)
    if row is None:
        raise Http404
    return row


def member_meetings(member, limit: int = 20) -> QuerySet[Attendance]:
    """The organizational life of a member whose record the caller already holds (their record page):
    meetings of their own branch and of the branch where they take part as a cadre."""
    return (Attendance.objects.filter(member=member)
            .select_related("meeting", "meeting__org", "meeting__kind").order_by("-meeting__starts_at")[:limit])


def dual_life_of(member) -> DualLife | None:
    return DualLife.objects.select_related("branch").filter(member=member).first()
