from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrglifeConfig(AppConfig):
    name = "jiceng.orglife"
    label = "orglife"
    verbose_name = _("组织生活")

    def ready(self):
        from jiceng.orglife import setup_compliance, setup_meetings

        setup_compliance.register()
        setup_meetings.register()
