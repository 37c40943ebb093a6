from django.urls import include, path

from jiceng.appeals import urls_intake, urls_stats, urls_workflow

app_name = "appeals"
urlpatterns = [
    path("appeals/", include(urls_workflow)),
    path("appeals/", include(urls_stats)),
    path("", include(urls_intake)),  # public pages (/appeal/…) and Open311 (/open311/v2/…)
]
