"""The monthly ledger (党费台账): the set-based monthly run, payments under a row lock with receipt
numbers, voluntary extras, remittance to the upper committee. 党费交至 is derived here and only here."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from jiceng.core import audit, scope
from jiceng.core.errors import Conflict
from jiceng.core.models import Org
from jiceng.core.periods import add_months, month_start
from jiceng.dues import payments, rules
from jiceng.dues.models import (
    Assessment,
    LedgerMonth,
    Method,
    Payment,
    PaymentKind,
    ReceiptCounter,
    Remittance,
)
from jiceng.dues.services.fixing import ACTIVE_SQL, MANAGE, today
from jiceng.members.models import Member
from jiceng.members.selectors.roll import member_of_user
from jiceng.members.services.roll import member_dues_paid_through_record

MAX_MONTHS_AT_ONCE = 24


def run_statement(org_path: str | None) -> str:
    """One ``INSERT … SELECT``: the ledger month of every active member assessed for its year who has
    none yet (members under ``org_path``); an exempt month (amount 0) is settled at once."""
    table = LedgerMonth._meta.db_table
    scope_join = "JOIN core_org o ON o.id = m.branch_id AND o.path LIKE %(prefix)s" if org_path else ""
    # only table names and constants are interpolated; values are bound parameters
    return f"""
        INSERT INTO {table} (member_id, branch_id, month, due, paid, paid_on, method, payment_id)
        SELECT a.member_id, m.branch_id, %(month)s, a.amount,
               CASE WHEN a.amount = 0 THEN 0 END, CASE WHEN a.amount = 0 THEN %(month)s END,
               CASE WHEN a.amount = 0 THEN '{Method.EXEMPT}' ELSE '' END, NULL
        FROM {Assessment._meta.db_table} a JOIN {Member._meta.db_table} m ON m.id = a.member_id {scope_join}
        WHERE a.year = %(year)s AND a.starts <= %(month)s AND m.status IN ({ACTIVE_SQL})
          AND NOT EXISTS (SELECT 1 FROM {table} l WHERE l.member_id = a.member_id AND l.month = %(month)s)
    """  # noqa: S608


def ledger_run(*, month: date, org: Org | None = None) -> int:
    """Open ``month`` in the ledger for every assessed member (of ``org``'s subtree); idempotent."""
    month = month_start(month)
    params = {"month": month, "year": month.year, "prefix": (org.path + "%") if org else None}
    with connection.cursor() as cursor:
        cursor.execute(run_statement(org.path if org else None), params)
        return cursor.rowcount


@transaction.atomic
def dues_ledger_open(actor, *, org: Org, through: date | None = None) -> int:
    """Open every month of the year up to ``through`` (default this month) for the members under ``org``."""
    scope.require(actor, MANAGE, org)
    through = month_start(through or today())
    opened = sum(ledger_run(month=date(through.year, m, 1), org=org) for m in range(1, through.month + 1))
    if opened:
        audit.record(actor, "dues.ledger", org, summary={"through": through, "months": opened})
    return opened


def _next_receipt(branch_id: int, year: int) -> str:
    """收据号 unique per branch and year: the counter row is locked until the payment commits."""
    ReceiptCounter.objects.get_or_create(branch_id=branch_id, year=year)
    counter = ReceiptCounter.objects.select_for_update().get(branch_id=branch_id, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{year}-{counter.last:05d}"


def paid_through(rows: list[tuple[date, Decimal | None]], current: date | None) -> date | None:
    """党费交至 from the ledger: the month before the earliest unsettled month, or the last settled month
    when nothing is open; before the ledger's first month, what the roll held (never later than that)."""
    if not rows:
        return current
    open_months = [m for m, paid in rows if paid is None]
    if not open_months:
        return rows[-1][0]
    before = add_months(open_months[0], -1)
    if open_months[0] == rows[0][0]:
        return min(current, before) if current else None
    return before


def sync_paid_through(member: Member) -> date | None:
    rows = list(LedgerMonth.objects.filter(member=member).order_by("month").values_list("month", "paid"))
    value = paid_through(rows, member.dues_paid_through)
    if value != member.dues_paid_through:
        member_dues_paid_through_record(member=member, month=value)
    return value


def _payer_check(actor, member: Member, method: str, payer: Member | None) -> None:
    """No paying on another's behalf (第十四条): cash entered by the branch names the member as payer;
    an online payment comes from the member's own account."""
    if method == Method.CASH:
        scope.require(actor, MANAGE, member)
        refusal = rules.proxy_refusal(member.pk, payer.pk if payer else None)
    elif method == Method.ONLINE:
        own = member_of_user(actor)
        if own is None or own.pk != member.pk:
            refusal = rules.proxy_refusal(member.pk, own.pk if own else None)
        else:
            refusal = None
    else:
        raise ValidationError({"method": [_("交纳方式无效")]})
    if refusal:
        raise ValidationError({"payer": [refusal]})


def _months_clean(member: Member, months: list[date], day: date) -> list[LedgerMonth]:
    """The ledger rows of ``months`` (opened now when within the window and the year is fixed), locked."""
    months = sorted({month_start(m) for m in months})
    if not months:
        raise ValidationError({"months": [_("请选择要交纳的月份")]})
    if len(months) > MAX_MONTHS_AT_ONCE:
        raise ValidationError({"months": [_("一次最多交纳%(n)d个月") % {"n": MAX_MONTHS_AT_ONCE}]})
    refusals = [r for m in months if (r := rules.month_refusal(m, day, backpay=settings.DUES_BACKPAY_MONTHS,
                                                               prepay=settings.DUES_PREPAY_MONTHS))]
    if refusals:
        raise ValidationError({"months": refusals})
    rows = {r.month: r for r in LedgerMonth.objects.select_for_update().filter(member=member, month__in=months)}
    assessments = {a.year: a for a in Assessment.objects.filter(member=member, year__in={m.year for m in months})}
    errors = []
    for m in months:
        if m in rows:
            continue
        a = assessments.get(m.year)
        if a is None or m < a.starts:
            errors.append(_("%(m)s 的党费尚未核定，请先完成年度核定") % {"m": f"{m:%Y-%m}"})
            continue
        rows[m] = LedgerMonth(member=member, branch_id=member.branch_id, month=m, due=a.amount)
    if errors:
        raise ValidationError({"months": errors})
    settled = [f"{m:%Y-%m}" for m, r in rows.items() if r.paid is not None]
    if settled:
        raise Conflict({"months": [_("%(m)s 已交纳，不能重复交纳") % {"m": "、".join(settled)}]})
    return [rows[m] for m in months]


@transaction.atomic
def dues_pay(actor, *, member: Member, months: list[date], method: str = Method.CASH, payer: Member | None = None,
             paid_on: date | None = None) -> Payment:
    """Record the payment of ``months`` with one receipt. The member row is locked first, so a double
    click pays once (the second finds the months settled: 409). Refused, changing nothing: another
    payer; a month beyond the back-payment or prepayment limit; a month not yet fixed."""
    _payer_check(actor, member, method, payer)
    member = Member.objects.select_for_update().get(pk=member.pk)
    day = today()
    paid_on = paid_on or day
    if paid_on > day:
        raise ValidationError({"paid_on": [_("交纳日期不能晚于今天")]})
    rows = _months_clean(member, months, day)
    total = sum((r.due for r in rows), Decimal("0.00"))
    reference = payments.adapter().charge(member=member, amount=total, months=[r.month for r in rows]) \
        if method == Method.ONLINE else ""
    return settle(actor, member, rows, method=method, paid_on=paid_on, reference=reference)


def settle(actor, member: Member, rows: list[LedgerMonth], *, method: str, paid_on: date,
           reference: str = "") -> Payment:
    """Write a checked payment of ``rows`` (locked by the caller): the receipt, the months, 党费交至,
    the audit row. ``dues_pay`` checks first; the demo records past months through it as they were."""
    total = sum((r.due for r in rows), Decimal("0.00"))
    payment = Payment.objects.create(
        member=member, payer=member, branch_id=member.branch_id, kind=PaymentKind.MONTHLY, method=method,
        amount=total, months=len(rows), first_month=rows[0].month, last_month=rows[-1].month, paid_on=paid_on,
        receipt_no=_next_receipt(member.branch_id, paid_on.year), reference=reference,
        recorded_by=audit.user_of(actor))
    for r in rows:
        r.paid, r.paid_on, r.method, r.payment = r.due, paid_on, method, payment
    LedgerMonth.objects.bulk_create([r for r in rows if r.pk is None])
    LedgerMonth.objects.bulk_update([r for r in rows if r.pk is not None], ["paid", "paid_on", "method", "payment"])
    through = sync_paid_through(member)
    audit.record(actor, "dues.pay", payment, node_path=member.branch.path, object_repr=payment.receipt_no, summary={
        "member": member.name, "months": [f"{r.month:%Y-%m}" for r in rows], "amount": total, "method": method,
        "paid_through": through})
    return payment


@transaction.atomic
def dues_voluntary_pay(actor, *, member: Member, amount, method: str = Method.CASH, payer: Member | None = None,
                       paid_on: date | None = None) -> Payment:
    """自愿多交: a one-off extra; 1000 yuan or more is remitted in full to the Centre (flagged)."""
    _payer_check(actor, member, method, payer)
    member = Member.objects.select_for_update().get(pk=member.pk)
    value, problem = rules.parse_money(amount, field="amount")
    if problem or value == 0:
        raise ValidationError({"amount": [problem or _("金额应大于0")]})
    paid_on = paid_on or today()
    if paid_on > today():
        raise ValidationError({"paid_on": [_("交纳日期不能晚于今天")]})
    reference = payments.adapter().charge(member=member, amount=value, months=[]) if method == Method.ONLINE else ""
    payment = Payment.objects.create(
        member=member, payer=member, branch_id=member.branch_id, kind=PaymentKind.VOLUNTARY, method=method,
        amount=value, paid_on=paid_on, receipt_no=_next_receipt(member.branch_id, paid_on.year),
        to_centre=rules.voluntary_to_centre(value), reference=reference, recorded_by=audit.user_of(actor))
    audit.record(actor, "dues.voluntary", payment, node_path=member.branch.path, object_repr=payment.receipt_no,
                 summary={"member": member.name, "amount": value, "to_centre": payment.to_centre})
    return payment


def collected(branch_id: int, month: date) -> Decimal:
    """What a branch collected in a month (receipts dated in it), the voluntary extras for the Centre included."""
    month = month_start(month)
    return (Payment.objects.filter(branch_id=branch_id, paid_on__gte=month, paid_on__lt=add_months(month, 1))
            .aggregate(s=Sum("amount"))["s"] or Decimal("0.00"))


@transaction.atomic
def dues_remittance_record(actor, *, branch: Org, month: date, remitted, remitted_on: date, voucher_no: str,
                           ) -> Remittance:
    """上缴: the month's collection handed to the upper committee (the branch's parent), with the voucher."""
    scope.require(actor, MANAGE, branch)
    month = month_start(month)
    errors: dict[str, list] = {}
    value, problem = rules.parse_money(remitted)
    if problem:
        errors["remitted"] = [problem]
    if remitted_on is None or remitted_on > today():
        errors["remitted_on"] = [_("请填写上缴日期（不能晚于今天）")]
    elif remitted_on < month:
        errors["remitted_on"] = [_("上缴日期不能早于所属月份")]
    if not (voucher_no or "").strip():
        errors["voucher_no"] = [_("请填写上缴凭证号")]
    if branch.kind != "branch" or branch.parent_id is None:
        errors["branch"] = [_("请选择党支部")]
    if errors:
        raise ValidationError(errors)
    Org.objects.select_for_update().filter(pk=branch.pk).first()  # two submissions of one month: 409, not 500
    if Remittance.objects.filter(branch=branch, month=month).exists():
        raise Conflict({"month": [_("%(m)s 的上缴已登记") % {"m": f"{month:%Y-%m}"}]})
    row = Remittance.objects.create(branch=branch, month=month, collected=collected(branch.pk, month), remitted=value,
                                    remitted_on=remitted_on, voucher_no=voucher_no.strip()[:60],
                                    to_org_id=branch.parent_id, recorded_by=audit.user_of(actor))
    audit.record(actor, "dues.remit", branch, summary={"month": month, "collected": row.collected,
                                                       "remitted": value, "voucher_no": row.voucher_no})
    return row
