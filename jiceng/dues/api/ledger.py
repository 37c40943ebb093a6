"""The scoped dues API: the ledger, payments, bases and the fixing, arrears and reviews, my dues.
Thin: selectors and services do the work; out of scope reads as missing (404)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from jiceng.core.api import ERRORS, ErrorOut
from jiceng.dues import selectors
from jiceng.dues.services import fixing, ledger
from jiceng.members.selectors.roll import member_of_user

router = Router(tags=["dues"])
CONFLICT = {**ERRORS, 409: ErrorOut}


class MonthOut(Schema):
    month: str = Field(description="YYYY-MM")
    due: str
    paid: str | None
    paid_on: date | None
    method: str
    receipt_no: str | None


class LedgerRowOut(Schema):
    member: int
    name: str
    amount: str | None = Field(description="the fixed monthly amount, null when not fixed")
    arrears: int = Field(description="months unpaid before this month")
    months: list[MonthOut]


class PaymentIn(Schema):
    months: list[str] = Field(..., description="months to pay, YYYY-MM", max_length=24)
    method: str = Field("cash", description="cash (recorded by the branch) or online (the member's own account)")
    payer: int | None = Field(None, description="who paid: must be the member themself (no paying on another's "
                                                "behalf); required for cash")
    paid_on: date | None = None


class VoluntaryIn(Schema):
    amount: str
    method: str = "cash"
    payer: int | None = None


class PaymentOut(Schema):
    id: int
    member: int = Field(alias="member_id")
    kind: str
    method: str
    amount: str
    months: int
    first_month: date | None
    last_month: date | None
    paid_on: date
    receipt_no: str
    to_centre: bool
    reference: str

    @staticmethod
    def resolve_amount(obj):
        return f"{obj.amount:.2f}"


class BaseIn(Schema):
    base: str | None = None
    deductions: str | None = None
    farmer_amount: str | None = None
    hardship: str = ""
    hardship_amount: str | None = None
    hardship_approved_by: str = Field("", max_length=120)
    hardship_approved_on: date | None = None
    effective_from: date | None = Field(None, description="after the fixing: the month the recalculation applies from")
    reason: str = Field("", max_length=200)


class FixIn(Schema):
    year: int
    fixed_on: date | None = None


class FixOut(Schema):
    fixed: int
    without_base: int


class ArrearsOut(Schema):
    member: int = Field(alias="member_id")
    name: str = Field(alias="member__name")
    branch: int = Field(alias="branch_id")
    months: int
    owed: str

    @staticmethod
    def resolve_owed(obj):
        return f"{obj['owed']:.2f}"


class ReviewOut(Schema):
    id: int
    member: int = Field(alias="member_id")
    name: str
    branch: int = Field(alias="branch_id")
    since: date
    months: int
    raised_on: date
    state: str
    note: str

    @staticmethod
    def resolve_name(obj):
        return obj.member.name


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def _month_out(cell) -> dict:
    return {"month": f"{cell.month:%Y-%m}", "due": _money(cell.due), "paid": _money(cell.paid),
            "paid_on": cell.paid_on, "method": cell.method,
            "receipt_no": cell.payment.receipt_no if cell.payment_id else None}


def _months(values: list[str]) -> list[date]:
    parsed = [selectors.month_from_text(v) for v in values]
    if not parsed or any(p is None for p in parsed):
        raise ValidationError({"months": [_("月份应写作 YYYY-MM，如 2026-11")]})
    return parsed


def _payer(actor, payer_id: int | None):
    if payer_id is None:
        return None
    try:
        return selectors.member_get(actor, payer_id)
    except Http404 as exc:  # an unknown payer is a field error, not a 404 of the endpoint
        raise ValidationError({"payer": [_("交纳人不存在或不在您的管辖范围内")]}) from exc


@router.get("/dues/branches/{branch_id}/ledger", response={200: list[LedgerRowOut], **ERRORS})
def dues_ledger(request, branch_id: int, year: int | None = None):
    """The branch's ledger for a year (default this year): each member's twelve months."""
    branch = selectors.branch_get(request.user, branch_id)
    book = selectors.ledger(request.user, branch, year or fixing.today().year)
    return [{"member": r.member.pk, "name": r.member.name, "arrears": r.arrears,
             "amount": _money(r.assessment.amount) if r.assessment else None,
             "months": [_month_out(c) for c in r.cells if c is not None]} for r in book.rows]


@router.post("/dues/members/{member_id}/payments", response={201: PaymentOut, **CONFLICT})
def dues_payment_create(request, member_id: int, payload: PaymentIn):
    """Pay months (one receipt). Refused with 422, changing nothing: another payer, a month beyond the
    back-payment (6) or prepayment (3) limit, a month not fixed; a month already paid → 409."""
    member = selectors.member_get(request.user, member_id) if payload.method != "online" else _own(request, member_id)
    payment = ledger.dues_pay(request.user, member=member, months=_months(payload.months), method=payload.method,
                              payer=_payer(request.user, payload.payer), paid_on=payload.paid_on)
    return Status(201, payment)


def _own(request, member_id: int):
    own = member_of_user(request.user)
    if own is not None and own.pk == member_id:
        return own
    return selectors.member_get(request.user, member_id)


@router.get("/dues/members/{member_id}/payments", response={200: list[PaymentOut], **ERRORS})
def dues_payment_list(request, member_id: int):
    return list(selectors.payment_list(request.user, member=selectors.member_get(request.user, member_id))[:500])


@router.post("/dues/members/{member_id}/voluntary", response={201: PaymentOut, **CONFLICT})
def dues_voluntary_create(request, member_id: int, payload: VoluntaryIn):
    """自愿多交: 1000 yuan or more is flagged ``to_centre`` (remitted in full to the Centre)."""
    member = selectors.member_get(request.user, member_id) if payload.method != "online" else _own(request, member_id)
    payment = ledger.dues_voluntary_pay(request.user, member=member, amount=payload.amount, method=payload.method,
                                        payer=_payer(request.user, payload.payer))
    return Status(201, payment)


@router.put("/dues/members/{member_id}/bases/{year}", response={200: dict, **ERRORS})
def dues_base_put(request, member_id: int, year: int, payload: BaseIn):
    """Enter a base; after the fixing it is a recalculation (``effective_from`` and ``reason`` required)."""
    member = selectors.member_get(request.user, member_id)
    fixing.dues_base_set(request.user, member=member, year=year, **payload.dict())
    a = member.dues_assessments.filter(year=year).first()
    return {"member": member.pk, "year": year, "fixed": a is not None, "amount": _money(a.amount) if a else None}


@router.post("/dues/orgs/{org_id}/fixing", response={200: FixOut, **ERRORS})
def dues_fix(request, org_id: int, payload: FixIn):
    """The yearly fixing for every branch under the organization, on the date the branch chose."""
    org = selectors.org_get(request.user, org_id)
    fixed = fixing.dues_year_fix(request.user, org=org, year=payload.year, fixed_on=payload.fixed_on)
    return {"fixed": fixed, "without_base": fixing.members_without_base(org, payload.year).count()}


@router.get("/dues/orgs/{org_id}/arrears", response={200: list[ArrearsOut], **ERRORS})
def dues_arrears(request, org_id: int, min_months: int = Query(1, ge=1, le=120)):
    org = selectors.org_get(request.user, org_id)
    return selectors.arrears_list(request.user, org=org, min_months=min_months)


@router.get("/dues/reviews", response={200: list[ReviewOut], **ERRORS})
def dues_reviews(request, state: str = ""):
    """自行脱党审查 raised for six consecutive unpaid months (open, justified, referred)."""
    return list(selectors.review_list(request.user, state=state)[:500])


@router.get("/dues/my", response={200: list[MonthOut], **ERRORS})
def dues_my(request, year: int | None = None):
    """The signed-in member's own months (no grant needed)."""
    member = member_of_user(request.user)
    if member is None:
        raise ValidationError({"__all__": [_("您的账号没有关联党员信息")]})
    return [_month_out(m) for m in selectors.my_ledger(member, year or fixing.today().year)]
