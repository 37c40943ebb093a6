from jiceng.orglife.views import compliance, record_book, study

app_name = "orglife"

urlpatterns: list = [
    *compliance.urlpatterns,
    *record_book.urlpatterns,
    *study.urlpatterns,
]
