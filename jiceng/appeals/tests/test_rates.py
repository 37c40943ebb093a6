"""The three rates over the database: the rollup equals the raw computation (and the per-row
definition) for every unit and period over random data; the stats endpoint, its scope and the pages."""

import random
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from jiceng.appeals import rules_rates as rr
from jiceng.appeals.models import Appeal, AppealRollup, RollupPeriod
from jiceng.appeals.selectors import rates as sel
from jiceng.appeals.services.rates import rollup_refresh
from jiceng.appeals.tests.rates_factory import make_appeal, when
from jiceng.core.models import Department
from jiceng.testing import official

PERIODS = ["2026-08", "2026-09", "2026-10"]
STATUSES = ["received", "dispatched", "accepted", "in_progress", "returned", "parked", "resolved", "visited",
            "closed", "closed", "closed", "merged"]


def python_counts(appeals, now, key):
    out = {}
    for a in appeals:
        k = key(a)
        out[k] = out.get(k, rr.Counts()) + rr.contribution(a, now)
    return {k: v for k, v in out.items() if v.received}


@pytest.fixture
def units(world):
    extra_street = official("110106016000", "卢沟桥街道", "street", world.fengtai)
    extra_comm = official("110106016001", "太平桥社区", "community", extra_street)
    depts = [Department.objects.create(name=f"部门{i}", kind="城管", area=world.fengtai) for i in range(3)]
    return {"places": [world.jiayuan, world.jiaomen, world.majiabao, extra_comm, world.bajiao_community],
            "departments": [None, *depts]}


@override_settings(APPEAL_ROLLUP_STALE_SECONDS=0)
def test_the_rollup_equals_the_raw_computation_for_every_unit_and_period(units):
    rnd = random.Random(6)
    now = timezone.now()
    made = []
    for _ in range(260):
        period = rnd.choice(PERIODS)
        status = rnd.choice(STATUSES)
        received = when(period, rnd.randrange(1, 29), rnd.randrange(0, 24))
        made.append(make_appeal(
            place=rnd.choice(units["places"]), received_at=received, status=status,
            department=rnd.choice(units["departments"]),
            responded=rnd.choice([None, 1, 5, 30, 80]), finished=rnd.choice([1, 5, 9, 20]),
            solved=rnd.choice(["", "solved", "partly", "unsolved"]),
            satisfied=rnd.choice(["", "satisfied", "basic", "unsatisfied"]),
            response_hours=rnd.choice([2, 24, 24 * 60]), complete_days=rnd.choice([3, 7, 60]),
            save=False))
    Appeal.objects.bulk_create(made)
    for p in PERIODS:
        rollup_refresh(p)
    assert AppealRollup.objects.exists()
    fields = {"district": "district_id", "street": "street_id", "community": "community_id",
              "department": "lead_department_id"}

    def check():
        rows = list(Appeal.objects.all())
        for p in PERIODS:
            lo, hi = sel.bounds(p)
            in_month = [a for a in rows if lo <= a.received_at < hi]
            for unit, field in fields.items():
                expected = python_counts(in_month, now, lambda a, f=field: getattr(a, f))
                raw = sel.counts(p, group=unit, now=now, source="raw")
                rolled = sel.counts(p, group=unit, now=now, source="rollup")
                assert {k: v for k, v in raw.items() if v.received} == expected, (p, unit)
                assert {k: v for k, v in rolled.items() if v.received} == expected, (p, unit)
            assert sel.counts(p, now=now)[None] == python_counts(in_month, now, lambda a: None).get(None, rr.Counts())
        many = sel.counts(PERIODS, group="street", now=now)
        assert many == sel.counts(PERIODS, group="street", now=now, source="raw")

    check()
    # Corrections through save() mark the month dirty; the next read re-sums it.
    for a in rnd.sample(made, 40):
        a.refresh_from_db()
        a.status, a.cb_satisfied, a.completed_on_time = "closed", "unsatisfied", False
        a.resolved_at = a.resolved_at or a.received_at + timedelta(days=3)
        a.save()
    assert RollupPeriod.objects.filter(dirty=True).exists()
    check()


def test_stats_endpoint_gives_rates_of_the_area_and_its_children(world, client_for):
    p = "2026-10"
    make_appeal(place=world.jiayuan, received_at=when(p), solved="solved", satisfied="satisfied")
    make_appeal(place=world.jiayuan, received_at=when(p, 11), solved="unsolved", satisfied="basic", responded=30)
    make_appeal(place=world.jiaomen, received_at=when(p, 12), status="in_progress", finished=None)  # open, overdue
    make_appeal(place=world.bajiao_community, received_at=when(p), solved="solved")  # another district
    response = client_for("district").get(f"/api/v1/appeals/stats?area={world.fengtai.code}&period={p}")
    assert response.status_code == 200
    body = response.json()
    assert body["area"]["code"] == world.fengtai.code and body["period"] == p
    total = body["total"]
    assert total["counts"]["received"] == 3
    assert total["counts"]["open_overdue"] == 1
    assert total["rates"] == {"response": 66.7, "solution": 50.0, "satisfaction": 90.0, "on_time": 66.7,
                              "score": 69.67}  # 10×2/3 + 45×0.5 + 45×0.9, over 100
    assert [c["name"] for c in body["children"]] == ["马家堡街道"]
    assert "0.8" in body["definitions"]["satisfaction"]
    assert body["parameters"]["weights"] == {"response": 10, "solution": 45, "satisfaction": 45, "on_time": 0}
    street = client_for("street").get(f"/api/v1/appeals/stats?area={world.majiabao.code}&period={p}").json()
    children = [(c["name"], c["counts"]["received"]) for c in street["children"]]
    assert children == [("嘉园一里社区", 2), ("角门东里社区", 1)]
    empty = next(c for c in street["children"] if c["name"] == "角门东里社区")
    assert empty["rates"]["solution"] is None and empty["rates"]["on_time"] == 0.0


def test_stats_endpoint_query_count_does_not_grow_with_units(world, client_for, django_assert_max_num_queries):
    for n in range(30):
        official(f"110106{100 + n:03d}000", f"街道{n}", "street", world.fengtai)
        make_appeal(place=world.jiayuan, received_at=when("2026-10", 1 + n % 28), solved="solved")
    district = client_for("district")
    district.get(f"/api/v1/appeals/stats?area={world.fengtai.code}&period=2026-10")  # sums the month once
    with django_assert_max_num_queries(14):
        body = district.get(f"/api/v1/appeals/stats?area={world.fengtai.code}&period=2026-10").json()
    assert len(body["children"]) == 31 and body["total"]["counts"]["received"] == 30


def test_stats_scope_and_bad_input(world, client_for):
    district = client_for("district")
    assert district.get(f"/api/v1/appeals/stats?area={world.bajiao.code}&period=2026-10").status_code == 404
    assert client_for("street").get(f"/api/v1/appeals/stats?area={world.fengtai.code}").status_code == 404
    assert client_for("community").get(f"/api/v1/appeals/stats?area={world.majiabao.code}").status_code == 404
    assert client_for("grid").get(f"/api/v1/appeals/stats?area={world.grid1.code}").status_code == 404  # no stats perm
    assert district.get("/api/v1/appeals/stats?area=999999999999").status_code == 404
    for bad in ("2026-13", "2026/10", "abc", "2999-01"):
        response = district.get(f"/api/v1/appeals/stats?area={world.fengtai.code}&period={bad}")
        assert response.status_code == 422, bad
        assert response.json()["errors"][0]["field"] == "period"


def test_a_department_handler_sees_only_their_department(world, personas, client_for):
    mine = Department.objects.create(name="丰台区城管执法局", kind="城管", area=world.fengtai)
    other = Department.objects.create(name="丰台区水务局", kind="水务", area=world.fengtai)
    personas["dept"].department = mine
    personas["dept"].save()
    p = "2026-10"
    make_appeal(place=world.jiayuan, received_at=when(p), department=mine, solved="solved")
    make_appeal(place=world.jiayuan, received_at=when(p), department=other, solved="unsolved")
    make_appeal(place=world.jiaomen, received_at=when(p), department=other, solved="unsolved")
    body = client_for("dept").get(f"/api/v1/appeals/stats?area={world.fengtai.code}&period={p}").json()
    assert body["department"]["name"] == "丰台区城管执法局"
    assert body["total"]["counts"]["received"] == 1 and body["total"]["rates"]["solution"] == 100.0
    assert [d["name"] for d in body["departments"]] == ["丰台区城管执法局"]
    everyone = client_for("district").get(f"/api/v1/appeals/stats?area={world.fengtai.code}&period={p}").json()
    assert everyone["total"]["counts"]["received"] == 3 and len(everyone["departments"]) == 2


def test_pages_render_for_those_with_the_stats_permission(world, client_for):
    p = "2026-10"
    make_appeal(place=world.jiayuan, received_at=when(p), solved="solved", satisfied="satisfied")
    district = client_for("district")
    page = district.get(f"/appeals/rates/?area={world.fengtai.code}&period={p}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "三率考核" in html and "jc-appeal-rates" in html and "满意率 = " in html and "马家堡街道" in html
    assert district.get(f"/appeals/rates/?area={world.bajiao.code}").status_code == 404
    assert district.get("/appeals/rates/?period=garbage").status_code == 200  # the error is shown on the page
    assert client_for("street").get("/appeals/rates/").status_code == 200
    assert client_for("grid").get("/appeals/rates/").status_code == 403
    assert district.get(f"/appeals/rankings/?period={p}").status_code == 200
    assert district.get(f"/appeals/hotspots/?period={p}").status_code == 200
