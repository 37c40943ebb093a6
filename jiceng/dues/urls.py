from jiceng.dues.views import calculator

app_name = "dues"

urlpatterns = [
    *calculator.urlpatterns,
]
