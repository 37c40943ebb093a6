"""我的党费: a signed-in member's own months, receipts, and paying online (their own account only)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.core.errors import Conflict
from jiceng.dues import rules, selectors
from jiceng.dues.services import ledger
from jiceng.dues.services.fixing import today
from jiceng.dues.views.ledger import year_of
from jiceng.members.selectors.roll import member_of_user


@login_required
def my(request):
    member = member_of_user(request.user)
    year = year_of(request)
    if member is None:
        return render(request, "dues/my.html", {"member": None, "year": year})
    months = selectors.my_ledger(member, year)
    day = today()
    payable = [m for m in months if m.paid is None and not rules.month_refusal(
        m.month, day, backpay=settings.DUES_BACKPAY_MONTHS, prepay=settings.DUES_PREPAY_MONTHS)]
    current = day.replace(day=1)
    return render(request, "dues/my.html", {
        "member": member, "year": year, "months": months, "payable": payable,
        "overdue": [m for m in months if m.paid is None and m.month < current],
        "payments": selectors.my_payments(member)[:50], "current": current,
    })


@login_required
@require_POST
def my_pay(request):
    member = member_of_user(request.user)
    if member is None:
        messages.error(request, _("您的账号没有关联党员信息，请联系支部书记"))
        return redirect("dues:my")
    chosen = [selectors.month_from_text(v) for v in request.POST.getlist("month")]
    try:
        payment = ledger.dues_pay(request.user, member=member, months=[m for m in chosen if m], method="online")
        messages.success(request, _("已交纳 %(n)d 个月党费 ¥%(a)s，收据号 %(r)s") % {
            "n": payment.months, "a": payment.amount, "r": payment.receipt_no})
    except (ValidationError, Conflict) as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("dues:my")


urlpatterns = [
    path("dues/my/", my, name="my"),
    path("dues/my/pay/", my_pay, name="my_pay"),
]
