"""Hot spots (每月一题 / 未诉先办): top category × place with growth, recurring addresses and points,
and turning one into a proactive task for the street."""

import json

from jiceng.appeals.models import HotSpotTask
from jiceng.appeals.selectors.hotspots import normalize_address
from jiceng.appeals.tests.rates_factory import make_appeal, when
from jiceng.core.models import AuditEvent

P, PREV = "2026-10", "2026-09"


def test_top_combinations_by_volume_with_growth(world, client_for):
    for _ in range(4):
        make_appeal(place=world.jiayuan, received_at=when(P), category="environment.noise")
    make_appeal(place=world.jiayuan, received_at=when(PREV), category="environment.noise")
    for _ in range(2):
        make_appeal(place=world.jiaomen, received_at=when(P), category="city.road")
        make_appeal(place=world.jiaomen, received_at=when(PREV), category="city.road")
    make_appeal(place=world.jiaomen, received_at=when(P), category="city.road", status="merged")  # not counted
    body = client_for("street").get(f"/api/v1/appeals/hotspots?area={world.majiabao.code}&period={P}").json()
    assert [(t["category"], t["place"], t["count"], t["previous"], t["growth"], t["growth_pct"]) for t in body["top"]] \
        == [("噪音扰民", "嘉园一里社区", 4, 1, 3, 300.0), ("道路设施", "角门东里社区", 2, 2, 0, 0.0)]
    district = client_for("district").get(f"/api/v1/appeals/hotspots?area={world.fengtai.code}&period={P}").json()
    assert next((t["place"], t["count"], t["street_code"]) for t in district["top"]) == (
        "马家堡街道", 4, world.majiabao.code)


def test_recurring_addresses_and_points_within_50_metres(world, client_for):
    for day, address in [(2, "马家堡东路 12 号院"), (20, "马家堡东路１２号院"), (25, "马家堡东路12号院。")]:
        make_appeal(place=world.jiayuan, received_at=when(P, day), address=address, category="city.manhole")
    # 30 m apart (0.00027° of latitude), within 90 days; one more 200 m away does not join
    for k, day in enumerate([1, 15]):
        make_appeal(place=world.jiaomen, received_at=when(PREV, day), latitude=39.84 + 0.00027 * k, longitude=116.37,
                    address=f"角门路{k}号")
    make_appeal(place=world.jiaomen, received_at=when(P, 3), latitude=39.84 + 0.00013, longitude=116.3701,
                address="角门路9号")
    make_appeal(place=world.jiaomen, received_at=when(P, 3), latitude=39.842, longitude=116.37, address="角门路99号")
    make_appeal(place=world.jiaomen, received_at=when("2026-06", 3), latitude=39.84, longitude=116.37,
                address="角门路8号")  # more than 90 days before the end of October
    body = client_for("street").get(f"/api/v1/appeals/hotspots?area={world.majiabao.code}&period={P}").json()
    found = {(c["kind"], c["count"]) for c in body["recurring"]}
    assert found == {("address", 3), ("point", 3)}
    assert normalize_address("马家堡东路 12 号院") == normalize_address("马家堡东路１２号院。")


def test_a_hot_spot_becomes_a_proactive_task_and_is_done(world, client_for):
    street = client_for("street")
    payload = {"street": world.majiabao.code, "period": P, "category": "environment.noise",
               "title": "嘉园一里夜间施工噪音专项治理", "evidence": {"count": 4, "growth": 3}}
    response = street.post("/api/v1/appeals/hotspots/tasks", json.dumps(payload), content_type="application/json")
    assert response.status_code == 201, response.content
    task = HotSpotTask.objects.get()
    assert (task.street, task.category.code, task.evidence["count"], task.status) == (
        world.majiabao, "environment.noise", 4, "open")
    assert AuditEvent.objects.filter(action="hotspot_task.create", object_id=str(task.pk)).exists()
    listed = street.get(f"/api/v1/appeals/hotspots?area={world.majiabao.code}&period={P}").json()["tasks"]
    assert [t["title"] for t in listed] == ["嘉园一里夜间施工噪音专项治理"]
    outcome = json.dumps({"outcome": "约谈施工单位，夜间停工"})
    done = street.post(f"/api/v1/appeals/hotspots/tasks/{task.pk}/done", outcome, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "done"
    twice = street.post(f"/api/v1/appeals/hotspots/tasks/{task.pk}/done", json.dumps({"outcome": "again"}),
                        content_type="application/json")
    assert twice.status_code == 422
    task.refresh_from_db()
    assert task.outcome == "约谈施工单位，夜间停工"


def test_tasks_are_refused_out_of_scope_or_without_a_title(world, client_for):
    street = client_for("street")
    other = {"street": world.bajiao.code, "period": P, "title": "别的区的任务"}
    assert street.post("/api/v1/appeals/hotspots/tasks", json.dumps(other),
                       content_type="application/json").status_code == 404
    blank = street.post("/api/v1/appeals/hotspots/tasks", json.dumps({**other, "street": world.majiabao.code,
                                                                       "title": " "}), content_type="application/json")
    assert blank.status_code == 422 and blank.json()["errors"][0]["field"] == "title"
    bad = street.post("/api/v1/appeals/hotspots/tasks", json.dumps({**other, "street": world.majiabao.code,
                                                                     "period": "10/2026"}),
                      content_type="application/json")
    assert bad.status_code == 422
    # the community secretary sees the street's figures only through their community: may not create
    community = client_for("community").post("/api/v1/appeals/hotspots/tasks", json.dumps(
        {**other, "street": world.majiabao.code}), content_type="application/json")
    assert community.status_code in (403, 404)
    assert not HotSpotTask.objects.exists()
    assert not AuditEvent.objects.filter(action="hotspot_task.create").exists()


def test_hotspots_page_turns_a_hot_spot_into_a_task(world, client_for):
    for _ in range(3):
        make_appeal(place=world.jiayuan, received_at=when(P), category="environment.noise")
    street = client_for("street")
    page = street.get(f"/appeals/hotspots/?area={world.majiabao.code}&period={P}").content.decode()
    assert "转为未诉先办任务" in page and "噪音扰民" in page
    response = street.post("/appeals/hotspots/tasks/", {"street": world.majiabao.code, "area": world.majiabao.code,
                                                         "period": P, "category": "environment.noise",
                                                         "title": "嘉园一里社区噪音扰民专项治理", "count": "3"})
    assert response.status_code == 302
    task = HotSpotTask.objects.get()
    assert task.evidence == {"count": "3"}
    page = street.get(f"/appeals/hotspots/?area={world.majiabao.code}&period={P}").content.decode()
    assert "嘉园一里社区噪音扰民专项治理" in page and "标记完成" in page
