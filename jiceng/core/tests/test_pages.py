"""The core pages with the Django test client, persona by persona: the workbench, the two tree
browsers, the org form, accounts and grants, sign-in and language; and query-count guards (N+1)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from jiceng.core.models import Area, AuditEvent, Grant, Org, Role
from jiceng.core.services import orgs
from jiceng.core.tests.conftest import PASSWORD, SYSTEM, official

User = get_user_model()


def page(response) -> str:
    return response.content.decode()


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- the workbench ------------------------------------------------------------------------------

@pytest.mark.parametrize(("username", "node_name"), [
    ("street", "马家堡街道"), ("district", "丰台区"), ("grid", "第1网格"), ("branch", "嘉园一里第1网格党支部"),
])
def test_the_workbench_shows_the_personas_scope_node(client_for, username, node_name):
    response = client_for(username).get("/")
    assert response.status_code == 200
    assert node_name in page(response)


@pytest.mark.parametrize(("username", "tiles"), sorted({
    "district": ["territory", "orgs", "members", "development", "transfers", "reports", "dues", "meetings",
                 "compliance", "study_admin", "activities", "centers", "checkin", "room_reservations",
                 "appeal_rates", "appeal_hotspots", "appeal_report", "appeals", "whistles", "enterprise_requests"],
    "street": ["territory", "orgs", "members", "development", "transfers", "reports", "dues", "meetings",
               "compliance", "study_admin", "activities", "centers", "checkin", "room_reservations",
               "appeal_rates", "appeal_hotspots", "appeal_report", "appeals", "whistles", "enterprise_requests"],
    "community": ["territory", "orgs", "members", "development", "transfers", "reports", "dues", "meetings",
                  "compliance", "study_admin", "activities", "centers", "checkin", "room_reservations",
                  "appeal_rates", "appeal_hotspots", "appeal_report", "appeals", "whistles", "enterprise_requests"],
    "branch": ["orgs", "members", "development", "transfers", "dues", "meetings", "compliance", "study_admin",
               "room_reservations"],
    "grid": ["territory", "orgs", "reports", "appeal_report", "appeals"],
    "dept": ["territory", "centers", "appeal_rates", "appeal_hotspots", "appeals", "whistles"],
    "auditor": ["audit"],
    "security": ["territory", "orgs", "users"],
    "admin": ["territory", "orgs", "users", "calendar", "meeting_kinds"],
}.items()))
def test_the_workbench_offers_only_the_modules_the_persona_may_use(client_for, username, tiles):
    response = client_for(username).get("/")
    assert [t["module"].key for t in response.context["tiles"]] == tiles


def test_a_members_own_pages_are_offered_only_to_an_account_linked_to_a_member(client_for, personas, world):
    from jiceng.members.services.roll import member_link_user
    from jiceng.members.tests.factories import member

    own = ["my_meetings", "my_dues", "my_study"]
    assert not set(own) & {t["module"].key for t in client_for("branch").get("/").context["tiles"]}
    member_link_user(SYSTEM, member=member(world.grid_branch, "赵书记"), user=personas["branch"])
    keys = [t["module"].key for t in client_for("branch").get("/").context["tiles"]]
    assert set(own) <= set(keys)


def test_the_street_worker_sees_territory_and_org_tiles_but_no_audit(client_for):
    html = page(client_for("street").get("/"))
    assert 'href="/areas/"' in html
    assert 'href="/orgs/"' in html
    assert "审计日志" not in html
    assert 'href="/audit/"' not in html


def test_the_auditor_sees_the_audit_tile_only(client_for):
    html = page(client_for("auditor").get("/"))
    assert "审计日志" in html
    assert 'href="/audit/"' in html
    assert 'href="/areas/"' not in html
    assert 'href="/orgs/"' not in html


def test_a_user_without_grants_is_told_to_ask_for_one(world):
    user = User.objects.create_user(username="nobody", password=PASSWORD)
    client = Client()
    client.force_login(user)

    response = client.get("/")

    assert response.context["tiles"] == []
    assert "您还没有任何授权" in page(response)


# --- the territory browser ----------------------------------------------------------------------

def test_the_street_page_lists_its_communities_for_the_street_worker(client_for):
    response = client_for("street").get("/areas/110106015000/")
    assert response.status_code == 200
    assert [a.name for a in response.context["page"].object_list] == ["嘉园一里社区", "角门东里社区"]
    assert "嘉园一里社区" in page(response)


@pytest.mark.parametrize("username", ["grid", "community", "auditor", "branch"])
def test_the_street_page_is_404_below_or_outside_the_street(client_for, username):
    assert client_for(username).get("/areas/110106015000/").status_code == 404


def test_the_street_page_is_404_for_another_street(client_for):
    assert client_for("street").get("/areas/110107003000/").status_code == 404


def test_the_area_search_finds_by_pinyin_initials_within_scope(client_for):
    found = client_for("street").get("/areas/", {"q": "mjb"})
    assert [a.name for a in found.context["areas"]] == ["马家堡街道"]
    assert "马家堡街道" in page(found)

    assert list(client_for("grid").get("/areas/", {"q": "mjb"}).context["areas"]) == []


def test_the_area_index_starts_at_the_grant_nodes(client_for):
    assert [a.name for a in client_for("grid").get("/areas/").context["areas"]] == ["第1网格"]


# --- the org browser and the org form -------------------------------------------------------------

def test_an_org_outside_scope_is_404(client_for, world):
    assert client_for("street").get(f"/orgs/{world.bajiao_committee.pk}/").status_code == 404
    assert client_for("street").get(f"/orgs/{world.jiayuan_committee.pk}/").status_code == 200
    assert client_for("street").get("/orgs/987654/").status_code == 404


def test_the_street_worker_creates_a_branch_under_the_community_committee(client_for, world):
    client = client_for("street")
    url = f"/orgs/{world.jiayuan_committee.pk}/new/"
    assert client.get(url).status_code == 200

    response = client.post(url, {"name": "嘉园一里第2网格党支部", "kind": "branch", "sector": "territorial",
                                 "area": world.grid2.code})

    org = Org.objects.get(name="嘉园一里第2网格党支部")
    assert response.status_code == 302
    assert response["Location"] == f"/orgs/{org.pk}/"
    assert (org.parent, org.area, org.path.startswith(world.jiayuan_committee.path)) == (
        world.jiayuan_committee, world.grid2, True)
    assert AuditEvent.objects.filter(action="org.create", object_id=str(org.pk), actor_label="street").count() == 1


def test_a_bad_placement_shows_the_rule_next_to_the_kind_field_and_creates_nothing(client_for, world):
    before = (Org.objects.count(), AuditEvent.objects.count())

    response = client_for("street").post(f"/orgs/{world.majiabao_committee.pk}/new/", {
        "name": "某党小组", "kind": "group", "sector": "territorial"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"kind": ["党工委下不能设立党小组"]}
    html = page(response)
    assert html.index('name="kind"') < html.index("党工委下不能设立党小组") < html.index('name="sector"')
    assert re.search(r'id="id_kind_error">.*?党工委下不能设立党小组', html, re.S)
    assert (Org.objects.count(), AuditEvent.objects.count()) == before


def test_an_unknown_area_code_is_a_field_error(client_for, world):
    before = Org.objects.count()
    response = client_for("street").post(f"/orgs/{world.jiayuan_committee.pk}/new/", {
        "name": "某党支部", "kind": "branch", "sector": "territorial", "area": "999999999999"})
    assert response.context["form"].errors == {"area": ["属地代码 999999999999 不存在"]}
    assert Org.objects.count() == before


@pytest.mark.parametrize(("username", "parent", "status"), [
    ("grid", "grid_branch", 403),  # sees the branch, may not add to it
    ("security", "jiayuan_committee", 403),
    ("grid", "jiayuan_committee", 404),  # located above the grid: invisible
    ("dept", "jiayuan_committee", 404),
    ("auditor", "jiayuan_committee", 404),
])
def test_the_org_form_is_refused_without_add_org(client_for, world, username, parent, status):
    before = Org.objects.count()
    url = f"/orgs/{getattr(world, parent).pk}/new/"
    assert client_for(username).get(url).status_code == status
    assert client_for(username).post(url, {"name": "某党支部", "kind": "branch", "sector": "territorial"}
                                     ).status_code == status
    assert Org.objects.count() == before


# --- accounts and grants ------------------------------------------------------------------------

@pytest.mark.parametrize(("username", "status"), sorted({
    "district": 403, "street": 403, "community": 403, "branch": 403, "grid": 403, "dept": 403,
    "auditor": 403, "security": 200, "admin": 200,
}.items()))
def test_the_user_list_is_for_the_admin_and_the_security_officer(client_for, username, status):
    response = client_for(username).get("/manage/users/")
    assert response.status_code == status


def test_the_user_list_lists_the_accounts(client_for, personas):
    response = client_for("admin").get("/manage/users/")
    assert [u.username for u in response.context["page"].object_list] == sorted(personas)


def test_the_security_officer_adds_and_revokes_a_grant_through_the_pages(client_for, personas, world):
    client = client_for("security")
    target = personas["dept"]
    url = f"/manage/users/{target.pk}/"
    assert client.get(url).status_code == 200

    response = client.post(url, {"role": Role.objects.get(code="street_worker").pk, "node": "110106015000"})

    assert (response.status_code, response["Location"]) == (302, url)
    made = Grant.objects.get(user=target, role__code="street_worker", revoked_at__isnull=True)
    assert made.area == world.majiabao
    assert AuditEvent.objects.filter(action="grant.create", object_id=str(made.pk), actor_label="security").exists()

    response = client.post(f"/manage/grants/{made.pk}/revoke/")

    assert (response.status_code, response["Location"]) == (302, url)
    assert Grant.objects.get(pk=made.pk).revoked_at is not None


def test_the_grant_form_reports_an_unknown_node_and_creates_nothing(client_for, personas):
    before = (Grant.objects.count(), AuditEvent.objects.count())
    response = client_for("security").post(f"/manage/users/{personas['dept'].pk}/", {
        "role": Role.objects.get(code="street_worker").pk, "node": "999999999999"})
    assert response.status_code == 200
    assert response.context["grant_form"].errors == {"node": ["属地代码 999999999999 不存在"]}
    assert (Grant.objects.count(), AuditEvent.objects.count()) == before


def test_the_grant_form_shows_the_services_refusal(client_for, personas):
    before = Grant.objects.count()
    response = client_for("security").post(f"/manage/users/{personas['dept'].pk}/", {
        "role": Role.objects.get(code="street_worker").pk, "node": ""})
    assert response.context["grant_form"].errors == {"node": ["请选择授权范围：一个属地或一个党组织"]}
    assert Grant.objects.count() == before


def test_the_admin_cannot_grant_through_the_user_page(client_for, personas):
    before = (Grant.objects.count(), AuditEvent.objects.count())
    response = client_for("admin").post(f"/manage/users/{personas['dept'].pk}/", {
        "role": Role.objects.get(code="street_worker").pk, "node": "110106015000"})
    assert response.context["grant_form"] is None
    assert (Grant.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize("username", ["admin", "auditor", "street"])
def test_nobody_but_the_security_officer_revokes_through_the_pages(client_for, personas, username):
    target = Grant.objects.get(user=personas["dept"])
    response = client_for(username).post(f"/manage/grants/{target.pk}/revoke/")
    assert response.status_code == 403
    assert Grant.objects.get(pk=target.pk).revoked_at is None


def test_revoking_needs_a_post(client_for, personas):
    target = Grant.objects.get(user=personas["dept"])
    assert client_for("security").get(f"/manage/grants/{target.pk}/revoke/").status_code == 405
    assert Grant.objects.get(pk=target.pk).revoked_at is None


def test_the_admin_deactivates_an_account_and_it_can_no_longer_sign_in(client_for, personas):
    street_session = client_for("street")
    assert street_session.get("/").status_code == 200

    response = client_for("admin").post(f"/manage/users/{personas['street'].pk}/active/")

    assert response.status_code == 302
    assert User.objects.get(pk=personas["street"].pk).is_active is False
    fresh = Client()
    attempt = fresh.post("/login/", {"username": "street", "password": PASSWORD})
    assert attempt.status_code == 200
    assert not signed_in(fresh)
    assert street_session.get("/")["Location"] == "/login/?next=/"  # the open session ends too


def test_the_admin_reactivates_an_account(client_for, personas):
    admin = client_for("admin")
    admin.post(f"/manage/users/{personas['street'].pk}/active/")
    admin.post(f"/manage/users/{personas['street'].pk}/active/")

    assert User.objects.get(pk=personas["street"].pk).is_active is True
    fresh = Client()
    fresh.post("/login/", {"username": "street", "password": PASSWORD})
    assert signed_in(fresh)


@pytest.mark.parametrize("username", ["security", "auditor", "street"])
def test_nobody_but_the_admin_deactivates(client_for, personas, username):
    response = client_for(username).post(f"/manage/users/{personas['dept'].pk}/active/")
    assert response.status_code == 403
    assert User.objects.get(pk=personas["dept"].pk).is_active is True


def test_the_admin_cannot_deactivate_itself_through_the_page(client_for, personas):
    response = client_for("admin").post(f"/manage/users/{personas['admin'].pk}/active/", follow=True)
    assert "不能停用自己的账号" in page(response)
    assert User.objects.get(pk=personas["admin"].pk).is_active is True


# --- sign-in and language -----------------------------------------------------------------------

def test_anonymous_is_sent_to_sign_in_with_next(world):
    response = Client().get("/")
    assert (response.status_code, response["Location"]) == (302, "/login/?next=/")


def test_sign_in_redirects_to_next(personas):
    client = Client()
    response = client.post("/login/?next=/areas/", {"username": "street", "password": PASSWORD, "next": "/areas/"})
    assert (response.status_code, response["Location"]) == (302, "/areas/")
    assert signed_in(client)


@pytest.mark.parametrize("evil", ["https://evil.example", "//evil.example/x", "https://evil.example/login/",
                                  "\\\\evil.example", "javascript:alert(1)"])
def test_sign_in_ignores_a_next_on_another_site(personas, evil):
    client = Client()
    response = client.post(f"/login/?next={evil}", {"username": "street", "password": PASSWORD, "next": evil})
    assert (response.status_code, response["Location"]) == (302, "/")
    assert signed_in(client)


def test_the_login_page_carries_next(world):
    response = Client().get("/login/", {"next": "/areas/"})
    assert response.status_code == 200
    assert 'name="next" value="/areas/"' in page(response)


def test_the_language_switch_serves_english(world):
    client = Client()
    assert '<html lang="zh-hans"' in page(client.get("/login/"))

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})

    assert (response.status_code, response["Location"]) == (302, "/login/")
    assert '<html lang="en"' in page(client.get("/login/"))


def test_logout_needs_a_post_and_ends_the_session(client_for):
    client = client_for("street")
    assert client.get("/logout/").status_code == 405
    assert signed_in(client)
    assert client.post("/logout/")["Location"] == "/login/"
    assert not signed_in(client)


# --- query counts: more children never mean more queries ----------------------------------------

def add_branches(world, n: int) -> None:
    for i in range(n):
        orgs.org_create(SYSTEM, parent=world.jiayuan_committee, name=f"嘉园一里第{i + 3}网格党支部", kind="branch",
                        area=world.jiayuan)


def add_communities(world, n: int) -> None:
    for i in range(n):
        official(f"110106015{i + 100}", f"新社区{i}", "community", world.majiabao)


# Bounds measured with the fixture tree (one or two children): session, user, grants, the read, the
# page; then 30 more children must fit in the same number.
ORG_LIST_QUERIES = 11
AREA_LIST_QUERIES = 11
AREA_PAGE_QUERIES = 16


def test_the_org_children_endpoint_does_not_grow_with_the_children(client_for, world, django_assert_max_num_queries):
    client = client_for("street")
    url = f"/api/v1/orgs?parent={world.jiayuan_committee.pk}"
    with django_assert_max_num_queries(ORG_LIST_QUERIES):
        assert client.get(url).json()["count"] == 1

    add_branches(world, 30)

    with django_assert_max_num_queries(ORG_LIST_QUERIES):
        body = client.get(url).json()
    assert (body["count"], len(body["items"])) == (31, 31)


def test_the_area_children_endpoint_does_not_grow_with_the_children(client_for, world,
                                                                    django_assert_max_num_queries):
    client = client_for("street")
    url = "/api/v1/areas?parent=110106015"
    with django_assert_max_num_queries(AREA_LIST_QUERIES):
        assert client.get(url).json()["count"] == 2

    add_communities(world, 30)

    with django_assert_max_num_queries(AREA_LIST_QUERIES):
        body = client.get(url).json()
    assert (body["count"], len(body["items"])) == (32, 32)


def test_the_area_page_does_not_grow_with_the_children(client_for, world, django_assert_max_num_queries):
    client = client_for("street")
    url = "/areas/110106015000/"
    with django_assert_max_num_queries(AREA_PAGE_QUERIES):
        assert client.get(url).status_code == 200

    add_communities(world, 30)
    for i in range(30):
        orgs.org_create(SYSTEM, parent=world.majiabao_committee, name=f"街道机关第{i}党支部", kind="branch",
                        area=world.majiabao)

    with django_assert_max_num_queries(AREA_PAGE_QUERIES):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 32
    assert len(response.context["orgs"]) == 20


def test_branch_secretary_appoints_a_committee_member(client_for, world):
    response = client_for("branch").post(f"/orgs/{world.grid_branch.pk}/posts/new/", {
        "title": "organization", "holder_name": "王组织", "term_start": "2024-03-01", "term_end": "2029-03-01"})
    assert response.status_code == 302
    post = world.grid_branch.posts.get(title="organization")
    assert (post.holder_name, str(post.term_end)) == ("王组织", "2029-03-01")
    assert AuditEvent.objects.filter(action="post.assign", actor_label="branch").count() == 1


def test_appointing_with_a_term_ending_before_it_starts_changes_nothing(client_for, world):
    response = client_for("branch").post(f"/orgs/{world.grid_branch.pk}/posts/new/", {
        "title": "organization", "holder_name": "王组织", "term_start": "2024-03-01", "term_end": "2023-03-01"})
    assert response.status_code == 200
    assert "任期结束日期应晚于开始日期" in response.content.decode()
    assert not world.grid_branch.posts.exists()


def test_appointing_needs_the_change_permission_and_the_scope(client_for, world):
    data = {"title": "secretary", "holder_name": "某人", "term_start": "2024-03-01"}
    assert client_for("grid").post(f"/orgs/{world.grid_branch.pk}/posts/new/", data).status_code == 403
    assert client_for("street").post(f"/orgs/{world.bajiao_committee.pk}/posts/new/", data).status_code == 404
    assert not world.grid_branch.posts.exists()
    assert not world.bajiao_committee.posts.exists()


def test_street_worker_adds_a_building_under_its_street(client_for, world):
    response = client_for("street").post("/areas/110106015000/new/", {"level": "building", "name": "搜宝商务中心"})
    assert response.status_code == 302
    building = Area.objects.get(parent=world.majiabao, name="搜宝商务中心")
    assert (building.code, building.level, building.pinyin) == ("110106015000B001", "building", "sbswzx")
    assert AuditEvent.objects.filter(action="area.create", object_id=str(building.pk)).count() == 1


def test_adding_a_grid_under_a_district_is_refused_in_words(client_for, world):
    before = Area.objects.count()
    response = client_for("district").post("/areas/110106000000/new/", {"level": "grid", "name": "某网格"})
    assert response.status_code == 200
    assert "网格不能设在区县之下" in response.content.decode()
    assert Area.objects.count() == before


@pytest.mark.parametrize(("username", "status"), [("community", 403), ("grid", 404), ("dept", 403),
                                                  ("branch", 404), ("auditor", 404)])
def test_adding_places_needs_the_add_permission(client_for, world, username, status):
    before = Area.objects.count()
    response = client_for(username).post("/areas/110106015001/new/", {"level": "grid", "name": "第9网格"})
    assert response.status_code == status
    assert Area.objects.count() == before


def test_a_grid_with_a_bad_boundary_is_refused_next_to_the_field(client_for, world):
    before = Area.objects.count()
    response = client_for("street").post("/areas/110106015002/new/", {"level": "grid", "name": "第1网格",
                                                                      "geometry": "{not json"})
    assert response.status_code == 200
    assert "不是有效的 JSON" in response.content.decode()
    assert Area.objects.count() == before
