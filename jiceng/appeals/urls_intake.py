"""Pages of appeals: intake."""

urlpatterns: list = []
