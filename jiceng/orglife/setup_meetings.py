"""What the meetings part of orglife registers in ``AppConfig.ready()``: role permissions, workbench
modules, audit words and the demo step (``apps.py`` holds one line for it)."""

from django.utils.translation import gettext_lazy as _

MEETINGS_READ = ["orglife.view_meeting", "orglife.view_meetingkind"]
MEETINGS_WRITE = [*MEETINGS_READ, "orglife.add_meeting", "orglife.change_meeting"]
ATTEND = ["orglife.attend_meeting"]
MEETINGS_ROLE_PERMISSIONS = {
    "district_organizer": MEETINGS_WRITE,
    "street_worker": MEETINGS_WRITE,
    "community_secretary": MEETINGS_WRITE + ATTEND,
    "branch_secretary": MEETINGS_WRITE + ATTEND,
    "party_member": ATTEND,
    "system_admin": ["orglife.view_meetingkind", "orglife.add_meetingkind", "orglife.change_meetingkind"],
}


def _leave_pending(user) -> int:
    from jiceng.orglife.selectors.meetings import pending_leave

    return pending_leave(user).count()


def _my_upcoming(user) -> int:
    from jiceng.orglife.selectors.meetings import my_attendances

    return my_attendances(user).filter(meeting__status="planned").count()


def register() -> None:
    from jiceng.core import registry
    from jiceng.core.registry import Module
    from jiceng.members.selectors.roll import is_member_account
    from jiceng.orglife.demo import load_meetings_demo

    registry.register_demo(load_meetings_demo, order=30)
    for role, perms in MEETINGS_ROLE_PERMISSIONS.items():
        registry.register_role_permissions(role, perms)
    registry.register_module(Module(
        "meetings", _("三会一课"), "orglife:meetings", "calendar-event", ("orglife.view_meeting",), 40,
        _("本月计划、会议签到与记录、请假审批、表决；数字为待审批的请假"), counter=_leave_pending))
    registry.register_module(Module(
        "my_meetings", _("我的会议"), "orglife:my_meetings", "person-check", ("orglife.attend_meeting",), 42,
        _("会议通知、签到码签到、请假；数字为未召开的会议"), counter=_my_upcoming, shown=is_member_account))
    registry.register_module(Module(
        "meeting_kinds", _("组织生活类型"), "orglife:kinds", "list-check", ("orglife.change_meetingkind",), 86,
        _("组织生活类型与频次规则")))
    registry.register_audit_actions({
        "meetingkind.create": _("新增组织生活类型"), "meetingkind.update": _("修改组织生活类型"),
        "meetingkind.delete": _("删除组织生活类型"),
        "meeting.create": _("计划组织生活"), "meeting.update": _("修改会议"), "meeting.notify": _("发送会议通知"),
        "meeting.recompute": _("重新计算参会人员"), "meeting.cancel": _("取消会议"),
        "meeting.held": _("确认会议已召开"), "meeting.sign_in": _("会议签到"), "meeting.mark": _("登记出席"),
        "meeting.leave_request": _("请假"), "meeting.leave_decide": _("审批请假"),
        "meeting.file": _("上传会议材料"),
        "dual_life.set": _("登记双重组织生活"), "dual_life.end": _("结束双重组织生活"),
        "vote.open": _("发起表决"), "vote.ballot": _("表决"), "vote.close": _("计票"),
    })
