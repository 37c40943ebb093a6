from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

TERRITORY_READ = ["core.view_area", "core.view_department"]
ORG_READ = ["core.view_org"]
ORG_WRITE = ["core.view_org", "core.add_org", "core.change_org"]
AREA_WRITE = ["core.add_area", "core.change_area"]

CORE_ROLE_PERMISSIONS = {
    "district_organizer": TERRITORY_READ + AREA_WRITE + ORG_WRITE,
    "street_worker": TERRITORY_READ + AREA_WRITE + ORG_WRITE,
    "community_secretary": TERRITORY_READ + ORG_WRITE,
    "branch_secretary": ORG_WRITE,
    "grid_worker": TERRITORY_READ + ORG_READ,
    "dept_handler": TERRITORY_READ,
    "instructor": TERRITORY_READ + ORG_READ,
    "party_member": ORG_READ,
    "system_admin": TERRITORY_READ + AREA_WRITE + ORG_WRITE + [
        "core.delete_org", "core.manage_users", "core.view_user", "core.add_user", "core.change_user",
        "core.view_role", "core.add_department", "core.change_department", "core.view_post",
        "core.add_post", "core.change_post", "core.delete_post", "core.view_grant", "core.view_workerheartbeat",
        "core.view_calendaryear", "core.add_calendaryear", "core.change_calendaryear",
    ],
    "security_officer": TERRITORY_READ + ORG_READ + ["core.manage_grants", "core.view_user", "core.view_role"],
    "auditor": ["core.read_audit"],
}


def _sync_roles(sender, **kwargs):
    from jiceng.core.roles import sync_builtin_roles

    sync_builtin_roles()


class CoreConfig(AppConfig):
    name = "jiceng.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self):
        from jiceng.core import registry
        from jiceng.core.registry import Module

        for role, perms in CORE_ROLE_PERMISSIONS.items():
            registry.register_role_permissions(role, perms)
        for module in [
            Module("territory", _("属地"), "core:area_index", "geo-alt", ("core.view_area",), 10,
                   _("区、街道、社区、网格与楼宇")),
            Module("orgs", _("党组织"), "core:org_index", "diagram-3", ("core.view_org",), 20,
                   _("党委、党总支、党支部、党小组")),
            Module("users", _("用户与授权"), "core:user_list", "people",
                   ("core.manage_users", "core.manage_grants"), 80,
                   _("账号、角色、授权范围与解除锁定")),
            Module("calendar", _("工作日历"), "core:calendar", "calendar3", ("core.change_calendaryear",), 85,
                   _("法定节假日、调休与来年放假安排的录入")),
            Module("audit", _("审计日志"), "core:audit_list", "journal-text", ("core.read_audit",), 90,
                   _("谁在何时对什么做了什么")),
        ]:
            registry.register_module(module)
        registry.register_audit_actions({
            "auth.login": _("登录"), "auth.logout": _("退出登录"),
            "org.create": _("设立党组织"), "org.update": _("修改党组织"), "post.assign": _("任命职务"),
            "area.create": _("新增网格或场所"), "area.update": _("修改属地"),
            "divisions.import": _("导入区划代码"), "grids.import": _("导入网格边界"),
            "department.create": _("新增职能部门"), "department.update": _("修改职能部门"),
            "department.delete": _("删除职能部门"), "post.create": _("新增职务"), "post.update": _("修改职务"),
            "post.delete": _("删除职务"),
            "user.create": _("创建账号"), "user.update": _("修改账号"), "user.password_change": _("修改密码"),
            "user.password_reset": _("重置密码"), "user.unlock": _("解除锁定"),
            "grant.create": _("授权"), "grant.revoke": _("撤销授权"),
            "token.issue": _("签发令牌"), "token.revoke": _("撤销令牌"),
            "calendar.set": _("录入放假安排"),
        })
        post_migrate.connect(_sync_roles, dispatch_uid="jiceng.core.sync_roles")
