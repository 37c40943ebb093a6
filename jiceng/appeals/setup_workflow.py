"""Registrations of the workflow part of appeals (modules, audit words, demo steps), called from ``apps.py``."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "appeal.categorize": _("确认诉求类别"),
    "appeal.place": _("确定诉求属地"),
    "appeal.dispatch": _("派单"),
    "appeal.accept": _("签收诉求"),
    "appeal.return": _("退单"),
    "appeal.progress": _("记录办理进展"),
    "appeal.resolve": _("办结诉求"),
    "appeal.extension_request": _("申请延期"),
    "appeal.extension_decide": _("审批延期"),
    "appeal.merge": _("合并诉求"),
    "appeal.park": _("挂账"),
    "appeal.unpark": _("取消挂账"),
    "appeal.callback": _("回访诉求"),
    "appeal.close": _("关闭诉求"),
    "appeal.remind": _("诉求到期提醒"),
    "appeal.escalate": _("诉求超期升级"),
    "appeal.recount": _("重算诉求期限"),
}


def _open_and_overdue(user) -> int | None:
    """The board tile's number: open appeals in scope, overdue included."""
    from jiceng.appeals.selectors import appeals

    return appeals.queue_counts(user)["open"]


def _pending(user) -> int | None:
    from jiceng.appeals.selectors import appeals

    return appeals.pending_count(user)


def _has_inbox(user) -> bool:
    return getattr(user, "department_id", None) is not None


def ready() -> None:
    from django.db.models.signals import post_save

    from jiceng.appeals import demo
    from jiceng.appeals.services import deadlines
    from jiceng.core import registry
    from jiceng.core.models import CalendarYear
    from jiceng.core.registry import Module

    registry.register_audit_actions(AUDIT_ACTIONS)
    registry.register_module(Module(
        "appeals", _("接诉即办"), "appeals:board", "telephone-inbound", ("appeals.view_appeal",), 68,
        _("派单台：受理、派单、签收、办结、回访；数字为辖区内未办结的诉求"), counter=_open_and_overdue))
    registry.register_module(Module(
        "appeals_inbox", _("待签收"), "appeals:inbox", "inbox", ("appeals.handle_appeal",), 69,
        _("派给本部门的诉求：签收、退单、办理；数字为待签收的派单"), counter=_pending, shown=_has_inbox))
    registry.register_demo(demo.demo_appeals, order=80)
    post_save.connect(deadlines.calendar_saved, sender=CalendarYear, dispatch_uid="appeals-recount-deadlines")
