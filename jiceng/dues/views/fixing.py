"""Pages of the yearly fixing (年度党费核定): bases one by one or from a spreadsheet, the fixing with
the date the branch chose, and the recalculation of a base mid-year (month and reason required)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jiceng.core import scope
from jiceng.core.pages import run_service
from jiceng.dues import rules, selectors
from jiceng.dues.models import Hardship
from jiceng.dues.services import fixing
from jiceng.dues.views.ledger import year_of


class BaseForm(forms.Form):
    base = forms.CharField(label=gettext_lazy("计算基数（元/月）"), max_length=20, required=False,
                           help_text=rules.BASE_WORDS)
    deductions = forms.CharField(label=gettext_lazy("个人缴纳的社保和公积金（元/月）"), max_length=20, required=False)
    farmer_amount = forms.CharField(label=gettext_lazy("农民党员月交金额（0.20–1.00元）"), max_length=20,
                                    required=False)
    hardship = forms.ChoiceField(label=gettext_lazy("少交或免交"), choices=Hardship.choices, required=False,
                                 help_text=rules.HARDSHIP_WORDS)
    hardship_amount = forms.CharField(label=gettext_lazy("少交后的月交金额"), max_length=20, required=False)
    hardship_approved_by = forms.CharField(label=gettext_lazy("批准机关"), max_length=120, required=False)
    hardship_approved_on = forms.DateField(label=gettext_lazy("批准日期"), required=False,
                                           widget=forms.DateInput(attrs={"type": "date"}))
    effective_from = forms.DateField(label=gettext_lazy("重新核定自（已核定时必填）"), required=False,
                                     widget=forms.DateInput(attrs={"type": "month"}),
                                     input_formats=["%Y-%m", "%Y-%m-%d"])
    reason = forms.CharField(label=gettext_lazy("重新核定原因"), max_length=200, required=False)


class FixForm(forms.Form):
    fixed_on = forms.DateField(label=gettext_lazy("核定日期（由支部确定）"),
                               widget=forms.DateInput(attrs={"type": "date"}))


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("基数表（.xlsx）"),
                           help_text=gettext_lazy("列：身份证号、计算基数，可选：社保公积金。每人一行。"))
    keep_good = forms.BooleanField(label=gettext_lazy("有错误时只导入正确的行"), required=False)


def _branch_for_manage(request, branch_id):
    branch = selectors.branch_get(request.user, branch_id)
    if not scope.can(request.user, fixing.MANAGE, branch):
        raise PermissionDenied(_("您没有核定党费的权限。"))
    return branch


@login_required
def fixing_page(request, branch_id):
    branch = selectors.branch_get(request.user, branch_id)
    year = year_of(request)
    can_bases = selectors.can_see_bases(request.user, branch)
    assessments = {a.member_id: a for a in selectors.assessment_list(request.user, branch, year)}
    bases = {b.member_id: b for b in selectors.base_list(request.user, branch, year)} if can_bases else {}
    rows = [{"member": m, "assessment": assessments.get(m.pk), "base": bases.get(m.pk)}
            for m in selectors.active_members(request.user, branch)]
    for row in rows:
        rate = row["assessment"].rate if row["assessment"] else None
        row["percent"] = f"{(rate * 100).normalize():f}%" if rate is not None else ""
    return render(request, "dues/fixing.html", {
        "branch": branch, "year": year, "rows": rows, "can_bases": can_bases,
        "can_manage": scope.can(request.user, fixing.MANAGE, branch),
        "dues_year": selectors.dues_year(request.user, branch, year),
        "missing": [r for r in rows if r["assessment"] is None and r["base"] is None
                    and r["member"].category in rules.TIERED],
        "fix_form": FixForm(initial={"fixed_on": fixing.today()}), "import_form": ImportForm(),
        "base_form": BaseForm(), "deduct": fixing.settings.DUES_DEDUCT_CONTRIBUTIONS,
    })


@login_required
def base_edit(request, branch_id, member_id):
    branch = _branch_for_manage(request, branch_id)
    member = selectors.member_get(request.user, member_id)
    year = year_of(request)
    if member.branch_id != branch.pk:
        raise PermissionDenied(_("该党员不在本支部。"))
    form = BaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_service(form, lambda: fixing.dues_base_set(request.user, member=member, year=year,
                                                              **form.cleaned_data))
        if done:
            messages.success(request, _("已保存 %(name)s 的计算基数") % {"name": member.name})
            return redirect(reverse("dues:fixing", args=[branch.pk]) + f"?year={year}")
    assessment = selectors.assessment_list(request.user, branch, year).filter(member=member).first()
    return render(request, "dues/base_edit.html", {"branch": branch, "member": member, "year": year, "form": form,
                                                   "assessment": assessment})


@login_required
@require_POST
def fix(request, branch_id):
    branch = _branch_for_manage(request, branch_id)
    year = year_of(request)
    form = FixForm(request.POST)
    if form.is_valid():
        fixed = run_service(form, lambda: fixing.dues_year_fix(request.user, org=branch, year=year,
                                                               fixed_on=form.cleaned_data["fixed_on"]))
        if fixed is not None:
            messages.success(request, _("已核定 %(n)d 人的%(y)d年党费") % {"n": fixed, "y": year})
    if form.errors:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect(reverse("dues:fixing", args=[branch.pk]) + f"?year={year}")


@login_required
@require_POST
def bases_import(request, branch_id):
    branch = _branch_for_manage(request, branch_id)
    year = year_of(request)
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        kept, problems = fixing.dues_bases_import(request.user, branch=branch, year=year, file=data["file"],
                                                  keep_good=data["keep_good"])
        if kept:
            messages.success(request, _("已导入 %(n)d 人的计算基数") % {"n": kept})
        if problems:
            messages.warning(request, _("以下行有错误%(kept)s：%(list)s") % {
                "kept": "" if kept else _("，未导入任何行"), "list": "；".join(problems[:50])})
    else:
        messages.error(request, _("请选择要导入的 .xlsx 文件"))
    return redirect(reverse("dues:fixing", args=[branch.pk]) + f"?year={year}")


urlpatterns = [
    path("dues/branch/<int:branch_id>/fixing/", fixing_page, name="fixing"),
    path("dues/branch/<int:branch_id>/fixing/fix/", fix, name="fix"),
    path("dues/branch/<int:branch_id>/fixing/import/", bases_import, name="bases_import"),
    path("dues/branch/<int:branch_id>/fixing/<int:member_id>/", base_edit, name="base_edit"),
]
