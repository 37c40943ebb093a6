"""A double click pays once: the same payment sent several times at the same moment, as real HTTP
requests against the live server, gives one payment and one receipt; the others get 409."""

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from jiceng.dues.models import LedgerMonth, Payment

CLICKS = 4


def send(url: str, token: str, body: dict, barrier: threading.Barrier) -> int:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={  # noqa: S310
        "Content-Type": "application/json", "Authorization": token})
    barrier.wait(timeout=10)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - the live server
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.django_db(transaction=True)
def test_simultaneous_payments_of_the_same_months_pay_once(live_server, world, branch_setup, token_for):
    worker = branch_setup["worker"]
    token = token_for("branch")["HTTP_AUTHORIZATION"]
    url = f"{live_server.url}/api/v1/dues/members/{worker.pk}/payments"
    for months in (["2026-09"], ["2026-10", "2026-11"], ["2026-12"]):
        barrier = threading.Barrier(CLICKS)
        with ThreadPoolExecutor(max_workers=CLICKS) as pool:
            codes = sorted(pool.map(lambda _n, m=months, b=barrier: send(url, token, {"months": m, "payer": worker.pk},
                                                                          b), range(CLICKS)))
        assert codes == [201] + [409] * (CLICKS - 1), (months, codes)
    assert sorted(Payment.objects.values_list("receipt_no", flat=True)) == ["2026-00001", "2026-00002", "2026-00003"]
    assert LedgerMonth.objects.filter(member=worker, payment__isnull=False).count() == 4


@pytest.mark.django_db(transaction=True)
def test_simultaneous_remittances_of_one_month_record_one(world, personas, branch_setup):
    from datetime import date

    from django.db import connection

    from jiceng.core.errors import Conflict
    from jiceng.dues.models import Remittance
    from jiceng.dues.services import ledger

    barrier = threading.Barrier(CLICKS)

    def remit(_n):
        barrier.wait(timeout=10)
        try:
            ledger.dues_remittance_record(personas["branch"], branch=world.grid_branch, month=date(2026, 10, 1),
                                          remitted="0", remitted_on=date(2026, 11, 2), voucher_no="PZ-1")
            return "ok"
        except Conflict:
            return "conflict"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=CLICKS) as pool:
        outcomes = sorted(pool.map(remit, range(CLICKS)))
    assert outcomes == ["conflict"] * (CLICKS - 1) + ["ok"]
    assert Remittance.objects.count() == 1
