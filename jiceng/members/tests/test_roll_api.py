"""The roll API, including the contract for scripts: POST /api/v1/members and GET /api/v1/orgs."""

import json

import pytest
from django.test import Client

from jiceng.core.models import AuditEvent
from jiceng.core.services import orgs as org_services
from jiceng.members.models import Member, MemberEvent
from jiceng.members.tests.factories import id_number, member
from jiceng.testing import SYSTEM


def post(headers, url, payload):
    return Client().post(url, data=json.dumps(payload), content_type="application/json", **headers)


def contract_payload(org, **overrides):
    payload = {"name": "李红", "id_number": "11010519491231002X", "phone": "13812345678", "branch": org.pk,
               "category": "retired", "status": "full", "joined_on": "1975-07-01"}
    payload.update(overrides)
    return payload


def test_a_branch_secretary_registers_a_member_and_gets_masked_numbers_and_derived_fields(token_for, world):
    response = post(token_for("branch"), "/api/v1/members", contract_payload(world.grid_branch))
    assert response.status_code == 201
    body = response.json()
    assert body["id"] == Member.objects.get().pk
    assert body["id_number"] == "110105********002X"
    assert body["phone"] == "138****5678"
    assert (body["sex"], body["birth_date"]) == ("female", "1949-12-31")
    assert body["full_on"] == "1976-07-01"  # the end of the 预备期
    assert "11010519491231002X" not in response.content.decode()
    assert AuditEvent.objects.filter(action="member.create").count() == 1


def test_the_orgs_listing_gives_a_script_the_branch_id_it_needs(token_for, world):
    items = Client().get("/api/v1/orgs?kind=branch", **token_for("street")).json()["items"]
    expected = [(world.grid_branch.pk, world.grid_branch.name, "branch")]
    assert [(i["id"], i["name"], i["kind"]) for i in items] == expected


@pytest.mark.parametrize(("field", "value"), [
    ("id_number", "110105194912310021"),  # check character wrong (RULES §9)
    ("id_number", "110105194902300021"),  # 30 February
    ("phone", "12812345678"),
    ("phone", ""),
    ("joined_on", "1975-13-01"),
    ("joined_on", "1960-07-01"),  # aged 10
    ("branch", 999999),
    ("category", "pensioner"),
    ("status", "expelled"),
])
def test_bad_input_names_the_field_and_writes_nothing(token_for, world, field, value):
    response = post(token_for("branch"), "/api/v1/members", contract_payload(world.grid_branch, **{field: value}))
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
    assert not Member.objects.exists()
    assert not MemberEvent.objects.exists()


def test_a_branch_outside_the_callers_scope_is_a_field_error(token_for, world):
    bajiao_branch, _w = org_services.org_create(SYSTEM, parent=world.bajiao_community_committee,
                                               name="八角北路第一支部", kind="branch", area=world.bajiao_community)
    response = post(token_for("street"), "/api/v1/members", contract_payload(bajiao_branch))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "branch"
    assert not Member.objects.exists()


def test_a_committee_cannot_hold_members(token_for, world):
    response = post(token_for("street"), "/api/v1/members", contract_payload(world.jiayuan_committee))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "branch"


def test_the_same_id_number_twice_is_a_conflict(token_for, world):
    assert post(token_for("branch"), "/api/v1/members", contract_payload(world.grid_branch)).status_code == 201
    again = post(token_for("branch"), "/api/v1/members", contract_payload(world.grid_branch, name="李红二"))
    assert again.status_code == 409
    assert again.json()["errors"][0]["field"] == "id_number"
    assert Member.objects.count() == 1


def test_a_legacy_15_digit_number_is_upgraded(token_for, world):
    response = post(token_for("branch"), "/api/v1/members",
                    contract_payload(world.grid_branch, id_number="110105491231002"))
    assert response.status_code == 201
    assert Member.objects.get().id_number == "11010519491231002X"
    assert response.json()["id_number"] == "110105********002X"


def test_sex_and_birth_date_given_must_agree_with_the_number(token_for, world):
    response = post(token_for("branch"), "/api/v1/members",
                    contract_payload(world.grid_branch, sex="male", birth_date="1950-01-01"))
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"sex", "birth_date"}


@pytest.mark.parametrize(("username", "status"), [
    ("district", 200), ("street", 200), ("community", 200), ("branch", 200),
    ("grid", 404), ("dept", 404), ("auditor", 404), ("admin", 404),
])
def test_who_sees_a_member(token_for, world, username, status):
    someone = member(world.grid_branch)
    assert Client().get(f"/api/v1/members/{someone.pk}", **token_for(username)).status_code == status


def test_another_street_sees_nothing_of_this_roll(token_for, world):
    someone = member(world.grid_branch)
    bajiao = Client()
    from jiceng.core.models import Role
    from jiceng.core.services import accounts

    user = accounts.user_create(SYSTEM, username="bajiao", display_name="八角", password="Jiceng@2026x")
    accounts.grant_create(SYSTEM, user=user, role=Role.objects.get(code="street_worker"), area=world.bajiao)
    bajiao.force_login(user)
    assert bajiao.get(f"/api/v1/members/{someone.pk}").status_code == 404
    assert bajiao.get(f"/api/v1/members/{someone.pk}/timeline").status_code == 404
    assert bajiao.get("/api/v1/members").json()["count"] == 0


def test_list_search_by_name_pinyin_and_masked_suffix(token_for, world):
    zhang = member(world.grid_branch, "张三", id_number=id_number("19800101"))
    member(world.grid_branch, "李四")
    headers = token_for("branch")

    def names(query):
        return [i["name"] for i in Client().get(f"/api/v1/members?{query}", **headers).json()["items"]]

    assert names("q=张") == ["张三"]
    assert names("q=zs") == ["张三"]
    assert names(f"q={zhang.id_masked[-4:]}") == ["张三"]
    assert names(f"q={zhang.id_number}") == ["张三"]
    assert sorted(names("status=full")) == sorted(["李四", "张三"])


def test_unmask_needs_the_permission_and_is_audited(token_for, world):
    someone = member(world.grid_branch)
    denied = post(token_for("branch"), f"/api/v1/members/{someone.pk}/unmask", {})
    assert denied.status_code == 403
    assert someone.id_number not in denied.content.decode()
    assert not AuditEvent.objects.filter(action="member.unmask").exists()
    allowed = post(token_for("street"), f"/api/v1/members/{someone.pk}/unmask", {})
    assert allowed.json() == {"id_number": someone.id_number, "phone": someone.phone}
    assert AuditEvent.objects.filter(action="member.unmask").count() == 1


def test_patch_changes_fields_and_writes_the_timeline(token_for, world):
    someone = member(world.grid_branch)
    response = Client().patch(f"/api/v1/members/{someone.pk}", data=json.dumps({"work_unit": "丰台区医院"}),
                              content_type="application/json", **token_for("branch"))
    assert response.status_code == 200
    assert response.json()["work_unit"] == "丰台区医院"
    timeline = Client().get(f"/api/v1/members/{someone.pk}/timeline", **token_for("branch")).json()
    assert [e["kind"] for e in timeline] == ["created", "updated"]


def test_probation_discipline_removes_the_vote_and_shows_on_the_timeline(token_for, world):
    someone = member(world.grid_branch)
    response = post(token_for("street"), f"/api/v1/members/{someone.pk}/disciplines",
                    {"kind": "probation", "decided_on": "2026-01-10", "ends_on": "2027-01-10"})
    assert response.status_code == 201
    detail = Client().get(f"/api/v1/members/{someone.pk}", **token_for("street")).json()
    assert detail["may_vote"] is False
    assert "留党察看" in detail["vote_refusal"]


def test_probation_discipline_must_last_one_or_two_years(token_for, world):
    someone = member(world.grid_branch)
    response = post(token_for("street"), f"/api/v1/members/{someone.pk}/disciplines",
                    {"kind": "probation", "decided_on": "2026-01-10", "ends_on": "2026-07-10"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "ends_on"
    assert not someone.disciplines.exists()


def test_a_branch_secretary_may_not_record_discipline(token_for, world):
    someone = member(world.grid_branch)
    response = post(token_for("branch"), f"/api/v1/members/{someone.pk}/disciplines",
                    {"kind": "warning", "decided_on": "2026-01-10"})
    assert response.status_code == 403
    assert not someone.disciplines.exists()


def test_status_change_to_deceased(token_for, world):
    someone = member(world.grid_branch)
    response = post(token_for("street"), f"/api/v1/members/{someone.pk}/status",
                    {"status": "deceased", "on": "2026-03-01", "reason": "病故"})
    assert response.json()["status"] == "deceased"
    refused = post(token_for("street"), f"/api/v1/members/{someone.pk}/status",
                   {"status": "withdrawn", "on": "2026-03-02", "reason": "x"})
    assert refused.status_code == 422
    someone.refresh_from_db()
    assert someone.status == "deceased"


@pytest.mark.parametrize(("status", "message"), [
    ("transferred_out", "关系转接"), ("probationary", "发展党员"), ("disqualified", "只有预备党员"),
])
def test_statuses_reached_by_another_procedure_are_refused_and_nothing_changes(token_for, world, status, message):
    someone = member(world.grid_branch)
    response = post(token_for("street"), f"/api/v1/members/{someone.pk}/status",
                    {"status": status, "on": "2026-03-01", "reason": "x"})
    assert response.status_code == 422
    assert message in response.json()["errors"][0]["message"]
    someone.refresh_from_db()
    assert someone.status == "full"


def test_the_probation_due_flag_lists_probationary_members_within_a_month_of_conversion(token_for, world):
    from datetime import timedelta

    from jiceng.core.periods import add_months
    from jiceng.members.services.roll import today

    member(world.grid_branch, "将满", status="probationary", joined_on=add_months(today(), -12) + timedelta(days=20))
    member(world.grid_branch, "未满", status="probationary", joined_on=add_months(today(), -6))
    items = Client().get("/api/v1/members?flag=probation_due", **token_for("branch")).json()["items"]
    assert [i["name"] for i in items] == ["将满"]
