"""Demo data of the dues app (step order 50): bases and the fixed amounts of the demo street's first
branches, a ledger for this year with most months paid in cash, a few members behind, one of them by
more than six months so that a 自行脱党 review shows; the demo account ``member`` is paid through last
month and can pay this month online."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from jiceng.core.models import Org
from jiceng.core.periods import add_months, month_start
from jiceng.dues.models import LedgerMonth, Method
from jiceng.dues.services import arrears, fixing, ledger
from jiceng.members.models import ACTIVE_STATUSES, Member

BRANCHES = 4


def load_dues_demo(actor, made, out):
    day = fixing.today()
    rnd = random.Random(50)
    working, first = made["110106015"]["working"], made["110106015"]["first_branch"]
    others = Org.objects.filter(path__startswith=working.path, kind="branch").exclude(pk=first.pk).order_by("path")
    branches = [first, *others[:BRANCHES - 1]]
    out(f"党费：{len(branches)} 个支部的计算基数、年度核定和本年台账…")
    for branch in branches:
        for member in Member.objects.filter(branch=branch, status__in=ACTIVE_STATUSES).order_by("pk"):
            if member.category in ("in_service", "annual_salary", "self_employed", "retired"):
                base = Decimal(rnd.choice((2800, 3000, 4200, 5003, 6500, 8800, 12000)) + rnd.randrange(0, 100))
                fixing.dues_base_set(actor, member=member, year=day.year, base=base,
                                     deductions=(base * Decimal("0.1")).quantize(Decimal("1")))
            elif member.category == "farmer":
                fixing.dues_base_set(actor, member=member, year=day.year, farmer_amount="0.50")
        fixing.dues_year_fix(actor, org=branch, year=day.year, fixed_on=date(day.year, 1, 10))
        ledger.dues_ledger_open(actor, org=branch, through=day)
        members = list(Member.objects.filter(branch=branch, status__in=ACTIVE_STATUSES).order_by("pk"))
        lapsed = next((m for m in members if not m.user_id), None) if branch == branches[0] else None
        for index, member in enumerate(members):
            behind = 0 if index % 5 else 1 + index % 3
            if member == lapsed:
                behind = 7  # six whole months unpaid before this one: the review shows
            elif member.user_id:
                behind = 1  # the demo account ``member`` can pay this month online
            last_paid = add_months(month_start(day), -max(behind, 1))
            rows = list(LedgerMonth.objects.filter(member=member, month__lte=last_paid, paid__isnull=True)
                        .order_by("month"))
            for quarter in range(0, len(rows), 3):  # most branches collect each quarter's dues at once
                chunk = rows[quarter:quarter + 3]
                paid_on = add_months(chunk[-1].month, 1).replace(day=8)
                ledger.settle(actor, member, chunk, method=Method.CASH, paid_on=min(paid_on, day))
    raised = arrears.lapse_reviews_raise(actor, day=day)
    out(f"党费：已提出 {raised} 件自行脱党审查（连续六个月未交）")
    return []
