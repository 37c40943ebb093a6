"""Writes of meetings: plan, edit, notify, recompute the attendees, cancel, mark held.

Attendees come from the kind's audience (支部工作条例 Arts. 16–19): all active members (正式 and 预备)
whose relationship is held by the branch (or any branch below a 党委/总支), plus the leading cadres who
take part there (双重组织生活); the holders of the organization's current posts for committee meetings;
the members of a 党小组 for its group meetings. They are snapshotted as ``Attendance`` rows when the
meeting is planned and may be recomputed while it is still planned.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core import audit, scope
from jiceng.core.errors import Conflict
from jiceng.core.models import Org, Post
from jiceng.members.models import ACTIVE_STATUSES, Member
from jiceng.orglife.models import (
    Attendance,
    AttendanceState,
    Audience,
    DualLife,
    LeaveStatus,
    Meeting,
    MeetingKind,
    MeetingStatus,
)
from jiceng.orglife.rules.attendance import new_code

ADD = "orglife.add_meeting"
CHANGE = "orglife.change_meeting"
MEETING_ORG_KINDS = {"branch", "general_branch", "committee", "working_committee", "group"}
TEXT_LIMITS = {"place": 120, "topic": 120, "host": 40, "recorder": 40, "content": 20000, "minutes": 50000,
               "resolutions": 20000}
PLAN_FIELDS = ("kind", "starts_at", "ends_at", "place", "topic", "content", "host", "recorder")
RECORD_FIELDS = ("place", "content", "host", "recorder", "minutes", "resolutions", "ends_at")


def now() -> datetime:
    return timezone.now()


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


# --- attendees ---------------------------------------------------------------------------------

def expected_members(org: Org, kind: MeetingKind, day: date) -> dict[int, bool]:
    """``{member_id: is_dual_life}`` of those expected at a meeting of ``kind`` held by ``org`` on ``day``."""
    active = Member.objects.filter(status__in=ACTIVE_STATUSES)
    if kind.audience == Audience.GROUP:
        return {pk: False for pk in active.filter(party_group=org).values_list("pk", flat=True)}
    if kind.audience == Audience.COMMITTEE:
        posts = Post.objects.filter(org=org, term_start__lte=day).filter(Q(term_end__isnull=True) | Q(term_end__gt=day))
        users = [u for u in posts.values_list("user_id", flat=True) if u]
        names = list(posts.values_list("holder_name", flat=True))
        held = active.filter(Q(user_id__in=users) | Q(name__in=names, branch__path__subtree=org.path))
        return {pk: False for pk in held.values_list("pk", flat=True)}
    own = active.filter(branch=org) if org.kind == "branch" else active.filter(branch__path__subtree=org.path)
    expected = {pk: False for pk in own.values_list("pk", flat=True)}
    dual = DualLife.objects.filter(member__status__in=ACTIVE_STATUSES, since__lte=day)
    dual = dual.filter(branch=org) if org.kind == "branch" else dual.filter(branch__path__subtree=org.path)
    for pk in dual.values_list("member_id", flat=True):
        expected.setdefault(pk, True)
    return expected


def _snapshot(meeting: Meeting, *, fresh: bool = False) -> dict:
    """Add the newly expected; drop those no longer expected who have neither signed in nor asked leave."""
    wanted = expected_members(meeting.org, meeting.kind, local_day(meeting.starts_at))
    current = {} if fresh else dict(meeting.attendances.values_list("member_id", "pk"))
    stamp = meeting.notified_at and now()
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, member_id=pk, is_dual_life=dual, notified_at=stamp)
         for pk, dual in wanted.items() if pk not in current], ignore_conflicts=True)
    gone = [pk for member_id, pk in current.items() if member_id not in wanted]
    removed = Attendance.objects.filter(pk__in=gone, state=AttendanceState.PENDING,
                                        leave_status=LeaveStatus.NONE).delete()[0] if gone else 0
    return {"added": len([pk for pk in wanted if pk not in current]), "removed": removed}


# --- validation ----------------------------------------------------------------------------------

def _check_org_kind(org: Org, kind: MeetingKind, errors: dict) -> None:
    if org.kind not in MEETING_ORG_KINDS or not org.is_active:
        errors.setdefault("org", []).append(_("组织生活由有效的党组织召开"))
    elif kind.audience == Audience.GROUP and org.kind != "group":
        errors.setdefault("org", []).append(_("%(kind)s由党小组召开，请选择党小组") % {"kind": kind.name})
    elif kind.audience != Audience.GROUP and org.kind == "group":
        errors.setdefault("org", []).append(_("党小组只召开党小组会，%(kind)s请选择支部") % {"kind": kind.name})


def _clean_text(data: dict, errors: dict) -> dict:
    out = {}
    for field, value in data.items():
        if field in TEXT_LIMITS:
            value = (value or "").strip()
            if len(value) > TEXT_LIMITS[field]:
                errors.setdefault(field, []).append(_("不能超过%(n)d个字") % {"n": TEXT_LIMITS[field]})
        out[field] = value
    return out


def _check_times(starts_at, ends_at, errors: dict) -> None:
    if starts_at is None:
        errors.setdefault("starts_at", []).append(_("请填写开始时间"))
    elif ends_at is not None and ends_at <= starts_at:
        errors.setdefault("ends_at", []).append(_("结束时间应晚于开始时间"))


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("org", "kind").get(pk=meeting.pk)


def _record(actor, action: str, meeting: Meeting, summary: dict | None = None) -> None:
    audit.record(actor, action, meeting, node_path=meeting.org.path, summary=summary or {})


# --- writes --------------------------------------------------------------------------------------

@transaction.atomic
def meeting_create(actor, *, org: Org, kind: MeetingKind, starts_at: datetime, ends_at: datetime | None = None,
                   topic: str, place: str = "", content: str = "", host: str = "", recorder: str = "",
                   notify: bool = True) -> Meeting:
    """计划/登记一次组织生活. The attendees are computed from the kind and notified unless ``notify`` is off."""
    scope.require(actor, ADD, org)
    errors: dict = {}
    if kind is None or not kind.is_active:
        errors["kind"] = [_("请选择启用的组织生活类型")]
    else:
        _check_org_kind(org, kind, errors)
    _check_times(starts_at, ends_at, errors)
    text = _clean_text({"topic": topic, "place": place, "content": content, "host": host, "recorder": recorder},
                       errors)
    if not text["topic"] and "topic" not in errors:
        errors["topic"] = [_("请填写会议主题")]
    if errors:
        raise ValidationError(errors)
    meeting = Meeting.objects.create(org=org, kind=kind, starts_at=starts_at, ends_at=ends_at,
                                     created_by=audit.user_of(actor), checkin_code=new_code(), **text)
    counts = _snapshot(meeting, fresh=True)
    if notify:
        _notify(meeting)
    _record(actor, "meeting.create", meeting, {"kind": kind.name, "starts_at": starts_at, **counts})
    return meeting


def _notify(meeting: Meeting) -> int:
    stamp = now()
    sent = meeting.attendances.filter(notified_at__isnull=True).update(notified_at=stamp)
    meeting.notified_at = meeting.notified_at or stamp
    Meeting.objects.filter(pk=meeting.pk).update(notified_at=meeting.notified_at)
    return sent


@transaction.atomic
def meeting_notify(actor, *, meeting: Meeting) -> int:
    """发通知: an in-app notice (shown in 我的会议) to every attendee not yet notified; returns how many."""
    scope.require(actor, CHANGE, meeting)
    meeting = _locked(meeting)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError({"status": [_("只能通知计划中的会议")]})
    sent = _notify(meeting)
    _record(actor, "meeting.notify", meeting, {"sent": sent})
    return sent


@transaction.atomic
def meeting_recompute(actor, *, meeting: Meeting) -> dict:
    """重新计算参会人员 from the roll (only while planned)."""
    scope.require(actor, CHANGE, meeting)
    meeting = _locked(meeting)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError({"status": [_("会议已召开或已取消，参会人员不再变动")]})
    counts = _snapshot(meeting)
    _record(actor, "meeting.recompute", meeting, counts)
    return counts


@transaction.atomic
def meeting_update(actor, *, meeting: Meeting, **changes) -> Meeting:
    """Change the plan (kind, time, topic … while planned) or the record (minutes, resolutions …)."""
    scope.require(actor, CHANGE, meeting)
    meeting = _locked(meeting)
    allowed = set(PLAN_FIELDS if meeting.status == MeetingStatus.PLANNED else RECORD_FIELDS)
    if meeting.status == MeetingStatus.PLANNED:
        allowed |= set(RECORD_FIELDS)
    if meeting.status == MeetingStatus.CANCELLED:
        allowed = set()
    refused = set(changes) - allowed
    if refused:
        cancelled = meeting.status == MeetingStatus.CANCELLED
        message = _("已取消的会议不能修改") if cancelled else _("会议召开后不能修改此项")
        raise ValidationError({f: [message] for f in sorted(refused)})
    errors: dict = {}
    cleaned = _clean_text(changes, errors)
    if "topic" in cleaned and not cleaned["topic"]:
        errors.setdefault("topic", []).append(_("请填写会议主题"))
    kind = cleaned.get("kind", meeting.kind)
    if "kind" in cleaned:
        if kind is None or (not kind.is_active and kind.pk != meeting.kind_id):
            errors["kind"] = [_("请选择启用的组织生活类型")]
        else:
            _check_org_kind(meeting.org, kind, errors)
    _check_times(cleaned.get("starts_at", meeting.starts_at), cleaned.get("ends_at", meeting.ends_at), errors)
    if errors:
        raise ValidationError(errors)
    before = {f: getattr(meeting, f) for f in cleaned}
    for field, value in cleaned.items():
        setattr(meeting, field, value)
    meeting.save()
    if meeting.status == MeetingStatus.PLANNED and ({"kind", "starts_at"} & set(cleaned)):
        _snapshot(meeting)
    diff = audit.changes(before, cleaned)
    if diff:
        _record(actor, "meeting.update", meeting, {k: v for k, v in diff.items()
                                                    if k not in ("minutes", "content", "resolutions")}
                | {k: True for k in diff if k in ("minutes", "content", "resolutions")})
    return meeting


@transaction.atomic
def meeting_cancel(actor, *, meeting: Meeting, reason: str) -> Meeting:
    scope.require(actor, CHANGE, meeting)
    meeting = _locked(meeting)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写取消原因")]})
    if len(reason) > 200:
        raise ValidationError({"reason": [_("不能超过%(n)d个字") % {"n": 200}]})
    if meeting.status != MeetingStatus.PLANNED:
        raise Conflict({"status": [_("只有计划中的会议可以取消")]})
    meeting.status, meeting.cancel_reason = MeetingStatus.CANCELLED, reason
    meeting.save(update_fields=["status", "cancel_reason", "updated_at"])
    _record(actor, "meeting.cancel", meeting, {"reason": reason})
    return meeting


@transaction.atomic
def meeting_mark_held(actor, *, meeting: Meeting) -> Meeting:
    """确认已召开: the meeting counts for the compliance rules from now on (status = held)."""
    scope.require(actor, CHANGE, meeting)
    meeting = _locked(meeting)
    if meeting.status != MeetingStatus.PLANNED:
        raise Conflict({"status": [_("只有计划中的会议可以确认召开")]})
    if meeting.starts_at > now():
        raise ValidationError({"starts_at": [_("会议尚未开始，不能确认已召开")]})
    meeting.status = MeetingStatus.HELD
    meeting.save(update_fields=["status", "updated_at"])
    present = meeting.attendances.filter(state=AttendanceState.PRESENT).count()
    _record(actor, "meeting.held", meeting, {"present": present})
    return meeting


TRANSITIONS = {"held": meeting_mark_held, "cancel": meeting_cancel, "notify": meeting_notify,
               "recompute": meeting_recompute}


def meeting_transition(actor, *, meeting: Meeting, action: str, reason: str = ""):
    if action not in TRANSITIONS:
        raise ValidationError({"action": [_("操作应为 held、cancel、notify 或 recompute")]})
    if action == "cancel":
        return meeting_cancel(actor, meeting=meeting, reason=reason)
    return TRANSITIONS[action](actor, meeting=meeting)
