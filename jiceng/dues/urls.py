from jiceng.dues.views import calculator, fixing, ledger, my, reports

app_name = "dues"

urlpatterns = [
    *calculator.urlpatterns,
    *ledger.urlpatterns,
    *fixing.urlpatterns,
    *reports.urlpatterns,
    *my.urlpatterns,
]
