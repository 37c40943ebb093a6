"""REST endpoints of appeals: stats (mounted under /api/v1/ by ``appeals.api``): the three rates of an
area, rankings (published snapshot or live preview; publish), hot spots and proactive tasks. Word paths
only (``/appeals/stats`` …): the workflow router owns ``/appeals/{int:appeal_id}``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404
from ninja import Router, Schema, Status

from jiceng.appeals.models import Category, RankingKind
from jiceng.appeals.selectors import hotspots as hotspot_sel
from jiceng.appeals.selectors import rates as sel
from jiceng.appeals.selectors import rates_rankings as ranking_sel
from jiceng.appeals.services import hotspots as hotspot_services
from jiceng.appeals.services import rankings as ranking_services
from jiceng.core.api import ERRORS, ErrorOut
from jiceng.core.models import Area

router = Router(tags=["appeals"])


class StatsOut(Schema):
    area: dict[str, Any]
    department: dict[str, Any] | None
    period: str
    as_of: datetime
    total: dict[str, Any]
    children: list[dict[str, Any]]
    departments: list[dict[str, Any]]
    parameters: dict[str, Any]
    definitions: dict[str, str]


def _clean(row: dict) -> dict:
    return {k: v for k, v in row.items() if not k.startswith("_")}


@router.get("/appeals/stats", response={200: StatsOut, **ERRORS})
def stats(request, area: str = "", period: str = ""):
    """The three rates and their counts for an area (a district, street or community, by its 12-digit code)
    and its children in a month (``YYYY-MM``, default this month), with the definitions and weights.
    404 when the area is out of the caller's scope; 422 for a bad period."""
    data = sel.area_stats(request.user, area or None, period or None)
    data["total"] = _clean(data["total"])
    data["children"] = [_clean(r) for r in data["children"]]
    data["departments"] = [_clean(r) for r in data["departments"]]
    return data


class RankingOut(Schema):
    kind: str
    district: dict[str, Any]
    period: str
    published: bool
    published_at: datetime | None
    published_by: str
    rows: list[dict[str, Any]]
    parameters: dict[str, Any]


@router.get("/appeals/rankings", response={200: RankingOut, **ERRORS})
def rankings(request, district: str = "", period: str = "", kind: str = RankingKind.STREETS):
    """The month's ranking of a district's streets or departments: the published snapshot, or a live
    preview (``published: false``)."""
    return ranking_sel.ranking_view(request.user, district=district or None, period=period or None, kind=kind)


class PublishIn(Schema):
    district: str
    period: str
    kind: str = RankingKind.STREETS


@router.post("/appeals/rankings", response={201: RankingOut, 409: ErrorOut, **ERRORS})
def publish(request, payload: PublishIn):
    """Publish (freeze) a finished month's ranking; a month is published once (409 the second time)."""
    area = ranking_sel.district_for(request.user, payload.district)
    snap = ranking_services.ranking_publish(request.user, kind=payload.kind, district=area, period=payload.period)
    view = ranking_sel.ranking_view(request.user, district=area.code, period=snap.period, kind=snap.kind)
    return Status(201, view)


class HotspotsOut(Schema):
    area: dict[str, Any]
    period: str
    top: list[dict[str, Any]]
    recurring: list[dict[str, Any]]
    tasks: list[dict[str, Any]]


def _task(t) -> dict:
    return {"id": t.pk, "street": t.street.code, "street_name": t.street.name,
            "category": t.category.code if t.category else "", "period": t.period, "title": t.title,
            "description": t.description, "status": t.status, "evidence": t.evidence,
            "created_at": t.created_at.isoformat(), "done_at": t.done_at.isoformat() if t.done_at else None,
            "outcome": t.outcome}


@router.get("/appeals/hotspots", response={200: HotspotsOut, **ERRORS})
def hotspots(request, area: str = "", period: str = ""):
    """Hot spots of an area in a month: top category × place by volume and growth, recurring addresses,
    and the proactive tasks (未诉先办) of its streets."""
    vp = sel.viewpoint(request.user, area or None)
    period = sel.parse_period(period or None)
    return {"area": {"code": vp.area.code, "name": vp.area.name, "level": vp.area.level}, "period": period,
            "top": hotspot_sel.top_combinations(vp, period), "recurring": hotspot_sel.recurring_addresses(vp, period),
            "tasks": [_task(t) for t in hotspot_sel.hotspot_tasks(request.user, vp)]}


class TaskIn(Schema):
    street: str
    period: str
    title: str
    category: str = ""
    description: str = ""
    evidence: dict[str, Any] = {}


class TaskOut(Schema):
    id: int
    street: str
    street_name: str
    category: str
    period: str
    title: str
    description: str
    status: str
    evidence: dict[str, Any]
    created_at: str
    done_at: str | None
    outcome: str


@router.post("/appeals/hotspots/tasks", response={201: TaskOut, **ERRORS})
def task_create(request, payload: TaskIn):
    """Turn a hot spot into a proactive task for a street (转为未诉先办任务)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    street = Area.objects.filter(code=payload.street, level="street").first()
    if street is None:
        raise Http404
    category = None
    if payload.category:
        category = Category.objects.filter(code=payload.category).first()
        if category is None:
            raise ValidationError({"category": [_("没有这个类别")]})
    task = hotspot_services.hotspot_task_create(
        request.user, street=street, category=category, period=payload.period, title=payload.title,
        description=payload.description, evidence=payload.evidence)
    return Status(201, _task(task))


class DoneIn(Schema):
    outcome: str


@router.post("/appeals/hotspots/tasks/{int:task_id}/done", response={200: TaskOut, **ERRORS})
def task_done(request, task_id: int, payload: DoneIn):
    """Mark a proactive task done, with what was done."""
    task = hotspot_sel.hotspot_task_get(request.user, task_id)
    return _task(hotspot_services.hotspot_task_done(request.user, task=task, outcome=payload.outcome))
