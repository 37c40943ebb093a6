"""Hot spots (每月一题 / 未诉先办, RULES §7: "one theme a month with 2–3 concrete problems taken from the
most frequent, recurring appeals; act on clusters before appeals").

- ``top_combinations``: category × place (a district's streets, a street's communities) by volume in the
  month, with last month's volume and the growth;
- ``recurring_addresses``: the same normalized address, or points within ``APPEAL_HOTSPOT_RECUR_METERS``
  (50 m) of each other, with ≥ ``APPEAL_HOTSPOT_RECUR_MIN`` (3) appeals within ``APPEAL_HOTSPOT_RECUR_DAYS``
  (90) days up to the end of the month.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db.models import Count

from jiceng.appeals import rules_rates as rr
from jiceng.appeals.models import Appeal, Category, HotSpotStatus, HotSpotTask
from jiceng.appeals.selectors import rates as sel
from jiceng.core import scope
from jiceng.core.models import Area

_PUNCT = re.compile(r"[\s\-—_,.，。、:：;；()（）\[\]【】#/\\]+")


def normalize_address(address: str) -> str:
    """Full-width to half-width (NFKC), lower case, spaces and punctuation dropped: "丰台区 马家堡东路 1号"
    and "丰台区马家堡东路１号" are the same place."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", address or "").lower())


def _base(vp: sel.Viewpoint):
    qs = Appeal.objects.filter(**{sel.APPEAL_FIELD[vp.area.level]: vp.area.pk}).exclude(status=rr.MERGED)
    if vp.department:
        qs = qs.filter(lead_department=vp.department)
    return qs


def top_combinations(vp: sel.Viewpoint, period: str, limit: int = 10) -> list[dict]:
    """Category × place of the month, most appeals first, with last month's count and the growth."""
    place = {"district": "street", "street": "community"}.get(vp.area.level, "community")
    field = sel.APPEAL_FIELD[place]

    def volume(p):
        lo, hi = sel.bounds(p)
        rows = (_base(vp).filter(received_at__gte=lo, received_at__lt=hi).exclude(category=None)
                .values("category_id", field).annotate(n=Count("pk")).order_by())
        return {(r["category_id"], r[field]): r["n"] for r in rows}

    now, before = volume(period), volume(sel.shift(period, -1))
    top = sorted(now.items(), key=lambda kv: (-kv[1], -(kv[1] - before.get(kv[0], 0)), kv[0][0], kv[0][1] or 0))
    top = top[:limit]
    categories = Category.objects.in_bulk({c for (c, _p), _n in top})
    places = Area.objects.in_bulk({p for (_c, p), _n in top if p})
    out = []
    for (cat_id, place_id), n in top:
        prev = before.get((cat_id, place_id), 0)
        area = places.get(place_id)
        street = area if area is None or area.level == "street" else None
        out.append({
            "category_id": cat_id, "category": categories[cat_id].name if cat_id in categories else "",
            "category_code": categories[cat_id].code if cat_id in categories else "",
            "place_code": area.code if area else "", "place": area.name if area else "",
            "place_level": place, "count": n, "previous": prev, "growth": n - prev,
            "growth_pct": float(rr.percent(rr.ratio(n - prev, prev))) if prev else None,
            "street_code": street.code if street else (vp.area.code if vp.area.level == "street" else ""),
        })
    return out


def _meters(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance of two (lat, lng) points in metres (equirectangular: fine at 50 m)."""
    lat = math.radians((a[0] + b[0]) / 2)
    dx = math.radians(b[1] - a[1]) * math.cos(lat)
    dy = math.radians(b[0] - a[0])
    return 6_371_000 * math.hypot(dx, dy)


def recurring_addresses(vp: sel.Viewpoint, period: str, limit: int = 20) -> list[dict]:
    """Places with repeated appeals within the look-back window ending with ``period``."""
    _lo, hi = sel.bounds(period)
    lo = hi - timedelta(days=settings.APPEAL_HOTSPOT_RECUR_DAYS)
    minimum, radius = settings.APPEAL_HOTSPOT_RECUR_MIN, settings.APPEAL_HOTSPOT_RECUR_METERS
    rows = list(_base(vp).filter(received_at__gte=lo, received_at__lt=hi)
                .values_list("pk", "ticket_no", "address", "latitude", "longitude", "category__name",
                             "street_id", "received_at").order_by("received_at"))
    found, used = [], set()
    by_address = defaultdict(list)
    for row in rows:
        key = normalize_address(row[2])
        if len(key) >= 4:
            by_address[key].append(row)
    for group in by_address.values():
        if len(group) >= minimum:
            found.append(_cluster("address", group))
            used.update(r[0] for r in group)
    cell = radius / 111_000  # degrees of latitude per cell; a cluster lies within the 3×3 cells around a point
    cells = defaultdict(list)
    points = [r for r in rows if r[3] is not None and r[4] is not None and r[0] not in used]
    for r in points:
        cells[(int(r[3] // cell), int(r[4] // cell))].append(r)
    for r in points:
        if r[0] in used:
            continue
        ci, cj = int(r[3] // cell), int(r[4] // cell)
        near = [o for di in (-1, 0, 1) for dj in (-2, -1, 0, 1, 2) for o in cells.get((ci + di, cj + dj), [])
                if o[0] not in used and _meters((r[3], r[4]), (o[3], o[4])) <= radius]
        if len(near) >= minimum:
            found.append(_cluster("point", near))
            used.update(o[0] for o in near)
    found.sort(key=lambda c: (-c["count"], c["last"]), reverse=False)
    return found[:limit]


def _cluster(kind: str, rows: list) -> dict:
    counts = defaultdict(int)
    for r in rows:
        counts[r[5] or ""] += 1
    lats = [r[3] for r in rows if r[3] is not None]
    lngs = [r[4] for r in rows if r[4] is not None]
    return {
        "kind": kind, "address": next((r[2] for r in rows if r[2]), ""), "count": len(rows),
        "categories": sorted(counts.items(), key=lambda kv: -kv[1]),
        "tickets": [r[1] for r in rows][:10], "street_id": rows[-1][6],
        "first": rows[0][7].isoformat(), "last": rows[-1][7].isoformat(),
        "lat": sum(lats) / len(lats) if lats else None, "lng": sum(lngs) / len(lngs) if lngs else None,
    }


def hotspot_tasks(actor, vp: sel.Viewpoint, *, status: str | None = None) -> list[HotSpotTask]:
    """The proactive tasks of the area's streets the actor may see."""
    qs = scope.visible(actor, sel.PERM, HotSpotTask.objects.select_related("street", "category", "created_by"))
    if vp.area.level == "community":
        qs = qs.filter(street__code=vp.area.parent_id)
    else:
        qs = qs.filter(street__path__startswith=vp.area.path)
    if status in HotSpotStatus.values:
        qs = qs.filter(status=status)
    return list(qs.order_by("status", "-created_at")[:100])


def hotspot_task_get(actor, task_id: int) -> HotSpotTask:
    return scope.get_or_404(actor, sel.PERM, HotSpotTask.objects.select_related("street", "category"), pk=task_id)
