"""Payments, receipts, 党费交至 from the ledger, the refusals (changing nothing), arrears and the review."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from jiceng.core.errors import Conflict
from jiceng.core.models import AuditEvent
from jiceng.dues.models import LapseReview, LedgerMonth, Payment, ReceiptCounter, Remittance
from jiceng.dues.services import arrears, ledger
from jiceng.dues.tests.helpers import YEAR, member_account, month
from jiceng.members.models import Member
from jiceng.testing import SYSTEM


def snapshot(member):
    member.refresh_from_db()
    return (member.dues_paid_through, Payment.objects.count(), ReceiptCounter.objects.filter(last__gt=0).count(),
            list(LedgerMonth.objects.filter(member=member).order_by("month").values_list("paid", "paid_on", "method")),
            AuditEvent.objects.filter(action="dues.pay").count())


def test_cash_payment_gives_a_receipt_and_derives_paid_through(world, personas, branch_setup):
    worker = branch_setup["worker"]
    p = ledger.dues_pay(personas["branch"], member=worker, months=[month(6), month(7), month(8)], payer=worker)
    assert (p.receipt_no, p.amount, p.months, p.method) == ("2026-00001", D("225.15"), 3, "cash")
    worker.refresh_from_db()
    assert worker.dues_paid_through is None  # January to May are still open
    p2 = ledger.dues_pay(personas["branch"], member=worker, months=[month(m) for m in range(5, 6)], payer=worker)
    assert p2.receipt_no == "2026-00002"
    worker.refresh_from_db()
    assert worker.dues_paid_through is None
    # January is beyond the six-month back-payment limit: the branch reports it upward; not payable here
    LedgerMonth.objects.filter(member=worker, month__lt=month(5)).update(paid=D("75.05"), paid_on=date(YEAR, 4, 1))
    ledger.dues_pay(personas["branch"], member=worker, months=[month(9)], payer=worker)
    worker.refresh_from_db()
    assert worker.dues_paid_through == month(9)


def test_paying_on_another_members_behalf_is_refused_and_changes_nothing(world, personas, branch_setup):
    worker, other = branch_setup["worker"], branch_setup["retired"]
    before = snapshot(worker)
    with pytest.raises(ValidationError) as exc:
        ledger.dues_pay(personas["branch"], member=worker, months=[month(11)], payer=other)
    assert "不得由他人代交" in exc.value.message_dict["payer"][0]
    with pytest.raises(ValidationError):
        ledger.dues_pay(personas["branch"], member=worker, months=[month(11)], payer=None)
    with pytest.raises(ValidationError) as exc:  # online: only the member's own account pays
        ledger.dues_pay(personas["branch"], member=worker, months=[month(11)], method="online")
    assert "不得由他人代交" in exc.value.message_dict["payer"][0]
    other_user = member_account(other, "retired_self")
    with pytest.raises(ValidationError):
        ledger.dues_pay(other_user, member=worker, months=[month(11)], method="online")
    assert snapshot(worker) == before


def test_back_payment_and_prepayment_beyond_the_limits_are_refused(world, personas, branch_setup):
    worker = branch_setup["worker"]
    before = snapshot(worker)
    with pytest.raises(ValidationError) as exc:  # 2026-04 is seven months before November
        ledger.dues_pay(personas["branch"], member=worker, months=[month(4), month(5)], payer=worker)
    assert "补交" in exc.value.message_dict["months"][0]
    with pytest.raises(ValidationError) as exc:  # 2027-03 is four months ahead
        ledger.dues_pay(personas["branch"], member=worker, months=[month(12), month(3, YEAR + 1)], payer=worker)
    assert "预交" in " ".join(exc.value.message_dict["months"])
    with pytest.raises(ValidationError) as exc:  # 2027 is not fixed yet
        ledger.dues_pay(personas["branch"], member=worker, months=[month(1, YEAR + 1)], payer=worker)
    assert "尚未核定" in exc.value.message_dict["months"][0]
    assert snapshot(worker) == before
    ledger.dues_pay(personas["branch"], member=worker, months=[month(11), month(12)], payer=worker)  # 预交 December
    assert LedgerMonth.objects.get(member=worker, month=month(12)).paid == D("75.05")


def test_a_month_is_paid_once(world, personas, branch_setup):
    worker = branch_setup["worker"]
    ledger.dues_pay(personas["branch"], member=worker, months=[month(11)], payer=worker)
    before = snapshot(worker)
    with pytest.raises(Conflict):
        ledger.dues_pay(personas["branch"], member=worker, months=[month(10), month(11)], payer=worker)
    assert snapshot(worker) == before


def test_online_payment_by_the_member_through_the_adapter(world, personas, branch_setup, settings):
    worker = branch_setup["worker"]
    user = member_account(worker)
    p = ledger.dues_pay(user, member=worker, months=[month(11)], method="online")
    assert p.method == "online" and p.reference.startswith("MANUAL-") and p.payer == worker


def test_voluntary_payment_of_1000_or_more_goes_to_the_centre(world, personas, branch_setup):
    worker = branch_setup["worker"]
    small = ledger.dues_voluntary_pay(personas["branch"], member=worker, amount="999.99", payer=worker)
    big = ledger.dues_voluntary_pay(personas["branch"], member=worker, amount="1000", payer=worker)
    assert (small.to_centre, big.to_centre, big.kind) == (False, True, "voluntary")
    with pytest.raises(ValidationError):
        ledger.dues_voluntary_pay(personas["branch"], member=worker, amount="1000", payer=branch_setup["retired"])
    assert Payment.objects.filter(kind="voluntary").count() == 2


def test_voluntary_payment_dated_in_the_future_is_refused(world, personas, branch_setup):
    from datetime import timedelta

    from jiceng.dues.services.fixing import today
    worker = branch_setup["worker"]
    with pytest.raises(ValidationError) as e:
        ledger.dues_voluntary_pay(personas["branch"], member=worker, amount="10", payer=worker,
                                  paid_on=today() + timedelta(days=1))
    assert "paid_on" in e.value.message_dict
    assert not Payment.objects.filter(kind="voluntary").exists()


def test_six_unpaid_months_raise_one_review_once(world, personas, branch_setup):
    worker, retired = branch_setup["worker"], branch_setup["retired"]
    LedgerMonth.objects.filter(member=worker, month__lte=month(4)).update(paid=D("75.05"), paid_on=date(YEAR, 4, 9))
    LedgerMonth.objects.filter(member=retired, month__lte=month(5)).update(paid=D("60"), paid_on=date(YEAR, 5, 9))
    LedgerMonth.objects.exclude(member__in=[worker, retired]).update(paid=D("0.20"), paid_on=date(YEAR, 10, 9))
    # worker: May to October unpaid = six whole months; retired: June to October = five
    assert arrears.lapse_reviews_raise(SYSTEM) == 1
    assert arrears.lapse_reviews_raise(SYSTEM) == 0
    call_command("check_dues")
    call_command("check_dues")
    review = LapseReview.objects.get()
    assert (review.member, review.since, review.months, review.state) == (worker, month(5), 6, "open")
    assert Member.objects.get(pk=worker.pk).status == "full"  # never a removal
    arrears.lapse_review_decide(personas["branch"], review=review, state="justified", note="长期住院，已说明情况")
    call_command("check_dues")
    assert LapseReview.objects.count() == 1  # a decided review is not raised again for the same run


def test_remittance_records_the_month_collected(world, personas, branch_setup):
    worker = branch_setup["worker"]
    ledger.dues_pay(personas["branch"], member=worker, months=[month(10), month(11)], payer=worker,
                    paid_on=date(YEAR, 11, 3))
    r = ledger.dues_remittance_record(personas["branch"], branch=world.grid_branch, month=month(11),
                                      remitted="150.10", remitted_on=date(YEAR, 11, 20), voucher_no="JY-2611")
    assert (r.collected, r.remitted, r.to_org) == (D("150.10"), D("150.10"), world.jiayuan_committee)
    with pytest.raises(Conflict):
        ledger.dues_remittance_record(personas["branch"], branch=world.grid_branch, month=month(11),
                                      remitted="1", remitted_on=date(YEAR, 11, 20), voucher_no="x")
    assert Remittance.objects.count() == 1


def test_transfer_letter_checks_paid_through_from_the_ledger(world, personas, branch_setup):
    from jiceng.members.services import transfers
    from jiceng.members.tests.mobility_helpers import branch

    worker = branch_setup["worker"]
    receiver = branch(world.jiayuan_committee, "嘉园一里第2网格党支部", area=world.grid2)
    t = transfers.transfer_create(personas["street"], member=worker, to_org=receiver)
    transfers.transfer_submit(personas["street"], transfer=t)
    transfers.transfer_approve(personas["street"], transfer=t)
    with pytest.raises(ValidationError) as exc:
        transfers.transfer_issue(personas["street"], transfer=t)
    assert "党费应交至转出当月" in exc.value.message_dict["dues_paid_through"][0]
    LedgerMonth.objects.filter(member=worker, month__lt=month(5)).update(paid=D("75.05"), paid_on=date(YEAR, 4, 1))
    ledger.dues_pay(personas["branch"], member=worker, months=[month(m) for m in range(5, 12)], payer=worker)
    t = transfers.transfer_issue(personas["street"], transfer=t)
    assert t.dues_paid_through == month(11)
