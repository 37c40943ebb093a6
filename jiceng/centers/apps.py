from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CentersConfig(AppConfig):
    name = "jiceng.centers"
    label = "centers"
    verbose_name = _("党群服务中心")
