"""A department's handler presses 报到 twice at the same moment (two real HTTP requests on separate
connections, as two phones or a double tap would send them): one reports in, the other gets 409, and
the call is reported once with one audit row."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from jiceng.core.models import AuditEvent
from jiceng.core.services import accounts
from jiceng.testing import SYSTEM
from jiceng.whistles.models import WhistleAction, WhistleCall
from jiceng.whistles.tests import helpers as h

PRESSES = 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_report_in_reports_once(live_server, world, personas):
    depts = h.departments(world)
    handler = h.make_handler(personas, depts["城管"])
    whistle = h.blow(world, depts)
    call = h.call_of(whistle, depts["城管"])
    token = accounts.token_issue(SYSTEM, user=handler, name="t")[1]
    barrier = threading.Barrier(PRESSES)

    def press(n):
        session = requests.Session()
        barrier.wait(timeout=20)
        response = session.post(f"{live_server.url}/api/v1/whistles/{whistle.pk}/calls/{call.pk}/report",
                                json={"note": f"第{n}次按下"}, headers={"Authorization": f"Bearer {token}"},
                                timeout=60)
        return response.status_code, response.text[:200]

    with ThreadPoolExecutor(max_workers=PRESSES) as pool:
        results = list(pool.map(press, range(PRESSES)))
    assert sorted(code for code, _text in results) == [200] + [409] * (PRESSES - 1), results
    call = WhistleCall.objects.get(pk=call.pk)
    assert call.reported_at is not None and call.reporter == handler and call.on_time is True
    assert AuditEvent.objects.filter(action="whistle.report").count() == 1
    assert WhistleAction.objects.filter(call=call).count() == 1
