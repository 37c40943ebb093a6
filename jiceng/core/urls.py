from django.urls import path

from jiceng.core import views, views_accounts, views_calendar

app_name = "core"

urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("areas/", views.area_index, name="area_index"),
    path("areas/<str:code>/", views.area_detail, name="area_detail"),
    path("areas/<str:code>/new/", views.area_create, name="area_create"),
    path("orgs/", views.org_index, name="org_index"),
    path("orgs/new/", views.org_create, name="org_create_root"),
    path("orgs/<int:org_id>/", views.org_detail, name="org_detail"),
    path("orgs/<int:parent_id>/new/", views.org_create, name="org_create"),
    path("orgs/<int:org_id>/edit/", views.org_edit, name="org_edit"),
    path("orgs/<int:org_id>/posts/new/", views.post_new, name="post_new"),
    path("manage/users/", views_accounts.user_list, name="user_list"),
    path("manage/users/new/", views_accounts.user_new, name="user_new"),
    path("manage/users/<int:user_id>/", views_accounts.user_detail, name="user_detail"),
    path("manage/users/<int:user_id>/unlock/", views_accounts.user_unlock, name="user_unlock"),
    path("manage/users/<int:user_id>/active/", views_accounts.user_toggle_active, name="user_toggle_active"),
    path("manage/grants/<int:grant_id>/revoke/", views_accounts.grant_revoke, name="grant_revoke"),
    path("manage/calendar/", views_calendar.calendar, name="calendar"),
    path("manage/calendar/<int:year>/", views_calendar.calendar_year, name="calendar_year"),
    path("audit/", views_accounts.audit_list, name="audit_list"),
    path("me/", views_accounts.profile, name="profile"),
    path("me/tokens/<int:token_id>/revoke/", views_accounts.token_revoke, name="token_revoke"),
]
