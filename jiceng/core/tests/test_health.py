"""/healthz: the database answers, and how long ago a task worker last wrote its heartbeat."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from jiceng.core import views_health
from jiceng.core.management.commands.run_worker import beat
from jiceng.core.models import WorkerHeartbeat

# beat() runs in the worker's own thread and starts with close_old_connections(), which drops a
# connection found inside a transaction: these tests run outside the usual per-test transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def health() -> dict:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    return response.json()


def test_without_a_worker_the_worker_is_stale_and_has_no_age():
    assert health() == {"status": "ok", "database": "ok", "worker": "stale", "worker_heartbeat_age": None}


def test_after_a_heartbeat_the_worker_is_ok_with_a_small_age():
    beat("host-1-abc", timezone.now())

    body = health()

    assert (body["status"], body["database"], body["worker"]) == ("ok", "ok", "ok")
    assert 0 <= body["worker_heartbeat_age"] < 5


def test_a_heartbeat_is_one_row_per_worker_updated_in_place():
    started = timezone.now() - timedelta(minutes=5)
    beat("host-1-abc", started)
    first = WorkerHeartbeat.objects.get().seen_at
    beat("host-1-abc", started)

    row = WorkerHeartbeat.objects.get()
    assert row.worker_id == "host-1-abc"
    assert row.started_at == started
    assert row.seen_at >= first


def test_a_heartbeat_older_than_the_stale_limit_is_stale(settings):
    beat("host-1-abc", timezone.now())
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS + 30))

    body = health()

    assert body["worker"] == "stale"
    assert body["worker_heartbeat_age"] >= settings.WORKER_STALE_SECONDS + 30


def test_the_freshest_of_several_workers_counts(settings):
    beat("host-1-old", timezone.now())
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - timedelta(hours=1))
    beat("host-2-new", timezone.now())

    body = health()

    assert body["worker"] == "ok"
    assert body["worker_heartbeat_age"] < 5


def test_the_stale_limit_is_a_setting(settings):
    settings.WORKER_STALE_SECONDS = 10
    beat("host-1-abc", timezone.now())
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - timedelta(seconds=20))

    assert health()["worker"] == "stale"


def test_healthz_needs_no_sign_in_and_reveals_nothing_else():
    assert set(health()) == {"status", "database", "worker", "worker_heartbeat_age"}


class UnreachableDatabase:
    def cursor(self):
        raise OperationalError("could not connect to server")


def test_an_unreachable_database_is_503(monkeypatch):
    monkeypatch.setattr(views_health, "connection", UnreachableDatabase())

    response = Client().get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "could not connect to server"}
