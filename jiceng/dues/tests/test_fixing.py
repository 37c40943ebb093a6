"""The yearly fixing and the audited recalculation."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from jiceng.core.models import AuditEvent
from jiceng.dues.models import Assessment, DuesBase, DuesYear, LedgerMonth, Recalculation
from jiceng.dues.services import fixing, ledger
from jiceng.dues.tests.helpers import YEAR, month
from jiceng.members.tests import factories
from jiceng.testing import SYSTEM


def amounts(branch):
    rows = Assessment.objects.filter(branch=branch, year=YEAR).select_related("member")
    return {a.member.name: a.amount for a in rows}


def test_fixing_keeps_the_calculation_and_its_inputs(world, branch_setup):
    got = amounts(world.grid_branch)
    assert got == {"王在岗": D("75.05"), "李退休": D("60.00"), "赵学生": D("0.20"), "钱预备": D("240.00")}
    a = Assessment.objects.get(member=branch_setup["probationary"], year=YEAR)
    assert (a.base, a.deductions, a.net_base, a.rate, a.starts, a.rule_version) == (
        D("12900"), D("900"), D("12000"), D("0.0200"), date(2026, 6, 1), "中组发〔2008〕3号")
    assert DuesYear.objects.get(branch=world.grid_branch, year=YEAR).fixed_on == date(YEAR, 1, 10)
    # 预备党员 pay from the month of admission; the others from January
    assert LedgerMonth.objects.filter(member=branch_setup["probationary"]).count() == 6
    assert LedgerMonth.objects.filter(member=branch_setup["worker"]).count() == 11


def test_contributions_are_deducted_by_setting(world, personas, fixed_today, settings):
    a = factories.member(world.grid_branch, "孙扣除")
    b = factories.member(world.grid_branch, "周不扣")
    fixing.dues_base_set(SYSTEM, member=a, year=YEAR, base="6000", deductions="900")
    fixing.dues_year_fix(SYSTEM, org=world.grid_branch, year=YEAR)
    settings.DUES_DEDUCT_CONTRIBUTIONS = False
    fixing.dues_base_set(SYSTEM, member=b, year=YEAR, base="6000", deductions="900")
    fixing.dues_year_fix(SYSTEM, org=world.grid_branch, year=YEAR)
    assert amounts(world.grid_branch) == {"孙扣除": D("76.50"), "周不扣": D("90.00")}


def test_members_without_a_base_are_not_fixed_and_are_listed(world, personas, fixed_today):
    m = factories.member(world.grid_branch, "吴无基数")
    assert fixing.dues_year_fix(SYSTEM, org=world.grid_branch, year=YEAR) == 0
    assert list(fixing.members_without_base(world.grid_branch, YEAR)) == [m]
    fixing.dues_base_set(SYSTEM, member=m, year=YEAR, base="3000")
    assert fixing.dues_year_fix(SYSTEM, org=world.grid_branch, year=YEAR) == 1
    assert fixing.dues_year_fix(SYSTEM, org=world.grid_branch, year=YEAR) == 0  # fixed once
    assert amounts(world.grid_branch) == {"吴无基数": D("15.00")}


def test_farmer_amount_and_hardship_with_approval(world, personas, fixed_today):
    farmer = factories.member(world.grid_branch, "郑农民", category="farmer")
    poor = factories.member(world.grid_branch, "冯困难")
    with pytest.raises(ValidationError) as exc:
        fixing.dues_base_set(SYSTEM, member=farmer, year=YEAR, farmer_amount="1.50")
    assert "farmer_amount" in exc.value.message_dict
    fixing.dues_base_set(SYSTEM, member=farmer, year=YEAR, farmer_amount="0.50")
    with pytest.raises(ValidationError) as exc:
        fixing.dues_base_set(SYSTEM, member=poor, year=YEAR, base="8000", hardship="exempt")
    assert "hardship_approved_by" in exc.value.message_dict
    fixing.dues_base_set(SYSTEM, member=poor, year=YEAR, base="8000", hardship="exempt",
                         hardship_approved_by="中共嘉园一里社区委员会", hardship_approved_on=date(YEAR, 1, 5))
    fixing.dues_year_fix(SYSTEM, org=world.grid_branch, year=YEAR)
    assert amounts(world.grid_branch) == {"郑农民": D("0.50"), "冯困难": D("0.00")}
    ledger.dues_ledger_open(SYSTEM, org=world.grid_branch)
    exempt = LedgerMonth.objects.filter(member=poor)
    assert exempt.count() == 11 and not exempt.filter(paid__isnull=True).exists()  # exempt months are settled


def test_recalculation_is_explicit_and_audited(world, personas, branch_setup):
    worker = branch_setup["worker"]
    ledger.dues_pay(personas["branch"], member=worker, months=[month(m) for m in range(6, 10)], payer=worker)
    before = (Assessment.objects.get(member=worker).amount, Recalculation.objects.count())
    with pytest.raises(ValidationError) as exc:  # after the fixing a new base needs a month and a reason
        fixing.dues_base_set(personas["branch"], member=worker, year=YEAR, base="12000")
    assert set(exc.value.message_dict) == {"effective_from", "reason"}
    assert (Assessment.objects.get(member=worker).amount, Recalculation.objects.count()) == before
    fixing.dues_base_set(personas["branch"], member=worker, year=YEAR, base="12000", effective_from=date(YEAR, 8, 15),
                         reason="2026年8月起岗位调整")
    change = Recalculation.objects.get()
    assert change.effective_from == month(8) and change.actor == personas["branch"]
    assert (change.before["amount"], change.after["amount"], change.before["base"]) == ("75.05", "240.00", "5003.00")
    dues = dict(LedgerMonth.objects.filter(member=worker).values_list("month", "due"))
    assert dues[month(7)] == dues[month(8)] == dues[month(9)] == D("75.05")  # paid months keep what was paid
    assert dues[month(10)] == dues[month(11)] == D("240.00")
    assert dues[month(5)] == D("75.05")  # before the effective month
    event = AuditEvent.objects.get(action="dues.recalculate")
    assert event.summary["before"]["amount"] == "75.05" and event.summary["after"]["amount"] == "240.00"


def test_fixing_out_of_scope_is_404_and_a_viewer_gets_403(world, personas, fixed_today):
    member = factories.member(world.grid_branch, "甲", category="student")
    with pytest.raises(Http404):
        fixing.dues_year_fix(personas["branch"], org=world.bajiao_community_committee, year=YEAR)
    with pytest.raises(Http404):
        fixing.dues_year_fix(personas["branch"], org=world.majiabao_committee, year=YEAR)
    with pytest.raises(PermissionDenied):  # the street sees the dues but does not keep them
        fixing.dues_year_fix(personas["street"], org=world.grid_branch, year=YEAR)
    with pytest.raises(PermissionDenied):
        fixing.dues_base_set(personas["street"], member=member, year=YEAR, base="100")
    assert not Assessment.objects.exists() and not DuesYear.objects.exists() and not DuesBase.objects.exists()
