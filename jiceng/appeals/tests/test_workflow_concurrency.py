"""A double press as real concurrent HTTP requests (threads with their own connections): two accepts or two
resolves of one appeal act once; the other presses get 409 and nothing is written twice."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from jiceng.appeals.models import AppealEvent, Status
from jiceng.appeals.tests.workflow_helpers import departments, dispatched, ensure_catalogue
from jiceng.core.models import AuditEvent
from jiceng.core.services import accounts
from jiceng.testing import SYSTEM

PRESSES = 6


def _press(url: str, token: str, payload: dict, n: int) -> list[int]:
    barrier = threading.Barrier(n)

    def one(_i):
        session = requests.Session()
        barrier.wait(timeout=20)
        return session.post(url, json=payload, headers={"Authorization": f"Bearer {token}"}, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=n) as pool:
        return sorted(pool.map(one, range(n)))


@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_and_resolves_act_once(live_server, world, personas):
    ensure_catalogue()
    chengguan, _market = departments(world, personas)
    appeal = dispatched(chengguan)
    token = accounts.token_issue(SYSTEM, user=personas["dept"], name="t")[1]
    base = f"{live_server.url}/api/v1/appeals/{appeal.pk}"
    assert _press(f"{base}/accept", token, {}, PRESSES) == [200] + [409] * (PRESSES - 1)
    assert _press(f"{base}/resolve", token, {"solution": "已补装井盖"}, PRESSES) == [200] + [409] * (PRESSES - 1)
    appeal.refresh_from_db()
    assert appeal.status == Status.RESOLVED
    assert AppealEvent.objects.filter(appeal=appeal, action="accept").count() == 1
    assert AppealEvent.objects.filter(appeal=appeal, action="resolve").count() == 1
    assert AuditEvent.objects.filter(action="appeal.resolve", object_id=str(appeal.pk)).count() == 1
