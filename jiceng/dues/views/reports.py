"""Collection rates per branch (for a street 党工委, with drill-down) and the annual public statement
(党费收缴公示, printable) of an organization."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from jiceng.dues import selectors
from jiceng.dues.views.ledger import _require_view, year_of


@login_required
def rates(request, org_id=None):
    _require_view(request.user)
    committees = list(selectors.committees(request.user)[:200])
    wanted = request.GET.get("org", "")
    org_id = org_id or (int(wanted) if wanted.isdigit() else None)
    org = selectors.org_get(request.user, org_id) if org_id else (committees[0] if committees else None)
    year = year_of(request)
    rows = selectors.collection_rates(request.user, org, year) if org else []
    chart = {"title": f"{org.name if org else ''} {year}", "unit": "%",
             "rows": [{"label": r["branch__name"], "value": r["rate"] or 0, "id": r["branch_id"]} for r in rows]}
    return render(request, "dues/rates.html", {"org": org, "year": year, "rows": rows, "committees": committees,
                                               "chart": chart})


@login_required
def statement(request, org_id):
    org = selectors.org_get(request.user, org_id)
    year = year_of(request)
    rows = selectors.statement(request.user, org, year)
    totals = {k: sum((r[k] for r in rows), start=selectors.ZERO) for k in ("due", "collected", "centre", "remitted")}
    return render(request, "dues/statement.html", {"org": org, "year": year, "rows": rows, "totals": totals})


urlpatterns = [
    path("dues/rates/", rates, name="rates"),
    path("dues/rates/<int:org_id>/", rates, name="rates_org"),
    path("dues/statement/<int:org_id>/", statement, name="statement"),
]
