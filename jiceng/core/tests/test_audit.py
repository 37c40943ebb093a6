"""The audit trail: append-only in the ORM and in the database, read by the auditor alone, written by
services in the same transaction as their change, with the client's IP."""

import json
from datetime import datetime, timedelta

import django.utils.timezone
import pytest
from django.core.exceptions import ValidationError
from django.db import Error, connection, transaction
from django.test import Client
from django.utils import timezone

from jiceng.core import audit
from jiceng.core.models import AuditEvent, Org, Role
from jiceng.core.models.audit import AppendOnlyError
from jiceng.core.services import orgs
from jiceng.core.tests.conftest import SYSTEM

OTHERS = ["district", "street", "community", "branch", "grid", "dept", "security", "admin"]


def snapshot() -> list[tuple]:
    return list(AuditEvent.objects.order_by("id").values_list("id", "action", "actor_label", "object_repr"))


@pytest.fixture
def event(world):
    return audit.record(SYSTEM, "test.event", world.majiabao, summary={"n": 1})


# --- append-only in the ORM ---------------------------------------------------------------------

def test_saving_an_existing_event_raises_and_changes_nothing(event):
    before = snapshot()
    event.action = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    assert snapshot() == before


def test_deleting_an_event_raises(event):
    before = snapshot()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert snapshot() == before


def test_queryset_update_raises(event):
    before = snapshot()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(actor_label="nobody")
    assert snapshot() == before


def test_queryset_delete_raises(event):
    before = snapshot()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert snapshot() == before


def test_bulk_update_raises(event):
    before = snapshot()
    event.action = "tampered"
    with pytest.raises(AppendOnlyError), transaction.atomic():  # bulk_update runs in atomic(savepoint=False)
        AuditEvent.objects.bulk_update([event], ["action"])
    assert snapshot() == before


# --- append-only in the database ----------------------------------------------------------------

def raw(sql: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


def test_the_database_refuses_a_raw_update(event):
    before = snapshot()
    with pytest.raises(Error, match="append-only"):
        raw("UPDATE core_auditevent SET action='x'")
    assert snapshot() == before
    assert AuditEvent.objects.filter(action="x").count() == 0


@pytest.mark.skipif(connection.vendor == "sqlite",
                    reason="SQLite has no DELETE trigger: the test database is flushed with DELETE there")
def test_the_database_refuses_a_raw_delete(event):
    before = snapshot()
    with pytest.raises(Error, match="append-only"):
        raw("DELETE FROM core_auditevent")
    assert snapshot() == before


def test_the_database_still_accepts_new_events_after_a_refused_update(event):
    with pytest.raises(Error):
        raw("UPDATE core_auditevent SET action='x'")
    audit.record(SYSTEM, "test.after")
    assert AuditEvent.objects.filter(action="test.after").count() == 1


# --- the admin site -----------------------------------------------------------------------------

def test_the_admin_offers_no_way_to_add_change_or_delete_an_event(client_for, event):
    client = client_for("admin")  # staff, with every power of the system admin
    before = snapshot()
    base = "/admin/core/auditevent/"

    assert client.get(base + "add/").status_code in {403, 404}
    assert client.post(base + "add/", {"action": "forged", "actor_label": "x"}).status_code in {403, 404}
    assert client.post(f"{base}{event.pk}/change/", {"action": "tampered"}).status_code in {403, 404}
    assert client.post(f"{base}{event.pk}/delete/", {"post": "yes"}).status_code in {403, 404}
    assert snapshot() == before
    assert "/admin/core/auditevent/add/" not in client.get("/admin/").content.decode()


# --- the audit page -----------------------------------------------------------------------------

def listed(response) -> list[AuditEvent]:
    assert response.status_code == 200
    return list(response.context["page"].object_list)


def test_the_auditor_reads_the_audit_page(client_for, event):
    response = client_for("auditor").get("/audit/")

    events = listed(response)
    assert events[0] == AuditEvent.objects.order_by("-at", "-id").first()
    assert response.context["page"].paginator.count == AuditEvent.objects.count()
    assert "test.event" in response.content.decode()


@pytest.mark.parametrize("username", OTHERS)
def test_every_other_persona_is_refused_the_audit_page(client_for, username):
    response = client_for(username).get("/audit/")
    assert response.status_code == 403
    assert "test.event" not in response.content.decode()


def test_anonymous_is_sent_to_sign_in(world):
    response = Client().get("/audit/")
    assert (response.status_code, response["Location"]) == (302, "/login/?next=/audit/")


def test_the_actor_filter_narrows_to_that_actor(personas, client_for, world):
    from jiceng.core.services import accounts

    accounts.grant_create(personas["security"], user=personas["street"], role=Role.objects.get(code="grid_worker"),
                          area=world.grid2)

    events = listed(client_for("auditor").get("/audit/", {"actor": "secur"}))

    assert [(e.action, e.actor_label) for e in events] == [("grant.create", "security")]


def test_the_action_filter_matches_the_start_of_the_action(client_for, personas):
    events = listed(client_for("auditor").get("/audit/", {"action": "grant"}))

    assert len(events) == len(personas)  # one grant per persona
    assert {e.action for e in events} == {"grant.create"}
    assert listed(client_for("auditor").get("/audit/", {"action": "rant"})) == []


def test_the_date_filters_narrow_to_the_days_given(client_for, world, monkeypatch):
    # ``at`` is filled on insert from timezone.now(): write one event as if it were 15 January 2025.
    old_moment = timezone.make_aware(datetime(2025, 1, 15, 12, 0))
    with monkeypatch.context() as patched:
        patched.setattr(django.utils.timezone, "now", lambda: old_moment)
        old = audit.record(SYSTEM, "test.old")
    client = client_for("auditor")
    today = timezone.localdate().isoformat()

    assert listed(client.get("/audit/", {"since": "2025-01-15", "until": "2025-01-15"})) == [old]
    assert listed(client.get("/audit/", {"until": "2025-01-15"})) == [old]
    assert old not in listed(client.get("/audit/", {"since": today}))
    assert listed(client.get("/audit/", {"since": "2025-01-16", "until": (timezone.localdate() - timedelta(days=1))
                                          .isoformat()})) == []
    assert listed(client.get("/audit/", {"since": "2025-01-14", "until": "2025-01-14"})) == []


@pytest.mark.parametrize("bad", ["yesterday", "2025-02-30", "2025-13-01"])
def test_a_bad_date_is_ignored_not_an_error(client_for, event, bad):
    events = listed(client_for("auditor").get("/audit/", {"since": bad, "until": bad}))
    assert len(events) == AuditEvent.objects.count()


# --- written by services, with the IP, in the same transaction -------------------------------------

def test_an_api_write_records_the_client_ip(token_for, world):
    response = Client().post("/api/v1/orgs", data=json.dumps({
        "parent": world.jiayuan_committee.pk, "name": "嘉园一里第2网格党支部", "kind": "branch"}),
        content_type="application/json", REMOTE_ADDR="10.1.2.3", **token_for("street"))

    assert response.status_code == 201
    event = AuditEvent.objects.get(action="org.create", object_id=str(response.json()["id"]))
    assert (event.ip, event.actor_label) == ("10.1.2.3", "street")
    assert audit.client_ip.get() is None  # the request's address does not leak into later work


def test_a_forwarded_for_header_is_not_trusted_without_a_proxy(token_for, world):
    response = Client().post("/api/v1/orgs", data=json.dumps({
        "parent": world.jiayuan_committee.pk, "name": "嘉园一里第2网格党支部", "kind": "branch"}),
        content_type="application/json", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="203.0.113.9",
        **token_for("street"))

    assert AuditEvent.objects.get(action="org.create", object_id=str(response.json()["id"])).ip == "10.1.2.3"


def test_a_page_write_records_the_client_ip(client_for, personas):
    client = client_for("admin")
    response = client.post(f"/manage/users/{personas['street'].pk}/active/", REMOTE_ADDR="10.4.5.6")

    assert response.status_code == 302
    assert AuditEvent.objects.get(action="user.update").ip == "10.4.5.6"


def test_a_write_outside_any_request_has_no_ip(world):
    org, _warnings = orgs.org_create(SYSTEM, parent=world.jiayuan_committee, name="某党支部", kind="branch")
    assert AuditEvent.objects.get(action="org.create", object_id=str(org.pk)).ip is None


def test_a_service_that_fails_validation_writes_no_audit_event(world):
    before = (snapshot(), Org.objects.count())
    with pytest.raises(ValidationError, match="党工委下不能设立党小组"):
        orgs.org_create(SYSTEM, parent=world.majiabao_committee, name="某党小组", kind="group")
    assert (snapshot(), Org.objects.count()) == before


def test_when_the_audit_row_cannot_be_written_the_change_is_undone(world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(audit, "record", broken)
    before = (snapshot(), Org.objects.count())

    with pytest.raises(RuntimeError):
        orgs.org_create(SYSTEM, parent=world.jiayuan_committee, name="某党支部", kind="branch")

    assert (snapshot(), Org.objects.count()) == before
    assert not Org.objects.filter(name="某党支部").exists()
