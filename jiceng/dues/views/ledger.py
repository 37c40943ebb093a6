"""Pages of a branch's dues: the home, the ledger (members × months, arrears highlighted) with the
one-click monthly cash collection, remittance, the .xlsx export, and the 自行脱党 reviews."""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jiceng.core import scope
from jiceng.core.errors import Conflict
from jiceng.core.pages import run_service
from jiceng.core.periods import month_start
from jiceng.core.selectors.orgs import branches_where
from jiceng.core.spreadsheets import xlsx_response
from jiceng.dues import selectors
from jiceng.dues.models import ReviewState
from jiceng.dues.services import arrears, exports, ledger
from jiceng.dues.services.fixing import MANAGE, today

VIEW = selectors.VIEW


def year_of(request) -> int:
    text = request.GET.get("year", "")
    this = today().year
    return int(text) if re.fullmatch(r"20[0-9]{2}", text) and abs(int(text) - this) <= 10 else this


def _require_view(user):
    if not scope.holds(user, VIEW):
        raise PermissionDenied(_("您没有查看党费台账的权限。"))


@login_required
def home(request):
    _require_view(request.user)
    return render(request, "dues/home.html", {
        "branches": branches_where(request.user, VIEW)[:200], "committees": selectors.committees(request.user)[:50],
        "year": today().year,
        "reviews": selectors.review_list(request.user, state=ReviewState.OPEN)[:20],
        "behind": selectors.arrears_list(request.user, min_months=3, limit=20),
    })


class RemitForm(forms.Form):
    month = forms.DateField(label=gettext_lazy("所属月份"), widget=forms.DateInput(attrs={"type": "month"}),
                            input_formats=["%Y-%m", "%Y-%m-%d"])
    remitted = forms.CharField(label=gettext_lazy("上缴金额（元）"), max_length=20)
    remitted_on = forms.DateField(label=gettext_lazy("上缴日期"), widget=forms.DateInput(attrs={"type": "date"}))
    voucher_no = forms.CharField(label=gettext_lazy("凭证号"), max_length=60)


@login_required
def branch_ledger(request, branch_id):
    branch = selectors.branch_get(request.user, branch_id)
    year = year_of(request)
    book = selectors.ledger(request.user, branch, year)
    current = month_start(today())
    collectable = [row for row in book.rows if year == current.year and row.cells[current.month - 1] is not None
                   and row.cells[current.month - 1].paid is None]
    return render(request, "dues/ledger.html", {
        "branch": branch, "year": year, "book": book, "current": current, "collectable": collectable,
        "can_manage": scope.can(request.user, MANAGE, branch),
        "can_export": scope.can(request.user, "dues.export_dues", branch),
        "remit_form": RemitForm(initial={"month": current.strftime("%Y-%m"), "remitted_on": today()}),
        "remittances": selectors.remittance_list(request.user, branch, year),
        "arrears_total": sum(r.arrears for r in book.rows),
    })


@login_required
@require_POST
def collect(request, branch_id):
    """一键收缴: this month in cash for each chosen member, each with their own receipt."""
    branch = selectors.branch_get(request.user, branch_id)
    if not scope.can(request.user, MANAGE, branch):
        raise PermissionDenied(_("您没有登记党费收缴的权限。"))
    ids = [int(v) for v in request.POST.getlist("member") if v.isdigit()]
    current = month_start(today())
    done, refused = [], []
    for member in selectors.branch_members(request.user, branch, ids):
        try:
            payment = ledger.dues_pay(request.user, member=member, months=[current], payer=member)
            done.append(f"{member.name}（{payment.receipt_no}）")
        except (ValidationError, Conflict) as exc:
            refused.append(f"{member.name}：{'；'.join(exc.messages)}")
    if done:
        messages.success(request, _("已登记本月现金收缴 %(n)d 人：%(list)s") % {"n": len(done),
                                                                        "list": "、".join(done)})
    if refused:
        messages.warning(request, _("未登记：%(list)s") % {"list": "；".join(refused)})
    if not done and not refused:
        messages.warning(request, _("请勾选要登记本月收缴的党员"))
    return redirect(reverse("dues:ledger", args=[branch.pk]) + f"?year={current.year}")


@login_required
@require_POST
def remit(request, branch_id):
    branch = selectors.branch_get(request.user, branch_id)
    form = RemitForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        done = run_service(form, lambda: ledger.dues_remittance_record(
            request.user, branch=branch, month=data["month"], remitted=data["remitted"],
            remitted_on=data["remitted_on"], voucher_no=data["voucher_no"]))
        if done:
            messages.success(request, _("已登记 %(m)s 的党费上缴") % {"m": f"{done.month:%Y-%m}"})
            return redirect(reverse("dues:ledger", args=[branch.pk]) + f"?year={done.month.year}")
    messages.error(request, "；".join(f"{form.fields[f].label if f in form.fields else ''}{' '.join(e)}"
                                     for f, e in form.errors.items()))
    return redirect("dues:ledger", branch_id=branch.pk)


@login_required
def export(request, branch_id):
    branch = selectors.branch_get(request.user, branch_id)
    year = year_of(request)
    content = exports.ledger_xlsx(request.user, branch, year)
    return xlsx_response(content, f"{branch.name}{year}年党费台账.xlsx")


@login_required
def reviews(request):
    _require_view(request.user)
    state = request.GET.get("state", ReviewState.OPEN)
    state = state if state in ReviewState.values or state == "all" else ReviewState.OPEN
    rows = selectors.review_list(request.user, state="" if state == "all" else state)
    return render(request, "dues/reviews.html", {"rows": rows[:200], "state": state, "states": ReviewState.choices,
                                                 "can_manage": scope.holds(request.user, MANAGE)})


@login_required
@require_POST
def review_decide(request, review_id):
    review = selectors.review_get(request.user, review_id)
    try:
        arrears.lapse_review_decide(request.user, review=review, state=request.POST.get("state", ""),
                                    note=request.POST.get("note", ""))
        messages.success(request, _("已记录支部研究意见"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("dues:reviews")


urlpatterns = [
    path("dues/", home, name="home"),
    path("dues/branch/<int:branch_id>/", branch_ledger, name="ledger"),
    path("dues/branch/<int:branch_id>/collect/", collect, name="collect"),
    path("dues/branch/<int:branch_id>/remit/", remit, name="remit"),
    path("dues/branch/<int:branch_id>/export.xlsx", export, name="export"),
    path("dues/reviews/", reviews, name="reviews"),
    path("dues/reviews/<int:review_id>/decide/", review_decide, name="review_decide"),
]
