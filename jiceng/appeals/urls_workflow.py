"""Pages of appeals: workflow."""

urlpatterns: list = []
