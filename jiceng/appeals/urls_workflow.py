"""Pages of appeals: workflow (mounted at /appeals/)."""

from django.urls import path

from jiceng.appeals.views import staff, staff_actions

urlpatterns: list = [
    path("", staff.board, name="board"),
    path("inbox/", staff.inbox, name="inbox"),
    path("new/", staff.hotline_new, name="new"),
    path("<int:appeal_id>/", staff.detail, name="detail"),
    path("<int:appeal_id>/do/<slug:action>/", staff_actions.act, name="act"),
]
