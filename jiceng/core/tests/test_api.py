"""Every persona against every endpoint of the foundation: allowed, 404 out of scope, 403 where the
record is visible but the action is not, and nothing changed on denial."""

import json

import pytest

from jiceng.core.models import AuditEvent, Org

ALL = ["district", "street", "community", "branch", "grid", "dept", "auditor", "security", "admin"]


def status_by(expected: dict[str, int]) -> list[tuple[str, int]]:
    assert set(expected) == set(ALL)
    return sorted(expected.items())


def test_me_requires_authentication(client, world):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "请先登录，或在 Authorization 头中提供个人令牌", "errors": []}


@pytest.mark.parametrize("username", ALL)
def test_me_shows_user_and_grants(token_for, personas, username):
    body = json_get(token_for(username), "/api/v1/me", 200)
    assert body["username"] == username
    assert len(body["grants"]) == 1
    assert body["mobile"].count("*") == 4


def test_me_names_the_grant_node(token_for):
    body = json_get(token_for("street"), "/api/v1/me", 200)
    assert body["grants"][0]["role"] == "street_worker"
    assert body["grants"][0]["node"] == {"kind": "area", "id": "110106015000", "name": "马家堡街道"}


def json_get(headers, url, status):
    from django.test import Client

    response = Client().get(url, **headers)
    assert response.status_code == status, (url, response.content[:300])
    return response.json()


@pytest.mark.parametrize(("username", "status"), status_by({
    "district": 200, "street": 200, "community": 404, "branch": 404, "grid": 404, "dept": 200,
    "auditor": 404, "security": 200, "admin": 200,
}))
def test_list_majiabao_communities(token_for, username, status):
    body = json_get(token_for(username), "/api/v1/areas?parent=110106015", status)
    if status == 200:
        names = [item["name"] for item in body["items"]]
        assert names == ["嘉园一里社区", "角门东里社区"]
    else:
        assert body == {"detail": "未找到", "errors": []}


@pytest.mark.parametrize(("username", "status"), status_by({
    "district": 404, "street": 404, "community": 404, "branch": 404, "grid": 404, "dept": 404,
    "auditor": 404, "security": 200, "admin": 200,
}))
def test_bajiao_is_out_of_fengtai_scope(token_for, username, status):
    json_get(token_for(username), "/api/v1/areas/110107003", status)


def test_out_of_scope_reads_exactly_like_missing(token_for):
    headers = token_for("street")
    assert json_get(headers, "/api/v1/areas/110107003", 404) == json_get(headers, "/api/v1/areas/999999999", 404)


def test_area_detail_counts_descendants(token_for):
    body = json_get(token_for("street"), "/api/v1/areas/110106015000", 200)
    assert body["child_count"] == 2
    assert body["descendants"] == {"community": 2, "grid": 2}
    assert body["level"] == "street"


def test_area_roots_are_the_grant_nodes(token_for):
    body = json_get(token_for("grid"), "/api/v1/areas", 200)
    assert [item["name"] for item in body["items"]] == ["第1网格"]


def test_area_search_by_pinyin_initials_stays_in_scope(token_for, world):
    assert [i["code"] for i in json_get(token_for("street"), "/api/v1/areas?q=mjb", 200)["items"]] == ["110106015000"]
    assert json_get(token_for("street"), "/api/v1/areas?q=bjjd", 200)["items"] == []


@pytest.mark.parametrize(("username", "status"), status_by({
    "district": 200, "street": 200, "community": 200, "branch": 404, "grid": 404, "dept": 404,
    "auditor": 404, "security": 200, "admin": 200,
}))
def test_list_children_of_community_committee(token_for, world, username, status):
    body = json_get(token_for(username), f"/api/v1/orgs?parent={world.jiayuan_committee.pk}", status)
    if status == 200:
        assert [item["name"] for item in body["items"]] == ["嘉园一里第1网格党支部"]


@pytest.mark.parametrize(("username", "status"), status_by({
    "district": 404, "street": 404, "community": 404, "branch": 404, "grid": 404, "dept": 404,
    "auditor": 404, "security": 200, "admin": 200,
}))
def test_org_detail_out_of_scope(token_for, world, username, status):
    json_get(token_for(username), f"/api/v1/orgs/{world.bajiao_committee.pk}", status)


def test_branch_secretary_sees_its_branch_and_group_only(token_for, world):
    body = json_get(token_for("branch"), "/api/v1/orgs", 200)
    assert [(item["name"], item["kind"]) for item in body["items"]] == [
        ("嘉园一里第1网格党支部", "branch"), ("第1网格第一党小组", "group")]
    top = json_get(token_for("branch"), "/api/v1/orgs?top=true", 200)
    assert [item["name"] for item in top["items"]] == ["嘉园一里第1网格党支部"]


def test_a_street_worker_lists_every_organization_of_the_street_and_filters_by_kind(token_for, world):
    body = json_get(token_for("street"), "/api/v1/orgs", 200)
    assert {item["name"] for item in body["items"]} == {
        "中共马家堡街道工作委员会", "中共嘉园一里社区委员会", "嘉园一里第1网格党支部", "第1网格第一党小组"}
    branches = json_get(token_for("street"), "/api/v1/orgs?kind=branch", 200)
    assert [item["id"] for item in branches["items"]] == [world.grid_branch.pk]
    detail = json_get(token_for("branch"), f"/api/v1/orgs/{world.grid_branch.pk}", 200)
    assert detail["descendants"] == {"group": 1}


def post_org(headers, payload):
    from django.test import Client

    return Client().post("/api/v1/orgs", data=json.dumps(payload), content_type="application/json", **headers)


@pytest.mark.parametrize(("username", "status"), status_by({
    "district": 201, "street": 201, "community": 201, "branch": 422, "grid": 422, "dept": 422,
    "auditor": 422, "security": 403, "admin": 201,
}))
def test_create_branch_under_community_committee(token_for, world, username, status):
    headers = token_for(username)
    before = (Org.objects.count(), AuditEvent.objects.count())
    response = post_org(headers, {"parent": world.jiayuan_committee.pk, "name": "嘉园一里第2网格党支部",
                                              "kind": "branch", "area": world.grid2.code})
    assert response.status_code == status, response.content
    if status == 201:
        body = response.json()
        assert body["parent"] == world.jiayuan_committee.pk
        assert Org.objects.get(pk=body["id"]).path.startswith(world.jiayuan_committee.path)
        assert AuditEvent.objects.filter(action="org.create", object_id=str(body["id"])).count() == 1
    else:
        assert (Org.objects.count(), AuditEvent.objects.count()) == before


def test_create_with_out_of_scope_parent_does_not_reveal_it(token_for, world):
    out_of_scope = post_org(token_for("street"), {"parent": world.bajiao_committee.pk, "name": "x", "kind": "branch"})
    missing = post_org(token_for("street"), {"parent": 987654, "name": "x", "kind": "branch"})
    assert out_of_scope.status_code == missing.status_code == 422
    assert out_of_scope.json() == missing.json()
    assert out_of_scope.json()["errors"][0]["field"] == "parent"


def test_create_refuses_a_group_under_a_committee_with_the_rule(token_for, world):
    before = Org.objects.count()
    response = post_org(token_for("street"), {"parent": world.majiabao_committee.pk, "name": "某党小组",
                                              "kind": "group"})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "kind", "message": "党工委下不能设立党小组"}]
    assert Org.objects.count() == before


def test_create_temporary_branch_needs_an_end_date(token_for, world):
    response = post_org(token_for("street"), {"parent": world.majiabao_committee.pk, "name": "项目临时党支部",
                                              "kind": "branch", "is_temporary": True})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "temporary_until"


def test_create_with_bad_types_gives_field_errors(token_for, world):
    before = Org.objects.count()
    response = post_org(token_for("street"), {"parent": world.majiabao_committee.pk, "name": "",
                                              "kind": "branch", "established_on": "not a date"})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"name", "established_on"} <= fields
    assert Org.objects.count() == before


def test_joint_branch_with_many_units_warns_but_is_created(token_for, world):
    response = post_org(token_for("street"), {"parent": world.majiabao_committee.pk, "name": "某楼宇联合党支部",
                                              "kind": "branch", "is_joint": True, "joint_units": 7})
    assert response.status_code == 201
    assert response.json()["warnings"] == ["联合党支部所含单位一般不超过5个"]


def patch_org(headers, org_id, payload):
    from django.test import Client

    return Client().patch(f"/api/v1/orgs/{org_id}", data=json.dumps(payload), content_type="application/json",
                          **headers)


@pytest.mark.parametrize(("username", "status"), status_by({
    "district": 200, "street": 200, "community": 200, "branch": 200, "grid": 403, "dept": 404,
    "auditor": 404, "security": 403, "admin": 200,
}))
def test_rename_grid_branch(token_for, world, username, status):
    headers = token_for(username)
    before = (Org.objects.get(pk=world.grid_branch.pk).name, AuditEvent.objects.count())
    response = patch_org(headers, world.grid_branch.pk, {"name": "嘉园一里第一网格党支部"})
    assert response.status_code == status, response.content
    if status == 200:
        assert Org.objects.get(pk=world.grid_branch.pk).name == "嘉园一里第一网格党支部"
        event = AuditEvent.objects.get(action="org.update", object_id=str(world.grid_branch.pk))
        assert event.summary["changes"]["name"] == ["嘉园一里第1网格党支部", "嘉园一里第一网格党支部"]
    else:
        assert (Org.objects.get(pk=world.grid_branch.pk).name, AuditEvent.objects.count()) == before


def test_patch_out_of_scope_org_is_404_and_changes_nothing(token_for, world):
    response = patch_org(token_for("street"), world.bajiao_committee.pk, {"name": "改名"})
    assert response.status_code == 404
    assert Org.objects.get(pk=world.bajiao_committee.pk).name == "中共八角街道工作委员会"


def test_move_branch_moves_its_subtree(token_for, world):
    response = patch_org(token_for("admin"), world.grid_branch.pk, {"parent": world.bajiao_community_committee.pk})
    assert response.status_code == 200
    group = Org.objects.get(pk=world.grid_group.pk)
    assert group.path.startswith(world.bajiao_community_committee.path)
    assert group.depth == world.bajiao_community_committee.depth + 2


def test_move_under_own_descendant_is_refused(token_for, world):
    before = Org.objects.get(pk=world.majiabao_committee.pk).path
    response = patch_org(token_for("admin"), world.majiabao_committee.pk, {"parent": world.grid_branch.pk})
    assert response.status_code == 422
    assert Org.objects.get(pk=world.majiabao_committee.pk).path == before


def test_street_worker_cannot_move_org_out_of_its_scope(token_for, world):
    response = patch_org(token_for("street"), world.grid_branch.pk, {"parent": world.bajiao_community_committee.pk})
    assert response.status_code == 422
    assert Org.objects.get(pk=world.grid_branch.pk).parent_id == world.jiayuan_committee.pk


@pytest.mark.parametrize(("username", "status"), status_by({
    "district": 403, "street": 403, "community": 403, "branch": 403, "grid": 403, "dept": 403,
    "auditor": 200, "security": 403, "admin": 403,
}))
def test_only_auditors_read_the_audit_trail(token_for, username, status):
    body = json_get(token_for(username), "/api/v1/audit", status)
    if status == 200:
        assert body["count"] > 0
        assert {"actor", "action", "object_repr", "at", "ip", "summary"} <= set(body["items"][0])


def test_audit_filters(token_for, world):
    body = json_get(token_for("auditor"), "/api/v1/audit?action=org.create&limit=500", 200)
    assert body["count"] == Org.objects.count()
    assert {item["action"] for item in body["items"]} == {"org.create"}


def test_session_auth_works_for_the_api(client_for):
    response = client_for("street").get("/api/v1/areas/110106015")
    assert response.status_code == 200


def test_openapi_docs_are_public(client, db):
    assert client.get("/api/v1/docs").status_code == 200
    assert "/api/v1/orgs" in client.get("/api/v1/openapi.json").json()["paths"]


def test_unknown_api_paths_and_methods_answer_in_the_error_schema(client, db):
    missing = client.get("/api/v1/no-such-thing")
    assert (missing.status_code, missing.json()) == (404, {"detail": "未找到", "errors": []})
    wrong_method = client.delete("/api/v1/me")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["errors"] == []


def test_pagination_bounds_are_a_field_error(token_for):
    body = json_get(token_for("street"), "/api/v1/areas?offset=9223372036854775808", 422)
    assert body["errors"][0]["field"] == "offset"


def test_an_org_may_name_its_place_by_the_short_official_code(token_for, world):
    response = post_org(token_for("street"), {"parent": world.majiabao_committee.pk, "name": "马家堡街道机关党支部",
                                              "kind": "branch", "area": "110106015"})
    assert response.status_code == 201
    assert response.json()["area"] == "110106015000"
