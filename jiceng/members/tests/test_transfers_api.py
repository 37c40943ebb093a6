"""/api/v1/transfers: one POST per transition, scoped reads from both sides, the error codes."""

import json

import pytest
from django.test import Client

from jiceng.core.periods import month_start
from jiceng.core.services import accounts
from jiceng.members.models import Member, Transfer, TransferStep
from jiceng.members.services.roll import today
from jiceng.members.tests import factories
from jiceng.members.tests import mobility_helpers as h
from jiceng.testing import SYSTEM


def post(headers, url, payload=None):
    return Client().post(url, data=json.dumps(payload or {}), content_type="application/json", **headers)


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {accounts.token_issue(SYSTEM, user=user, name='t')[1]}"}


@pytest.fixture
def setup(world, token_for):
    member = factories.member(world.grid_branch, "王芳")
    Member.objects.filter(pk=member.pk).update(dues_paid_through=month_start(today()))
    receiver = h.branch(world.bajiao_community_committee, "八角北路第一党支部")
    bajiao = bearer(h.officer("bajiao", "street_worker", area=world.bajiao))
    return {"member": member, "to": receiver, "branch": token_for("branch"), "street": token_for("street"),
            "bajiao": bajiao, "world": world}


def start(s):
    response = post(s["branch"], "/api/v1/transfers", {"member": s["member"].pk, "to_org": s["to"].pk,
                                                       "reason": "residence", "note": "搬家"})
    assert response.status_code == 201, response.content
    return response.json()


def test_internal_walk_over_the_api(setup):
    s = setup
    body = start(s)
    tid = body["id"]
    assert (body["state"], body["direction"], body["to_org_name"]) == ("draft", "internal", "八角北路第一党支部")
    assert body["actions"] == ["submit", "cancel"]
    assert post(s["branch"], f"/api/v1/transfers/{tid}/submit").json()["state"] == "submitted"
    assert post(s["branch"], f"/api/v1/transfers/{tid}/approve").status_code == 403
    assert post(s["street"], f"/api/v1/transfers/{tid}/approve", {"note": "同意"}).json()["state"] == "approved"
    issued = post(s["street"], f"/api/v1/transfers/{tid}/issue", {"letter_no": "丰组转2026-1"}).json()
    assert (issued["state"], issued["letter_no"], issued["dues_paid_through"]) == (
        "issued", "丰组转2026-1", month_start(today()).isoformat())
    inbox = Client().get("/api/v1/transfers?box=inbox", **s["bajiao"]).json()
    assert [i["id"] for i in inbox["items"]] == [tid]
    detail = Client().get(f"/api/v1/transfers/{tid}", **s["bajiao"]).json()
    assert detail["actions"] == ["accept", "return"] and detail["person"] is None
    assert [st["state"] for st in detail["steps"]] == ["draft", "submitted", "approved", "issued"]
    accepted = post(s["bajiao"], f"/api/v1/transfers/{tid}/accept").json()
    assert accepted["state"] == "accepted" and accepted["actions"] == []
    assert Member.objects.get(pk=s["member"].pk).branch_id == s["to"].pk
    timeline = Client().get(f"/api/v1/members/{s['member'].pk}/timeline", **s["bajiao"]).json()
    assert any(e["kind"] == "transfer" and "转入八角北路第一党支部" in e["text"] for e in timeline)


def test_errors_name_the_problem_and_change_nothing(setup):
    s = setup
    tid = start(s)["id"]
    steps = TransferStep.objects.count()
    assert post(s["street"], f"/api/v1/transfers/{tid}/issue").status_code == 409  # a draft
    assert post(s["bajiao"], f"/api/v1/transfers/{tid}/accept").status_code == 404  # a draft is the sender's
    assert Client().get(f"/api/v1/transfers/{tid}", **s["bajiao"]).status_code == 404
    assert post(s["branch"], "/api/v1/transfers", {"member": s["member"].pk, "to_org": s["to"].pk}).status_code == 409
    bad = post(s["branch"], "/api/v1/transfers", {"member": s["member"].pk, "to_org": 999999})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "to_org"
    other = post(s["bajiao"], "/api/v1/transfers", {"member": s["member"].pk, "to_org": s["to"].pk})
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "member"
    assert (Transfer.objects.get(pk=tid).state, TransferStep.objects.count(), Transfer.objects.count()) == (
        "draft", steps, 1)


def test_return_without_a_reason_is_422_and_the_sender_sees_the_reason(setup):
    s = setup
    tid = start(s)["id"]
    post(s["branch"], f"/api/v1/transfers/{tid}/submit")
    post(s["street"], f"/api/v1/transfers/{tid}/approve")
    post(s["street"], f"/api/v1/transfers/{tid}/issue")
    empty = post(s["bajiao"], f"/api/v1/transfers/{tid}/return", {"reason": ""})
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "reason"
    assert Transfer.objects.get(pk=tid).state == "issued"
    assert post(s["bajiao"], f"/api/v1/transfers/{tid}/return", {"reason": "材料不全"}).status_code == 200
    outbox = Client().get("/api/v1/transfers?box=outbox&state=returned", **s["branch"]).json()["items"]
    assert [(i["id"], i["return_reason"]) for i in outbox] == [(tid, "材料不全")]


def test_issue_without_dues_paid_is_422(setup):
    s = setup
    Member.objects.filter(pk=s["member"].pk).update(dues_paid_through=None)
    tid = start(s)["id"]
    post(s["branch"], f"/api/v1/transfers/{tid}/submit")
    post(s["street"], f"/api/v1/transfers/{tid}/approve")
    response = post(s["street"], f"/api/v1/transfers/{tid}/issue")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "dues_paid_through"
    assert Transfer.objects.get(pk=tid).state == "approved"


def test_letter_from_outside_shows_the_person_masked(setup):
    s = setup
    number = factories.id_number("19900205")
    response = post(s["street"], "/api/v1/transfers", {
        "person": {"name": "赵六", "id_number": number, "phone": "13912345678", "joined_on": "2015-06-30"},
        "to_org": s["world"].grid_branch.pk, "outside_org_name": "中共天津市某区委", "letter_no": "津18",
        "issued_on": today().isoformat()})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["direction"], body["state"], body["person"]["name"]) == ("incoming", "issued", "赵六")
    assert number not in response.content.decode() and "13912345678" not in response.content.decode()
    accepted = post(s["branch"], f"/api/v1/transfers/{body['id']}/accept").json()
    assert Member.objects.get(pk=accepted["member"]).branch_id == s["world"].grid_branch.pk
