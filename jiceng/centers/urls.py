app_name = "centers"

urlpatterns: list = []
