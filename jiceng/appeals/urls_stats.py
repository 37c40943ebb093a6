"""Pages of appeals: stats."""

urlpatterns: list = []
