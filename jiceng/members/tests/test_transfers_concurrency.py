"""Accepting and returning the same letter at the same moment: exactly one wins (the row lock)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from jiceng.core.errors import Conflict
from jiceng.core.periods import month_start
from jiceng.members.models import Member, Transfer, TransferStep
from jiceng.members.services import transfers as services
from jiceng.members.services.roll import today
from jiceng.members.tests import factories
from jiceng.members.tests import mobility_helpers as h

ROUNDS = 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_accept_and_return_end_in_exactly_one(world, personas):
    receiver = h.branch(world.jiayuan_committee, "嘉园一里第2网格党支部", area=world.grid2)
    for n in range(ROUNDS):
        member = factories.member(world.grid_branch, f"并发{n}")
        Member.objects.filter(pk=member.pk).update(dues_paid_through=month_start(today()))
        t = services.transfer_create(personas["street"], member=member, to_org=receiver)
        services.transfer_submit(personas["street"], transfer=t)
        services.transfer_approve(personas["street"], transfer=t)
        services.transfer_issue(personas["street"], transfer=t)
        barrier = threading.Barrier(2)

        def act(kind, transfer=t, barrier=barrier):
            try:
                barrier.wait(timeout=10)
                if kind == "accept":
                    services.transfer_accept(personas["community"], transfer=transfer)
                else:
                    services.transfer_return(personas["community"], transfer=transfer, reason="材料不全")
                return kind
            except Conflict:
                return "refused"
            finally:
                connection.close()

        with ThreadPoolExecutor(max_workers=2) as pool:
            outcomes = list(pool.map(act, ["accept", "return"]))
        assert sorted(outcomes) in (["accept", "refused"], ["refused", "return"])
        winner = "accepted" if "accept" in outcomes else "returned"
        t.refresh_from_db()
        member.refresh_from_db()
        assert t.state == winner
        assert TransferStep.objects.filter(transfer=t, state__in=["accepted", "returned"]).count() == 1
        assert member.branch_id == (receiver.pk if winner == "accepted" else world.grid_branch.pk)
    assert Transfer.objects.filter(state="issued").count() == 0


@pytest.mark.django_db(transaction=True)
def test_issuing_the_same_letter_twice_at_once_issues_one_letter_number(world, personas):
    receiver = h.branch(world.jiayuan_committee, "嘉园一里第2网格党支部", area=world.grid2)
    member = factories.member(world.grid_branch, "并发开具")
    Member.objects.filter(pk=member.pk).update(dues_paid_through=month_start(today()))
    t = services.transfer_create(personas["street"], member=member, to_org=receiver)
    services.transfer_submit(personas["street"], transfer=t)
    services.transfer_approve(personas["street"], transfer=t)
    barrier = threading.Barrier(2)

    def issue(_n):
        try:
            barrier.wait(timeout=10)
            return services.transfer_issue(personas["street"], transfer=t).letter_no
        except Conflict:
            return "refused"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(issue, [1, 2]))
    t.refresh_from_db()
    assert outcomes == sorted([t.letter_no, "refused"])
    assert TransferStep.objects.filter(transfer=t, state="issued").count() == 1
    assert member.events.filter(kind="transfer").count() == 1
