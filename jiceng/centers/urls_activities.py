"""Pages of activities and bookings (included by ``centers/urls.py``)."""

from django.urls import path

from jiceng.centers import views_activities as staff
from jiceng.centers import views_bookings as public

urlpatterns = [
    path("activities/", public.calendar, name="calendar"),
    path("activities/<int:activity_id>/sessions/<int:session_id>/", public.session_page, name="session"),
    path("activities/<int:activity_id>/sessions/<int:session_id>/book", public.book, name="book"),
    path("my/bookings/", public.my_bookings, name="my_bookings"),
    path("my/bookings/<int:booking_id>/cancel", public.my_booking_cancel, name="my_booking_cancel"),
    path("my/login/", public.resident_login, name="resident_login"),
    path("my/logout/", public.resident_logout, name="resident_logout"),
    path("centers/activities/", staff.activity_list, name="activity_admin"),
    path("centers/activities/new/", staff.activity_new, name="activity_new"),
    path("centers/activities/stats/", staff.stats, name="booking_stats"),
    path("centers/activities/<int:activity_id>/", staff.activity_detail, name="activity_admin_detail"),
    path("centers/sessions/<int:session_id>/", staff.session_desk, name="session_desk"),
    path("centers/sessions/<int:session_id>/cancel", staff.session_cancel, name="session_cancel"),
    path("centers/desk/", staff.desk, name="desk"),
]
