from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

VIEW = ["appeals.view_appeal"]
HANDLE = [*VIEW, "appeals.handle_appeal"]
DISPATCH = [*HANDLE, "appeals.add_appeal", "appeals.dispatch_appeal", "appeals.callback_appeal"]
STATS = ["appeals.view_appeal_stats"]

APPEALS_ROLE_PERMISSIONS = {
    "district_organizer": [*DISPATCH, *STATS, "appeals.publish_ranking", "appeals.change_category"],
    "street_worker": [*DISPATCH, *STATS],
    "community_secretary": [*DISPATCH, *STATS],
    "grid_worker": [*HANDLE, "appeals.add_appeal"],  # reports from the grid, handles what is sent to it
    "dept_handler": [*HANDLE, *STATS],
    "center_staff": ["appeals.add_appeal"],  # enters requests brought to the service center's window
}


class AppealsConfig(AppConfig):
    name = "jiceng.appeals"
    label = "appeals"
    verbose_name = _("接诉即办")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from jiceng.appeals import routing
        from jiceng.core import registry
        from jiceng.core.models import Area

        for role, perms in APPEALS_ROLE_PERMISSIONS.items():
            registry.register_role_permissions(role, perms)
        registry.register_audit_actions({"appeal.create": _("受理诉求")})
        post_save.connect(routing.boundaries_changed, sender=Area, dispatch_uid="appeals-routing-save")
        post_delete.connect(routing.boundaries_changed, sender=Area, dispatch_uid="appeals-routing-delete")
        from django.db.models.signals import post_migrate

        from jiceng.appeals.catalogue_default import reseed_if_empty

        post_migrate.connect(reseed_if_empty, sender=self, dispatch_uid="appeals-catalogue")

        from jiceng.appeals import setup_intake, setup_stats, setup_workflow

        setup_workflow.ready()
        setup_intake.ready()
        setup_stats.ready()
