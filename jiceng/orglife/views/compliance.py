"""Pages of the compliance engine: 本月计划与缺项, a branch's calendar, a street's heat table
(branch × month, by kind), the rates of the streets of a district."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from jiceng.core import scope
from jiceng.core.models import Org
from jiceng.orglife.rules import compliance as rules
from jiceng.orglife.selectors import compliance as selectors

VIEW = selectors.VIEW
TODO_LIMIT_BRANCHES = 200
TODO_ROWS = 200  # per group; the heat table shows the rest


def meeting_new_url(actor) -> str | None:
    """登记会议 (the meetings pages), offered to those who may plan meetings."""
    return reverse("orglife:meeting_new") if scope.holds(actor, "orglife.add_meeting") else None


def year_of(request) -> int:
    text = request.GET.get("year", "")
    if len(text) == 4 and text.isascii() and text.isdigit() and 2000 <= int(text) <= 2100:
        return int(text)
    return selectors.today().year


def _require_view(request) -> None:
    if not scope.holds(request.user, VIEW):
        raise PermissionDenied(_("您没有查看组织生活的权限。"))


def top_orgs(actor) -> list[Org]:
    """The outermost organizations (not 党小组) the actor sees with the meetings permission."""
    rows = list(scope.visible(actor, VIEW, Org.objects.filter(is_active=True).exclude(kind="group"))
                .order_by("path")[:2000])
    tops: list[Org] = []
    for org in rows:
        if not tops or not org.path.startswith(tops[-1].path):
            tops.append(org)
    return tops[:30]


def org_link(org: Org, year: int | None = None) -> str:
    """Where an organization's compliance lives: the calendar of a branch, the heat table of a street or
    community, the rates of its children above that."""
    name = {"branch": "orglife:compliance_branch", "working_committee": "orglife:compliance_heat",
            "general_branch": "orglife:compliance_heat"}.get(org.kind)
    if name is None:
        name = "orglife:compliance_heat" if org.depth >= 4 else "orglife:compliance_rates"
    url = reverse(name, kwargs={"org_id": org.pk})
    return f"{url}?year={year}" if year else url


@login_required
def todo(request):
    _require_view(request)
    items = selectors.todo_list(request.user, limit_branches=TODO_LIMIT_BRANCHES)
    groups = []
    if items is not None:
        titles = ((rules.DUE_SOON, _("即将到期")), (rules.OPEN, _("本期计划")), (rules.MISSING, _("本年缺项")))
        for state, title in titles:
            rows = [t for t in items if t.cell.state == state]
            groups.append({"state": state, "title": title, "rows": rows[:TODO_ROWS], "count": len(rows)})
    tops = [{"org": o, "url": org_link(o)} for o in top_orgs(request.user)]
    return render(request, "orglife/compliance/todo.html", {
        "groups": groups, "too_many": items is None, "limit": TODO_LIMIT_BRANCHES, "tops": tops,
        "day": selectors.today(), "meeting_new": meeting_new_url(request.user),
    })


@login_required
def branch_calendar(request, org_id):
    year = year_of(request)
    report = selectors.branch_report(request.user, org_id, year)
    rows = []
    for kind in report.kinds:
        cells = report.cells_of(kind.code)
        holders = sorted({c.group for c in cells}, key=lambda g: g or (0, "")) or [None]
        if not cells:
            rows.append({"kind": kind, "group": None, "spans": [], "na": True,
                         "months": [report.meetings_in(kind.id, m) for m in range(1, 13)]})
            continue
        for group in holders:
            spans = []
            for cell in (c for c in cells if c.group == group):
                meetings = [m for m in report.meetings if m.kind_id == kind.id and m.org_id == (
                    group[0] if group else report.org.pk) and cell.span.start <= _local_day(m) <= cell.span.end]
                spans.append({"cell": cell, "width": len(cell.span.months), "meetings": meetings})
            rows.append({"kind": kind, "group": group, "spans": spans, "na": False})
    return render(request, "orglife/compliance/branch.html", {
        "report": report, "org": report.org, "year": year, "rows": rows, "months": range(1, 13),
        "years": years_around(year), "book_url": reverse("orglife:record_book", kwargs={"org_id": report.org.pk}),
        "meeting_new": meeting_new_url(request.user),
        "up": report.org.parent if report.org.parent and scope.can(request.user, VIEW, report.org.parent) else None,
    })


def _local_day(meeting):
    from django.utils import timezone

    return timezone.localtime(meeting.starts_at).date()


def years_around(year: int) -> list[int]:
    this = selectors.today().year
    return sorted({this - 2, this - 1, this, year})


HEAT_SORTS = ("path", "rate")


def heat_cell(tally: selectors.Tally) -> dict:
    """A heat-table cell: a colour class, a short text (never colour alone) and a tooltip."""
    counted = tally.met + tally.missing
    if counted == 0:
        css, text = ("jc-heat-soon", "!") if tally.due_soon else ("", "…" if tally.open else "")
    elif tally.missing == 0:
        css, text = "jc-heat-all", f"✓{tally.met}"
    elif tally.met == 0:
        css, text = "jc-heat-none", f"✗{tally.missing}"
    else:
        css, text = ("jc-heat-most" if tally.met >= tally.missing else "jc-heat-some"), f"{tally.met}/{counted}"
    title = _("达标%(met)d，缺项%(missing)d，即将到期%(soon)d，进行中%(open)d") % {
        "met": tally.met, "missing": tally.missing, "soon": tally.due_soon, "open": tally.open}
    return {"css": css, "text": text, "title": title}


@login_required
def street_heat(request, org_id):
    year = year_of(request)
    kind = request.GET.get("kind", "")
    heat = selectors.street_heat(request.user, org_id, year, kind_code=kind)
    if heat.node.kind == "branch":
        return redirect(org_link(heat.node, year))
    rows = heat.rows
    sort = request.GET.get("sort") if request.GET.get("sort") in HEAT_SORTS else "path"
    if sort == "rate":
        rows = sorted(rows, key=lambda r: (r.total.rate if r.total.rate is not None else 2, r.branch.path))
    lines = [{"branch": r.branch, "total": r.total, "cells": [heat_cell(t) for t in r.months]} for r in rows]
    return render(request, "orglife/compliance/heat.html", {
        "heat": heat, "rows": lines, "year": year, "kind": heat.kind, "sort": sort, "months": range(1, 13),
        "years": years_around(year), "org": heat.node,
        "up": heat.node.parent if heat.node.parent and scope.can(request.user, VIEW, heat.node.parent) else None,
    })


@login_required
def district_rates(request, org_id):
    year = year_of(request)
    node, rates, total = selectors.district_rates(request.user, org_id, year)
    if node.kind == "branch":
        return redirect(org_link(node, year))
    rows = [{"rate": r, "url": org_link(r.org, year)} for r in rates]
    chart = {"title": _("各单位组织生活达标率（%）"), "unit": "%",
             "labels": [r.org.short_name or r.org.name for r in rates],
             "values": [r.tally.percent for r in rates]}
    return render(request, "orglife/compliance/rates.html", {
        "node": node, "rows": rows, "total": total, "year": year, "years": years_around(year), "chart": chart,
        "up": node.parent if node.parent and scope.can(request.user, VIEW, node.parent) else None,
    })


@login_required
def compliance_org(request, org_id):
    """``/orglife/compliance/<id>/``: the right page for that organization."""
    org = selectors.org_get(request.user, org_id)
    if not org.is_active:
        raise Http404
    return redirect(org_link(org, year_of(request)))


urlpatterns = [
    path("orglife/compliance/", todo, name="compliance"),
    path("orglife/compliance/<int:org_id>/", compliance_org, name="compliance_org"),
    path("orglife/compliance/branch/<int:org_id>/", branch_calendar, name="compliance_branch"),
    path("orglife/compliance/heat/<int:org_id>/", street_heat, name="compliance_heat"),
    path("orglife/compliance/rates/<int:org_id>/", district_rates, name="compliance_rates"),
]
