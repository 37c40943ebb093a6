"""Personal API tokens: ``manage.py issue_token``, bearer authentication, the profile page."""

import hashlib
import io
import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jiceng.core.models import ApiToken, AuditEvent
from jiceng.core.services import accounts

ME = "/api/v1/me"
RAW_TOKEN = re.compile(r"jc_[A-Za-z0-9_-]{43}")


def issue(username: str, *args: str) -> str:
    out = io.StringIO()
    call_command("issue_token", username, *args, stdout=out)
    return out.getvalue()


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def me(raw: str):
    return Client().get(ME, **bearer(raw))


# --- the command ------------------------------------------------------------------------------

@pytest.mark.django_db
def test_issue_token_prints_the_token_alone(personas):
    output = issue("street")

    lines = output.splitlines()
    assert len(lines) == 1
    assert output == lines[0] + "\n"
    assert RAW_TOKEN.fullmatch(lines[0])


@pytest.mark.django_db
def test_the_issued_token_authenticates_the_api(personas):
    raw = issue("street").strip()

    response = me(raw)

    assert response.status_code == 200
    body = response.json()
    assert (body["username"], body["mobile"]) == ("street", "139****0001")
    assert body["grants"][0]["role"] == "street_worker"


@pytest.mark.django_db
def test_the_command_records_name_expiry_and_audit(personas):
    issue("street", "--name", "数据交换", "--days", "7")

    token = ApiToken.objects.get(user=personas["street"])
    assert token.name == "数据交换"
    assert timedelta(days=6, hours=23) < token.expires_at - timezone.now() <= timedelta(days=7)
    event = AuditEvent.objects.get(action="token.issue")
    assert (event.actor_id, event.actor_label) == (None, "system:issue_token")


@pytest.mark.django_db
def test_the_command_with_zero_days_issues_a_token_that_does_not_expire(personas):
    raw = issue("street", "--days", "0").strip()

    assert ApiToken.objects.get(user=personas["street"]).expires_at is None
    assert me(raw).status_code == 200


@pytest.mark.django_db
def test_the_database_keeps_only_the_sha256_of_the_token(personas):
    raw = issue("street").strip()

    row = ApiToken.objects.filter(user=personas["street"]).values().get()
    assert row["digest"] == hashlib.sha256(raw.encode("ascii")).hexdigest()
    assert row["prefix"] == raw[:10]
    assert all(raw not in str(value) for value in row.values())
    assert all(raw not in str(value) for value in AuditEvent.objects.values_list("summary", "object_repr"))


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_user(personas):
    with pytest.raises(CommandError, match="用户 nobody 不存在"):
        issue("nobody")

    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action="token.issue").exists()


@pytest.mark.django_db
def test_the_command_refuses_an_inactive_user(personas):
    street = personas["street"]
    street.is_active = False
    street.save(update_fields=["is_active"])

    with pytest.raises(CommandError, match="账号已停用"):
        issue("street")

    assert not ApiToken.objects.exists()


# --- bearer authentication ----------------------------------------------------------------------

@pytest.mark.django_db
def test_no_token_or_a_wrong_token_is_401(personas):
    raw = issue("street").strip()

    assert Client().get(ME).status_code == 401
    assert me(raw + "A").status_code == 401
    assert me(raw[:-1]).status_code == 401
    assert me("not-a-jiceng-token").status_code == 401


@pytest.mark.django_db
def test_a_revoked_token_is_401(personas):
    raw = issue("street").strip()
    token = ApiToken.objects.get(user=personas["street"])
    assert me(raw).status_code == 200

    accounts.token_revoke(personas["street"], token=token)

    response = me(raw)
    assert response.status_code == 401
    assert response.json()["detail"] == "请先登录，或在 Authorization 头中提供个人令牌"
    assert AuditEvent.objects.filter(action="token.revoke").count() == 1


@pytest.mark.django_db
def test_an_expired_token_is_401(personas):
    raw = issue("street").strip()
    ApiToken.objects.filter(user=personas["street"]).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert me(raw).status_code == 401


@pytest.mark.django_db
def test_a_token_of_a_deactivated_user_is_401(personas):
    raw = issue("street").strip()
    accounts.user_update(personas["admin"], user=personas["street"], is_active=False)

    assert me(raw).status_code == 401


@pytest.mark.django_db
def test_using_a_token_records_when_it_was_last_used(personas):
    raw = issue("street").strip()

    me(raw)

    assert ApiToken.objects.get(user=personas["street"]).last_used_at is not None


@pytest.mark.django_db
def test_nobody_else_may_revoke_a_users_token(personas):
    raw = issue("street").strip()
    token = ApiToken.objects.get(user=personas["street"])

    with pytest.raises(PermissionDenied):
        accounts.token_revoke(personas["community"], token=token)

    token.refresh_from_db()
    assert token.revoked_at is None
    assert me(raw).status_code == 200


@pytest.mark.django_db
def test_a_user_cannot_issue_a_token_for_someone_else(personas):
    with pytest.raises(ValidationError, match="只能为自己签发令牌"):
        accounts.token_issue(personas["admin"], user=personas["street"], name="x")

    assert not ApiToken.objects.exists()


# --- the profile page -----------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_profile_page_issues_a_token_shown_once(client_for, personas):
    client = client_for("street")

    response = client.post(reverse("core:profile"), {"name": "脚本", "issue_token": "1"})

    assert response.status_code == 200
    shown = RAW_TOKEN.findall(response.content.decode())
    assert len(set(shown)) == 1
    raw = shown[0]
    token = ApiToken.objects.get(user=personas["street"])
    assert (token.name, token.prefix) == ("脚本", raw[:10])
    assert me(raw).status_code == 200
    again = client.get(reverse("core:profile")).content.decode()
    assert raw not in again
    assert "脚本" in again


@pytest.mark.django_db
def test_the_profile_page_refuses_a_token_without_a_name(client_for, personas):
    response = client_for("street").post(reverse("core:profile"), {"name": "", "issue_token": "1"})

    assert response.status_code == 200
    assert not RAW_TOKEN.search(response.content.decode())
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_the_profile_page_revokes_a_token(client_for, personas):
    client = client_for("street")
    raw = RAW_TOKEN.search(client.post(reverse("core:profile"), {"name": "脚本", "issue_token": "1"})
                           .content.decode()).group()
    token = ApiToken.objects.get(user=personas["street"])

    response = client.post(reverse("core:token_revoke", args=[token.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("core:profile")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert me(raw).status_code == 401


@pytest.mark.django_db
def test_revoking_another_users_token_is_404(client_for, personas):
    raw = issue("community").strip()
    token = ApiToken.objects.get(user=personas["community"])

    response = client_for("street").post(reverse("core:token_revoke", args=[token.pk]))

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert not AuditEvent.objects.filter(action="token.revoke").exists()
    assert me(raw).status_code == 200


@pytest.mark.django_db
def test_revoking_needs_a_post(client_for, personas):
    issue("street")
    token = ApiToken.objects.get(user=personas["street"])

    response = client_for("street").get(reverse("core:token_revoke", args=[token.pk]))

    assert response.status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None
