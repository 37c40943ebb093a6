"""Statistics of a center's rooms and services, with ECharts and an .xlsx export."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from jiceng.centers.selectors import places as selectors
from jiceng.centers.selectors.stats import center_stats
from jiceng.centers.services.exports import stats_export
from jiceng.core.spreadsheets import xlsx_response


def _period(request) -> tuple[date | None, date | None]:
    def parse(name):
        try:
            return date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return None
    return parse("from"), parse("to")


def _rows(pairs) -> list[dict]:
    return [{"label": str(k), "count": v} for k, v in pairs]


@login_required
def stats(request, center_id: int):
    center = selectors.center_get(request.user, center_id)
    start, end = _period(request)
    error = ""
    try:
        data = center_stats(center, start, end)
    except ValidationError as exc:
        data, error = center_stats(center), "；".join(exc.messages)
    charts = {
        "rooms": [{"label": r.name, "count": r.reservations, "rate": r.utilization}
                  for r in data.rooms if r.open_hours],
        "purpose": _rows(data.by_purpose), "categories": _rows(data.top_categories),
        "departments": _rows(data.top_departments), "channels": _rows(data.by_channel),
        "labels": {"reservations": _("预约次数"), "rate": _("利用率（%）"), "count": _("项")},
    }
    return render(request, "centers/stats.html", {"center": center, "stats": data, "charts": charts, "error": error})


@login_required
def export(request, center_id: int):
    center = selectors.center_get(request.user, center_id)
    start, end = _period(request)
    try:
        content, data = stats_export(request.user, center=center, start=start, end=end)
    except ValidationError:
        content, data = stats_export(request.user, center=center)
    return xlsx_response(content, f"{center.name}统计_{data.start:%Y%m%d}-{data.end:%Y%m%d}.xlsx")


urlpatterns = [
    path("centers/manage/<int:center_id>/stats/", stats, name="stats"),
    path("centers/manage/<int:center_id>/stats.xlsx", export, name="stats_export"),
]
