"""Endpoints of the compliance engine (RULES §2): a branch's cells, a street's branches, the rates of
the organizations under a node, and the actor's 本月计划与缺项. Thin: the selectors do the work."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from jiceng.core import scope
from jiceng.core.api import ERRORS
from jiceng.orglife.selectors import compliance as selectors

router = Router(tags=["compliance"])


class YearQuery(Schema):
    org: int = Field(description="an organization id: a branch gives its cells, any other node its branches")
    year: int | None = Field(None, ge=2000, le=2100, description="default: this year")


class TallyOut(Schema):
    met: int
    missing: int
    due_soon: int
    open: int
    rate: float | None = Field(description="met ÷ (met + missing); periods still open do not count")


class CellOut(Schema):
    kind: str
    kind_name: str
    group: int | None = Field(description="the 党小组 for kinds counted per group")
    group_name: str | None
    period: str = Field(description="2026-03, 2026Q1 or 2026")
    start: date
    end: date
    held: int
    required: int | None = Field(description="0: exempt (set up in this period); null: the branch did not exist")
    state: str = Field(description="met | missing | due_soon | open | future | exempt | n/a")
    state_name: str


class BranchOut(Schema):
    id: int
    name: str
    full_members: int
    has_committee: bool
    groups: int
    summary: TallyOut
    months: list[TallyOut] | None = Field(None, description="per month (January first), the rules whose period "
                                                            "ends in that month; for a street")
    cells: list[CellOut] | None = Field(None, description="for a branch")


class ComplianceOut(Schema):
    org: int
    org_name: str
    year: int
    as_of: date
    summary: TallyOut
    branches: list[BranchOut]


class ChildOut(Schema):
    id: int
    name: str
    branches: int
    summary: TallyOut


class SummaryOut(Schema):
    org: int
    org_name: str
    year: int
    as_of: date
    summary: TallyOut
    children: list[ChildOut]


class TodoOut(Schema):
    branch: int
    branch_name: str
    cell: CellOut


def _tally(t: selectors.Tally) -> dict:
    return {"met": t.met, "missing": t.missing, "due_soon": t.due_soon, "open": t.open,
            "rate": None if t.rate is None else round(t.rate, 4)}


def _cell(c: selectors.Cell) -> dict:
    return {"kind": c.kind.code, "kind_name": c.kind.name, "group": c.group[0] if c.group else None,
            "group_name": c.group[1] if c.group else None, "period": c.span.key, "start": c.span.start,
            "end": c.span.end, "held": c.held, "required": c.required, "state": c.state, "state_name": c.label}


def _branch(b: selectors.Branch, tally, *, months=None, cells=None) -> dict:
    return {"id": b.id, "name": b.name, "full_members": b.full_members, "has_committee": b.has_committee,
            "groups": len(b.groups), "summary": _tally(tally), "months": months, "cells": cells}


def _require(request) -> None:
    if not scope.holds(request.user, selectors.VIEW):
        raise PermissionDenied(_("您没有查看组织生活的权限。"))


@router.get("/compliance", response={200: ComplianceOut, **ERRORS})
def compliance(request, q: Query[YearQuery]):
    """A branch: every (kind, period) cell of the year. Any other node: its branches with per-month tallies."""
    _require(request)
    year = q.year or selectors.today().year
    org = selectors.org_get(request.user, q.org)
    if org.kind == "branch":
        report = selectors.branch_report(request.user, org.pk, year)
        branches = [_branch(report.branch, report.tally, cells=[_cell(c) for c in report.cells])]
        total, day = report.tally, report.day
    else:
        heat = selectors.street_heat(request.user, org.pk, year)
        branches = [_branch(r.branch, r.total, months=[_tally(t) for t in r.months]) for r in heat.rows]
        total, day = heat.total, heat.day
    return {"org": org.pk, "org_name": org.name, "year": year, "as_of": day, "summary": _tally(total),
            "branches": branches}


@router.get("/compliance/summary", response={200: SummaryOut, **ERRORS})
def compliance_summary(request, q: Query[YearQuery]):
    """Per organization directly under ``org`` (the streets of a district, the communities of a street)."""
    _require(request)
    year = q.year or selectors.today().year
    node, rates, total = selectors.district_rates(request.user, q.org, year)
    return {"org": node.pk, "org_name": node.name, "year": year, "as_of": selectors.today(), "summary": _tally(total),
            "children": [{"id": r.org.pk, "name": r.org.name, "branches": r.branches, "summary": _tally(r.tally)}
                         for r in rates]}


@router.get("/compliance/todo", response={200: list[TodoOut], **ERRORS})
def compliance_todo(request):
    """本月计划与缺项 across the actor's branches: due soon, open, then this year's missed periods."""
    _require(request)
    items = selectors.todo_list(request.user, limit_branches=selectors.LIMIT_TILE_BRANCHES)
    if items is None:
        raise ValidationError({"org": [_("管辖的党支部过多，请按组织查询 /compliance?org=…")]})
    return [{"branch": t.branch.id, "branch_name": t.branch.name, "cell": _cell(t.cell)} for t in items]
