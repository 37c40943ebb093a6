"""Monthly rankings: live preview, publishing a frozen snapshot, once per month, classes against last month."""

import json

from django.test import override_settings
from django.utils import timezone

from jiceng.appeals.models import Appeal, RankingSnapshot
from jiceng.appeals.tests.rates_factory import make_appeal, when
from jiceng.core.models import AuditEvent, Department
from jiceng.testing import official

P, PREV = "2026-10", "2026-09"


def street_data(world):
    lugouqiao = official("110106016000", "卢沟桥街道", "street", world.fengtai)
    taiping = official("110106016001", "太平桥社区", "community", lugouqiao)
    for _ in range(3):
        make_appeal(place=world.jiayuan, received_at=when(P), solved="solved", satisfied="satisfied")
    make_appeal(place=taiping, received_at=when(P), solved="solved", satisfied="satisfied")
    make_appeal(place=taiping, received_at=when(P), solved="unsolved", satisfied="unsatisfied", responded=40)
    return lugouqiao, taiping


def publish(client, world, kind="streets", period=P):
    return client.post("/api/v1/appeals/rankings", json.dumps({"district": world.fengtai.code, "period": period,
                                                              "kind": kind}), content_type="application/json")


def test_preview_ranks_streets_by_composite_score(world, client_for):
    street_data(world)
    body = client_for("district").get(f"/api/v1/appeals/rankings?district={world.fengtai.code}&period={P}").json()
    assert body["published"] is False
    assert [(r["name"], r["rank"], r["score"], r["class"]) for r in body["rows"]] == [
        ("马家堡街道", 1, 100.0, "advanced"), ("卢沟桥街道", 2, 50.0, "govern")]
    assert body["rows"][1]["counts"]["due_response"] == 2


@override_settings(APPEAL_ROLLUP_STALE_SECONDS=0)
def test_a_published_ranking_is_frozen_against_later_corrections(world, client_for):
    street_data(world)
    district = client_for("district")
    response = publish(district, world)
    assert response.status_code == 201, response.content
    assert response.json()["published"] is True
    frozen = RankingSnapshot.objects.get(period=P, kind="streets").rows
    assert AuditEvent.objects.filter(action="appeal_ranking.publish").count() == 1
    for a in Appeal.objects.filter(street=world.majiabao):  # a correction after publication
        a.cb_solved, a.cb_satisfied = "unsolved", "unsatisfied"
        a.save()
    again = district.get(f"/api/v1/appeals/rankings?district={world.fengtai.code}&period={P}").json()
    assert again["published"] is True and again["rows"] == frozen
    assert RankingSnapshot.objects.get(period=P, kind="streets").rows == frozen
    live = district.get(f"/api/v1/appeals/stats?area={world.majiabao.code}&period={P}").json()
    assert live["total"]["rates"]["solution"] == 0.0  # the live figures did change


def test_publishing_the_same_month_twice_is_refused_and_changes_nothing(world, client_for):
    street_data(world)
    district = client_for("district")
    assert publish(district, world).status_code == 201
    snap = RankingSnapshot.objects.get()
    second = publish(district, world)
    assert second.status_code == 409
    assert "发布后不再更改" in second.json()["detail"]
    assert RankingSnapshot.objects.count() == 1 and RankingSnapshot.objects.get().published_at == snap.published_at
    assert AuditEvent.objects.filter(action="appeal_ranking.publish").count() == 1
    assert publish(district, world, kind="departments").status_code == 201  # the other kind is its own ranking


def test_who_may_publish_and_which_months(world, client_for, personas):
    street_data(world)
    assert publish(client_for("street"), world).status_code == 404  # the district is out of their scope
    mine = Department.objects.create(name="丰台区城管执法局", kind="城管", area=world.fengtai)
    personas["dept"].department = mine
    personas["dept"].save()
    assert publish(client_for("dept"), world, kind="departments").status_code == 403  # sees it, may not publish
    district = client_for("district")
    this_month = publish(district, world, period=timezone.localdate().strftime("%Y-%m"))
    assert this_month.status_code == 422 and this_month.json()["errors"][0]["field"] == "period"
    assert publish(district, world, kind="weekly").status_code == 422
    assert not RankingSnapshot.objects.exists()
    assert not AuditEvent.objects.filter(action="appeal_ranking.publish").exists()


def test_classes_compare_with_last_months_published_ranking(world, client_for):
    lugouqiao, taiping = street_data(world)
    # last month 卢沟桥 was at 72 (整改 line 75), this month 78 → +6 points: 进步类
    RankingSnapshot.objects.create(kind="streets", area=world.fengtai, period=PREV, rows=[
        {"unit_id": world.majiabao.pk, "score": 100.0, "rank": 1}, {"unit_id": lugouqiao.pk, "score": 72.0, "rank": 2}])
    Appeal.objects.filter(street=lugouqiao).delete()
    for solved, satisfied in [("solved", "satisfied"), ("solved", "satisfied"), ("solved", "satisfied"),
                              ("solved", "basic"), ("unsolved", "satisfied")]:
        make_appeal(place=taiping, received_at=when(P), solved=solved, satisfied=satisfied)
    rows = client_for("district").get(
        f"/api/v1/appeals/rankings?district={world.fengtai.code}&period={P}").json()["rows"]
    lu = next(r for r in rows if r["name"] == "卢沟桥街道")
    # 10×100 + 45×80 + 45×(4.8/5 = 96) = 8920 / 100 → 89.2
    assert (lu["score"], lu["previous_score"], lu["class"], lu["class_label"]) == (89.2, 72.0, "progress", "进步类")


def test_department_handler_sees_only_their_row_and_no_street_ranking(world, client_for, personas):
    mine = Department.objects.create(name="丰台区城管执法局", kind="城管", area=world.fengtai)
    other = Department.objects.create(name="丰台区水务局", kind="水务", area=world.fengtai)
    personas["dept"].department = mine
    personas["dept"].save()
    make_appeal(place=world.jiayuan, received_at=when(P), department=mine, solved="solved")
    make_appeal(place=world.jiayuan, received_at=when(P), department=other, solved="unsolved")
    dept = client_for("dept")
    url = f"/api/v1/appeals/rankings?district={world.fengtai.code}&period={P}"
    assert dept.get(url).status_code == 404
    rows = dept.get(url + "&kind=departments").json()["rows"]
    assert [(r["name"], r["rank"]) for r in rows] == [("丰台区城管执法局", 1)]
    assert len(client_for("district").get(url + "&kind=departments").json()["rows"]) == 2


def test_rankings_page_previews_and_publishes(world, client_for):
    street_data(world)
    district = client_for("district")
    page = district.get(f"/appeals/rankings/?period={P}").content.decode()
    assert "预览（未发布）" in page and "发布本月排名" in page and "卢沟桥街道" in page
    response = district.post("/appeals/rankings/publish/", {"district": world.fengtai.code, "kind": "streets",
                                                             "period": P})
    assert response.status_code == 302 and RankingSnapshot.objects.count() == 1
    page = district.get(f"/appeals/rankings/?period={P}").content.decode()
    assert "已发布" in page and "发布本月排名" not in page
    again = district.post("/appeals/rankings/publish/", {"district": world.fengtai.code, "kind": "streets",
                                                          "period": P}, follow=True)
    assert "发布后不再更改" in again.content.decode() and RankingSnapshot.objects.count() == 1
