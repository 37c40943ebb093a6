"""Pages of study (学习): 我的学习 for a member, the items an organizer assigned, a new item, and the
completion rates per branch with a chart (goal: JICENG_STUDY_GOAL_PERCENT, 80%)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.core import scope
from jiceng.core.pages import paginate, run_service
from jiceng.orglife.forms_study import StudyItemForm
from jiceng.orglife.selectors import compliance as compliance_selectors
from jiceng.orglife.selectors import study as selectors
from jiceng.orglife.services import study as services
from jiceng.orglife.views.compliance import top_orgs, year_of, years_around


@login_required
def my_study(request):
    member, items = selectors.my_study(request.user)
    done = sum(1 for i in items if i.record)
    return render(request, "orglife/study/mine.html", {"member": member, "items": items, "done": done})


@login_required
@require_POST
def study_complete(request, item_id):
    services.study_complete(request.user, item_id=item_id, note=request.POST.get("note", "")[:500])
    messages.success(request, _("已记录完成学习。"))
    return redirect("orglife:my_study")


@login_required
def study_items(request):
    if not scope.holds(request.user, selectors.VIEW):
        raise PermissionDenied(_("您没有查看学习布置的权限。"))
    page = paginate(request, selectors.item_list(request.user).order_by("-starts_on", "-id"), 30)
    return render(request, "orglife/study/items.html", {
        "page": page, "can_add": scope.holds(request.user, services.ADD),
        "tops": top_orgs(request.user), "goal": settings.STUDY_GOAL_PERCENT,
    })


@login_required
def study_item_new(request):
    form = StudyItemForm(request.POST or None, actor=request.user)
    if not form.fields["org"].queryset.exists():
        raise PermissionDenied(_("您没有布置学习内容的权限。"))
    if request.method == "POST" and form.is_valid():
        item = run_service(form, lambda: services.study_item_create(request.user, **form.cleaned_data))
        if item:
            messages.success(request, _("已布置：%(title)s") % {"title": item.title})
            return redirect("orglife:study_items")
    return render(request, "orglife/study/new.html", {"form": form})


@login_required
@require_POST
def study_item_close(request, item_id):
    item = selectors.item_get(request.user, item_id)
    services.study_item_close(request.user, item=item)
    messages.success(request, _("已撤回：%(title)s") % {"title": item.title})
    return redirect("orglife:study_items")


@login_required
def study_rates(request, org_id):
    year = year_of(request)
    node = compliance_selectors.org_get(request.user, org_id)
    rates = selectors.branch_rates(request.user, node, year)
    goal = settings.STUDY_GOAL_PERCENT
    shown = [r for r in rates if r.expected][:200]
    chart = {"title": _("各党支部学习完成率（%）"), "unit": "%", "labels": [r.name for r in shown],
             "values": [r.percent for r in shown], "goal": goal, "goal_label": _("目标%(g)d%%") % {"g": goal}}
    return render(request, "orglife/study/rates.html", {
        "node": node, "rates": rates, "overall": selectors.overall(rates), "goal": goal, "year": year,
        "years": years_around(year), "chart": chart,
        "below": sum(1 for r in rates if r.percent is not None and r.percent < goal),
    })


urlpatterns = [
    path("orglife/study/", my_study, name="my_study"),
    path("orglife/study/<int:item_id>/done/", study_complete, name="study_complete"),
    path("orglife/study/items/", study_items, name="study_items"),
    path("orglife/study/items/new/", study_item_new, name="study_item_new"),
    path("orglife/study/items/<int:item_id>/close/", study_item_close, name="study_item_close"),
    path("orglife/study/rates/<int:org_id>/", study_rates, name="study_rates"),
]
