
from jiceng.members.views import development, imports, mobility, roll, transfers

app_name = "members"

urlpatterns = [
    *roll.urlpatterns,
    *imports.urlpatterns,
    *development.urlpatterns,
    *transfers.urlpatterns,
    *mobility.urlpatterns,
]
