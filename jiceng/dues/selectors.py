"""Reads of the dues app, each starting from what the actor may see (``dues.view_dues``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from jiceng.core import scope
from jiceng.core.models import Org
from jiceng.core.periods import month_start
from jiceng.dues.models import Assessment, DuesBase, DuesYear, LapseReview, LedgerMonth, Payment, Remittance
from jiceng.dues.rules import money
from jiceng.dues.services.fixing import today
from jiceng.members.models import ACTIVE_STATUSES, Member

VIEW = "dues.view_dues"
BASE = "dues.view_dues_base"
ZERO = Decimal("0.00")


def org_get(actor, org_id) -> Org:
    """An organization whose dues the actor sees (a branch or a committee above branches)."""
    return scope.get_or_404(actor, VIEW, Org.objects.select_related("area", "parent"), pk=org_id)


def branch_get(actor, branch_id) -> Org:
    return scope.get_or_404(actor, VIEW, Org.objects.filter(kind="branch").select_related("area", "parent"),
                            pk=branch_id)


def member_get(actor, member_id) -> Member:
    """A member whose dues the actor sees (of a branch where ``view_dues`` reaches)."""
    return scope.get_or_404(actor, VIEW, Member.objects.select_related("branch"), pk=member_id)


def can_see_bases(actor, branch: Org) -> bool:
    return scope.can(actor, BASE, branch)


def assessment_list(actor, branch: Org, year: int) -> QuerySet[Assessment]:
    return (scope.visible(actor, VIEW, Assessment.objects.filter(branch=branch, year=year))
            .select_related("member").order_by("member__name", "member_id"))


def base_list(actor, branch: Org, year: int) -> QuerySet[DuesBase]:
    """Entered bases: personal data, only where ``view_dues_base`` reaches."""
    return scope.visible(actor, BASE, DuesBase.objects.filter(branch=branch, year=year))


@dataclass
class LedgerRow:
    member: Member
    cells: list  # twelve LedgerMonth | None
    assessment: Assessment | None = None
    arrears: int = 0
    paid_total: Decimal = ZERO


@dataclass
class Ledger:
    branch: Org
    year: int
    rows: list[LedgerRow] = field(default_factory=list)
    months: list[date] = field(default_factory=list)


def ledger(actor, branch: Org, year: int) -> Ledger:
    """The branch's ledger for a year: active members × twelve months, with arrears up to this month."""
    scope.require(actor, VIEW, branch)
    current = month_start(today())
    members = list(Member.objects.filter(Q(branch=branch, status__in=ACTIVE_STATUSES)
                                         | Q(dues_months__branch=branch, dues_months__month__year=year))
                   .distinct().order_by("name", "id"))
    months = {(r.member_id, r.month.month): r
              for r in LedgerMonth.objects.filter(branch=branch, month__year=year).select_related("payment")}
    assessments = {a.member_id: a for a in Assessment.objects.filter(branch=branch, year=year)}
    result = Ledger(branch, year, months=[date(year, m, 1) for m in range(1, 13)])
    for member in members:
        cells = [months.get((member.pk, m)) for m in range(1, 13)]
        row = LedgerRow(member, cells, assessments.get(member.pk))
        for cell in cells:
            if cell is None:
                continue
            cell.overdue = cell.paid is None and cell.month < current
            row.arrears += cell.overdue
            row.paid_total += cell.paid or ZERO
        result.rows.append(row)
    return result


def arrears_list(actor, *, org: Org | None = None, min_months: int = 1, limit: int = 1000) -> list[dict]:
    """Members behind by at least ``min_months`` unsettled months before this one, most behind first."""
    qs = scope.visible(actor, VIEW, LedgerMonth.objects.filter(paid__isnull=True, month__lt=month_start(today())))
    if org is not None:
        qs = qs.filter(branch__path__startswith=org.path)
    rows = (qs.values("member_id", "member__name", "branch_id", "branch__name")
            .annotate(months=Count("id"), owed=Sum("due")).filter(months__gte=min_months)
            .order_by("-months", "member__name"))
    return [{**row, "owed": money(row["owed"])} for row in rows[:limit]]


def review_list(actor, *, state: str = "", org: Org | None = None) -> QuerySet[LapseReview]:
    qs = scope.visible(actor, VIEW, LapseReview.objects.select_related("member", "branch"))
    if state:
        qs = qs.filter(state=state)
    if org is not None:
        qs = qs.filter(branch__path__startswith=org.path)
    return qs


def review_get(actor, review_id) -> LapseReview:
    return scope.get_or_404(actor, VIEW, LapseReview.objects.select_related("member", "branch"), pk=review_id)


def collection_rates(actor, org: Org, year: int) -> list[dict]:
    """收缴率 per branch under ``org``: the months due before this one (all twelve of a past year) and
    how many of them are settled."""
    rows = (scope.visible(actor, VIEW, LedgerMonth.objects.filter(branch__path__startswith=org.path,
                                                                     month__year=year, month__lt=month_start(today())))
            .values("branch_id", "branch__name")
            .annotate(due_months=Count("id"), paid_months=Count("id", filter=Q(paid__isnull=False)),
                      due=Sum("due"), paid=Sum("paid"), members=Count("member_id", distinct=True))
            .order_by("branch__name"))
    result = []
    for row in rows:
        row["rate"] = round(100 * row["paid_months"] / row["due_months"], 1) if row["due_months"] else None
        row["due"], row["paid"] = money(row["due"] or ZERO), money(row["paid"] or ZERO)
        result.append(row)
    return result


def payment_list(actor, *, member: Member | None = None, branch: Org | None = None) -> QuerySet[Payment]:
    qs = scope.visible(actor, VIEW, Payment.objects.select_related("member", "branch"))
    if member is not None:
        qs = qs.filter(member=member)
    if branch is not None:
        qs = qs.filter(branch=branch)
    return qs.order_by("-paid_on", "-id")


def statement(actor, org: Org, year: int) -> list[dict]:
    """党费收缴公示: for each month of ``year`` under ``org``: due, collected (receipts of the month),
    members who paid, voluntary extras for the Centre, remitted upward."""
    scope.require(actor, VIEW, org)
    ledger_q = scope.visible(actor, VIEW, LedgerMonth.objects.filter(branch__path__startswith=org.path,
                                                                        month__year=year))
    due = {r["month"].month: r for r in ledger_q.values("month").annotate(
        due=Sum("due"), members=Count("member_id", distinct=True),
        paying=Count("member_id", distinct=True, filter=Q(paid__isnull=False)))}
    pay_q = scope.visible(actor, VIEW, Payment.objects.filter(branch__path__startswith=org.path, paid_on__year=year))
    collected = {r["paid_on__month"]: r for r in pay_q.values("paid_on__month").annotate(
        total=Sum("amount"), centre=Sum("amount", filter=Q(to_centre=True)))}
    remitted = {r["month__month"]: r["s"] for r in scope.visible(actor, VIEW, Remittance.objects.filter(
        branch__path__startswith=org.path, month__year=year)).values("month__month").annotate(s=Sum("remitted"))}
    rows = []
    for m in range(1, 13):
        d, c = due.get(m, {}), collected.get(m, {})
        rows.append({"month": date(year, m, 1), "due": money(d.get("due") or ZERO), "members": d.get("members", 0),
                     "paying": d.get("paying", 0), "collected": money(c.get("total") or ZERO),
                     "centre": money(c.get("centre") or ZERO), "remitted": money(remitted.get(m) or ZERO)})
    return rows


def my_ledger(member: Member, year: int) -> list[LedgerMonth]:
    """The member's own months (the page of a signed-in member; no grant needed: it is their own)."""
    return list(LedgerMonth.objects.filter(member=member, month__year=year).select_related("payment")
                .order_by("month"))


def my_payments(member: Member) -> QuerySet[Payment]:
    return Payment.objects.filter(member=member).order_by("-paid_on", "-id")


def committees(actor) -> QuerySet[Org]:
    """The organizations above branches whose dues the actor sees (for the collection rates)."""
    return scope.visible(actor, VIEW, Org.objects.exclude(kind__in=["branch", "group"])).order_by("path")


def branch_members(actor, branch: Org, ids: list[int]) -> QuerySet[Member]:
    return scope.visible(actor, VIEW, Member.objects.filter(pk__in=ids, branch=branch)).order_by("name", "id")


def remittance_list(actor, branch: Org, year: int) -> QuerySet[Remittance]:
    return scope.visible(actor, VIEW, Remittance.objects.filter(branch=branch, month__year=year)).order_by("month")


def active_members(actor, branch: Org) -> QuerySet[Member]:
    return scope.visible(actor, VIEW, Member.objects.filter(branch=branch, status__in=ACTIVE_STATUSES)).order_by(
        "name", "id")


def dues_year(actor, branch: Org, year: int) -> DuesYear | None:
    return scope.visible(actor, VIEW, DuesYear.objects.filter(branch=branch, year=year)).first()


def month_from_text(text: str) -> date | None:
    """``2026-11`` → 2026-11-01; anything else None."""
    match = re.fullmatch(r"(20[0-9]{2})-(0[1-9]|1[0-2])", text or "")
    return date(int(match[1]), int(match[2]), 1) if match else None
