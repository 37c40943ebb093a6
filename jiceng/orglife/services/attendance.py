"""Sign-in, leave requests, meeting files and 双重组织生活.

A member signs in with the meeting's short code (or its QR code) during the sign-in window; the
recorder may mark anyone. Sign-in is a conditional UPDATE of the member's own attendance row, so two
requests at once leave one row signed once. Leave (请假) is asked by the member with a reason and
decided by the secretary; an approved leave excuses the member (not counted against the rate).

Settings: ``ORGLIFE_SIGNIN_EARLY_MINUTES`` (60), ``ORGLIFE_UPLOAD_MAX_MB`` (10).
"""

from __future__ import annotations

import os
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from jiceng.core import audit, scope
from jiceng.core.errors import Conflict
from jiceng.core.models import Org
from jiceng.members.models import EventKind, Member
from jiceng.members.services.development_checks import UPLOAD_TYPES
from jiceng.members.services.roll import member_event
from jiceng.orglife.models import (
    Attendance,
    AttendanceState,
    DualLife,
    FileKind,
    LeaveStatus,
    Meeting,
    MeetingFile,
    MeetingStatus,
    SignMethod,
)
from jiceng.orglife.rules.attendance import signin_window
from jiceng.orglife.selectors.meetings import own_member
from jiceng.orglife.services.meetings import CHANGE, now

PHOTO_TYPES = {".jpg", ".jpeg", ".png"}
SIGNIN_MAX_FAILURES = 10  # wrong codes of one member within SIGNIN_FAILURE_MINUTES: codes are not guessed
SIGNIN_FAILURE_MINUTES = 10


def early_minutes() -> int:
    return int(getattr(settings, "ORGLIFE_SIGNIN_EARLY_MINUTES", 60))


def upload_limit_mb() -> int:
    return int(getattr(settings, "ORGLIFE_UPLOAD_MAX_MB", 10))


def _own_member(actor) -> Member:
    member = own_member(actor)
    if member is None:
        raise PermissionDenied(_("您的账号没有关联党员信息，请联系支部书记"))
    return member


def _signable(meeting: Meeting) -> bool:
    if meeting.status == MeetingStatus.CANCELLED:
        return False
    opens, closes = signin_window(meeting.starts_at, meeting.ends_at, early_minutes=early_minutes())
    return opens <= now() <= closes


@transaction.atomic
def sign_in_by_code(actor, *, code: str) -> Attendance:
    """签到: the signed-in member's own attendance at the meeting whose code this is and whose sign-in
    window is open now. Signing in twice is harmless (the first time stands)."""
    member = _own_member(actor)
    failures_key = f"orglife:signin-failures:{member.pk}"
    if cache.get(failures_key, 0) >= SIGNIN_MAX_FAILURES:
        raise ValidationError({"code": [_("签到码输错次数过多，请%(n)d分钟后再试，或请记录人登记") % {
            "n": SIGNIN_FAILURE_MINUTES}]})
    code = (code or "").strip()
    if not code.isdigit() or len(code) > 8:
        raise ValidationError({"code": [_("签到码为6位数字，请核对")]})
    candidates = [a for a in Attendance.objects.select_related("meeting", "meeting__org").filter(
        member=member, meeting__checkin_code=code).exclude(meeting__status=MeetingStatus.CANCELLED)
        if _signable(a.meeting)]
    if not candidates:
        cache.add(failures_key, 0, SIGNIN_FAILURE_MINUTES * 60)
        cache.incr(failures_key)
        raise ValidationError({"code": [_("签到码不正确，或不在签到时间内（会前%(n)d分钟至会议结束），"
                                          "或您不在该会议的参会名单中") % {"n": early_minutes()}]})
    attendance = candidates[0]
    signed = Attendance.objects.filter(pk=attendance.pk).exclude(state=AttendanceState.PRESENT).update(
        state=AttendanceState.PRESENT, signed_at=now(), sign_method=SignMethod.CODE, marked_by=audit.user_of(actor))
    if signed:  # a second request at the same moment updates nothing and records nothing
        audit.record(actor, "meeting.sign_in", attendance.meeting, node_path=attendance.meeting.org.path,
                     summary={"member": member.name, "method": SignMethod.CODE})
    attendance.refresh_from_db()
    return attendance


@transaction.atomic
def attendance_mark(actor, *, meeting: Meeting, present: list[int], absent: list[int] = ()) -> int:
    """The recorder marks members present (or back to not signed in); returns how many rows changed.
    Members not on the attendance list are a field error and nothing is written."""
    scope.require(actor, CHANGE, meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError({"status": [_("会议已取消")]})
    wanted = {int(pk) for pk in present} | {int(pk) for pk in absent}
    rows = dict(Attendance.objects.select_for_update().filter(meeting=meeting, member_id__in=wanted)
                .values_list("member_id", "pk"))
    if set(rows) != wanted:
        raise ValidationError({"member": [_("有党员不在参会名单中")]})
    user = audit.user_of(actor)
    changed = Attendance.objects.filter(meeting=meeting, member_id__in=present).exclude(
        state=AttendanceState.PRESENT).update(state=AttendanceState.PRESENT, signed_at=now(),
                                              sign_method=SignMethod.RECORDER, marked_by=user)
    changed += Attendance.objects.filter(meeting=meeting, member_id__in=absent, state=AttendanceState.PRESENT).update(
        state=AttendanceState.PENDING, signed_at=None, sign_method="", marked_by=user)
    if changed:
        audit.record(actor, "meeting.mark", meeting, node_path=meeting.org.path,
                     summary={"present": sorted(present), "absent": sorted(absent)})
    return changed


@transaction.atomic
def leave_request(actor, *, meeting: Meeting, reason: str) -> Attendance:
    """请假: the member asks leave from a planned meeting they are expected at, with a reason."""
    member = _own_member(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写请假事由")]})
    if len(reason) > 300:
        raise ValidationError({"reason": [_("不能超过%(n)d个字") % {"n": 300}]})
    attendance = Attendance.objects.select_for_update().select_related("meeting", "meeting__org").filter(
        meeting=meeting, member=member).first()
    if attendance is None:
        raise Http404
    if attendance.meeting.status != MeetingStatus.PLANNED:
        raise ValidationError({"meeting": [_("会议已召开或已取消，不能请假")]})
    if attendance.state == AttendanceState.PRESENT:
        raise Conflict({"meeting": [_("您已签到，不能再请假")]})
    if attendance.leave_status in (LeaveStatus.PENDING, LeaveStatus.APPROVED):
        raise Conflict({"meeting": [_("已提交请假，请等待审批结果")]})
    attendance.leave_status, attendance.leave_reason = LeaveStatus.PENDING, reason
    attendance.leave_requested_at, attendance.leave_decided_at, attendance.leave_decided_by = now(), None, None
    attendance.save()
    audit.record(actor, "meeting.leave_request", attendance.meeting, node_path=attendance.meeting.org.path,
                 summary={"member": member.name, "reason": reason})
    return attendance


@transaction.atomic
def leave_decide(actor, *, meeting: Meeting, attendance_id: int, approve: bool) -> Attendance:
    """The secretary approves (the member is excused) or refuses a pending leave request."""
    scope.require(actor, CHANGE, meeting)
    attendance = Attendance.objects.select_for_update().filter(meeting=meeting, pk=attendance_id).first()
    if attendance is None:
        raise ValidationError({"attendance": [_("该请假申请不存在")]})
    if attendance.leave_status != LeaveStatus.PENDING:
        raise Conflict({"attendance": [_("该请假申请已处理")]})
    attendance.leave_status = LeaveStatus.APPROVED if approve else LeaveStatus.REJECTED
    attendance.leave_decided_at, attendance.leave_decided_by = now(), audit.user_of(actor)
    if approve and attendance.state == AttendanceState.PENDING:
        attendance.state = AttendanceState.EXCUSED
    attendance.save()
    audit.record(actor, "meeting.leave_decide", meeting, node_path=meeting.org.path,
                 summary={"attendance": attendance.pk, "approve": approve})
    return attendance


def clean_upload(file, kind: str) -> str:
    """The file's name when it is an accepted type (checked by its first bytes) within the size limit."""
    name = os.path.basename(getattr(file, "name", "") or "")[:200]
    ext = os.path.splitext(name)[1].lower()
    limit = upload_limit_mb()
    if kind not in FileKind.values:
        raise ValidationError({"kind": [_("类别应为照片或附件")]})
    if ext not in UPLOAD_TYPES or (kind == FileKind.PHOTO and ext not in PHOTO_TYPES):
        raise ValidationError({"file": [_("照片只能是 JPG/PNG；附件可以是 PDF、OFD、Word、Excel 或 JPG/PNG")]})
    if file.size > limit * 1024 * 1024:
        raise ValidationError({"file": [_("文件不能超过%(n)dMB") % {"n": limit}]})
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if not any(head.startswith(sig) for sig in UPLOAD_TYPES[ext]):
        raise ValidationError({"file": [_("文件内容与扩展名不符")]})
    return name


@transaction.atomic
def file_add(actor, *, meeting: Meeting, file, kind: str = FileKind.ATTACHMENT) -> MeetingFile:
    scope.require(actor, CHANGE, meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError({"file": [_("会议已取消")]})
    name = clean_upload(file, kind)
    item = MeetingFile.objects.create(meeting=meeting, kind=kind, file=file, name=name, size=file.size,
                                      uploaded_by=audit.user_of(actor))
    audit.record(actor, "meeting.file", meeting, node_path=meeting.org.path, summary={"name": name, "kind": kind})
    return item


@transaction.atomic
def dual_life_set(actor, *, member: Member, branch: Org | None, since: date | None = None, note: str = ""
                  ) -> DualLife | None:
    """Record (or end, with ``branch=None``) the branch where a leading cadre takes part in
    organizational life as an ordinary member. Written on the member's record (履历)."""
    scope.require(actor, "members.change_member", member)
    errors: dict = {}
    if not member.is_cadre:
        errors["member"] = [_("只有领导干部需要登记双重组织生活")]
    if branch is not None:
        if branch.kind != "branch" or not branch.is_active:
            errors["branch"] = [_("请选择有效的党支部")]
        elif branch.pk == member.branch_id:
            errors["branch"] = [_("该支部就是其组织关系所在支部")]
        elif not scope.can(actor, "orglife.view_meeting", branch):
            errors["branch"] = [_("党组织不存在或不在您的管辖范围内")]
    if errors:
        raise ValidationError(errors)
    current = DualLife.objects.select_for_update().filter(member=member).first()
    if branch is None:
        if current is None:
            return None
        member_event(member, actor, EventKind.UPDATED, _("结束在%(b)s参加双重组织生活") % {"b": current.branch.name})
        audit.record(actor, "dual_life.end", member, node_path=member.branch.path,
                     summary={"branch": current.branch.name})
        current.delete()
        return None
    since = since or now().date()
    record, _created = DualLife.objects.update_or_create(member=member, defaults={
        "branch": branch, "since": since, "note": (note or "").strip()[:200]})
    member_event(member, actor, EventKind.UPDATED, _("双重组织生活：以普通党员身份参加%(b)s的组织生活") % {
        "b": branch.name}, on=since)
    audit.record(actor, "dual_life.set", member, node_path=member.branch.path, summary={"branch": branch.name})
    return record
