"""Reads of the three rates (issue 6; definitions in ``appeals.rules_rates``).

Period: a calendar month of ``received_at`` in the site's time zone (Asia/Shanghai) — an appeal belongs to
the month it was received in, for ever, so a month's figures only move while its appeals are still being
worked on, and a late answer lowers the month it was owed to. What depends on the clock (open appeals
past their deadlines) is judged at ``now`` (the time of reading) for every month: leaving old work open
never improves an old month either.

Two paths give the same counts (the tests prove it over random data for every unit and period):

- ``counts(..., source="rollup")``: sums of ``AppealRollup`` (refreshed per month by
  ``services.rates.rollup_refresh``; a month missing or marked dirty is re-summed on read) plus the live
  part over the *open* appeals of the month;
- ``counts(..., source="raw")``: the same aggregation straight over ``Appeal``.

Units: ``district``, ``street``, ``community`` (the place fields of the appeal) and ``department`` (the
lead department, ``Appeal.lead_department``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Case, CharField, Count, Q, Sum, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.appeals import rules_rates as rr
from jiceng.appeals.models import Appeal, AppealRollup, RollupPeriod
from jiceng.core import scope
from jiceng.core.models import Area, Department
from jiceng.core.periods import add_months

PERM = "appeals.view_appeal_stats"
UNITS = ("district", "street", "community", "department")
APPEAL_FIELD = {"district": "district_id", "street": "street_id", "community": "community_id",
                "department": "lead_department_id"}
ROLLUP_FIELD = {"district": "district_id", "street": "street_id", "community": "community_id",
                "department": "department_id"}
STABLE = ("received", "responded", "responded_on_time", "finished_unresponded", "solved_rated", "solved",
          "satisfied_rated", "satisfied", "basic", "finished", "finished_on_time")


def parameters() -> rr.Parameters:
    return rr.parameters_from(settings)


# --- periods -----------------------------------------------------------------------------------------

def parse_period(value: str | None, *, field: str = "period") -> str:
    """``YYYY-MM`` checked, or ValidationError({field: ...}); empty → the current month."""
    if not value:
        return current_period()
    try:
        if len(value) != 7 or value[4] != "-":
            raise ValueError(value)
        day = date(int(value[:4]), int(value[5:]), 1)
    except (TypeError, ValueError) as exc:
        raise ValidationError({field: [_("月份格式应为 YYYY-MM，例如 2026-10")]}) from exc
    if day.year < 2000 or day > timezone.localdate():
        raise ValidationError({field: [_("月份超出范围：只能查询 2000 年以来、不晚于本月的月份")]})
    return value


def current_period(today: date | None = None) -> str:
    return (today or timezone.localdate()).strftime("%Y-%m")


def period_start(period: str) -> date:
    return date(int(period[:4]), int(period[5:]), 1)


def shift(period: str, months: int) -> str:
    return add_months(period_start(period), months).strftime("%Y-%m")


def bounds(period: str) -> tuple[datetime, datetime]:
    """[start, end) of the month as aware datetimes in the site's time zone."""
    start = period_start(period)
    tz = timezone.get_current_timezone()
    return (datetime.combine(start, datetime.min.time(), tz),
            datetime.combine(add_months(start, 1), datetime.min.time(), tz))


def last_periods(period: str, n: int = 12) -> list[str]:
    return [shift(period, -k) for k in range(n - 1, -1, -1)]


# --- the two aggregations ------------------------------------------------------------------------------

def stable_aggregates() -> dict:
    """The counts that do not depend on the clock (what the rollup stores), over non-merged appeals."""
    finished = Q(status__in=rr.FINISHED)
    return {
        "received": Count("pk"),
        "responded": Count("pk", filter=Q(responded_at__isnull=False)),
        "responded_on_time": Count("pk", filter=Q(responded_at__isnull=False, responded_on_time=True)),
        "finished_unresponded": Count("pk", filter=finished & Q(responded_at__isnull=True)),
        "solved_rated": Count("pk", filter=~Q(cb_solved="")),
        "solved": Count("pk", filter=Q(cb_solved="solved")),
        "satisfied_rated": Count("pk", filter=~Q(cb_satisfied="")),
        "satisfied": Count("pk", filter=Q(cb_satisfied="satisfied")),
        "basic": Count("pk", filter=Q(cb_satisfied="basic")),
        "finished": Count("pk", filter=finished),
        "finished_on_time": Count("pk", filter=finished & Q(completed_on_time=True)),
    }


def live_aggregates(now: datetime) -> tuple[Q, dict]:
    """The clock-dependent counts, over the open appeals only (few, and indexed by status)."""
    unresponded_due = Q(responded_at__isnull=True, response_due_at__lte=now)
    overdue = Q(complete_due_at__lt=now)
    return (Q(status__in=rr.OPEN) & (unresponded_due | overdue),
            {"unresponded_due": Count("pk", filter=unresponded_due), "open_overdue": Count("pk", filter=overdue)})


def _period_case(periods: list[str]) -> Case:
    whens = []
    for p in periods:
        lo, hi = bounds(p)
        whens.append(When(received_at__gte=lo, received_at__lt=hi, then=Value(p)))
    return Case(*whens, output_field=CharField())


def _month_filter(periods: list[str]) -> Q:
    q = Q(pk__in=[])
    for p in periods:  # contiguous months collapse to one range
        lo, hi = bounds(p)
        q |= Q(received_at__gte=lo, received_at__lt=hi)
    return q


def _key(row: dict, group: str | None, by_period: bool):
    unit = row.get("unit") if group else None
    return (row["p"], unit) if by_period else unit


def _appeal_where(where: dict) -> Q:
    q = Q()
    for unit, value in where.items():
        field = APPEAL_FIELD[unit]
        q &= Q(**{f"{field}__in": value}) if isinstance(value, (list, tuple, set)) else Q(**{field: value})
    return q


def _rollup_where(where: dict) -> Q:
    q = Q()
    for unit, value in where.items():
        field = ROLLUP_FIELD[unit]
        q &= Q(**{f"{field}__in": value}) if isinstance(value, (list, tuple, set)) else Q(**{field: value})
    return q


def _finish(stable: dict, live: dict) -> dict:
    out = {}
    for key in set(stable) | set(live):
        s, lv = stable.get(key, {}), live.get(key, {})
        out[key] = rr.Counts(
            received=s.get("received", 0),
            due_response=s.get("responded", 0) + s.get("finished_unresponded", 0) + lv.get("unresponded_due", 0),
            responded_on_time=s.get("responded_on_time", 0),
            solved_rated=s.get("solved_rated", 0), solved=s.get("solved", 0),
            satisfied_rated=s.get("satisfied_rated", 0), satisfied=s.get("satisfied", 0), basic=s.get("basic", 0),
            finished=s.get("finished", 0), finished_on_time=s.get("finished_on_time", 0),
            open_overdue=lv.get("open_overdue", 0))
    return out


def counts(periods: str | list[str], *, group: str | None = None, where: dict | None = None,
           now: datetime | None = None, source: str = "rollup", ensure: bool = True) -> dict:
    """Counts per unit (``group`` in UNITS, or None for one total) of the appeals received in ``periods``
    matching ``where`` ({unit: id or ids}); keys are unit ids (None: not known), or (period, unit id)
    when several periods are asked. Unscoped: callers check scope first."""
    by_period = isinstance(periods, list)
    periods = periods if by_period else [periods]
    now = now or timezone.now()
    where = where or {}
    appeals = Appeal.objects.filter(_month_filter(periods), _appeal_where(where)).exclude(status=rr.MERGED)
    names = (["p"] if by_period else []) + (["unit"] if group else [])
    annotate_appeal = {}
    if by_period:
        annotate_appeal["p"] = _period_case(periods)
    if group:
        annotate_appeal["unit"] = _field_ref(APPEAL_FIELD[group])

    stable: dict = {}
    if source == "raw":
        qs = appeals.annotate(**annotate_appeal).values(*names) if names else appeals
        rows = qs.annotate(**stable_aggregates()) if names else [appeals.aggregate(**stable_aggregates())]
        for row in rows:
            stable[_key(row, group, by_period)] = row
    else:
        if ensure:
            rollup_ensure(periods)
        rollups = AppealRollup.objects.filter(period__in=periods).filter(_rollup_where(where))
        annotate_rollup = {}
        if by_period:
            annotate_rollup["p"] = _field_ref("period")
        if group:
            annotate_rollup["unit"] = _field_ref(ROLLUP_FIELD[group])
        sums = {name: Sum(name) for name in STABLE}
        qs = rollups.annotate(**annotate_rollup).values(*names) if names else rollups
        rows = qs.annotate(**sums) if names else [rollups.aggregate(**sums)]
        for row in rows:
            if row.get("received") is None:
                continue
            stable[_key(row, group, by_period)] = row

    condition, live_aggs = live_aggregates(now)
    live_qs = appeals.filter(condition)
    live: dict = {}
    qs = live_qs.annotate(**annotate_appeal).values(*names) if names else live_qs
    rows = qs.annotate(**live_aggs) if names else [live_qs.aggregate(**live_aggs)]
    for row in rows:
        live[_key(row, group, by_period)] = row
    result = _finish(stable, live)
    if not group and not by_period:
        return {None: result.get(None, rr.Counts())}
    return result


def _field_ref(name: str):
    from django.db.models import F

    return F(name)


def rollup_ensure(periods: list[str]) -> None:
    """Re-sum the months that were never summed, or that changed since (after ``APPEAL_ROLLUP_STALE_SECONDS``,
    so a busy current month is not re-summed on every read)."""
    from jiceng.appeals.services.rates import rollup_refresh

    state = {r.period: r for r in RollupPeriod.objects.filter(period__in=periods)}
    stale_before = timezone.now() - timedelta(seconds=settings.APPEAL_ROLLUP_STALE_SECONDS)
    for p in periods:
        row = state.get(p)
        if row is None or (row.dirty and row.refreshed_at <= stale_before):
            rollup_refresh(p)


# --- scope ---------------------------------------------------------------------------------------------

@dataclass
class Viewpoint:
    """Where the actor looks from: the area asked for (in scope), and a department when the actor is a
    department handler (then every figure counts only that department's lead appeals)."""

    area: Area | None
    department: Department | None

    @property
    def where(self) -> dict:
        return {"department": self.department.pk} if self.department else {}


def area_for(actor, code: str | None) -> Area:
    """The area the actor asked for, if the stats permission reaches it; else 404 (out of scope reads
    as missing). No code: the actor's own top area."""
    reach = scope.reach(actor, PERM)
    if reach.nowhere:
        raise Http404
    if not code:
        if reach.everything:
            area = Area.objects.filter(level="district").order_by("path").first()
        else:
            area = Area.objects.filter(path__in=reach.areas).order_by("depth", "path").first()
        if area is None:
            raise Http404
        return area
    area = Area.objects.filter(code=code).first()
    if area is None or area.level not in ("district", "street", "community") \
            or not reach.covers(area_path=area.path):
        raise Http404
    return area


def viewpoint(actor, code: str | None) -> Viewpoint:
    area = area_for(actor, code)
    department = getattr(actor, "department", None) if getattr(actor, "department_id", None) else None
    return Viewpoint(area, department)


def children_of(area: Area) -> tuple[str | None, list[Area]]:
    """The unit level below ``area`` and its areas: a district's streets, a street's communities."""
    level = {"district": "street", "street": "community"}.get(area.level)
    if level is None:
        return None, []
    return level, list(Area.objects.filter(parent=area, level=level).order_by("code"))


def departments_of(district: Area, only: Department | None = None) -> list[Department]:
    """The departments ranked within a district: those placed at the district or below."""
    if only is not None:
        return [only]
    return list(Department.objects.filter(area__path__startswith=district.path).order_by("name"))


# --- what pages and the API show -------------------------------------------------------------------------

def unit_row(counts_: rr.Counts, params: rr.Parameters, **ident) -> dict:
    r = rr.rates(counts_, params)
    return {**ident, "counts": counts_.as_dict(), "rates": r.as_dict(), "_rates": r}


def area_stats(actor, code: str | None, period: str | None, *, now: datetime | None = None) -> dict:
    """The rates and counts of an area and its children (and, for a district, its departments) in a month,
    with the definitions and weights in force."""
    vp = viewpoint(actor, code)
    period = parse_period(period)
    params = parameters()
    now = now or timezone.now()
    area = vp.area
    own = {area.level: area.pk}
    rollup_ensure([period])
    total = counts(period, where={**own, **vp.where}, now=now, ensure=False)[None]
    level, kids = children_of(area)
    per_child = counts(period, group=level, where={**own, **vp.where}, now=now, ensure=False) if level else {}
    children = [unit_row(per_child.get(a.pk, rr.Counts()), params, code=a.code, name=a.name, level=a.level)
                for a in kids]
    departments = []
    if area.level == "district":
        depts = departments_of(area, vp.department)
        per_dept = counts(period, group="department", where={"department": [d.pk for d in depts]}, now=now,
                          ensure=False) if depts else {}
        departments = [unit_row(per_dept.get(d.pk, rr.Counts()), params, id=d.pk, name=d.name, kind=d.kind)
                       for d in depts]
    return {
        "area": {"code": area.code, "name": area.name, "level": area.level},
        "department": {"id": vp.department.pk, "name": vp.department.name} if vp.department else None,
        "period": period, "as_of": now,
        "total": unit_row(total, params, code=area.code, name=area.name, level=area.level),
        "children": children, "departments": departments,
        "parameters": params.as_dict(), "definitions": rr.definitions(params),
    }


def trend(actor, vp: Viewpoint, period: str, months: int = 12, *, now: datetime | None = None) -> list[dict]:
    """The area's rates in each of the last ``months`` months (for the line chart)."""
    periods = last_periods(period, months)
    params = parameters()
    per = counts(periods, where={vp.area.level: vp.area.pk, **vp.where}, now=now)
    return [{"period": p, **rr.rates(per.get((p, None), rr.Counts()), params).as_dict()} for p in periods]


def category_share(vp: Viewpoint, period: str, limit: int = 8) -> list[dict]:
    """Appeals of the month by category (top ``limit``, the rest as 其他)."""
    lo, hi = bounds(period)
    qs = (Appeal.objects.filter(received_at__gte=lo, received_at__lt=hi, **{APPEAL_FIELD[vp.area.level]: vp.area.pk})
          .exclude(status=rr.MERGED))
    if vp.department:
        qs = qs.filter(lead_department=vp.department)
    rows = list(qs.values("category__name").annotate(n=Count("pk")).order_by("-n", "category__name"))
    out = [{"label": r["category__name"] or _("未分类"), "count": r["n"]} for r in rows[:limit]]
    rest = sum(r["n"] for r in rows[limit:])
    if rest:
        out.append({"label": _("其他"), "count": rest})
    return out


def community_map(vp: Viewpoint, period: str, *, now: datetime | None = None) -> dict:
    """A GeoJSON FeatureCollection of the area's communities (``Area.geometry``) with their scores."""
    params = parameters()
    if vp.area.level == "community":
        communities = [vp.area]
    else:
        communities = list(Area.objects.filter(path__startswith=vp.area.path, level="community")
                           .exclude(geometry__isnull=True).order_by("code"))
    per = counts(period, group="community", where={vp.area.level: vp.area.pk, **vp.where}, now=now)
    features = []
    for c in communities:
        if not c.geometry:
            continue
        r = rr.rates(per.get(c.pk, rr.Counts()), params).as_dict()
        geometry = c.geometry.get("geometry", c.geometry) if isinstance(c.geometry, dict) else c.geometry
        features.append({"type": "Feature", "geometry": geometry,
                         "properties": {"name": c.name, "code": c.code, "score": r["score"]}})
    return {"type": "FeatureCollection", "features": features}
