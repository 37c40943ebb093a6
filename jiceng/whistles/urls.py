from jiceng.whistles import views, views_enterprise

app_name = "whistles"

urlpatterns: list = [*views.urlpatterns, *views_enterprise.urlpatterns]
