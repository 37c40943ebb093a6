"""Votes at branch meetings (RULES §2): open a motion (the entitled voters are fixed from the roll),
cast one ballot per person, count and decide with ``rules.votes.decide``.

Entitled: full members whose relationship the branch holds and who are not under 留党察看 on the
meeting day (党章 Arts. 4, 7, 40; ``members.rules.standing.voting_refusal``). A member votes in person
once signed in; the secretary records the written opinions of absent entitled members (细则 Art. 20).
One ballot per person is a database constraint: a second one, at once or later, is a 409.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from jiceng.core import audit, scope
from jiceng.core.errors import Conflict
from jiceng.members.models import Member, MemberStatus
from jiceng.members.rules.standing import voting_refusal
from jiceng.orglife.models import AttendanceState, Ballot, Choice, Meeting, MeetingStatus, Vote, VoteRule, VoteStatus
from jiceng.orglife.rules.votes import decide, written_refusal
from jiceng.orglife.selectors.meetings import own_member
from jiceng.orglife.services.meetings import CHANGE, local_day, now

STRICT_RULES = {VoteRule.ADMISSION, VoteRule.FULL_MEMBERSHIP, VoteRule.ELECTION}


def entitled_voters(meeting: Meeting) -> list[int]:
    """The ids of the members entitled to vote at a meeting of the branch, on its day."""
    day = local_day(meeting.starts_at)
    members = Member.objects.filter(branch=meeting.org, status=MemberStatus.FULL).prefetch_related("disciplines")
    return sorted(m.pk for m in members
                  if voting_refusal(status=m.status, disciplines=list(m.disciplines.all()), day=day) is None)


@transaction.atomic
def vote_open(actor, *, meeting: Meeting, subject: str, rule: str = VoteRule.ORDINARY) -> Vote:
    scope.require(actor, CHANGE, meeting)
    meeting = Meeting.objects.select_for_update().select_related("org", "kind").get(pk=meeting.pk)
    errors: dict = {}
    subject = (subject or "").strip()
    if not subject or len(subject) > 200:
        errors["subject"] = [_("请填写表决事项（不超过200个字）")]
    if rule not in VoteRule.values:
        errors["rule"] = [_("表决规则无效")]
    if meeting.org.kind != "branch":
        errors["meeting"] = [_("表决在党支部的会议上进行")]
    elif meeting.status == MeetingStatus.CANCELLED:
        errors["meeting"] = [_("会议已取消")]
    elif rule in STRICT_RULES and meeting.kind.code != "assembly":
        errors["rule"] = [_("接收预备党员、转正和选举须由支部党员大会表决")]
    if errors:
        raise ValidationError(errors)
    entitled = entitled_voters(meeting)
    if not entitled:
        raise ValidationError({"meeting": [_("该支部没有有表决权的党员")]})
    vote = Vote.objects.create(meeting=meeting, subject=subject, rule=rule, entitled_ids=entitled,
                               entitled=len(entitled), created_by=audit.user_of(actor))
    audit.record(actor, "vote.open", meeting, node_path=meeting.org.path,
                 summary={"vote": vote.pk, "subject": subject, "rule": rule, "entitled": len(entitled)})
    return vote


def _present_ids(vote: Vote) -> set[int]:
    return set(vote.meeting.attendances.filter(state=AttendanceState.PRESENT, member_id__in=vote.entitled_ids)
               .values_list("member_id", flat=True))


@transaction.atomic
def ballot_cast(actor, *, vote: Vote, choice: str, member: Member | None = None, written: bool = False) -> Ballot:
    """投票. Without ``member``: the actor votes for themself (signed in at the meeting). With ``member``:
    the secretary records that member's vote, or (``written``) the written opinion of an absent member."""
    if member is None:
        member = own_member(actor)
        if member is None:
            raise PermissionDenied(_("您的账号没有关联党员信息，请联系支部书记"))
        if not vote.meeting.attendances.filter(member=member).exists():
            raise Http404
        if written:
            raise ValidationError({"written": [_("书面意见由支部登记")]})
    else:
        scope.require(actor, CHANGE, vote.meeting)
    errors: dict = {}
    if choice not in Choice.values:
        errors["choice"] = [_("意见应为赞成、反对或弃权")]
    if member.pk not in vote.entitled_ids:
        errors["member"] = [_("该党员没有本次表决的表决权（预备党员、受留党察看处分的党员没有表决权）")]
    if errors:
        raise ValidationError(errors)
    # Locked like ``vote_close``: a ballot is either counted or refused, never left beside a closed count.
    vote = Vote.objects.select_for_update().select_related("meeting", "meeting__org").get(pk=vote.pk)
    if vote.status != VoteStatus.OPEN:
        raise Conflict({"vote": [_("表决已结束")]})
    present = member.pk in _present_ids(vote)
    if written:
        if written_refusal(vote.rule):
            raise ValidationError({"written": [written_refusal(vote.rule)]})
        if present:
            raise ValidationError({"written": [_("该党员已到会，请当场表决")]})
    elif not present:
        raise ValidationError({"member": [_("请先签到再表决；不能到会的，可会前向支部提交书面意见")]})
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(vote=vote, member=member, choice=choice, written=written,
                                           recorded_by=audit.user_of(actor))
    except IntegrityError as exc:
        raise Conflict({"member": [_("该党员已经表决过，每人只能表决一次")]}) from exc
    audit.record(actor, "vote.ballot", vote.meeting, node_path=vote.meeting.org.path,
                 summary={"vote": vote.pk, "member": member.pk, "written": written})
    return ballot


@transaction.atomic
def vote_close(actor, *, vote: Vote) -> Vote:
    """计票: quorum from those present (written opinions excluded), majority over the ballots (written
    opinions of absent members included); the numbers and the rule's words are kept with the vote."""
    scope.require(actor, CHANGE, vote.meeting)
    vote = Vote.objects.select_for_update().select_related("meeting", "meeting__kind", "meeting__org").get(pk=vote.pk)
    if vote.status != VoteStatus.OPEN:
        raise Conflict({"vote": [_("表决已结束")]})
    present = _present_ids(vote)
    counted = [b for b in vote.ballots.all() if (b.member_id in present) or (b.written and b.member_id not in present)]
    tally = {c: sum(1 for b in counted if b.choice == c) for c in Choice.values}
    written = sum(1 for b in counted if b.member_id not in present)
    decision = decide(vote.rule, vote.meeting.kind.code, entitled=vote.entitled, present=len(present),
                      written=written, yes=tally[Choice.YES])
    vote.present, vote.written = len(present), written
    vote.yes, vote.no, vote.abstain = tally[Choice.YES], tally[Choice.NO], tally[Choice.ABSTAIN]
    vote.quorum, vote.passed, vote.explanation = decision.quorum, decision.passed, decision.explanation
    vote.status, vote.closed_at = VoteStatus.CLOSED, now()
    vote.save()
    audit.record(actor, "vote.close", vote.meeting, node_path=vote.meeting.org.path,
                 summary={"vote": vote.pk, "passed": vote.passed, "present": vote.present, "yes": vote.yes})
    return vote
