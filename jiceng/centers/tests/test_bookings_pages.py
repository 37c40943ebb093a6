"""Pages of activities and bookings: public (calendar, session, login, my bookings) and staff."""

import io
import re

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape
from openpyxl import load_workbook

from jiceng.centers.models import Activity, Booking
from jiceng.centers.services import bookings as services
from jiceng.centers.tests import booking_helpers as h


@pytest.fixture
def center(world):
    return h.center(world)


def sign_in_resident(client: Client, phone="13800138000", next_url="/my/bookings/"):
    page = client.post("/my/login/", {"step": "send", "phone": phone, "next": next_url})
    code = re.search(r'id="jc-demo-code">(\d{6})<', page.content.decode()).group(1)
    return client.post("/my/login/", {"step": "verify", "phone": phone, "code": code, "next": next_url})


def test_the_calendar_and_a_session_are_public(center):
    act = h.activity(center, capacity=3)
    session = act.sessions.get()
    client = Client()
    page = client.get(f"/activities/?center={center.pk}").content.decode()
    assert escape(act.title) in page and "余 3 位" in page
    page = client.get(f"/activities/{act.pk}/sessions/{session.pk}/").content.decode()
    assert 'data-state="open"' in page and "剩余 3 个名额" in page and "立即预约" in page
    assert client.get("/activities/?center=999999").status_code == 404


def test_a_resident_logs_in_with_a_code_books_and_cancels(center):
    act = h.activity(center, capacity=1)
    session = act.sessions.get()
    url = f"/activities/{act.pk}/sessions/{session.pk}/"
    client = Client()
    assert client.post(f"{url}book").url.startswith("/my/login/?next=")  # not signed in: log in first
    assert sign_in_resident(client, next_url=url).url == url
    client.post(f"{url}book")
    page = client.get(url).content.decode()
    booking = Booking.objects.get()
    assert 'data-state="confirmed"' in page and booking.code in page and "<svg" in page
    page = client.get("/my/bookings/").content.decode()
    assert escape(act.title) in page and "取消预约" in page
    client.post(f"/my/bookings/{booking.pk}/cancel")
    assert Booking.objects.get().status == "cancelled"
    assert 'data-state="open"' in client.get(url).content.decode()


def test_the_second_person_sees_full_and_their_place_in_line(center):
    act = h.activity(center, capacity=1)
    session = act.sessions.get()
    (first, _t), = h.residents(1)
    services.booking_create(first, session=session, resident=first)
    url = f"/activities/{act.pk}/sessions/{session.pk}/"
    client = Client()
    assert 'data-state="waitlist"' in client.get(url).content.decode()
    sign_in_resident(client, phone="13800138111", next_url=url)
    client.post(f"{url}book")
    page = client.get(url).content.decode()
    assert 'data-state="waitlisted"' in page and "已满，您在候补第 1 位" in page


def test_another_resident_cannot_cancel_my_booking(center):
    act = h.activity(center, capacity=2)
    (mine, _t), = h.residents(1)
    booked = services.booking_create(mine, session=act.sessions.get(), resident=mine)
    client = Client()
    sign_in_resident(client, phone="13800138222")
    assert client.post(f"/my/bookings/{booked.booking.pk}/cancel").status_code == 404
    assert Booking.objects.get().status == "confirmed"


def test_staff_publish_a_recurring_activity_from_the_form(center, client_for):
    client = client_for("street")
    assert client.get("/centers/activities/new/").status_code == 200
    response = client.post("/centers/activities/new/", {
        "center": center.pk, "title": "午间'驿'小时", "day": "2025-09-26", "start": "12:00", "end": "13:00",
        "capacity": 30, "repeat": "workdays", "repeat_until": "2025-10-12", "audience": "all", "waitlist": "on",
        "limit_count": 1, "limit_period": "day", "cancel_minutes_before": 120})
    act = Activity.objects.get()
    assert response.url == f"/centers/activities/{act.pk}/"
    assert act.sessions.count() == 7
    page = client.get(response.url).content.decode()
    assert "2025-10-11" in page and "2025-10-01" not in page


def test_staff_pages_are_scoped(center, client_for):
    act = h.activity(center, capacity=2)
    assert client_for("grid").get("/centers/activities/").status_code == 403
    assert client_for("grid").get(f"/centers/activities/{act.pk}/").status_code == 403 or \
        client_for("grid").get(f"/centers/activities/{act.pk}/").status_code == 404
    assert Client().get("/centers/desk/").status_code == 302
    assert escape(act.title) in client_for("street").get("/centers/activities/").content.decode()


def test_desk_books_a_walk_in_and_checks_in_by_code(center, client_for):
    act = h.activity(center, capacity=2, hours_ahead=0.5)
    session = act.sessions.get()
    client = client_for("street")
    client.post(f"/centers/sessions/{session.pk}/", {"phone": "13900002222", "name": "王大爷"})
    booking = Booking.objects.get()
    page = client.get(f"/centers/sessions/{session.pk}/").content.decode()
    assert "139****2222" in page and "13900002222" not in page
    assert escape(session.activity.title) in client.get("/centers/desk/").content.decode()
    client.post("/centers/desk/", {"code": booking.code.lower()})
    booking.refresh_from_db()
    assert booking.status == "attended" and booking.checked_in_at is not None
    response = client.post("/centers/desk/", {"code": "NOSUCH99"}, follow=True)
    assert "没有找到预约码" in response.content.decode()


def test_stats_page_and_xlsx_export(center, client_for):
    act = h.activity(center, capacity=2)
    (r1, _t), = h.residents(1)
    services.booking_create(r1, session=act.sessions.get(), resident=r1)
    client = client_for("street")
    page = client.get("/centers/activities/stats/").content.decode()
    assert escape(act.title) in page and "jc-booking-stats" in page
    response = client.get("/centers/activities/stats/?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("周（周一）", "中心", "活动")
    week = timezone.localdate(act.sessions.get().starts_at)
    assert rows[1][2] == act.title and rows[1][5] == 1 and str(rows[1][0])[:4] == str(week.year)
