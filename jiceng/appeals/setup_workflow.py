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


def ready() -> None:
    from jiceng.core import registry

    registry.register_audit_actions(AUDIT_ACTIONS)
