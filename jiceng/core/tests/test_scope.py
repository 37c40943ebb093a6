"""The spine: ``scope.reach``, ``visible``, ``can``, ``require`` and ``get_or_404`` for each persona,
and 三权分立: Django's ``is_superuser`` grants nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client

from jiceng.core import scope
from jiceng.core.models import Area, AuditEvent, Grant, Org, Role
from jiceng.core.scope import Reach, _outermost
from jiceng.core.services import accounts, orgs
from jiceng.core.tests.conftest import PASSWORD, SYSTEM

FENGTAI = "/11/01/06/"
MAJIABAO = "/11/01/06/015/"
JIAYUAN = "/11/01/06/015/001/"
GRID1 = "/11/01/06/015/001/G001/"
EVERYWHERE = Reach(everything=True)
NOWHERE = Reach()


def fresh(user):
    """The same account read again, as the next request would: no cached grants."""
    return get_user_model().objects.get(pk=user.pk)


def grant(user, role_code: str, **node) -> Grant:
    return accounts.grant_create(SYSTEM, user=user, role=Role.objects.get(code=role_code), **node)


def area_names(actor, perm="core.view_area") -> set[str]:
    return set(scope.visible(actor, perm, Area.objects.all()).values_list("name", flat=True))


def org_names(actor, perm="core.view_org") -> set[str]:
    return set(scope.visible(actor, perm, Org.objects.all()).values_list("name", flat=True))


# --- reach ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("username", "expected"), sorted({
    "district": Reach(areas=(FENGTAI,)),
    "street": Reach(areas=(MAJIABAO,)),
    "community": Reach(areas=(JIAYUAN,)),
    "branch": NOWHERE,  # a branch secretary holds org powers only
    "grid": Reach(areas=(GRID1,)),
    "dept": Reach(areas=(FENGTAI,)),
    "auditor": NOWHERE,
    "security": EVERYWHERE,
    "admin": EVERYWHERE,
}.items()))
def test_reach_of_view_area_per_persona(personas, username, expected):
    assert scope.reach(personas[username], "core.view_area") == expected


def test_reach_of_an_org_grant_is_the_org_path(personas, world):
    assert scope.reach(personas["branch"], "core.view_org") == Reach(orgs=(world.grid_branch.path,))
    assert scope.reach(personas["branch"], "core.add_org") == Reach(orgs=(world.grid_branch.path,))


@pytest.mark.parametrize(("username", "perm"), [
    ("street", "core.read_audit"), ("street", "core.manage_users"), ("dept", "core.view_org"),
    ("grid", "core.change_org"), ("auditor", "core.view_org"), ("security", "core.add_org"),
    ("admin", "core.read_audit"), ("admin", "core.manage_grants"), ("security", "core.manage_users"),
])
def test_a_permission_the_role_lacks_reaches_nowhere(personas, username, perm):
    assert scope.reach(personas[username], perm).nowhere


def test_overlapping_grants_are_merged_to_the_outermost_node(personas, world):
    street = personas["street"]
    grant(street, "community_secretary", area=world.jiayuan)
    grant(street, "grid_worker", area=world.grid1)

    assert scope.reach(fresh(street), "core.view_area") == Reach(areas=(MAJIABAO,))


def test_disjoint_grants_both_reach(personas, world):
    street = personas["street"]
    grant(street, "street_worker", area=world.bajiao)

    assert scope.reach(fresh(street), "core.view_area") == Reach(areas=(MAJIABAO, world.bajiao.path))
    assert area_names(fresh(street)) >= {"马家堡街道", "八角街道", "八角北路社区"}


@pytest.mark.parametrize(("paths", "kept"), [
    (["/1/2/", "/1/", "/3/"], ("/1/", "/3/")),
    (["/1/", "/10/", "/1/0/"], ("/1/", "/10/")),  # "/10/" is a sibling of "/1/", not inside it
    (["/a/b/", "/a/b/", "/a/bc/"], ("/a/b/", "/a/bc/")),
    ([], ()),
])
def test_outermost_drops_only_paths_inside_another(paths, kept):
    assert _outermost(paths) == kept


def test_a_revoked_grant_gives_nothing(personas, world):
    street = personas["street"]
    accounts.grant_revoke(SYSTEM, grant=Grant.objects.get(user=street))

    street = fresh(street)
    assert scope.reach(street, "core.view_area") == NOWHERE
    assert area_names(street) == set()
    assert org_names(street) == set()
    assert scope.permissions(street) == set()


def test_an_inactive_user_sees_nothing(personas):
    street = personas["street"]
    street.is_active = False

    assert scope.reach(street, "core.view_area") == NOWHERE
    assert area_names(street) == set()
    assert not scope.can(street, "core.view_area", Area.objects.get(code="110106015000"))


def test_an_inactive_user_holds_no_permission_even_for_menus(personas):
    # reach() refuses an inactive account; permissions() (menus, tiles, /me) must agree with it.
    street = personas["street"]
    street.is_active = False

    assert scope.permissions(street) == set()


@pytest.mark.parametrize("anonymous", [AnonymousUser(), None])
def test_anonymous_sees_nothing(world, anonymous):
    assert scope.reach(anonymous, "core.view_area") == NOWHERE
    assert scope.visible(anonymous, "core.view_area", Area.objects.all()).count() == 0
    assert scope.permissions(anonymous) == set()
    with pytest.raises(Http404):
        scope.require(anonymous, "core.view_area", world.majiabao)


def test_the_system_actor_sees_everything(world):
    assert scope.reach(SYSTEM, "core.anything") == EVERYWHERE
    assert scope.visible(SYSTEM, "core.view_area", Area.objects.all()).count() == Area.objects.count()
    assert scope.visible(SYSTEM, "core.view_org", Org.objects.all()).count() == Org.objects.count()
    assert scope.can(SYSTEM, "core.delete_org", world.bajiao_committee)


# --- visible: area grants and org grants --------------------------------------------------------

def test_visible_areas_of_the_street_worker_are_its_street_and_below(personas):
    assert area_names(personas["street"]) == {"马家堡街道", "嘉园一里社区", "角门东里社区", "第1网格", "第2网格"}


def test_an_area_grant_makes_the_orgs_located_in_that_territory_visible(personas):
    # 马家堡街道工委 and below sit in 马家堡; 丰台区委 sits in 丰台 (above), 八角 elsewhere.
    assert org_names(personas["street"]) == {"中共马家堡街道工作委员会", "中共嘉园一里社区委员会",
                                             "嘉园一里第1网格党支部", "第1网格第一党小组"}
    assert org_names(personas["grid"]) == {"嘉园一里第1网格党支部", "第1网格第一党小组"}


def test_an_org_grant_makes_its_subtree_visible_wherever_it_is_located(personas):
    assert org_names(personas["branch"]) == {"嘉园一里第1网格党支部", "第1网格第一党小组"}


def test_an_org_grant_never_makes_areas_visible(personas, world):
    # A grid worker's role carries view_area; granted on an org node it still sees no territory.
    user = accounts.user_create(SYSTEM, username="orggrid", display_name="orggrid", password=PASSWORD)
    grant(user, "grid_worker", org=world.grid_branch)

    user = fresh(user)
    assert scope.reach(user, "core.view_area") == Reach(orgs=(world.grid_branch.path,))
    assert area_names(user) == set()
    assert org_names(user) == {"嘉园一里第1网格党支部", "第1网格第一党小组"}
    with pytest.raises(Http404):
        scope.require(user, "core.view_area", world.grid1)


def test_visible_keeps_the_callers_filters(personas):
    communities = Area.objects.filter(level="community")
    assert set(scope.visible(personas["street"], "core.view_area", communities).values_list("name", flat=True)) == {
        "嘉园一里社区", "角门东里社区"}


# --- can, require, get_or_404 ------------------------------------------------------------------

@pytest.mark.parametrize(("username", "perm", "node", "allowed"), [
    ("street", "core.add_org", "jiayuan_committee", True),
    ("street", "core.add_org", "bajiao_committee", False),
    ("street", "core.add_org", "fengtai_committee", False),  # located above the street
    ("community", "core.change_org", "grid_group", True),
    ("grid", "core.view_org", "grid_branch", True),
    ("grid", "core.change_org", "grid_branch", False),
    ("branch", "core.change_org", "grid_group", True),
    ("branch", "core.change_org", "jiayuan_committee", False),
    ("street", "core.change_area", "grid2", True),
    ("grid", "core.view_area", "grid2", False),
    ("dept", "core.view_area", "jiaomen", True),
    ("dept", "core.change_area", "jiaomen", False),
])
def test_can(personas, world, username, perm, node, allowed):
    assert scope.can(personas[username], perm, getattr(world, node)) is allowed


def test_require_passes_silently_when_permitted(personas, world):
    assert scope.require(personas["street"], "core.add_org", world.jiayuan_committee) is None


@pytest.mark.parametrize(("username", "perm", "node"), [
    ("street", "core.view_org", "bajiao_committee"),
    ("street", "core.change_org", "bajiao_committee"),
    ("grid", "core.change_area", "jiaomen"),
    ("branch", "core.change_org", "majiabao_committee"),
    ("auditor", "core.view_area", "majiabao"),
])
def test_require_is_404_for_what_the_actor_cannot_see(personas, world, username, perm, node):
    with pytest.raises(Http404):
        scope.require(personas[username], perm, getattr(world, node))


@pytest.mark.parametrize(("username", "perm", "node"), [
    ("grid", "core.change_org", "grid_branch"),
    ("grid", "core.add_area", "grid1"),
    ("dept", "core.change_area", "majiabao"),
    ("security", "core.change_org", "bajiao_committee"),
])
def test_require_is_403_for_what_the_actor_sees_but_may_not_change(personas, world, username, perm, node):
    with pytest.raises(PermissionDenied):
        scope.require(personas[username], perm, getattr(world, node))


def test_get_or_404_fetches_only_within_scope(personas, world):
    street = personas["street"]
    assert scope.get_or_404(street, "core.view_area", Area.objects.all(), code="110106015001") == world.jiayuan
    with pytest.raises(Http404):
        scope.get_or_404(street, "core.view_area", Area.objects.all(), code="110107003000")
    with pytest.raises(Http404):
        scope.get_or_404(street, "core.view_area", Area.objects.all(), code="999999999999")


@pytest.mark.parametrize("bad_id", ["abc", None, ""])
def test_get_or_404_turns_a_malformed_lookup_into_404(personas, bad_id):
    with pytest.raises(Http404):
        scope.get_or_404(personas["admin"], "core.view_org", Org.objects.all(), pk=bad_id)


def test_require_global_needs_an_unbounded_grant(personas, world):
    scope.require_global(personas["auditor"], "core.read_audit")
    district = personas["district"]
    grant(district, "street_worker", area=world.beijing)  # the whole city is still a node, not everything
    with pytest.raises(PermissionDenied):
        scope.require_global(fresh(district), "core.add_org")


# --- 三权分立: is_superuser grants nothing --------------------------------------------------------

@pytest.fixture
def superuser(world):
    return get_user_model().objects.create_superuser(username="root", password=PASSWORD, email="")


def test_a_superuser_without_grants_holds_no_permission(superuser):
    assert superuser.is_superuser
    assert superuser.has_perm("core.read_audit") is False
    assert superuser.has_perm("core.manage_grants") is False
    assert superuser.has_module_perms("core") is False
    assert superuser.get_all_permissions() == set()
    assert scope.reach(superuser, "core.view_area") == NOWHERE


def test_a_superuser_cannot_read_the_audit_trail(superuser):
    client = Client()
    client.force_login(superuser)
    assert client.get("/api/v1/audit").status_code == 403
    assert client.get("/audit/").status_code == 403


def test_a_superuser_sees_no_model_in_the_admin(superuser):
    client = Client()
    client.force_login(superuser)

    index = client.get("/admin/")

    assert index.status_code == 200
    assert index.context["app_list"] == []
    assert "/admin/core/" not in index.content.decode()
    assert client.get("/admin/core/user/").status_code == 403
    assert client.get("/admin/core/grant/").status_code == 403


def test_a_superuser_cannot_grant_or_create_accounts(superuser, personas):
    before = (Grant.objects.count(), get_user_model().objects.count(), AuditEvent.objects.count())
    with pytest.raises(PermissionDenied):
        accounts.grant_create(superuser, user=personas["street"], role=Role.objects.get(code="auditor"))
    with pytest.raises(PermissionDenied):
        accounts.user_create(superuser, username="x1", display_name="x", password=PASSWORD)
    assert (Grant.objects.count(), get_user_model().objects.count(), AuditEvent.objects.count()) == before


def test_grants_are_cached_across_requests_until_they_change(personas, world, django_assert_num_queries):
    street = personas["street"]
    scope.reach(fresh(street), "core.view_area")
    again = fresh(street)
    with django_assert_num_queries(0):
        assert scope.reach(again, "core.view_area").areas == (MAJIABAO,)
    grant(street, "street_worker", area=world.bajiao)
    assert scope.reach(fresh(street), "core.view_area").areas == (MAJIABAO, world.bajiao.path)


def test_moving_an_organization_refreshes_the_grants_that_cover_it(personas, world):
    branch = personas["branch"]
    assert scope.reach(fresh(branch), "core.view_org").orgs == (world.grid_branch.path,)
    orgs.org_update(SYSTEM, org=world.grid_branch, parent=world.bajiao_community_committee)
    moved = Org.objects.get(pk=world.grid_branch.pk)
    assert scope.reach(fresh(branch), "core.view_org").orgs == (moved.path,)
