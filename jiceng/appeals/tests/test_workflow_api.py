"""The REST contract of the workflow: status codes, field errors, scope."""

import pytest

from jiceng.appeals.models import Appeal, Extension, OrderStatus, Status
from jiceng.appeals.tests.workflow_helpers import departments, dispatched, new_appeal, resolved, snapshot


@pytest.fixture
def depts(world, personas):
    return departments(world, personas)


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_categories_are_public(client, db):
    response = client.get("/api/v1/appeals/categories")
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()}
    assert rows["city.manhole"]["parent"] == "city" and rows["city.manhole"]["department_kind"] == "城管"
    assert {d["urgency"] for d in rows["city.manhole"]["deadlines"]} == {"urgent", "normal"}


def test_list_is_scoped_filtered_and_paginated(world, personas, depts, client_for, client):
    a = dispatched(depts[0])
    other = dispatched(depts[1], category="market.food", content="餐馆食品过期")
    assert client.get("/api/v1/appeals").status_code == 401
    body = client_for("street").get("/api/v1/appeals").json()
    assert body["count"] == 2 and {r["id"] for r in body["items"]} == {a.pk, other.pk}
    body = client_for("dept").get("/api/v1/appeals").json()
    assert [r["id"] for r in body["items"]] == [a.pk]
    body = client_for("street").get("/api/v1/appeals", {"category": "market", "limit": 1}).json()
    assert [r["id"] for r in body["items"]] == [other.pk]
    assert client_for("street").get("/api/v1/appeals", {"overdue": "true"}).json()["count"] == 0
    response = client_for("street").get("/api/v1/appeals", {"period": "2026-13"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "period"
    assert client_for("branch").get("/api/v1/appeals").json()["count"] == 0


def test_detail_has_timeline_orders_and_is_404_out_of_scope(world, personas, depts, client_for):
    a = dispatched(depts[0])
    body = client_for("street").get(f"/api/v1/appeals/{a.pk}").json()
    assert [e["action"] for e in body["timeline"]] == ["receive", "dispatch"]
    assert body["orders"][0]["unit"] == "丰台区城管执法局" and body["phone"] == "138****8000"
    assert body["overdue"] is False and body["photos"] == [] and body["extensions"] == []
    far = new_appeal(lat=None, lng=None, community=world.bajiao_community.code)
    assert client_for("street").get(f"/api/v1/appeals/{far.pk}").status_code == 404
    assert client_for("street").get("/api/v1/appeals/999999").status_code == 404


def test_the_whole_path_through_the_api(world, personas, depts, client_for):
    street, dept = client_for("street"), client_for("dept")
    a = new_appeal()
    url = f"/api/v1/appeals/{a.pk}"
    assert post(street, f"{url}/categorize", {"category": "city.road"}).status_code == 200
    response = post(street, f"{url}/dispatch", {"lead": {"department": depts[0].pk},
                                                 "assists": [{"area": world.jiayuan.code}]})
    assert response.status_code == 200 and response.json()["status"] == "dispatched"
    assert post(dept, f"{url}/accept").json()["status"] == "accepted"
    again = post(dept, f"{url}/accept")
    assert again.status_code == 409 and "签收" in again.json()["detail"]
    assert post(dept, f"{url}/progress", {"note": "已到现场", "public": True}).json()["status"] == "in_progress"
    response = post(dept, f"{url}/extend", {"days": 3, "reason": "等待配件"})
    assert response.status_code == 201
    extension = response.json()["id"]
    assert post(dept, f"{url}/extend/{extension}/decide", {"approve": True}).status_code == 403
    assert post(street, f"{url}/extend/{extension}/decide", {"approve": True}).json()["status"] == "approved"
    assert post(dept, f"{url}/resolve", {"solution": "已修复"}).json()["status"] == "resolved"
    response = post(street, f"{url}/callback", {"contacted": True, "solved": "解决", "satisfied": "基本满意"})
    assert response.json()["callback"]["satisfied"] == "basic"
    assert post(street, f"{url}/close").json()["status"] == "closed"
    assert Appeal.objects.get(pk=a.pk).status == Status.CLOSED


def test_field_errors_and_conflicts(world, personas, depts, client_for):
    street, dept = client_for("street"), client_for("dept")
    a = dispatched(depts[0])
    url = f"/api/v1/appeals/{a.pk}"
    before = snapshot(a)
    response = post(dept, f"{url}/return", {"reason": ""})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "reason"
    response = post(dept, f"{url}/return", {})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "reason"
    response = post(street, f"{url}/dispatch", {"lead": {"area": "999999999999"}})
    assert response.status_code in (409, 422)
    response = post(dept, f"{url}/resolve", {"solution": "x"})
    assert response.status_code == 409 and "派单" in response.json()["detail"]
    response = post(dept, f"{url}/callback", {"contacted": True, "solved": "solved", "satisfied": "satisfied"})
    assert response.status_code == 403
    response = post(street, f"{url}/park", {"plan": "明年", "until": "2020-01-01"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "until"
    response = post(street, f"{url}/park", {"plan": "明年", "until": "2099-01-01"})
    assert response.status_code == 409 and "挂账" in response.json()["detail"]
    response = post(street, f"{url}/merge", {"into": a.pk})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "into"
    assert snapshot(a) == before
    response = post(dept, f"{url}/return", {"reason": "不属于城管职责"})
    assert response.status_code == 200 and response.json()["status"] == "returned"
    assert a.orders.get().status == OrderStatus.RETURNED


def test_merge_and_park_through_the_api(world, personas, depts, client_for):
    street = client_for("street")
    main, dup = dispatched(depts[0]), new_appeal()
    response = post(street, f"/api/v1/appeals/{dup.pk}/merge", {"into": main.pk})
    assert response.status_code == 200 and response.json()["merged_into"] == main.pk
    post(client_for("dept"), f"/api/v1/appeals/{main.pk}/accept")
    response = post(street, f"/api/v1/appeals/{main.pk}/park", {"plan": "纳入改造计划", "until": "2099-01-01"})
    assert response.json()["status"] == "parked"
    response = post(street, f"/api/v1/appeals/{main.pk}/park", {"unpark": True})
    assert response.json()["status"] == "in_progress"


def test_close_without_callback_needs_a_note(world, personas, depts, client_for):
    a = resolved(depts[0])
    response = post(client_for("street"), f"/api/v1/appeals/{a.pk}/close")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "note"
    assert post(client_for("street"), f"/api/v1/appeals/{a.pk}/close", {"note": "联系不上"}).status_code == 200
    assert not Extension.objects.exists()


def test_place_through_the_api(world, personas, client_for):
    from jiceng.appeals.models import Channel
    from jiceng.appeals.services.intake import appeal_create
    from jiceng.appeals.tests.workflow_helpers import GOOD

    data = {k: v for k, v in GOOD.items() if k not in ("lat", "lng")}
    appeal, _ = appeal_create(personas["street"], {**data, "hotline_no": "12345-9"}, channel=Channel.HOTLINE)
    url = f"/api/v1/appeals/{appeal.pk}/place"
    response = post(client_for("street"), url, {"community": world.bajiao_community.code})
    assert response.status_code == 422  # not the street's to place there
    response = post(client_for("street"), url, {"community": world.jiaomen.code})
    assert response.status_code == 200 and response.json()["community"] == world.jiaomen.code
