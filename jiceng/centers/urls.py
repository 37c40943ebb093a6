from jiceng.centers.urls_activities import urlpatterns as activity_urls

app_name = "centers"

urlpatterns: list = [*activity_urls]
