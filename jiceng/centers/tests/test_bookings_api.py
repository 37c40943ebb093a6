"""The activities and bookings API: the contract for scripts."""

import json
import logging
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from jiceng.centers.models import Activity, Booking, OneTimeCode, Resident, Session
from jiceng.centers.tests import booking_helpers as h


def post(client, url, body=None, **headers):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json", **headers)


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def center(world):
    return h.center(world)


def test_staff_publish_a_workday_series_that_skips_holidays(center, token_for):
    body = {"center": center.pk, "title": "午间'驿'小时", "starts_at": "2025-09-26T12:00:00+08:00",
            "ends_at": "2025-09-26T13:00:00+08:00", "capacity": 30,
            "recurrence": {"rule": "workdays", "until": "2025-10-12"}, "limit": {"count": 1, "period": "day"},
            "audience": "all", "waitlist": True, "opens_days_before": 1, "opens_at_time": "09:00:00",
            "cancel_minutes_before": 60}
    r = post(Client(), "/api/v1/activities", body, **token_for("street"))
    assert r.status_code == 201, r.content
    data = r.json()
    days = [s["starts_at"][:10] for s in data["sessions"]]
    assert days == ["2025-09-26", "2025-09-28", "2025-09-29", "2025-09-30", "2025-10-09", "2025-10-10", "2025-10-11"]
    assert {(s["capacity"], s["confirmed"], s["waitlisted"]) for s in data["sessions"]} == {(30, 0, 0)}
    assert data["sessions"][0]["opens_at"] == "2025-09-25T01:00:00Z"  # 09:00 in Beijing the day before


def test_a_series_into_a_year_without_a_known_schedule_is_422_saying_so(center, token_for):
    body = {"center": center.pk, "title": "跨年", "starts_at": "2026-12-28T12:00:00+08:00",
            "ends_at": "2026-12-28T13:00:00+08:00", "capacity": 5,
            "recurrence": {"rule": "workdays", "until": "2031-01-10"}}
    r = post(Client(), "/api/v1/activities", body, **token_for("street"))
    assert r.status_code == 422
    assert "尚未公布或录入" in r.json()["errors"][0]["message"]
    assert Activity.objects.count() == 0


def test_outside_the_center_unit_publishing_is_refused(world, token_for):
    bajiao = h.center(world, name="八角街道党群服务中心", area=world.bajiao)
    body = {"center": bajiao.pk, "title": "x", "starts_at": "2026-12-28T12:00:00+08:00",
            "ends_at": "2026-12-28T13:00:00+08:00", "capacity": 5}
    assert post(Client(), "/api/v1/activities", body, **token_for("street")).status_code == 404
    assert post(Client(), "/api/v1/activities", body, **token_for("grid")).status_code == 404
    assert Activity.objects.count() == 0


def test_bad_input_is_field_level_422(center, token_for):
    body = {"center": center.pk, "title": "", "starts_at": "2026-12-28T12:00:00+08:00",
            "ends_at": "2026-12-28T11:00:00+08:00", "capacity": 0}
    r = post(Client(), "/api/v1/activities", body, **token_for("street"))
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"title", "ends_at", "capacity"}


def test_one_time_code_login_then_book_then_see_my_state(center, caplog, django_capture_on_commit_callbacks):
    act = h.activity(center, capacity=1)
    session = act.sessions.get()
    client = Client()
    with caplog.at_level(logging.INFO, logger="jiceng.notify"), django_capture_on_commit_callbacks(execute=True):
        r = post(client, "/api/v1/otp/request", {"phone": "13800138000"})
    assert r.status_code == 202
    code = r.json()["demo_code"]
    assert f"验证码为{code}" in caplog.text and "138****8000" in caplog.text and "13800138000" not in caplog.text
    stored = OneTimeCode.objects.get()
    assert code not in stored.code_hash
    assert post(client, "/api/v1/otp/verify", {"phone": "13800138000", "code": "000000" if code != "000000"
                                               else "111111"}).status_code == 422
    r = post(client, "/api/v1/otp/verify", {"phone": "13800138000", "code": code, "name": "张三"})
    assert r.status_code == 200
    token = r.json()["token"]
    assert r.json()["resident"]["phone"] == "138****8000"
    assert post(client, "/api/v1/otp/verify", {"phone": "13800138000", "code": code}).status_code == 422  # used

    url = f"/api/v1/activities/{act.pk}/sessions/{session.pk}"
    r = post(client, f"{url}/bookings", **bearer(token))
    assert r.status_code == 201 and r.json()["status"] == "confirmed"
    seen = client.get(url, **bearer(token)).json()
    assert (seen["confirmed"], seen["remaining"], seen["mine"]["status"]) == (1, 0, "confirmed")
    assert client.get(url).json()["mine"] is None
    resident = Resident.objects.get()
    assert resident.phone == "13800138000" and resident.phone_cipher.startswith("v1:")


def test_code_requests_are_rate_limited(db, settings):
    client = Client()
    assert post(client, "/api/v1/otp/request", {"phone": "13800138001"}).status_code == 202
    r = post(client, "/api/v1/otp/request", {"phone": "13800138001"})
    assert r.status_code == 429 and "秒后再试" in r.json()["detail"]
    settings.OTP_INTERVAL_SECONDS = 0
    settings.OTP_PER_IP_HOUR = 1  # the first code came from this address
    assert post(client, "/api/v1/otp/request", {"phone": "13800138002"}).status_code == 429
    assert OneTimeCode.objects.count() == 1
    assert post(client, "/api/v1/otp/request", {"phone": "123"}).status_code == 422


def test_too_many_wrong_codes_burn_the_code(db, settings):
    client = Client()
    code = post(client, "/api/v1/otp/request", {"phone": "13800138003"}).json()["demo_code"]
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(settings.OTP_MAX_ATTEMPTS):
        assert post(client, "/api/v1/otp/verify", {"phone": "13800138003", "code": wrong}).status_code == 422
    r = post(client, "/api/v1/otp/verify", {"phone": "13800138003", "code": code})
    assert r.status_code == 422 and "次数过多" in r.json()["errors"][0]["message"]
    assert Resident.objects.count() == 0


def test_full_then_waitlist_then_cancel_promotes_and_notifies(center, caplog, django_capture_on_commit_callbacks):
    act = h.activity(center, capacity=1)
    session = act.sessions.get()
    (_a, ta), (b, tb), (_c, tc) = h.residents(3)
    url = f"/api/v1/activities/{act.pk}/sessions/{session.pk}/bookings"
    client = Client()
    first = post(client, url, **bearer(ta)).json()
    r = post(client, url, **bearer(tb))
    assert r.status_code == 202 and r.json()["position"] == 1
    assert post(client, url, **bearer(tc)).json()["position"] == 2
    assert post(client, url, **bearer(ta)).json()["errors"][0]["field"] == "already_booked"
    assert client.delete(f"{url}/{first['id']}", **bearer(tb)).status_code == 404  # not theirs
    with caplog.at_level(logging.INFO, logger="jiceng.notify"), django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"{url}/{first['id']}", **bearer(ta)).json()["status"] == "cancelled"
    assert "已有名额" in caplog.text and "138****0001" in caplog.text
    session.refresh_from_db()
    assert (session.confirmed, session.waitlisted) == (1, 1)
    assert Booking.objects.get(resident=b).status == "confirmed"
    seen = client.get(f"/api/v1/activities/{act.pk}/sessions/{session.pk}", **bearer(tc)).json()
    assert seen["mine"]["position"] == 1
    mine = client.get("/api/v1/me/bookings", **bearer(tc)).json()
    assert [(m["status"], m["position"]) for m in mine] == [("waitlisted", 1)]


def test_refusals_are_409_with_the_reason(center):
    client = Client()
    (_a, ta), (b, tb) = h.residents(2)
    no_wait = h.activity(center, capacity=1, waitlist=False, title="无候补")
    s = no_wait.sessions.get()
    url = f"/api/v1/activities/{no_wait.pk}/sessions/{s.pk}/bookings"
    post(client, url, **bearer(ta))
    r = post(client, url, **bearer(tb))
    assert r.status_code == 409 and r.json()["errors"][0]["field"] == "full" and "名额已满" in r.json()["detail"]

    later = h.activity(center, capacity=5, hours_ahead=24 * 5, opens_days_before=2, title="未开放")
    s = later.sessions.get()
    r = post(client, f"/api/v1/activities/{later.pk}/sessions/{s.pk}/bookings", **bearer(ta))
    assert r.status_code == 409 and r.json()["errors"][0]["field"] == "not_open"

    Resident.objects.filter(pk=b.pk).update(paused_until=timezone.localdate() + timedelta(days=3))
    other = h.activity(center, capacity=5, title="暂停")
    s = other.sessions.get()
    r = post(client, f"/api/v1/activities/{other.pk}/sessions/{s.pk}/bookings", **bearer(tb))
    assert r.status_code == 409 and r.json()["errors"][0]["field"] == "paused"
    assert Booking.objects.filter(resident=b).count() == 0


def test_one_booking_a_day_per_person(center, token_for):
    start = timezone.localtime(timezone.now() + timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    body = {"center": center.pk, "title": "健身区", "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(), "capacity": 10, "limit": {"count": 1, "period": "day"}}
    morning = post(Client(), "/api/v1/activities", body, **token_for("street")).json()
    act = Activity.objects.get(pk=morning["id"])
    Session.objects.create(activity=act, starts_at=start + timedelta(hours=4), ends_at=start + timedelta(hours=5),
                           capacity=10)
    (_r, token), = h.residents(1)
    first, second = act.sessions.order_by("starts_at")
    client = Client()
    assert post(client, f"/api/v1/activities/{act.pk}/sessions/{first.pk}/bookings", **bearer(token)).status_code == 201
    r = post(client, f"/api/v1/activities/{act.pk}/sessions/{second.pk}/bookings", **bearer(token))
    assert r.status_code == 409 and r.json()["errors"][0]["field"] == "limit"


def test_staff_at_the_desk_book_for_a_person_and_check_them_in(center, token_for):
    act = h.activity(center, capacity=5, hours_ahead=0.5)
    session = act.sessions.get()
    client = Client()
    url = f"/api/v1/activities/{act.pk}/sessions/{session.pk}/bookings"
    r = post(client, url, {"phone": "13900001111", "name": "李四"}, **token_for("street"))
    assert r.status_code == 201
    code = r.json()["code"]
    assert post(client, url, {"phone": "13900001112"}, **token_for("grid")).status_code == 404
    assert Resident.objects.count() == 1
    r = post(client, "/api/v1/bookings/check-in", {"code": code.lower()}, **token_for("street"))
    assert r.status_code == 200 and r.json()["newly"] and r.json()["phone"] == "139****1111"
    assert post(client, "/api/v1/bookings/check-in", {"code": code}, **token_for("street")).json()["newly"] is False
    assert post(client, "/api/v1/bookings/check-in", {"code": code}, **token_for("grid")).status_code == 404


def test_calendar_and_activity_are_public(center):
    act = h.activity(center, capacity=3)
    client = Client()
    items = client.get(f"/api/v1/activities?center={center.pk}").json()
    assert [(i["activity"], i["remaining"], i["center_name"]) for i in items] == [(act.pk, 3, center.name)]
    assert client.get(f"/api/v1/activities/{act.pk}").json()["sessions"][0]["capacity"] == 3
    assert client.get("/api/v1/activities/999999").status_code == 404
