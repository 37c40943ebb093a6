from jiceng.centers.urls_activities import urlpatterns as activity_urls
from jiceng.centers.views import public, reservations, staff, stats

app_name = "centers"

urlpatterns: list = [
    *activity_urls,
    *public.urlpatterns,
    *staff.urlpatterns,
    *reservations.urlpatterns,
    *stats.urlpatterns,
]
