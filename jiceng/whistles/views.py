"""Pages of 吹哨报到: the whistle board (per-department countdowns to the report-in deadline), blow a
whistle, the whistle's page (report in, actions, rating, more departments, close), the department's
inbox of summons and the statistics per department."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core import scope
from jiceng.core.pages import paginate, run_service
from jiceng.whistles import forms, rules
from jiceng.whistles.models import Urgency, WhistleStatus
from jiceng.whistles.selectors import stats as stat_selectors
from jiceng.whistles.selectors import whistles as selectors
from jiceng.whistles.selectors.whistles import BLOW, REPORT, VIEW
from jiceng.whistles.services import whistles as services


def _may_enter(user) -> None:
    if not (scope.holds(user, VIEW) or scope.holds(user, REPORT)):
        raise PermissionDenied(_("您没有查看吹哨报到的权限。"))


def mark_calls(actor, calls, now=None) -> list:
    """Set ``overdue``, ``due_soon``, ``minutes_left`` and ``can_report`` on each call for the templates."""
    now = now or timezone.now()
    rows = list(calls)
    for call in rows:
        call.overdue = rules.is_overdue(call.reported_at, call.report_due_at, now)
        left = (call.report_due_at - now).total_seconds() / 60
        call.minutes_left = int(left) if left > 0 else 0
        call.minutes_over = int(-left) if left < 0 else 0
        call.due_soon = call.reported_at is None and not call.overdue and left <= 30
        call.can_report = selectors.can_report(actor, call)
    return rows


def _filters(request) -> dict:
    get = request.GET
    department = get.get("department", "")
    return {"status": get.get("status", "open") if get.get("status", "open") in ("open", "closed", "") else "open",
            "department": int(department) if department.isdigit() else None,
            "urgency": get.get("urgency", "") if get.get("urgency", "") in Urgency.values else "",
            "period": get.get("period", "")}


@login_required
def board(request):
    _may_enter(request.user)
    filters = _filters(request)
    error = ""
    try:
        qs = selectors.whistle_list(request.user, **filters)
    except ValidationError as exc:
        error = "；".join(exc.messages)
        filters["period"] = ""
        qs = selectors.whistle_list(request.user, **filters)
    page = paginate(request, qs, 30)
    now = timezone.now()
    for whistle in page.object_list:
        whistle.call_rows = mark_calls(request.user, whistle.calls.all(), now)
        whistle.overdue_count = sum(1 for c in whistle.call_rows if c.overdue)
    return render(request, "whistles/board.html", {
        "page": page, "filters": filters, "error": error, "now": now,
        "departments": selectors.departments_visible(request.user), "can_blow": scope.holds(request.user, BLOW),
        "is_handler": bool(selectors.handler_department_id(request.user)), "urgencies": Urgency.choices})


@login_required
def blow(request):
    if not scope.holds(request.user, BLOW):
        raise PermissionDenied(_("您没有吹哨的权限。"))
    callers = selectors.callers_for(request.user).select_related("parent")
    form = forms.WhistleForm(request.POST or None, callers=callers,
                             departments=selectors.departments_visible(request.user),
                             urgent_minutes=rules.default_report_minutes("urgent"),
                             normal_minutes=rules.default_report_minutes("normal"))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["departments"] = list(data["departments"])
        typed = data.pop("appeals")
        whistle = run_service(form, lambda: services.whistle_blow(
            request.user, appeals=selectors.appeals_for_field(request.user, forms.tickets(typed)), **data))
        if whistle:
            messages.success(request, _("已吹哨，%(n)d个部门须在%(m)d分钟内报到。") % {
                "n": len(data["departments"]), "m": whistle.report_minutes})
            return redirect("whistles:detail", whistle_id=whistle.pk)
    return render(request, "whistles/blow.html", {"form": form})


POST_ACTIONS = ("report", "action", "rate", "call", "close", "link")


def _forms(request, whistle, action: str | None):
    data = request.POST if request.method == "POST" else None
    bound = {name: (data if action == name else None) for name in POST_ACTIONS}
    summoned = {c.department_id for c in whistle.calls.all()}
    departments = selectors.departments_for(whistle.caller).exclude(pk__in=summoned)
    return {"report": forms.ReportForm(bound["report"], prefix="report"),
            "action": forms.ActionForm(bound["action"], prefix="action"),
            "rate": forms.RateForm(bound["rate"], prefix="rate"),
            "call": forms.CallForm(bound["call"], prefix="call", departments=departments),
            "close": forms.CloseForm(bound["close"], prefix="close"),
            "link": forms.AppealsForm(bound["link"], prefix="link")}


def _run(request, whistle, action: str, form) -> str | None:
    """Call the service behind ``action``; the success message, or None when the form has errors."""
    actor = request.user
    call = None
    if action in ("report", "action", "rate"):
        call = selectors.call_get(whistle, request.POST.get("call_id", ""))
    if not form.is_valid():
        return None
    data = form.cleaned_data
    calls = {
        "report": (lambda: services.whistle_report_in(actor, whistle=whistle, call=call, note=data.get("note", "")),
                   _("已报到，请记录处置情况。")),
        "action": (lambda: services.whistle_action_add(actor, whistle=whistle, call=call, text=data.get("text")),
                   _("已记录处置情况。")),
        "rate": (lambda: services.whistle_rate(actor, whistle=whistle, call=call, rating=data.get("rating"),
                                               comment=data.get("comment", "")), _("已评价。")),
        "call": (lambda: services.whistle_call_add(actor, whistle=whistle, department=data.get("department")),
                 _("已追加召集部门。")),
        "close": (lambda: services.whistle_close(actor, whistle=whistle, result=data.get("result"),
                                                 reason=data.get("reason", "")), _("吹哨已结束。")),
        "link": (lambda: services.whistle_link_appeals(actor, whistle=whistle, appeals=selectors.appeals_for_field(
            actor, forms.tickets(data.get("appeals", "")))), _("已关联诉求。")),
    }
    call_service, done = calls[action]
    return done if run_service(form, call_service) is not None else None


@login_required
def detail(request, whistle_id: int):
    whistle = selectors.whistle_get(request.user, whistle_id)
    action = request.POST.get("do") if request.method == "POST" else None
    if request.method == "POST" and action not in POST_ACTIONS:
        return HttpResponseBadRequest(_("未知的操作"))
    page_forms = _forms(request, whistle, action)
    failed_call = None
    if action:
        done = _run(request, whistle, action, page_forms[action])
        if done:
            messages.success(request, done)
            return redirect("whistles:detail", whistle_id=whistle.pk)
        failed_call = request.POST.get("call_id", "")
        errors = [e for errs in page_forms[action].errors.values() for e in errs]
        messages.error(request, "；".join(errors) or _("未能提交，请按提示修改。"))
    actions = selectors.actions_of(whistle)
    calls = mark_calls(request.user, whistle.calls.all())
    for call in calls:
        call.action_rows = actions.get(call.pk, [])
    can_manage = selectors.can_manage(request.user, whistle)
    return render(request, "whistles/detail.html", {
        "whistle": whistle, "calls": calls, "can_manage": can_manage, "forms": page_forms, "failed": action,
        "failed_call": failed_call, "is_open": whistle.status == WhistleStatus.OPEN,
        "unreported": [c for c in calls if c.reported_at is None], "appeals": selectors.appeals_of(whistle),
        "enterprise_request": getattr(whistle, "enterprise_request", None)})


@login_required
def inbox(request):
    if not selectors.handler_department_id(request.user):
        raise PermissionDenied(_("部门收件箱只对职能部门的办理人开放。请联系管理员在账号上设置所属部门。"))
    page = paginate(request, selectors.department_inbox(request.user), 30)
    page.object_list = mark_calls(request.user, page.object_list)
    return render(request, "whistles/inbox.html", {"page": page, "department": request.user.department})


@login_required
def stats(request):
    _may_enter(request.user)
    period = request.GET.get("period", "") or stat_selectors.current_period()
    area = request.GET.get("area", "").strip()
    error = ""
    try:
        rows = stat_selectors.department_stats(request.user, period=period, area=area)
    except ValidationError as exc:
        error = "；".join(exc.messages)
        period, area = stat_selectors.current_period(), ""
        rows = stat_selectors.department_stats(request.user, period=period)
    chart = {"labels": [r.department for r in rows], "report_rate": [r.report_rate for r in rows],
             "on_time_rate": [r.on_time_rate for r in rows],
             "names": {"report_rate": _("报到率（%）"), "on_time_rate": _("按时报到率（%）")}}
    return render(request, "whistles/stats.html", {"rows": rows, "period": period, "area": area, "error": error,
                                                   "chart": chart, "chart_height": max(14, min(40, 3 * len(rows) + 6))})


urlpatterns = [
    path("whistles/", board, name="board"),
    path("whistles/new/", blow, name="blow"),
    path("whistles/inbox/", inbox, name="inbox"),
    path("whistles/stats/", stats, name="stats"),
    path("whistles/<int:whistle_id>/", detail, name="detail"),
]
