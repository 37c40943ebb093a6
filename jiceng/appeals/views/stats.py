"""Pages of the three rates (三率考核), rankings and hot spots (热点与未诉先办). Thin: selectors compute,
services write; charts are drawn by ECharts and the map by Leaflet from ``json_script`` data."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.appeals import rules_rates as rr
from jiceng.appeals.models import Category, RankingKind
from jiceng.appeals.selectors import hotspots as hotspot_sel
from jiceng.appeals.selectors import rates as sel
from jiceng.appeals.selectors import rates_rankings as ranking_sel
from jiceng.appeals.services import hotspots as hotspot_services
from jiceng.appeals.services import rankings as ranking_services
from jiceng.core import scope
from jiceng.core.models import Area


def _gate(request) -> None:
    if not scope.holds(request.user, sel.PERM):
        raise PermissionDenied(_("您没有查看三率与排名的权限。"))


def _period(request) -> tuple[str, str]:
    """The month asked for (default: last month, the latest finished one) and an error to show."""
    raw = request.GET.get("period", "")
    try:
        return (sel.parse_period(raw) if raw else sel.shift(sel.current_period(), -1)), ""
    except ValidationError as exc:
        return sel.shift(sel.current_period(), -1), "；".join(exc.messages)


def _fmt(value) -> str:
    return "—" if value is None else f"{value:g}"


def _table(rows: list[dict]) -> list[dict]:
    """Rows with their numbers ready to show ("—" for an empty denominator)."""
    out = []
    for row in rows:
        r, c = row["rates"], row["counts"]
        out.append({**row, "shown": {k: _fmt(r[k]) for k in (*rr.RATE_KEYS, "score")},
                    "due": {"response": (c["responded_on_time"], c["due_response"]),
                            "solution": (c["solved"], c["solved_rated"]),
                            "satisfaction": (c["satisfied"], c["basic"], c["satisfied_rated"]),
                            "on_time": (c["finished_on_time"], c["finished"] + c["open_overdue"])}})
    return out


@login_required
def rates_page(request):
    _gate(request)
    period, error = _period(request)
    data = sel.area_stats(request.user, request.GET.get("area") or None, period)
    vp = sel.viewpoint(request.user, data["area"]["code"])
    children = _table(data["children"])
    departments = _table(data["departments"])
    charts = {
        "trend": sel.trend(request.user, vp, period),
        "bars": sorted(({"label": r["name"], "score": r["rates"]["score"]} for r in data["children"] + departments
                        if r["rates"]["score"] is not None), key=lambda r: -r["score"]),
        "share": sel.category_share(vp, period),
        "map": sel.community_map(vp, period),
        "labels": {"response": _("响应率"), "solution": _("解决率"), "satisfaction": _("满意率"),
                   "on_time": _("按时办结率"), "score": _("综合得分"), "none": _("无数据")},
    }
    return render(request, "appeals/stats/rates.html", {
        "data": data, "total": _table([data["total"]])[0], "children": children, "departments": departments,
        "charts": charts, "period": period, "error": error, "areas": _areas(request.user),
        "months": sel.last_periods(sel.current_period(), 13)[::-1]})


def _areas(actor) -> list[Area]:
    """The areas the actor may open the page for (their top areas and one level below)."""
    reach = scope.reach(actor, sel.PERM)
    qs = Area.objects.filter(level__in=("district", "street"))
    if not reach.everything:
        qs = scope.visible(actor, sel.PERM, qs)
    return list(qs.order_by("path")[:60])


@login_required
def rankings_page(request):
    _gate(request)
    period, error = _period(request)
    kind = request.GET.get("kind") or RankingKind.STREETS
    if getattr(request.user, "department_id", None):
        kind = RankingKind.DEPARTMENTS
    try:
        view = ranking_sel.ranking_view(request.user, district=request.GET.get("district") or None, period=period,
                                        kind=kind)
    except ValidationError as exc:
        view, error = ranking_sel.ranking_view(request.user, district=request.GET.get("district") or None,
                                               period=period, kind=RankingKind.STREETS), "；".join(exc.messages)
    district = ranking_sel.district_for(request.user, view["district"]["code"])
    can_publish = scope.can(request.user, ranking_services.PUBLISH, district) and not view["published"] \
        and period < sel.current_period()
    return render(request, "appeals/stats/rankings.html", {
        "view": view, "period": period, "error": error, "kind": view["kind"], "can_publish": can_publish,
        "snapshots": ranking_sel.snapshots(request.user, district), "kinds": RankingKind.choices,
        "months": sel.last_periods(sel.current_period(), 13)[::-1],
        "chart": [{"label": r["name"], "score": r["score"]} for r in view["rows"] if r["score"] is not None]})


@login_required
@require_POST
def rankings_publish(request):
    _gate(request)
    district = ranking_sel.district_for(request.user, request.POST.get("district") or None)
    kind, period = request.POST.get("kind", ""), request.POST.get("period", "")
    try:
        snap = ranking_services.ranking_publish(request.user, kind=kind, district=district, period=period)
        messages.success(request, _("已发布 %(period)s %(kind)s，发布后不再更改。") % {
            "period": snap.period, "kind": snap.get_kind_display()})
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(f"{reverse('appeals:rankings')}?district={district.code}&kind={kind}&period={period}")


@login_required
def hotspots_page(request):
    _gate(request)
    period, error = _period(request)
    if not request.GET.get("period"):
        period = sel.current_period()
    vp = sel.viewpoint(request.user, request.GET.get("area") or None)
    top = hotspot_sel.top_combinations(vp, period)
    recurring = hotspot_sel.recurring_addresses(vp, period)
    streets = {a.pk: a for a in Area.objects.filter(pk__in={c["street_id"] for c in recurring if c["street_id"]})}
    for c in recurring:
        street = streets.get(c["street_id"])
        c["street_code"], c["street_name"] = (street.code, street.name) if street else ("", "")
    return render(request, "appeals/stats/hotspots.html", {
        "area": vp.area, "period": period, "error": error, "top": top, "recurring": recurring,
        "tasks": hotspot_sel.hotspot_tasks(request.user, vp), "areas": _areas(request.user),
        "months": sel.last_periods(sel.current_period(), 13)[::-1],
        "can_create": scope.holds(request.user, hotspot_services.CREATE)})


@login_required
@require_POST
def hotspot_task_create(request):
    _gate(request)
    street = Area.objects.filter(code=request.POST.get("street", ""), level="street").first()
    back = f"{reverse('appeals:hotspots')}?area={request.POST.get('area', '')}&period={request.POST.get('period', '')}"
    if street is None:
        messages.error(request, _("请选择一个街道"))
        return redirect(back)
    category = Category.objects.filter(code=request.POST.get("category", "")).first()
    evidence = {k: request.POST[k] for k in ("kind", "place", "count", "growth", "address") if request.POST.get(k)}
    try:
        task = hotspot_services.hotspot_task_create(
            request.user, street=street, category=category, period=request.POST.get("period", ""),
            title=request.POST.get("title", ""), description=request.POST.get("description", ""), evidence=evidence)
        messages.success(request, _("已转为未诉先办任务：%(title)s") % {"title": task.title})
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(back)


@login_required
@require_POST
def hotspot_task_done(request, task_id: int):
    _gate(request)
    task = hotspot_sel.hotspot_task_get(request.user, task_id)
    try:
        hotspot_services.hotspot_task_done(request.user, task=task, outcome=request.POST.get("outcome", ""))
        messages.success(request, _("任务已完成"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(reverse("appeals:hotspots"))


urlpatterns = [
    path("rates/", rates_page, name="rates"),
    path("rankings/", rankings_page, name="rankings"),
    path("rankings/publish/", rankings_publish, name="rankings_publish"),
    path("hotspots/", hotspots_page, name="hotspots"),
    path("hotspots/tasks/", hotspot_task_create, name="hotspot_task_create"),
    path("hotspots/tasks/<int:task_id>/done/", hotspot_task_done, name="hotspot_task_done"),
]
