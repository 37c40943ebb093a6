"""Built-in roles (DOMAIN.md "who uses it") and their synchronisation with the registry."""

from django.contrib.auth.models import Permission
from django.utils.translation import gettext_lazy as _

from jiceng.core.models.accounts import RoleDuty

# code, name, duty, description
BUILTIN_ROLES = [
    ("district_organizer", _("区委组织部组织员"), RoleDuty.NONE, _("管理全区党组织体系、考核、调度诉求")),
    ("street_worker", _("街道工作人员"), RoleDuty.NONE, _("街道党工委、街道办事处的工作人员")),
    ("community_secretary", _("社区党委书记"), RoleDuty.NONE, _("社区党组织书记、委员")),
    ("branch_secretary", _("支部书记"), RoleDuty.NONE, _("党支部书记、组织委员")),
    ("grid_worker", _("网格员"), RoleDuty.NONE, _("网格员、街巷长、小巷管家")),
    ("dept_handler", _("部门办理人"), RoleDuty.NONE, _("职能部门的办理人员")),
    ("instructor", _("党建指导员"), RoleDuty.NONE, _("派驻两新组织的党建指导员")),
    ("center_staff", _("党群服务中心工作人员"), RoleDuty.NONE, _("管理中心的功能室、服务清单、坐班与预约")),
    ("party_member", _("党员"), RoleDuty.NONE, _("普通党员")),
    ("system_admin", _("系统管理员"), RoleDuty.SYSTEM, _("账号、组织与区划的维护；不能授权、不能查审计")),
    ("security_officer", _("安全管理员"), RoleDuty.SECURITY, _("角色授权与账号解锁；不能维护业务数据")),
    ("auditor", _("安全审计员"), RoleDuty.AUDIT, _("查阅审计日志；不能做其他操作")),
]

SYSTEM_DUTY_ROLES = {code for code, _n, duty, _d in BUILTIN_ROLES if duty}


def sync_builtin_roles() -> None:
    """Create the built-in roles and set their permissions to what the apps registered."""
    from jiceng.core.models import Role
    from jiceng.core.registry import role_permissions

    wanted = role_permissions()
    all_perms = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }
    for code, name, duty, description in BUILTIN_ROLES:
        role, _created = Role.objects.update_or_create(
            code=code, defaults={"name": str(name), "duty": duty, "description": str(description), "is_builtin": True}
        )
        # Permissions of apps migrated later appear on their own post_migrate; a test checks that
        # every registered permission exists once all apps are migrated.
        role.permissions.set([all_perms[p] for p in wanted.get(code, ()) if p in all_perms])
    from django.contrib.auth import get_user_model

    from jiceng.core import scope

    scope.grants_changed(get_user_model().objects.filter(grants__isnull=False).distinct())
