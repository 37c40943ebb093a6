"""The security baseline (等保 2.0, application part): passwords, lockout, sessions, deployment checks,
personal-data crypto and response headers."""

import base64
import os
import secrets
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jiceng.core import crypto
from jiceng.core.lockout import locked_until
from jiceng.core.models import AuditEvent, LoginFailure
from jiceng.core.services import accounts
from jiceng.core.tests.conftest import PASSWORD, SYSTEM

LOGIN = "/login/"
STREET_MOBILE = "13912340001"  # personas get 1391234NNNN, NNNN = index in PERSONAS: street is 1
CLASSES_MESSAGE = "密码须包含大写字母、小写字母、数字、符号中的至少 3 类。"


# --- a) password rules -----------------------------------------------------------------------

def codes_of(password: str) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        validate_password(password)
    return [error.code for error in caught.value.error_list]


def test_a_strong_password_passes():
    assert validate_password("Jiceng@2026") is None


def test_a_password_with_two_classes_is_refused_in_chinese():
    with pytest.raises(ValidationError) as caught:
        validate_password("jiceng2026")

    assert caught.value.messages == [CLASSES_MESSAGE]
    assert [e.code for e in caught.value.error_list] == ["password_classes"]


def test_a_short_password_is_refused():
    assert codes_of("Ab1!") == ["password_too_short"]


def test_the_too_short_message_is_in_chinese():
    with pytest.raises(ValidationError) as caught:
        validate_password("Ab1!")

    message = caught.value.messages[0]
    assert "8" in message
    assert "密码" in message, message


@pytest.mark.parametrize(
    ("password", "code"),
    [("12345678", "password_entirely_numeric"), ("Password1", "password_too_common"), ("ABCDEFGH", "password_classes")],
)
def test_other_weak_passwords_are_refused(password, code):
    assert code in codes_of(password)


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["jiceng2026", "Ab1!", "12345678"])
def test_user_create_refuses_a_weak_password_on_the_password_field(password):
    users = get_user_model().objects
    before = users.count(), AuditEvent.objects.count()

    with pytest.raises(ValidationError) as caught:
        accounts.user_create(SYSTEM, username="weak", display_name="弱口令", password=password)

    assert list(caught.value.message_dict) == ["password"]
    assert (users.count(), AuditEvent.objects.count()) == before
    assert not users.filter(username="weak").exists()


@pytest.mark.django_db
def test_user_create_with_a_strong_password_can_sign_in():
    user = accounts.user_create(SYSTEM, username="strong", display_name="强口令", password="Jiceng@2026")

    assert user.check_password("Jiceng@2026")
    assert AuditEvent.objects.filter(action="user.create", object_id=str(user.pk)).count() == 1


# --- b) lockout: the rule as a pure function -------------------------------------------------

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))
RULE = {"limit": 5, "window": timedelta(minutes=15), "lockout": timedelta(minutes=30)}


def at(*minutes: float) -> list[datetime]:
    return [T0 + timedelta(minutes=m) for m in minutes]


def test_the_settings_carry_the_rule():
    assert (settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_FAILURE_WINDOW, settings.LOGIN_LOCKOUT) == (
        RULE["limit"], RULE["window"], RULE["lockout"])


def test_five_failures_within_fifteen_minutes_lock_for_thirty_from_the_fifth():
    assert locked_until(at(0, 1, 2, 3, 4), **RULE) == T0 + timedelta(minutes=34)


def test_five_failures_spread_over_twenty_minutes_do_not_lock():
    assert locked_until(at(0, 5, 10, 15, 20), **RULE) is None


def test_four_failures_do_not_lock():
    assert locked_until(at(0, 1, 2, 3), **RULE) is None


def test_no_failures_do_not_lock():
    assert locked_until([], **RULE) is None


def test_five_failures_exactly_fifteen_minutes_apart_lock():
    assert locked_until(at(0, 5, 10, 14, 15), **RULE) == T0 + timedelta(minutes=45)


def test_five_failures_a_second_over_fifteen_minutes_do_not_lock():
    times = [*at(0, 5, 10, 14), T0 + timedelta(minutes=15, seconds=1)]

    assert locked_until(times, **RULE) is None


def test_the_order_of_the_failure_times_does_not_matter():
    assert locked_until(at(4, 0, 3, 1, 2), **RULE) == T0 + timedelta(minutes=34)


def test_a_later_failure_in_a_window_extends_the_lock():
    assert locked_until(at(0, 1, 2, 3, 4, 10), **RULE) == T0 + timedelta(minutes=40)


def test_old_failures_outside_the_window_of_a_later_burst_count_only_with_it():
    # 0, 20, 21, 22, 23: no five within 15 minutes; one more at 24 makes 20…24 a burst.
    assert locked_until(at(0, 20, 21, 22, 23), **RULE) is None
    assert locked_until(at(0, 20, 21, 22, 23, 24), **RULE) == T0 + timedelta(minutes=54)


# --- b) lockout through the sign-in page -----------------------------------------------------

def sign_in(username: str, password: str, ip: str = "10.0.0.1"):
    return Client().post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def fail_five_times(username: str, *, same_ip: str | None = None) -> None:
    for n in range(5):
        response = sign_in(username, "Wrong@2026", ip=same_ip or f"10.0.1.{n + 1}")
        assert response.status_code == 200
        assert not signed_in(response)


def age_failures(minutes: int) -> None:
    LoginFailure.objects.update(at=F("at") - timedelta(minutes=minutes))


@pytest.mark.django_db
def test_the_right_password_signs_in(personas):
    response = sign_in("street", PASSWORD)

    assert signed_in(response)
    assert response["Location"] == reverse("core:workbench")
    assert response.client.session["_auth_user_id"] == str(personas["street"].pk)


@pytest.mark.django_db
def test_a_wrong_password_says_so_and_counts_a_failure(personas):
    response = sign_in("street", "Wrong@2026")

    assert not signed_in(response)
    assert "用户名（或手机号）与密码不匹配" in response.content.decode()
    assert list(LoginFailure.objects.values_list("username", "ip")) == [("street", "10.0.0.1")]


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(personas):
    fail_five_times("street")

    response = sign_in("street", PASSWORD, ip="10.0.2.1")

    assert response.status_code == 200
    assert not signed_in(response)
    page = response.content.decode()
    assert "账号已锁定" in page
    assert "联系安全管理员解锁" in page
    assert LoginFailure.objects.filter(username="street").count() == 5
    assert not AuditEvent.objects.filter(action="auth.login").exists()


@pytest.mark.django_db
def test_the_lock_message_says_when_to_try_again(personas):
    fail_five_times("street")

    page = sign_in("street", PASSWORD, ip="10.0.2.1").content.decode()

    assert "约 30 分钟" in page


@pytest.mark.django_db
def test_the_lock_is_lifted_after_thirty_one_minutes(personas):
    fail_five_times("street")
    age_failures(31)

    response = sign_in("street", PASSWORD, ip="10.0.2.1")

    assert signed_in(response)
    assert not LoginFailure.objects.filter(username="street").exists()  # a success forgets the account's failures


@pytest.mark.django_db
def test_the_lock_still_holds_after_twenty_nine_minutes(personas):
    fail_five_times("street")
    age_failures(29)

    response = sign_in("street", PASSWORD, ip="10.0.2.1")

    assert not signed_in(response)
    assert "账号已锁定" in response.content.decode()


@pytest.mark.django_db
def test_a_lock_of_one_account_leaves_other_accounts_alone(personas):
    fail_five_times("street")

    assert signed_in(sign_in("community", PASSWORD, ip="10.0.2.1"))


@pytest.mark.django_db
def test_sign_in_by_mobile_number_works(personas):
    response = sign_in(STREET_MOBILE, PASSWORD)

    assert signed_in(response)
    assert response.client.session["_auth_user_id"] == str(personas["street"].pk)


@pytest.mark.django_db
def test_sign_in_by_mobile_number_with_country_code_works(personas):
    assert signed_in(sign_in(f"+86 {STREET_MOBILE}", PASSWORD))


@pytest.mark.django_db
def test_failures_by_mobile_number_count_against_the_same_account(personas):
    for n in range(3):
        sign_in("street", "Wrong@2026", ip=f"10.0.1.{n + 1}")
    for n in range(2):
        sign_in(STREET_MOBILE, "Wrong@2026", ip=f"10.0.1.{n + 10}")

    by_name = sign_in("street", PASSWORD, ip="10.0.2.1")
    by_mobile = sign_in(STREET_MOBILE, PASSWORD, ip="10.0.2.2")

    assert LoginFailure.objects.filter(username="street").count() == 5
    assert not LoginFailure.objects.filter(username=STREET_MOBILE).exists()
    assert not signed_in(by_name)
    assert not signed_in(by_mobile)
    assert "账号已锁定" in by_mobile.content.decode()


@pytest.mark.django_db
def test_five_failures_from_one_ip_lock_that_ip_for_every_account(personas):
    for n in range(5):
        sign_in(f"ghost{n}", "Wrong@2026", ip="10.9.9.9")

    locked = sign_in("community", PASSWORD, ip="10.9.9.9")
    elsewhere = sign_in("community", PASSWORD, ip="10.9.9.10")

    assert not signed_in(locked)
    assert "账号已锁定" in locked.content.decode()
    assert signed_in(elsewhere)
    assert LoginFailure.objects.filter(ip="10.9.9.9").count() == 5


@pytest.mark.django_db
def test_unknown_usernames_do_not_say_the_account_is_unknown(personas):
    unknown = sign_in("ghost", "Wrong@2026").content.decode()
    known = sign_in("street", "Wrong@2026", ip="10.0.0.2").content.decode()

    assert "用户名（或手机号）与密码不匹配" in unknown
    assert "用户名（或手机号）与密码不匹配" in known


@pytest.mark.django_db
def test_the_security_officer_unlocks_an_account_and_it_is_audited(personas):
    fail_five_times("street")
    security = personas["security"]

    cleared = accounts.account_unlock(security, user=personas["street"])

    assert cleared == 5
    assert not LoginFailure.objects.filter(username="street").exists()
    event = AuditEvent.objects.get(action="user.unlock")
    assert (event.actor_id, event.object_id, event.summary) == (
        security.pk, str(personas["street"].pk), {"failures_cleared": 5})
    assert signed_in(sign_in("street", PASSWORD, ip="10.0.2.1"))


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ["admin", "auditor", "street"])
def test_nobody_but_the_security_officer_may_unlock(personas, actor):
    fail_five_times("street")

    with pytest.raises(PermissionDenied):
        accounts.account_unlock(personas[actor], user=personas["street"])

    assert LoginFailure.objects.filter(username="street").count() == 5
    assert not AuditEvent.objects.filter(action="user.unlock").exists()
    assert not signed_in(sign_in("street", PASSWORD, ip="10.0.2.1"))


# --- c) sessions -------------------------------------------------------------------------------

def test_the_session_is_an_idle_timeout_of_thirty_minutes():
    assert settings.SESSION_COOKIE_AGE == 1800
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


@pytest.mark.django_db
def test_each_request_pushes_the_session_expiry_thirty_minutes_ahead(client_for):
    client = client_for("street")
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=5))

    response = client.get("/api/v1/me")

    assert response.status_code == 200
    expiry = Session.objects.get(session_key=key).expire_date
    assert expiry > timezone.now() + timedelta(minutes=29)


@pytest.mark.django_db
def test_a_session_idle_for_more_than_thirty_minutes_is_signed_out(client_for):
    client = client_for("street")
    assert client.get("/api/v1/me").status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1))

    api = client.get("/api/v1/me")
    page = client.get(reverse("core:workbench"))

    assert api.status_code == 401
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("core:login"))


# --- d) deployment check ----------------------------------------------------------------------

def manage(tmp_path, *args: str, **overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("JICENG_") and k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({
        "JICENG_ENV": "production",
        "JICENG_SECRET_KEY": secrets.token_urlsafe(45),
        "JICENG_PD_KEY": secrets.token_hex(32),
        "JICENG_ALLOWED_HOSTS": "jiceng.example.gov.cn",
        "JICENG_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3",
        "DJANGO_SETTINGS_MODULE": "jiceng.settings",
    })
    env.update(overrides)
    env = {k: v for k, v in env.items() if v}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=60, check=False)


def test_the_production_settings_pass_the_deploy_check(tmp_path):
    assert len(secrets.token_urlsafe(45)) == 60

    result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    result = manage(tmp_path, "check", JICENG_SECRET_KEY="")

    assert result.returncode != 0
    assert "JICENG_SECRET_KEY" in result.stderr


def test_production_without_a_personal_data_key_refuses_to_start(tmp_path):
    result = manage(tmp_path, "check", JICENG_PD_KEY="")

    assert result.returncode != 0
    assert "JICENG_PD_KEY" in result.stderr


# --- e) personal data at rest ------------------------------------------------------------------

def test_encryption_round_trips():
    assert crypto.decrypt(crypto.encrypt("11010519491231002X")) == "11010519491231002X"
    assert crypto.decrypt(crypto.encrypt("北京市丰台区马家堡东路 1 号")) == "北京市丰台区马家堡东路 1 号"


def test_the_same_plaintext_encrypts_differently_each_time():
    first, second = crypto.encrypt("13812341234"), crypto.encrypt("13812341234")

    assert first != second
    assert first.startswith("v1:")
    assert "13812341234" not in first


def flip_last_byte(token: str) -> str:
    version, _sep, payload = token.partition(":")
    raw = bytearray(base64.b64decode(payload))
    raw[-1] ^= 0x01
    return f"{version}:" + base64.b64encode(bytes(raw)).decode("ascii")


def flip_body_byte(token: str) -> str:
    version, _sep, payload = token.partition(":")
    raw = bytearray(base64.b64decode(payload))
    raw[crypto.NONCE_BYTES] ^= 0x01
    return f"{version}:" + base64.b64encode(bytes(raw)).decode("ascii")


@pytest.mark.parametrize(
    "tamper",
    [flip_last_byte, flip_body_byte, lambda t: "v2:" + t[3:], lambda t: t[:-8], lambda t: "v1:AAAA",
     lambda t: t[:-1]],
    ids=["tag", "body", "version", "truncated", "too-short", "bad-base64"],
)
def test_tampered_ciphertext_raises_decryption_error(tamper):
    token = crypto.encrypt("13812341234")

    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(tamper(token))


def test_the_blind_index_is_stable_and_distinguishes_values():
    index = crypto.blind_index("13812341234")

    assert crypto.blind_index("13812341234") == index
    assert crypto.blind_index(" 13812341234 ") == index
    assert crypto.blind_index("13812341235") != index
    assert crypto.blind_index("11010519491231002x") == crypto.blind_index("11010519491231002X")
    assert len(index) == 64
    assert "13812341234" not in index


def test_masks():
    assert crypto.mask_mobile("13812341234") == "138****1234"
    assert crypto.mask_id_number("11010519491231002X") == "110105********002X"


@pytest.mark.django_db
def test_the_users_mobile_is_stored_encrypted(personas):
    cipher, index = get_user_model().objects.filter(username="street").values_list(
        "mobile_cipher", "mobile_index").get()

    assert STREET_MOBILE not in cipher
    assert STREET_MOBILE not in index
    assert crypto.decrypt(cipher) == STREET_MOBILE
    assert index == crypto.blind_index(STREET_MOBILE)
    assert personas["street"].masked_mobile == "139****0001"


# --- f) response headers ------------------------------------------------------------------------

@pytest.mark.django_db
def test_pages_carry_the_security_headers():
    response = Client().get(LOGIN)

    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_signed_in_pages_carry_the_security_headers(client_for):
    response = client_for("street").get(reverse("core:workbench"))

    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_nul_character_in_a_query_parameter_is_a_field_error_not_a_500(client_for):
    response = client_for("street").get("/api/v1/members", {"q": "a\x00b"})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "q", "message": "含有不允许的控制字符"}]
    assert client_for("street").get("/members/", {"q": "\x00"}).status_code == 400


def test_a_nul_character_in_a_json_body_is_refused_before_it_reaches_the_database(client_for, world):
    from jiceng.members.models import Member

    response = client_for("street").post("/api/v1/members", data='{"name": "a\\u0000b"}',
                                         content_type="application/json")
    assert response.status_code == 422
    assert not Member.objects.exists()
