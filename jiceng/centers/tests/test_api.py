import json

import pytest

from jiceng.centers.models import Center, RoomReservation
from jiceng.centers.services import catalogue
from jiceng.centers.tests import helpers as h
from jiceng.core.services import accounts
from jiceng.testing import SYSTEM

pytestmark = pytest.mark.django_db


def post(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


def test_public_list_nearest_first_and_bad_near(client, world):
    near = h.center(world.majiabao)
    far = h.center(world.bajiao, name="八角街道党群服务中心")
    Center.objects.filter(pk=far.pk).update(lat=39.9075, lng=116.212)
    rows = client.get("/api/v1/centers?near=39.9,116.21").json()
    assert [r["id"] for r in rows] == [far.pk, near.pk] and rows[0]["distance_m"] < 1500
    bad = client.get("/api/v1/centers?near=north")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "near"


def test_public_center_services_and_rota(client, world):
    center = h.center(world.majiabao)
    h.room(center)
    dept = accounts.department_create(SYSTEM, name="丰台区税务局", kind="税务", area=world.fengtai)
    catalogue.service_create(SYSTEM, center=center, name="发票代开", category="政务服务", channel="terminal",
                             department=dept)
    body = client.get(f"/api/v1/centers/{center.pk}").json()
    assert body["today"]["open"] and len(body["hours"]) == 7 and body["rooms"][0]["name"] == "第一会议室"
    services = client.get(f"/api/v1/centers/{center.pk}/services").json()
    assert services[0]["channel_name"] == "自助终端" and services[0]["department_name"] == "丰台区税务局"
    assert client.get(f"/api/v1/centers/{center.pk}/rota").json() == []
    Center.objects.filter(pk=center.pk).update(is_active=False)
    assert client.get(f"/api/v1/centers/{center.pk}").status_code == 404


def test_create_and_update_centers(client, world, token_for):
    payload = {"name": "嘉园一里社区党群服务站", "level": "community", "area": world.jiayuan.code, "lat": 39.845,
               "lng": 116.375}
    assert post(client, "/api/v1/centers", payload).status_code == 401
    assert post(client, "/api/v1/centers", payload, **token_for("dept")).status_code == 403
    assert post(client, "/api/v1/centers", payload, **token_for("street")).status_code == 201
    Center.objects.all().delete()
    outside = post(client, "/api/v1/centers", {**payload, "area": world.jiaomen.code}, **token_for("community"))
    assert outside.status_code == 422 and outside.json()["errors"][0]["field"] == "area"
    bad = post(client, "/api/v1/centers", {**payload, "area": "999"}, **token_for("community"))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "area"
    assert Center.objects.count() == 0
    made = post(client, "/api/v1/centers", payload, **token_for("community"))
    assert made.status_code == 201, made.content
    center_id = made.json()["id"]
    patched = client.patch(f"/api/v1/centers/{center_id}", json.dumps({"floor_area": 260}),
                           content_type="application/json", **token_for("community"))
    assert patched.status_code == 200 and patched.json()["floor_area"] == 260
    denied = client.patch(f"/api/v1/centers/{center_id}", json.dumps({"floor_area": 1}),
                          content_type="application/json", **token_for("dept"))
    assert denied.status_code == 403
    hours = client.put(f"/api/v1/centers/{center_id}/hours", json.dumps(
        {"hours": [{"weekday": 0, "opens": "09:00", "closes": "17:00"}]}), content_type="application/json",
        **token_for("community"))
    assert hours.status_code == 200 and len(hours.json()["hours"]) == 1
    room = post(client, f"/api/v1/centers/{center_id}/rooms", {"name": "会议室", "capacity": 12},
                **token_for("community"))
    assert room.status_code == 201


def test_reservations_201_409_422_and_the_timetable(client, world, personas, token_for):
    center = h.center(world.majiabao)
    room = h.room(center)
    day = h.open_day(center)
    url = f"/api/v1/rooms/{room.pk}/reservations"
    payload = {"org": world.grid_branch.pk, "contact_name": "赵书记", "contact_phone": "13900001234",
               "purpose": "three_meetings", "title": "支部党员大会", "attendees": 15,
               "starts_at": h.at(day, "10:00").isoformat(), "ends_at": h.at(day, "11:30").isoformat()}
    made = post(client, url, payload, **token_for("branch"))
    assert made.status_code == 201, made.content
    assert made.json()["status"] == "approved" and made.json()["contact_phone"] == "139****1234"
    clash = post(client, url, {**payload, "starts_at": h.at(day, "11:00").isoformat(),
                               "ends_at": h.at(day, "12:00").isoformat()}, **token_for("branch"))
    assert clash.status_code == 409 and clash.json()["errors"][0]["field"] == "starts_at"
    bad = post(client, url, {**payload, "purpose": "x", "starts_at": "not a time"}, **token_for("branch"))
    assert bad.status_code == 422
    out_of_scope = post(client, url, {**payload, "org": world.bajiao_committee.pk,
                                      "starts_at": h.at(day, "15:00").isoformat(),
                                      "ends_at": h.at(day, "16:00").isoformat()}, **token_for("branch"))
    assert out_of_scope.status_code == 422
    assert RoomReservation.objects.count() == 1
    staff = accounts.token_issue(SYSTEM, user=h.staff(world.majiabao), name="t")[1]
    seen_by_staff = client.get(url, HTTP_AUTHORIZATION=f"Bearer {staff}").json()
    assert seen_by_staff[0]["title"] == "支部党员大会"
    other = accounts.token_issue(SYSTEM, user=h.staff(world.bajiao, "bajiao"), name="t")[1]
    seen_by_other = client.get(url, HTTP_AUTHORIZATION=f"Bearer {other}").json()
    assert seen_by_other[0]["title"] is None and seen_by_other[0]["starts_at"]
    listed = client.get("/api/v1/reservations", **token_for("branch")).json()
    assert [r["title"] for r in listed] == ["支部党员大会"]
    rid = made.json()["id"]
    assert post(client, f"/api/v1/reservations/{rid}/approve", {}, **token_for("branch")).status_code == 403
    assert post(client, f"/api/v1/reservations/{rid}/approve", {},
                HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 404
    assert post(client, f"/api/v1/reservations/{rid}/approve", {},
                HTTP_AUTHORIZATION=f"Bearer {staff}").status_code == 409  # already confirmed
    from jiceng.orglife.models import Meeting, MeetingKind

    meeting = Meeting.objects.create(kind=MeetingKind.objects.first(), org=world.grid_branch, topic="党员大会",
                                     starts_at=h.at(day, "10:00"))
    linked = post(client, f"/api/v1/reservations/{rid}/meeting", {"meeting": meeting.pk}, **token_for("branch"))
    assert linked.status_code == 200 and linked.json()["meeting"] == meeting.pk
    assert post(client, f"/api/v1/reservations/{rid}/meeting", {"meeting": 2**62},
                **token_for("branch")).status_code == 422
    cancelled = post(client, f"/api/v1/reservations/{rid}/cancel", {"note": "改期"}, **token_for("branch"))
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_pending_reservation_is_approved_by_the_center(client, world, token_for):
    center = h.center(world.majiabao)
    room = h.room(center, needs_approval=True)
    day = h.open_day(center)
    made = post(client, f"/api/v1/rooms/{room.pk}/reservations", {
        "org": world.grid_branch.pk, "contact_name": "赵书记", "purpose": "party_day", "title": "主题党日",
        "starts_at": h.at(day, "14:00").isoformat(), "ends_at": h.at(day, "16:00").isoformat()},
        **token_for("branch"))
    assert made.json()["status"] == "pending"
    approved = post(client, f"/api/v1/reservations/{made.json()['id']}/approve", {"note": "同意"},
                    **token_for("street"))
    assert approved.status_code == 200 and approved.json()["status"] == "approved"


def test_the_public_list_reads_a_constant_number_of_queries(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as api:
            assert client.get("/api/v1/centers?near=39.85,116.37").status_code == 200
        with CaptureQueriesContext(connection) as page:
            assert client.get("/centers/?lat=39.85&lng=116.37").status_code == 200
        return len(api), len(page)

    for n in range(2):
        h.room(h.center(world.majiabao, name=f"第{n}站"))
    few = count()
    for n in range(2, 8):
        h.room(h.center(world.majiabao, name=f"第{n}站"))
    assert count() == few


def test_staff_add_services_and_rota_with_departments_of_the_centers_area(client, world):
    from jiceng.centers.models import CenterNotice

    center = h.center(world.majiabao)
    token = {"HTTP_AUTHORIZATION": f"Bearer {accounts.token_issue(SYSTEM, user=h.staff(world.majiabao), name='t')[1]}"}
    ours = accounts.department_create(SYSTEM, name="丰台区水务局", kind="水务", area=world.fengtai)
    theirs = accounts.department_create(SYSTEM, name="石景山区水务局", kind="水务", area=world.shijingshan)
    shift = {"department": ours.pk, "weekday": 2, "starts": "09:00", "ends": "12:00", "valid_from": "2026-11-01"}
    made = post(client, f"/api/v1/centers/{center.pk}/rota", shift, **token)
    assert made.status_code == 201 and made.json()["weekday_name"] == "周三"
    assert CenterNotice.objects.filter(center=center).count() == 1
    foreign = post(client, f"/api/v1/centers/{center.pk}/rota", {**shift, "department": theirs.pk}, **token)
    assert foreign.status_code == 422 and foreign.json()["errors"][0]["field"] == "department"
    service = post(client, f"/api/v1/centers/{center.pk}/services", {"name": "用水报装", "category": "生活服务",
                                                                    "department": ours.pk}, **token)
    assert service.status_code == 201 and service.json()["department_name"] == "丰台区水务局"
    assert client.get(f"/api/v1/centers/{center.pk}/rota").json()[0]["department_name"] == "丰台区水务局"
