from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

ROLL_READ = ["members.view_member", "members.view_discipline", "members.view_memberevent"]
ROLL_WRITE = [*ROLL_READ, "members.add_member", "members.change_member", "members.import_member",
              "members.export_member"]
DEVELOPMENT = ["members.view_applicant", "members.add_applicant", "members.change_applicant"]
TRANSFERS = ["members.view_transfer", "members.add_transfer", "members.change_transfer",
             "members.approve_transfer", "members.receive_transfer"]
REPORTS = ["members.view_servicereport", "members.add_servicereport", "members.change_servicereport"]
ORGANIZER = ["members.unmask_member", "members.discipline_member", "members.except_development"]

MEMBERS_ROLE_PERMISSIONS = {
    "district_organizer": ROLL_WRITE + DEVELOPMENT + TRANSFERS + REPORTS + ORGANIZER,
    "street_worker": ROLL_WRITE + DEVELOPMENT + TRANSFERS + REPORTS + ORGANIZER,
    "community_secretary": ROLL_WRITE + DEVELOPMENT + TRANSFERS + REPORTS + ["members.unmask_member"],
    # A branch secretary keeps the branch's roll but sees ID numbers and mobiles masked.
    "branch_secretary": ROLL_WRITE + DEVELOPMENT + ["members.view_transfer", "members.add_transfer",
                                                    "members.change_transfer", "members.receive_transfer"],
    "instructor": ["members.view_member", "members.view_applicant"],
    "grid_worker": ["members.view_servicereport"],
}


def _development_due(user) -> int:
    from jiceng.members.selectors.development import due_list

    return len(due_list(user))


def _transfers_inbox(user) -> int:
    from jiceng.members.selectors.transfers import transfer_list

    return transfer_list(user, box="inbox", state="issued").count()


class MembersConfig(AppConfig):
    name = "jiceng.members"
    label = "members"
    verbose_name = _("党员")

    def ready(self):
        from jiceng.core import registry
        from jiceng.core.registry import Module
        from jiceng.members.demo import load_members_demo
        from jiceng.members.demo_activity import load_activity_demo

        registry.register_demo(load_members_demo, order=10)
        registry.register_demo(load_activity_demo, order=20)

        for role, perms in MEMBERS_ROLE_PERMISSIONS.items():
            registry.register_role_permissions(role, perms)
        for module in [
            Module("members", _("党员名册"), "members:roll", "person-vcard", ("members.view_member",), 30,
                   _("名册、导入导出、流动党员与组织健康")),
            Module("development", _("发展党员"), "members:development", "ladder", ("members.view_applicant",), 31,
                   _("五个阶段二十五个步骤与台账；数字为30天内到期或逾期的事项"), counter=_development_due),
            Module("transfers", _("关系转接"), "members:transfers", "arrow-left-right", ("members.view_transfer",),
                   32, _("组织关系转出、转入与介绍信；数字为待接收的转入"), counter=_transfers_inbox),
            Module("reports", _("双报到"), "members:reports", "house-heart", ("members.view_servicereport",), 33,
                   _("在职党员到社区报到")),
        ]:
            registry.register_module(module)
        registry.register_audit_actions({
            "member.create": _("登记党员"), "member.update": _("修改党员信息"), "member.import": _("导入党员名册"),
            "member.export": _("导出党员名册"), "member.status": _("变更党籍状态"),
            "member.link_user": _("关联党员本人账号"),
            "member.discipline": _("登记党纪处分"), "member.unmask": _("查看完整身份证号和手机号"),
            "applicant.create": _("登记入党申请"), "applicant.step": _("记录发展步骤"),
            "applicant.exception": _("登记发展例外情形"), "applicant.export": _("导出发展党员台账"),
            "transfer.create": _("发起组织关系转接"), "transfer.transition": _("办理组织关系转接"),
            "floating.register": _("登记流动党员"), "floating.return": _("流动党员返回"),
            "report.register": _("在职党员报到"), "report.end": _("结束社区报到"),
            "member.lost": _("登记失联或关系未转接"), "member.found": _("恢复联系"),
            "floating.contact": _("与流动党员联系"),
        })
