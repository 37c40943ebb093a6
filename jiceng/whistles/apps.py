from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

WHISTLE_CALLER = ["whistles.view_whistle", "whistles.add_whistle", "whistles.change_whistle",
                  "whistles.view_enterpriserequest", "whistles.change_enterpriserequest"]
WHISTLES_ROLE_PERMISSIONS = {
    "district_organizer": WHISTLE_CALLER,
    "street_worker": WHISTLE_CALLER,
    "community_secretary": WHISTLE_CALLER,
    "dept_handler": ["whistles.report_whistlecall"],  # sees the whistles that summon its department
}


def _counter(user) -> int | None:
    from jiceng.whistles.selectors.whistles import open_counts

    counts = open_counts(user)
    return counts["pending"] if counts["pending"] else counts["open"]


class WhistlesConfig(AppConfig):
    name = "jiceng.whistles"
    label = "whistles"
    verbose_name = _("吹哨报到")

    def ready(self):
        from jiceng.core import registry
        from jiceng.core.registry import Module
        from jiceng.whistles.demo import load_whistles_demo

        registry.register_demo(load_whistles_demo, order=70)
        for role, perms in WHISTLES_ROLE_PERMISSIONS.items():
            registry.register_role_permissions(role, perms)
        registry.register_module(Module(
            "whistles", _("吹哨报到"), "whistles:board", "megaphone",
            ("whistles.view_whistle", "whistles.report_whistlecall"), 70,
            _("街乡吹哨、部门报到：报到倒计时、处置记录、评价与统计；数字为办理中的吹哨（部门为待报到）"),
            counter=_counter))
        registry.register_module(Module(
            "enterprise_requests", _("企业吹哨"), "whistles:requests", "buildings",
            ("whistles.view_enterpriserequest",), 71, _("企业提出的诉求，转为吹哨或答复；数字为待处理的诉求"),
            counter=_requests_counter))
        registry.register_audit_actions({
            "whistle.blow": _("吹哨"), "whistle.call_add": _("追加召集部门"), "whistle.report": _("部门报到"),
            "whistle.action": _("记录处置情况"), "whistle.rate": _("评价报到部门"), "whistle.close": _("结束吹哨"),
            "whistle.appeals": _("关联诉求"),
            "enterprise_request.create": _("企业吹哨"), "enterprise_request.convert": _("企业诉求转为吹哨"),
            "enterprise_request.decline": _("企业诉求不予吹哨"),
        })


def _requests_counter(user) -> int | None:
    from jiceng.whistles.selectors.enterprise import new_count

    return new_count(user)
