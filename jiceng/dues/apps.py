from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

READ = ["dues.view_dues"]
OWN = ["dues.view_own_dues"]
MANAGE = [*READ, *OWN, "dues.manage_dues", "dues.view_dues_base", "dues.export_dues"]

DUES_ROLE_PERMISSIONS = {
    "district_organizer": [*READ, "dues.export_dues"],
    "street_worker": [*READ, "dues.export_dues"],
    "community_secretary": MANAGE,
    "branch_secretary": MANAGE,
    "instructor": READ,
    "party_member": OWN,
}


def _open_reviews(user) -> int:
    from jiceng.dues.selectors import review_list

    return review_list(user, state="open").count()


class DuesConfig(AppConfig):
    name = "jiceng.dues"
    label = "dues"
    verbose_name = _("党费")

    def ready(self):
        from jiceng.core import registry
        from jiceng.core.registry import Module
        from jiceng.dues.demo import load_dues_demo
        from jiceng.members.selectors.roll import is_member_account

        registry.register_demo(load_dues_demo, order=50)
        for role, perms in DUES_ROLE_PERMISSIONS.items():
            registry.register_role_permissions(role, perms)
        for module in [
            Module("dues", _("党费"), "dues:home", "cash-coin", ("dues.view_dues",), 40,
                   _("年度核定、按月台账、收缴与上缴、公示；数字为待研究的自行脱党审查"), counter=_open_reviews),
            Module("my_dues", _("我的党费"), "dues:my", "wallet2", ("dues.view_own_dues",), 41,
                   _("每月应交、已交月份、收据与网上交纳"), shown=is_member_account),
        ]:
            registry.register_module(module)
        registry.register_audit_actions({
            "dues.base": _("填报党费计算基数"), "dues.fix": _("年度党费核定"), "dues.recalculate": _("党费重新核定"),
            "dues.ledger": _("开出党费台账"), "dues.pay": _("登记党费交纳"), "dues.voluntary": _("登记自愿多交党费"),
            "dues.remit": _("登记党费上缴"), "dues.lapse_raise": _("提出自行脱党审查"),
            "dues.lapse_decide": _("研究自行脱党审查"), "dues.export": _("导出党费台账"),
            "dues.unmask": _("查看党费计算基数"),
        })
