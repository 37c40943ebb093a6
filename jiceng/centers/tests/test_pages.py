import io
from datetime import time

import pytest
from django.test import Client
from openpyxl import load_workbook

from jiceng.centers.models import Center, CenterService, OpeningException, RoomReservation, RotaShift
from jiceng.centers.services import catalogue, reservations, rota
from jiceng.centers.tests import helpers as h
from jiceng.core.services import accounts
from jiceng.testing import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture
def center(world):
    made = h.center(world.majiabao)
    h.room(made)
    dept = accounts.department_create(SYSTEM, name="丰台区城管执法局", kind="城管", area=world.fengtai)
    catalogue.service_create(SYSTEM, center=made, name="垃圾分类指导", category="城市管理", department=dept)
    rota.shift_create(SYSTEM, center=made, department=dept, weekday=0, starts=time(9), ends=time(12),
                      valid_from=h.open_day(made, 0).replace(day=1), matters="占道经营咨询")
    return made


def staff_client(world) -> Client:
    client = Client()
    client.force_login(h.staff(world.majiabao))
    return client


def test_public_pages_need_no_sign_in(client, center):
    listing = client.get("/centers/?lat=39.85&lng=116.37")
    assert listing.status_code == 200 and "马家堡街道党群服务中心" in listing.content.decode()
    assert "centers-map-data" in listing.content.decode()
    page = client.get(f"/centers/{center.pk}/").content.decode()
    for text in ("今日开放", "垃圾分类指导", "丰台区城管执法局", "第一会议室", "占道经营咨询"):
        assert text in page
    assert client.get("/centers/?lat=abc&lng=1").status_code == 200
    assert client.get("/centers/999999/").status_code == 404


def test_public_list_is_nearest_first(client, world, center):
    far = h.center(world.bajiao, name="八角街道党群服务中心")
    Center.objects.filter(pk=far.pk).update(lat=39.9075, lng=116.212)
    body = client.get("/centers/?lat=39.9&lng=116.21").content.decode()
    assert body.index("八角街道党群服务中心") < body.index("马家堡街道党群服务中心")


def test_staff_pages_and_forms(world, center):
    client = staff_client(world)
    home = client.get("/centers/manage/").content.decode()
    assert "马家堡街道党群服务中心" in home
    assert client.get(f"/centers/manage/{center.pk}/").status_code == 200
    response = client.post(f"/centers/manage/{center.pk}/hours/", {"opens_0": "09:00", "closes_0": "17:00"})
    assert response.status_code == 302 and center.hours.count() == 1
    bad = client.post(f"/centers/manage/{center.pk}/hours/", {"opens_1": "18:00", "closes_1": "09:00"})
    assert bad.status_code == 200 and center.hours.count() == 1
    client.post(f"/centers/manage/{center.pk}/exceptions/", {"date": "2026-12-31", "note": "盘点"})
    assert OpeningException.objects.filter(center=center, is_open=False).count() == 1
    client.post(f"/centers/manage/{center.pk}/rooms/new/", {"name": "红色直播间", "kind": "live", "capacity": 6,
                                                          "is_bookable": "on", "needs_approval": "on"})
    assert center.rooms.get(name="红色直播间").needs_approval
    client.post(f"/centers/manage/{center.pk}/services/new/", {"name": "法律咨询", "category": "公益服务",
                                                             "channel": "booking"})
    assert CenterService.objects.filter(center=center, name="法律咨询").exists()
    shift = RotaShift.objects.get(center=center)
    client.post(f"/centers/manage/rota/{shift.pk}/", {"department": shift.department_id, "weekday": 3,
                                                      "starts": "14:00", "ends": "17:00", "valid_from": "2026-11-01"})
    shift.refresh_from_db()
    assert shift.weekday == 3
    assert "部门坐班调整" in client.get(f"/centers/manage/{center.pk}/").content.decode()


def test_pages_deny_without_changing_anything(world, center, client_for):
    community = client_for("community")  # 嘉园一里社区: cannot see the street center
    assert community.get(f"/centers/manage/{center.pk}/").status_code == 404
    assert community.post(f"/centers/manage/{center.pk}/hours/", {"opens_0": "01:00", "closes_0": "02:00"}
                          ).status_code == 404
    dept = client_for("dept")  # sees it, may not change it
    assert dept.get(f"/centers/manage/{center.pk}/").status_code == 200
    assert dept.post(f"/centers/manage/{center.pk}/rooms/new/", {"name": "x", "kind": "meeting", "capacity": 1}
                     ).status_code == 403
    assert client_for("grid").get("/centers/manage/").status_code == 403
    assert Client().get("/centers/manage/").status_code == 302
    assert center.rooms.count() == 1 and center.hours.count() == 7


def test_reserve_page_and_decisions(world, center, client_for):
    room = center.rooms.get()
    day = h.open_day(center)
    branch = client_for("branch")
    response = branch.post(f"/centers/rooms/{room.pk}/reserve/", {
        "org": world.grid_branch.pk, "purpose": "three_meetings", "title": "支部委员会", "attendees": 7,
        "date": day.isoformat(), "starts": "10:00", "ends": "11:00", "contact_name": "赵书记"})
    assert response.status_code == 302, response.content.decode()[:3000]
    clash = branch.post(f"/centers/rooms/{room.pk}/reserve/", {
        "org": world.grid_branch.pk, "purpose": "three_meetings", "title": "又一次", "attendees": 7,
        "date": day.isoformat(), "starts": "10:30", "ends": "11:30", "contact_name": "赵书记"})
    assert clash.status_code == 200 and "已被预约" in clash.content.decode()
    made = RoomReservation.objects.get()
    assert "支部委员会" in branch.get("/centers/reservations/").content.decode()
    assert branch.post(f"/centers/reservations/{made.pk}/approve/").status_code == 403
    branch.post(f"/centers/reservations/{made.pk}/cancel/", {"note": "改期"})
    made.refresh_from_db()
    assert made.status == "cancelled"


def test_stats_page_and_export(world, center):
    room = center.rooms.get()
    day = h.open_day(center, 1)
    client = staff_client(world)
    reservations.reservation_create(SYSTEM, room=room, applicant="居民合唱团", contact_name="王敏", purpose="event",
                                    title="排练", starts_at=h.at(day, "19:00"), ends_at=h.at(day, "21:00"))
    page = client.get(f"/centers/manage/{center.pk}/stats/?from={day}&to={day}")
    assert page.status_code == 200 and "利用率" in page.content.decode()
    row = next(r for r in page.context["stats"].rooms if r.name == room.name)
    assert row.reservations == 1 and row.hours == 2 and row.utilization == round(100 * 2 / 13, 1)
    assert client.get(f"/centers/manage/{center.pk}/stats/?from=2026-01-01&to=2026-12-31").status_code == 200
    export = client.get(f"/centers/manage/{center.pk}/stats.xlsx?from={day}&to={day}")
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    assert [c.value for c in sheet[2]][:3] == [room.name, "会议室", 1]
