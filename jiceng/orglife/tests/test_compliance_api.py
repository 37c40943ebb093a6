"""GET /api/v1/compliance, /compliance/summary and /compliance/todo."""

import pytest
from django.test import Client

from jiceng.orglife.tests.helpers import held

pytestmark = pytest.mark.django_db


def test_a_branch_gives_its_cells(world, client_for):
    held(world.grid_branch, "assembly", "2026-03-31 23:30")
    body = client_for("branch").get(f"/api/v1/compliance?org={world.grid_branch.pk}&year=2026").json()
    assert body["org"] == world.grid_branch.pk and body["year"] == 2026
    cells = body["branches"][0]["cells"]
    q1 = next(c for c in cells if c["kind"] == "assembly" and c["period"] == "2026Q1")
    assert q1 == {**q1, "held": 1, "required": 1, "state": "met", "start": "2026-01-01", "end": "2026-03-31"}
    groups = [c for c in cells if c["kind"] == "group"]
    assert groups and groups[0]["group"] == world.grid_group.pk


def test_a_street_gives_its_branches_by_month(world, token_for):
    held(world.grid_branch, "theme_day", "2026-01-20 09:00")
    body = Client().get(f"/api/v1/compliance?org={world.majiabao_committee.pk}&year=2026", **token_for("street")).json()
    branch = body["branches"][0]
    assert branch["id"] == world.grid_branch.pk and branch["cells"] is None
    assert len(branch["months"]) == 12 and branch["months"][0]["met"] >= 1


def test_summary_per_child(world, client_for):
    body = client_for("district").get(f"/api/v1/compliance/summary?org={world.fengtai_committee.pk}&year=2026").json()
    assert [c["id"] for c in body["children"]] == [world.majiabao_committee.pk]
    assert body["children"][0]["branches"] == 1


def test_todo(world, client_for):
    body = client_for("branch").get("/api/v1/compliance/todo").json()
    assert body and {"branch", "branch_name", "cell"} <= set(body[0])


@pytest.mark.parametrize("query", ["org=abc", "org=1&year=1800", "year=2026"])
def test_bad_query_is_422(world, client_for, query):
    assert client_for("branch").get(f"/api/v1/compliance?{query}").status_code == 422


def test_out_of_scope_is_404_and_no_permission_403(world, client_for):
    assert client_for("branch").get(
        f"/api/v1/compliance?org={world.bajiao_committee.pk}").status_code == 404
    assert client_for("grid").get(f"/api/v1/compliance?org={world.grid_branch.pk}").status_code == 403
