from jiceng.orglife.views import compliance, meeting_kinds, meetings, my_meetings, record_book, study

app_name = "orglife"

urlpatterns: list = [
    *meetings.urlpatterns,
    *my_meetings.urlpatterns,
    *meeting_kinds.urlpatterns,
    *compliance.urlpatterns,
    *record_book.urlpatterns,
    *study.urlpatterns,
]
