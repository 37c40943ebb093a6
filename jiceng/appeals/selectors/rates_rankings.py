"""Monthly rankings (issue 6): the streets of a district and the departments placed in it, by the composite
score of the month, with ranks (1, 2, 2, 4 …) and classes (先进/进步/整改/治理类, ``rules_rates.classify``)
against last month (its published snapshot when there is one, else the live figures).

A published ranking is a frozen ``RankingSnapshot``: reading it never recomputes anything."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.appeals import rules_rates as rr
from jiceng.appeals.models import RankingKind, RankingSnapshot
from jiceng.appeals.selectors import rates as sel
from jiceng.core import scope
from jiceng.core.models import Area


def parse_kind(kind: str | None) -> str:
    kind = kind or RankingKind.STREETS
    if kind not in RankingKind.values:
        raise ValidationError({"kind": [_("排名类型应为 streets（街道）或 departments（部门）")]})
    return kind


def district_for(actor, code: str | None) -> Area:
    """A district the actor's stats permission reaches (404 otherwise, also for a street or community)."""
    area = sel.area_for(actor, code)
    if area.level != "district":
        raise Http404
    return area


def compute(kind: str, district: Area, period: str, *, now: datetime | None = None,
            params: rr.Parameters | None = None) -> list[dict]:
    """The ranking rows of ``period`` computed now (no scope: callers check it)."""
    params = params or sel.parameters()
    now = now or timezone.now()
    if kind == RankingKind.STREETS:
        units = [(a.pk, a.code, a.name) for a in Area.objects.filter(parent=district, level="street").order_by("code")]
        per = sel.counts(period, group="street", where={"district": district.pk}, now=now)
    else:
        depts = sel.departments_of(district)
        units = [(d.pk, str(d.pk), d.name) for d in depts]
        per = sel.counts(period, group="department", where={"department": [d.pk for d in depts]}, now=now) \
            if depts else {}
    rates = [rr.rates(per.get(pk, rr.Counts()), params) for pk, _c, _n in units]
    ranks = rr.competition_ranks([r.score for r in rates])
    previous = _previous(kind, district, sel.shift(period, -1), params, now)
    rows = []
    for (pk, code, name), r, rank in zip(units, rates, ranks, strict=True):
        prev = previous.get(pk, {})
        prev_score = Fraction(str(prev["score"])) if prev.get("score") is not None else None
        klass = rr.classify(r.score, rank, prev_score, prev.get("rank"), params)
        rows.append({"unit_id": pk, "code": code, "name": name, "rank": rank, "previous_rank": prev.get("rank"),
                     "previous_score": prev.get("score"), **r.as_dict(), "class": klass,
                     "class_label": str(rr.CLASS_LABELS[klass]), "counts": r.counts.as_dict()})
    rows.sort(key=lambda row: (row["rank"] is None, row["rank"] or 0, row["code"]))
    return rows


def _previous(kind, district, period, params, now) -> dict[int, dict]:
    """Last month's score and rank per unit: from its published snapshot, else computed live."""
    snap = RankingSnapshot.objects.filter(kind=kind, area=district, period=period).first()
    if snap is not None:
        return {row["unit_id"]: row for row in snap.rows}
    if kind == RankingKind.STREETS:
        units = list(Area.objects.filter(parent=district, level="street").values_list("pk", flat=True))
        per = sel.counts(period, group="street", where={"district": district.pk}, now=now)
    else:
        units = [d.pk for d in sel.departments_of(district)]
        per = sel.counts(period, group="department", where={"department": units}, now=now) if units else {}
    scores = [rr.rates(per.get(pk, rr.Counts()), params).score for pk in units]
    ranks = rr.competition_ranks(scores)
    return {pk: {"score": rr._out(rr.round_score(s)), "rank": rank}
            for pk, s, rank in zip(units, scores, ranks, strict=True)}


def ranking_view(actor, *, district: str | None, period: str | None, kind: str | None) -> dict:
    """The published snapshot of the month, or a live preview flagged ``published: False``. A department
    handler sees the departments ranking, and only their own row."""
    kind = parse_kind(kind)
    area = district_for(actor, district)
    period = sel.parse_period(period)
    department_id = getattr(actor, "department_id", None)
    if department_id and kind != RankingKind.DEPARTMENTS:
        raise Http404
    snap = RankingSnapshot.objects.filter(kind=kind, area=area, period=period).select_related("published_by").first()
    if snap is not None:
        rows, params, published = snap.rows, snap.parameters, True
    else:
        rows, params, published = compute(kind, area, period), sel.parameters().as_dict(), False
    if department_id:
        rows = [r for r in rows if r["unit_id"] == department_id]
    return {
        "kind": kind, "district": {"code": area.code, "name": area.name}, "period": period,
        "published": published,
        "published_at": snap.published_at if snap else None,
        "published_by": (snap.published_by.display_name or snap.published_by.username)
        if snap and snap.published_by else "",
        "rows": rows, "parameters": params,
    }


def snapshots(actor, district: Area, limit: int = 24) -> list[RankingSnapshot]:
    """Published rankings of a district the actor may see (newest first)."""
    if not scope.reach(actor, sel.PERM).covers(area_path=district.path):
        return []
    qs = RankingSnapshot.objects.filter(area=district).select_related("published_by").order_by("-period", "kind")
    if getattr(actor, "department_id", None):
        qs = qs.filter(kind=RankingKind.DEPARTMENTS)
    return list(qs[:limit])
