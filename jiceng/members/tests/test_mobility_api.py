"""/api/v1/floating, /api/v1/members/lost and /api/v1/service-reports."""

import json

import pytest
from django.test import Client

from jiceng.core.periods import add_months
from jiceng.core.services import accounts
from jiceng.members.models import FloatingRecord, Member, ServiceReport
from jiceng.members.services.roll import today
from jiceng.members.tests import factories
from jiceng.members.tests import mobility_helpers as h
from jiceng.testing import SYSTEM


def post(headers, url, payload):
    return Client().post(url, data=json.dumps(payload), content_type="application/json", **headers)


@pytest.fixture
def setup(world, token_for):
    bajiao_user = h.officer("bajiao", "street_worker", area=world.bajiao)
    return {"member": factories.member(world.grid_branch, "刘洋"), "world": world, "branch": token_for("branch"),
            "street": token_for("street"), "community": token_for("community"),
            "bajiao": {"HTTP_AUTHORIZATION": f"Bearer {accounts.token_issue(SYSTEM, user=bajiao_user, name='t')[1]}"},
            "bajiao_member": factories.member(h.branch(world.bajiao_community_committee, "八角北路第一党支部"), "陈静")}


def test_floating_register_list_and_return(setup):
    s = setup
    left = add_months(today(), -7).isoformat()
    created = post(s["branch"], "/api/v1/floating", {"member": s["member"].pk, "left_on": left, "place": "成都",
                                                     "local_org": s["world"].bajiao_community_committee.pk})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["local_org_name"], body["should_transfer"]) == ("中共八角北路社区委员会", True)
    again = post(s["branch"], "/api/v1/floating", {"member": s["member"].pk, "left_on": left, "place": "成都"})
    assert again.status_code == 409 and FloatingRecord.objects.count() == 1
    listed = Client().get(f"/api/v1/floating?branch={s['world'].grid_branch.pk}", **s["street"]).json()["items"]
    assert [i["member_name"] for i in listed] == ["刘洋"]
    assert Client().get("/api/v1/floating", **s["bajiao"]).json()["items"] == []
    assert post(s["bajiao"], f"/api/v1/floating/{body['id']}/return", {"returned_on": today().isoformat()}
                ).status_code == 404
    back = post(s["branch"], f"/api/v1/floating/{body['id']}/return", {"returned_on": today().isoformat()})
    assert back.status_code == 200 and back.json()["returned_on"] == today().isoformat()
    assert not Member.objects.get(pk=s["member"].pk).is_floating


def test_lost_list_and_the_review_flag(setup):
    s = setup
    marked = post(s["branch"], f"/api/v1/members/{s['member'].pk}/lost",
                  {"since": add_months(today(), -6).isoformat(), "note": "电话停机"})
    assert marked.status_code == 200 and marked.json()["review_due"] is True
    items = Client().get("/api/v1/members/lost?review=true", **s["street"]).json()["items"]
    assert [(i["name"], i["review_due"], "*" in i["id_number"]) for i in items] == [("刘洋", True, True)]
    assert Client().get("/api/v1/members/lost", **s["bajiao"]).json()["items"] == []
    found = post(s["branch"], f"/api/v1/members/{s['member'].pk}/found", {"on": today().isoformat()})
    assert found.status_code == 200 and found.json()["is_lost"] is False
    assert Member.objects.get(pk=s["member"].pk).status == "full"


def test_service_report_by_id_number_seen_by_the_community_only(setup):
    s = setup
    payload = {"id_number": s["bajiao_member"].id_number, "community": s["world"].jiayuan.code,
               "skills": "法律咨询", "availability": "周末", "reported_on": today().isoformat()}
    created = post(s["community"], "/api/v1/service-reports", payload)
    assert created.status_code == 201, created.content
    assert (created.json()["member_name"], created.json()["community_name"]) == ("陈静", "嘉园一里社区")
    assert post(s["community"], "/api/v1/service-reports", payload).status_code == 409
    unknown = post(s["community"], "/api/v1/service-reports", {**payload, "id_number": "110106198503120000"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "id_number"
    items = Client().get("/api/v1/service-reports?skill=法律", **s["community"]).json()["items"]
    assert [(i["member_name"], i["skills"], i["availability"]) for i in items] == [("陈静", "法律咨询", "周末")]
    assert Client().get("/api/v1/service-reports", **s["bajiao"]).json()["items"] == []
    rid = created.json()["id"]
    assert post(s["bajiao"], f"/api/v1/service-reports/{rid}/end", {"ended_on": today().isoformat()}
                ).status_code == 404
    ended = post(s["community"], f"/api/v1/service-reports/{rid}/end", {"ended_on": today().isoformat()})
    assert ended.status_code == 200 and ServiceReport.objects.get(pk=rid).ended_on == today()
    assert Member.objects.get(pk=s["bajiao_member"].pk).reports_to_id is None
