"""Routing a point to its grid, community, street and district (point in polygon, shapely ``STRtree``).

The trees of grid and community boundaries are built once per process and kept in memory; they are
rebuilt when the grid layer changes: a save of an area bumps a version in the cache (signal in
``apps.py``), and every ``APPEAL_ROUTING_RECHECK_SECONDS`` the layer's row count and last change are
compared too (bulk updates send no signal).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np
import shapely
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from shapely.geometry import shape

from jiceng.core.models import Area
from jiceng.core.models.territory import AreaLevel

VERSION_KEY = "jiceng:appeals:routing-version"


@dataclass(frozen=True)
class Place:
    """Where a point lies: ids of the areas at each level (None where unknown) and the finest path."""

    grid_id: int | None
    community_id: int | None
    street_id: int | None
    district_id: int | None
    path: str


class _Layer:
    """One level's polygons in an STRtree, with the ``Place`` of each polygon."""

    def __init__(self, places: list[Place], geometries: list):
        self.places = places
        self.tree = shapely.STRtree(geometries) if geometries else None

    def locate(self, points) -> list[Place | None]:
        if self.tree is None or not len(points):
            return [None] * len(points)
        inputs, hits = self.tree.query(points, predicate="within")
        first = np.full(len(points), len(self.places))
        np.minimum.at(first, inputs, hits)  # a point on two overlapping polygons: the first one wins
        return [self.places[i] if i < len(self.places) else None for i in first.tolist()]


class RoutingIndex:
    """The grid and community layers of the whole territory."""

    def __init__(self):
        rows = list(Area.objects.filter(level__in=[AreaLevel.GRID, AreaLevel.COMMUNITY, AreaLevel.STREET,
                                                   AreaLevel.DISTRICT])
                    .values_list("pk", "code", "parent_id", "level", "path", "geometry"))
        by_code = {code: (pk, parent, level, path) for pk, code, parent, level, path, _g in rows}

        def up(code, level):
            """Id of the ancestor of ``code`` at ``level`` (walking the parent codes)."""
            while code in by_code:
                pk, parent, lvl, _p = by_code[code]
                if lvl == level:
                    return pk
                code = parent
            return None

        grids, grid_geoms, communities, community_geoms = [], [], [], []
        for pk, code, _parent, level, path, geometry in rows:
            if not geometry or level not in (AreaLevel.GRID, AreaLevel.COMMUNITY):
                continue
            place = Place(pk if level == AreaLevel.GRID else None, up(code, AreaLevel.COMMUNITY),
                          up(code, AreaLevel.STREET), up(code, AreaLevel.DISTRICT), path)
            (grids if level == AreaLevel.GRID else communities).append(place)
            (grid_geoms if level == AreaLevel.GRID else community_geoms).append(shape(geometry))
        self.grids = _Layer(grids, grid_geoms)
        self.communities = _Layer(communities, community_geoms)
        self.has_boundaries = bool(grids or communities)

    def locate(self, points: list[tuple[float, float]]) -> list[Place | None]:
        """The place of each ``(longitude, latitude)``: its grid, else its community, else None."""
        if not points:
            return []
        geoms = shapely.points(np.asarray(points, dtype=float))
        found = self.grids.locate(geoms)
        missing = [i for i, p in enumerate(found) if p is None]
        if missing:
            for i, place in zip(missing, self.communities.locate(geoms[missing]), strict=True):
                found[i] = place
        return found


_lock = threading.Lock()
_state: dict = {"index": None, "version": None, "stamp": None, "checked": 0.0}


def _layer_stamp():
    return tuple(Area.objects.filter(level__in=[AreaLevel.GRID, AreaLevel.COMMUNITY])
                 .aggregate(n=Count("pk"), last=Max("updated_at")).values())


def routing_index() -> RoutingIndex:
    """The in-memory index, rebuilt when the boundary layer changed."""
    version = cache.get(VERSION_KEY)
    now = time.monotonic()
    with _lock:
        stale = _state["index"] is None or version != _state["version"]
        if not stale and now - _state["checked"] > settings.APPEAL_ROUTING_RECHECK_SECONDS:
            _state["checked"] = now
            stale = _layer_stamp() != _state["stamp"]
        if stale:
            _state.update(index=RoutingIndex(), version=version, stamp=_layer_stamp(), checked=now)
        return _state["index"]


def boundaries_changed(**_kwargs) -> None:
    """Signal receiver: a grid or community changed; every process rebuilds its index on next use."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, None)
    _state["index"] = None


def locate(longitude: float, latitude: float) -> Place | None:
    return routing_index().locate([(longitude, latitude)])[0]
