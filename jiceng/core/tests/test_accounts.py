"""Services of accounts (users and grants) and the built-in roles: 三权分立 — the system admin manages
accounts, the security officer grants, the auditor only reads, and nobody holds two of the three."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from jiceng.core import registry, scope
from jiceng.core.apps import CORE_ROLE_PERMISSIONS
from jiceng.core.models import AuditEvent, Grant, Role
from jiceng.core.roles import BUILTIN_ROLES, SYSTEM_DUTY_ROLES
from jiceng.core.scope import Reach
from jiceng.core.services import accounts
from jiceng.core.tests.conftest import PASSWORD, SYSTEM

MOBILE_MESSAGE = "手机号应为 11 位数字、以 1 开头、第二位为 3–9，请核对"
DUTY_MESSAGE = "系统管理员、安全管理员、安全审计员三种职责不能由一人兼任（三权分立）"
User = get_user_model()


def role(code: str) -> Role:
    return Role.objects.get(code=code)


def fresh(user):
    return User.objects.get(pk=user.pk)


def state() -> tuple:
    """What a denied write must leave untouched."""
    return (User.objects.count(), Grant.objects.count(), Grant.objects.filter(revoked_at__isnull=False).count(),
            AuditEvent.objects.count())


def errors_of(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


@pytest.fixture
def newcomer(personas):
    """An account without any grant, made by the system admin."""
    return accounts.user_create(personas["admin"], username="newcomer", display_name="新人", password=PASSWORD)


@pytest.fixture
def last_event():
    def get():
        return AuditEvent.objects.order_by("-id").first()
    return get


# --- who grants -------------------------------------------------------------------------------

def test_the_security_officer_grants_a_business_role_on_a_node(personas, world, newcomer):
    made = accounts.grant_create(personas["security"], user=newcomer, role=role("street_worker"), area=world.majiabao)

    assert (made.user, made.role.code, made.area, made.org, made.granted_by) == (
        newcomer, "street_worker", world.majiabao, None, personas["security"])
    assert scope.reach(fresh(newcomer), "core.view_area") == Reach(areas=(world.majiabao.path,))


@pytest.mark.parametrize("actor", ["admin", "auditor", "street", "district"])
def test_nobody_but_the_security_officer_grants(personas, world, newcomer, actor):
    before = state()
    with pytest.raises(PermissionDenied):
        accounts.grant_create(personas[actor], user=newcomer, role=role("street_worker"), area=world.majiabao)
    assert state() == before


@pytest.mark.parametrize("actor", ["admin", "auditor", "street"])
def test_nobody_but_the_security_officer_revokes(personas, actor):
    target = Grant.objects.get(user=personas["street"])
    before = state()
    with pytest.raises(PermissionDenied):
        accounts.grant_revoke(personas[actor], grant=target)
    assert state() == before
    assert Grant.objects.get(pk=target.pk).revoked_at is None


@pytest.mark.parametrize(("role_code", "node"), [
    ("street_worker", lambda w: {"area": w.majiabao}),
    ("branch_secretary", lambda w: {"org": w.grid_branch}),
    ("auditor", lambda w: {}),
    ("security_officer", lambda w: {}),
])
def test_the_security_officer_cannot_grant_itself_anything(personas, world, role_code, node):
    security = personas["security"]
    before = state()

    assert errors_of(lambda: accounts.grant_create(security, user=security, role=role(role_code),
                                                   **node(world))) == {
        "user": ["不能给自己授权（三权分立）"]}
    assert state() == before


def test_the_security_officer_cannot_revoke_its_own_grant(personas):
    own = Grant.objects.get(user=personas["security"])
    before = state()

    assert errors_of(lambda: accounts.grant_revoke(personas["security"], grant=own)) == {
        "user": ["不能撤销自己的授权（三权分立）"]}
    assert state() == before
    assert Grant.objects.get(pk=own.pk).revoked_at is None


@pytest.mark.parametrize(("holder", "other"), [
    ("auditor", "security_officer"), ("auditor", "system_admin"),
    ("admin", "security_officer"), ("admin", "auditor"),
])
def test_a_holder_of_one_system_duty_cannot_be_granted_another(personas, holder, other):
    before = state()
    assert errors_of(lambda: accounts.grant_create(personas["security"], user=personas[holder], role=role(other))) == {
        "role": [DUTY_MESSAGE]}
    assert state() == before


@pytest.mark.parametrize("role_code", ["street_worker", "grid_worker", "party_member"])
def test_a_business_role_needs_a_node(personas, newcomer, role_code):
    before = state()
    assert errors_of(lambda: accounts.grant_create(personas["security"], user=newcomer, role=role(role_code))) == {
        "node": ["请选择授权范围：一个属地或一个党组织"]}
    assert state() == before


@pytest.mark.parametrize(("role_code", "kind", "node"), [
    ("auditor", "area", "majiabao"), ("system_admin", "org", "fengtai_committee"),
    ("security_officer", "area", "beijing"),
])
def test_a_system_duty_refuses_a_node(personas, world, newcomer, role_code, kind, node):
    before = state()

    errors = errors_of(lambda: accounts.grant_create(personas["security"], user=newcomer, role=role(role_code),
                                                     **{kind: getattr(world, node)}))

    assert list(errors) == ["node"]
    assert "系统职责" in errors["node"][0]
    assert state() == before


def test_a_grant_names_one_node_not_two(personas, world, newcomer):
    before = state()
    assert list(errors_of(lambda: accounts.grant_create(
        personas["security"], user=newcomer, role=role("street_worker"), area=world.majiabao,
        org=world.majiabao_committee))) == ["node"]
    assert state() == before


def test_a_duplicate_active_grant_is_refused(personas, world):
    before = state()
    assert errors_of(lambda: accounts.grant_create(personas["security"], user=personas["street"],
                                                   role=role("street_worker"), area=world.majiabao)) == {
        "role": ["该用户已有此授权"]}
    assert state() == before


def test_the_same_grant_may_be_given_again_after_a_revoke(personas, world):
    old = Grant.objects.get(user=personas["street"])
    accounts.grant_revoke(personas["security"], grant=old)

    again = accounts.grant_create(personas["security"], user=personas["street"], role=role("street_worker"),
                                  area=world.majiabao)

    assert again.pk != old.pk
    assert Grant.objects.filter(user=personas["street"], revoked_at__isnull=True).get() == again


def test_revoke_sets_revoked_at_and_the_grant_stops_working_at_once(personas):
    street = personas["street"]
    target = Grant.objects.get(user=street)
    assert scope.reach(street, "core.view_area").areas  # the cache now holds the grant

    revoked = accounts.grant_revoke(personas["security"], grant=target)

    stored = Grant.objects.get(pk=target.pk)
    assert stored.revoked_at is not None
    assert (revoked.revoked_at, stored.revoked_by) == (stored.revoked_at, personas["security"])
    assert scope.reach(fresh(street), "core.view_area").nowhere
    scope.forget(street)
    assert scope.reach(street, "core.view_area").nowhere


def test_a_revoked_grant_stops_the_next_request(personas):
    client = Client()
    client.force_login(personas["street"])
    assert client.get("/api/v1/areas/110106015").status_code == 200

    accounts.grant_revoke(personas["security"], grant=Grant.objects.get(user=personas["street"]))

    assert client.get("/api/v1/areas/110106015").status_code == 404


def test_revoking_twice_records_once(personas):
    target = Grant.objects.get(user=personas["street"])
    accounts.grant_revoke(personas["security"], grant=target)
    first = Grant.objects.get(pk=target.pk).revoked_at
    before = AuditEvent.objects.count()

    accounts.grant_revoke(personas["security"], grant=target)

    assert Grant.objects.get(pk=target.pk).revoked_at == first
    assert AuditEvent.objects.count() == before


# --- who creates users --------------------------------------------------------------------------

def test_the_system_admin_creates_a_user(personas):
    user = accounts.user_create(personas["admin"], username="wang", display_name=" 王五 ", password=PASSWORD,
                                mobile="13700001111")

    stored = fresh(user)
    assert (stored.username, stored.display_name, stored.mobile, stored.is_active) == (
        "wang", "王五", "13700001111", True)
    assert stored.check_password(PASSWORD)
    assert not stored.grants.exists()


@pytest.mark.parametrize("actor", ["security", "auditor", "street", "district"])
def test_nobody_but_the_system_admin_creates_users(personas, actor):
    before = state()
    with pytest.raises(PermissionDenied):
        accounts.user_create(personas[actor], username="wang", display_name="王五", password=PASSWORD)
    assert state() == before
    assert not User.objects.filter(username="wang").exists()


@pytest.mark.parametrize("username", ["street", "STREET", "Street", " street "])
def test_user_create_refuses_a_taken_username_whatever_its_case(personas, username):
    before = state()
    assert errors_of(lambda: accounts.user_create(personas["admin"], username=username, display_name="x",
                                                  password=PASSWORD)) == {"username": ["该用户名已存在"]}
    assert state() == before


@pytest.mark.parametrize(("username", "message"), [
    ("13800001111", "用户名不能全为数字（以免与手机号混淆）"),
    ("007", "用户名不能全为数字（以免与手机号混淆）"),
    ("   ", "请填写用户名"),
])
def test_user_create_refuses_a_bad_username(personas, username, message):
    before = state()
    assert errors_of(lambda: accounts.user_create(personas["admin"], username=username, display_name="x",
                                                  password=PASSWORD)) == {"username": [message]}
    assert state() == before


@pytest.mark.parametrize("username", ["+8613900000000", "0086-13900000000", "139-0000-0000"])
def test_user_create_refuses_a_username_that_reads_as_a_mobile_number(personas, username):
    # The all-digit rule exists so that a username is never confused with a mobile number at sign-in,
    # where a username match wins over a mobile match: an account named "+8613912340001" would
    # capture the sign-in (and the lockout failures) of the owner of 13912340001 typing "+86…".
    before = state()
    errors = errors_of(lambda: accounts.user_create(personas["admin"], username=username, display_name="x",
                                                    password=PASSWORD))
    assert list(errors) == ["username"]
    assert state() == before


@pytest.mark.parametrize("mobile", ["12800001111", "1380000111", "138000011112", "10800001111", "+1 13800001111",
                                    "1380000111a", "138 0000 111"])
def test_user_create_refuses_a_bad_mobile_with_the_rule(personas, mobile):
    before = state()
    assert errors_of(lambda: accounts.user_create(personas["admin"], username="wang", display_name="x",
                                                  password=PASSWORD, mobile=mobile)) == {"mobile": [MOBILE_MESSAGE]}
    assert state() == before


@pytest.mark.parametrize("mobile", ["13912340001", "+86 139-1234-0001", "0086 13912340001"])
def test_user_create_refuses_a_mobile_already_used(personas, mobile):
    # personas get 1391234NNNN: street is 0001
    before = state()
    assert errors_of(lambda: accounts.user_create(personas["admin"], username="wang", display_name="x",
                                                  password=PASSWORD, mobile=mobile)) == {
        "mobile": ["该手机号已被其他账号使用"]}
    assert state() == before


def test_sign_in_by_mobile_after_user_create_with_a_formatted_number(personas):
    user = accounts.user_create(personas["admin"], username="wang", display_name="王五", password=PASSWORD,
                                mobile="+86 139-0000-0000")
    assert fresh(user).mobile == "13900000000"

    client = Client()
    response = client.post("/login/", {"username": "13900000000", "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_user_update_refuses_another_accounts_mobile(personas):
    street = personas["street"]
    before = (fresh(street).mobile, AuditEvent.objects.count())
    assert errors_of(lambda: accounts.user_update(personas["admin"], user=street, mobile="13912340002")) == {
        "mobile": ["该手机号已被其他账号使用"]}
    assert (fresh(street).mobile, AuditEvent.objects.count()) == before


def test_user_update_keeps_the_accounts_own_mobile(personas):
    accounts.user_update(personas["admin"], user=personas["street"], mobile="+86 13912340001", display_name="街道")
    assert (fresh(personas["street"]).mobile, fresh(personas["street"]).display_name) == ("13912340001", "街道")


def test_the_system_admin_cannot_deactivate_itself(personas):
    before = state()
    assert errors_of(lambda: accounts.user_update(personas["admin"], user=personas["admin"], is_active=False)) == {
        "is_active": ["不能停用自己的账号"]}
    assert fresh(personas["admin"]).is_active
    assert state() == before


@pytest.mark.parametrize("actor", ["security", "auditor", "street"])
def test_nobody_but_the_system_admin_updates_or_resets(personas, actor):
    target = personas["community"]
    before = (state(), fresh(target).password, fresh(target).is_active)
    with pytest.raises(PermissionDenied):
        accounts.user_update(personas[actor], user=target, is_active=False)
    with pytest.raises(PermissionDenied):
        accounts.user_set_password(personas[actor], user=target, password="Other@2026x")
    assert (state(), fresh(target).password, fresh(target).is_active) == before


def test_a_user_changes_its_own_password_only_with_the_old_one(personas):
    street = personas["street"]
    before = (fresh(street).password, AuditEvent.objects.count())
    assert errors_of(lambda: accounts.user_set_password(street, user=street, password="Other@2026x",
                                                        old_password="Wrong@2026")) == {
        "old_password": ["原密码不正确"]}
    assert (fresh(street).password, AuditEvent.objects.count()) == before

    accounts.user_set_password(street, user=street, password="Other@2026x", old_password=PASSWORD)
    assert fresh(street).check_password("Other@2026x")


# --- the audit of every write -------------------------------------------------------------------

def test_user_create_is_audited_once(personas, last_event):
    before = AuditEvent.objects.count()
    user = accounts.user_create(personas["admin"], username="wang", display_name="王五", password=PASSWORD)

    event = last_event()
    assert AuditEvent.objects.count() == before + 1
    assert (event.action, event.actor_label, event.actor_id, event.object_id, event.object_repr) == (
        "user.create", "admin", personas["admin"].pk, str(user.pk), "wang")
    assert PASSWORD not in str(event.summary)


def test_grant_create_is_audited_once(personas, world, newcomer, last_event):
    before = AuditEvent.objects.count()
    made = accounts.grant_create(personas["security"], user=newcomer, role=role("street_worker"), area=world.majiabao)

    event = last_event()
    assert AuditEvent.objects.count() == before + 1
    assert (event.action, event.actor_label, event.object_id, event.node_path) == (
        "grant.create", "security", str(made.pk), world.majiabao.path)
    assert event.summary == {"user": "newcomer", "role": "street_worker", "node": "马家堡街道"}


def test_grant_revoke_is_audited_once(personas, last_event):
    target = Grant.objects.get(user=personas["street"])
    before = AuditEvent.objects.count()
    accounts.grant_revoke(personas["security"], grant=target)

    event = last_event()
    assert AuditEvent.objects.count() == before + 1
    assert (event.action, event.actor_label, event.object_id, event.node_path) == (
        "grant.revoke", "security", str(target.pk), "/11/01/06/015/")


def test_user_update_is_audited_once_with_the_changes(personas, last_event):
    before = AuditEvent.objects.count()
    accounts.user_update(personas["admin"], user=personas["street"], display_name="马家堡街道小李", is_active=False)

    event = last_event()
    assert AuditEvent.objects.count() == before + 1
    assert (event.action, event.actor_label, event.object_id) == ("user.update", "admin", str(personas["street"].pk))
    assert event.summary["changes"] == {"display_name": ["street", "马家堡街道小李"], "is_active": [True, False]}


def test_password_reset_is_audited_once_without_the_password(personas, last_event):
    before = AuditEvent.objects.count()
    accounts.user_set_password(personas["admin"], user=personas["street"], password="Reset@2026x")

    event = last_event()
    assert AuditEvent.objects.count() == before + 1
    assert (event.action, event.actor_label, event.object_id) == (
        "user.password_reset", "admin", str(personas["street"].pk))
    assert "Reset@2026x" not in str(event.summary)
    assert fresh(personas["street"]).check_password("Reset@2026x")


def test_a_write_by_the_system_actor_is_audited_under_its_name(world, last_event):
    accounts.user_create(SYSTEM, username="wang", display_name="王五", password=PASSWORD)
    event = last_event()
    assert (event.action, event.actor_label, event.actor_id) == ("user.create", "system:tests", None)


# --- the built-in roles -------------------------------------------------------------------------

def perms_of(role_obj: Role) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in role_obj.permissions.select_related("content_type")}


def test_every_built_in_role_exists_with_its_duty(db):
    stored = {r.code: (r.duty, r.is_builtin) for r in Role.objects.all()}
    assert {code: (duty, True) for code, _name, duty, _d in BUILTIN_ROLES}.items() <= stored.items()
    assert SYSTEM_DUTY_ROLES == {"system_admin", "security_officer", "auditor"}
    assert {stored[c][0] for c in SYSTEM_DUTY_ROLES} == {"system", "security", "audit"}


@pytest.mark.parametrize("role_code", sorted(CORE_ROLE_PERMISSIONS))
def test_a_built_in_role_carries_the_permissions_registered_for_it(db, role_code):
    assert perms_of(Role.objects.get(code=role_code)) == registry.role_permissions()[role_code]
    assert set(CORE_ROLE_PERMISSIONS[role_code]) <= perms_of(Role.objects.get(code=role_code))


def test_every_registered_permission_exists(db):
    registered = set().union(*registry.role_permissions().values())
    existing = {f"{app}.{codename}" for app, codename in
                Permission.objects.values_list("content_type__app_label", "codename")}
    assert registered - existing == set()
    assert set(registry.role_permissions()) <= {code for code, *_rest in BUILTIN_ROLES}


def test_the_three_system_duties_share_no_permission(db):
    admin, security, auditor = (perms_of(Role.objects.get(code=c)) for c in
                                ("system_admin", "security_officer", "auditor"))
    assert "core.manage_grants" not in admin and "core.read_audit" not in admin
    assert "core.manage_users" not in security and "core.read_audit" not in security
    assert auditor == {"core.read_audit"}
