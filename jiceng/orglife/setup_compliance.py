"""What the compliance, record-book and study parts of orglife register in ``AppConfig.ready()``:
role permissions, workbench modules, audit words and the demo step (kept here so that ``apps.py``,
shared with the meetings part, holds one line for them)."""

from django.utils.translation import gettext_lazy as _

SEE = ["orglife.view_meeting", "orglife.view_studyitem"]
ASSIGN = [*SEE, "orglife.add_studyitem", "orglife.change_studyitem"]

COMPLIANCE_ROLE_PERMISSIONS = {
    "district_organizer": ASSIGN,
    "street_worker": ASSIGN,
    "community_secretary": ASSIGN,
    "branch_secretary": ASSIGN,
    "instructor": SEE,
}


def _missing(user) -> int | None:
    from jiceng.orglife.selectors.compliance import missing_count

    return missing_count(user)


def _my_study(user) -> int | None:
    from jiceng.orglife.selectors.study import my_open_count

    return my_open_count(user)


def register() -> None:
    from jiceng.core import registry
    from jiceng.core.registry import Module
    from jiceng.members.selectors.roll import is_member_account
    from jiceng.orglife.demo_study import load_study_demo

    for role, perms in COMPLIANCE_ROLE_PERMISSIONS.items():
        registry.register_role_permissions(role, perms)
    registry.register_module(Module(
        "compliance", _("三会一课达标"), "orglife:compliance", "calendar-check", ("orglife.view_meeting",), 41,
        _("本月计划与缺项、支部日历、街道热力表、全程纪实册；数字为本年缺项和即将到期的事项"), counter=_missing))
    registry.register_module(Module(
        "study_admin", _("学习布置"), "orglife:study_items", "journal-text", ("orglife.view_studyitem",), 43,
        _("布置学习内容，查看各支部完成率（目标80%）")))
    registry.register_module(Module(
        "my_study", _("我的学习"), "orglife:my_study", "book", (), 44,
        _("组织布置给我的学习内容；数字为未完成的条目"), counter=_my_study, shown=is_member_account))
    registry.register_audit_actions({
        "study.create": _("布置学习内容"), "study.update": _("修改学习内容"), "study.complete": _("完成学习"),
        "compliance.export": _("导出全程纪实册"),
    })
    registry.register_demo(load_study_demo, order=40)
