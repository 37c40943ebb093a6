"""Pages of the roll: list, member page, unmask, register, edit, status, health."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiceng.core.models import AuditEvent
from jiceng.core.services import orgs as org_services
from jiceng.members.models import Member
from jiceng.members.tests.factories import id_number, member
from jiceng.testing import SYSTEM


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_roll_shows_masked_numbers_only(client_for, world):
    someone = member(world.grid_branch, "王五", phone="13912345678")
    page = html(client_for("branch").get("/members/"))
    assert "王五" in page
    assert someone.id_masked in page
    assert "139****5678" in page
    assert someone.id_number not in page
    assert "13912345678" not in page


def test_the_member_page_hides_numbers_without_the_permission(client_for, world):
    someone = member(world.grid_branch, phone="13912345678")
    page = html(client_for("branch").get(f"/members/{someone.pk}/"))
    assert someone.id_number not in page and "13912345678" not in page
    assert "查看完整号码" not in page
    response = client_for("branch").post(f"/members/{someone.pk}/unmask/")
    assert response.status_code == 403
    assert someone.id_number not in response.content.decode()
    assert not AuditEvent.objects.filter(action="member.unmask").exists()


def test_an_organizer_unmasks_once_and_it_is_audited_and_not_cached(client_for, world):
    someone = member(world.grid_branch, phone="13912345678")
    client = client_for("street")
    assert "查看完整号码" in html(client.get(f"/members/{someone.pk}/"))
    response = client.post(f"/members/{someone.pk}/unmask/")
    assert someone.id_number in html(response) and "13912345678" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="member.unmask", object_id=str(someone.pk)).count() == 1
    assert someone.id_number not in html(client.get(f"/members/{someone.pk}/"))


def test_another_street_gets_404_for_the_member_page(client_for, world):
    someone = member(world.grid_branch)
    from jiceng.core.models import Role
    from jiceng.core.services import accounts

    user = accounts.user_create(SYSTEM, username="bajiao", display_name="八角", password="Jiceng@2026x")
    accounts.grant_create(SYSTEM, user=user, role=Role.objects.get(code="street_worker"), area=world.bajiao)
    from django.test import Client

    client = Client()
    client.force_login(user)
    assert client.get(f"/members/{someone.pk}/").status_code == 404
    assert "张三" not in html(client.get("/members/"))


def test_a_branch_secretary_sees_only_the_branchs_members(client_for, world):
    other, _w = org_services.org_create(SYSTEM, parent=world.jiayuan_committee, name="嘉园一里第2网格党支部",
                                        kind="branch", area=world.grid2)
    member(world.grid_branch, "本支部党员")
    member(other, "别的支部党员")
    assert "别的支部党员" not in html(client_for("branch").get("/members/"))
    street_page = html(client_for("street").get("/members/"))
    assert "本支部党员" in street_page and "别的支部党员" in street_page


def test_the_roll_page_reads_in_a_bounded_number_of_queries(client_for, world):
    for n in range(30):
        member(world.grid_branch, f"党员{n}")
    client = client_for("street")
    client.get("/members/")
    with CaptureQueriesContext(connection) as ctx:
        html(client.get("/members/?status=active"))
    assert len(ctx.captured_queries) <= 14


def test_register_a_member_through_the_form(client_for, world):
    number = id_number("19850302", male=False)
    response = client_for("branch").post("/members/new/", {
        "name": "赵敏", "id_number": number, "phone": "13700001111", "branch": world.grid_branch.pk,
        "status": "probationary", "joined_on": "2026-06-30", "category": "in_service", "ethnicity": "汉族"})
    created = Member.objects.get()
    assert response.status_code == 302 and response.url == f"/members/{created.pk}/"
    assert (created.sex, created.status, created.full_on) == ("female", "probationary", None)


def test_a_bad_form_shows_field_errors_and_writes_nothing(client_for, world):
    response = client_for("branch").post("/members/new/", {
        "name": "赵敏", "id_number": "110105194912310021", "phone": "123", "branch": world.grid_branch.pk,
        "status": "full", "joined_on": "2000-01-01", "category": "in_service", "ethnicity": "汉族"})
    page = html(response)
    assert "身份证号校验位不正确" in page and "手机号应为" in page
    assert not Member.objects.exists()


def test_edit_and_status_change(client_for, world):
    someone = member(world.grid_branch)
    client = client_for("street")
    response = client.post(f"/members/{someone.pk}/edit/", {
        "name": someone.name, "category": "retired", "ethnicity": "回族", "education": "bachelor"})
    assert response.status_code == 302
    someone.refresh_from_db()
    assert (someone.category, someone.ethnicity) == ("retired", "回族")
    client.post(f"/members/{someone.pk}/status/", {"status": "deceased", "on": "2026-01-02", "reason": "病故"})
    someone.refresh_from_db()
    assert someone.status == "deceased"
    assert "党籍状态变化" in html(client.get(f"/members/{someone.pk}/"))


@pytest.mark.parametrize(("full", "probationary", "expected", "absent"), [
    (6, 2, "不设支部委员会", "应设立支部委员会"),  # RULES §9: 6 full + 2 probationary → no committee
    (7, 0, "应设立支部委员会", "不足3人"),  # 7 full → a committee of 3–5
    (2, 0, "联合党支部", "应设立支部委员会"),
])
def test_health_applies_the_branch_rules(client_for, world, full, probationary, expected, absent):
    for n in range(full):
        member(world.grid_branch, f"正式{n}")
    for n in range(probationary):
        member(world.grid_branch, f"预备{n}", status="probationary", joined_on=date(2026, 6, 1))
    from jiceng.core.models import Post

    for n in range(3 if full < 7 else 0):
        Post.objects.create(org=world.grid_branch, title="member", holder_name=f"委员{n}", term_start=date(2024, 1, 1))
    page = html(client_for("street").get(f"/members/health/{world.majiabao_committee.pk}/?all=1"))
    assert expected in page
    assert absent not in page


def test_health_reminds_of_terms_ending(client_for, world):
    world.jiayuan_committee.term_started_on = date(2021, 12, 1)
    world.jiayuan_committee.term_ends_on = date(2026, 12, 1)
    world.jiayuan_committee.save()
    page = html(client_for("street").get(f"/members/health/{world.majiabao_committee.pk}/"))
    assert "任期将于2026-12-01届满" in page or "任期已于2026-12-01届满" in page


def test_the_member_page_offers_transfer_and_mobility_actions_to_those_who_may(client_for, world):
    someone = member(world.grid_branch)
    street = html(client_for("street").get(f"/members/{someone.pk}/"))
    assert f"/transfers/new/?member={someone.pk}" in street
    assert f"/floating/new/?member={someone.pk}" in street
    grid_page = client_for("grid").get(f"/members/{someone.pk}/")
    assert grid_page.status_code == 404


def test_the_workbench_counts_development_items_due(client_for, world):
    response = client_for("street").get("/")
    counts = {t["module"].key: t["count"] for t in response.context["tiles"]}
    assert counts["development"] == 0 and counts["transfers"] == 0


@pytest.mark.parametrize("url", [
    "/members/?branch=99999999999999999999", "/members/99999999999999999999/",
    "/members/health/99999999999999999999/", "/api/v1/members?branch=99999999999999999999",
    "/api/v1/members/99999999999999999999", "/api/v1/orgs/99999999999999999999/health",
])
def test_ids_beyond_the_database_range_are_not_found_or_a_field_error(client_for, world, url):
    assert client_for("street").get(url).status_code in {200, 404, 422}


def test_health_needs_the_roll_permission(client_for, world):
    member(world.grid_branch)
    assert client_for("grid").get(f"/members/health/{world.grid_branch.pk}/").status_code == 403
    assert client_for("grid").get(f"/api/v1/orgs/{world.grid_branch.pk}/health").status_code == 403


def test_a_branch_filter_outside_the_scope_shows_nothing(client_for, world):
    member(world.grid_branch, "本支部党员")
    body = client_for("branch").get(f"/api/v1/members?branch={world.jiayuan_committee.pk}").json()
    assert body["count"] == 0
