from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from jiceng.api import api
from jiceng.core import views_health

admin.site.site_header = _("基层 · 系统管理")
admin.site.site_title = _("基层")

urlpatterns = [
    path("healthz", views_health.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("jiceng.members.urls")),
    path("", include("jiceng.orglife.urls")),
    path("", include("jiceng.dues.urls")),
    path("", include("jiceng.centers.urls")),
    path("", include("jiceng.appeals.urls")),
    path("", include("jiceng.whistles.urls")),
    path("", include("jiceng.core.urls")),
]
