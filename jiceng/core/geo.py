"""GeoJSON checks and helpers (shapely 2). Geometries are stored as GeoJSON in WGS 84."""

from __future__ import annotations

from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.validation import explain_validity


def geometry_problem(geometry: dict) -> str | None:
    """A sentence saying what is wrong with a grid boundary, or None when it is usable."""
    if not isinstance(geometry, dict) or geometry.get("type") not in {"Polygon", "MultiPolygon"}:
        return _("边界应为 GeoJSON 的 Polygon 或 MultiPolygon")
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        return _("边界坐标无法解析：%(error)s") % {"error": exc}
    if geom.is_empty:
        return _("边界为空")
    if not geom.is_valid:
        return _("边界不是有效的多边形：%(reason)s") % {"reason": explain_validity(geom)}
    minx, miny, maxx, maxy = geom.bounds
    if not (73 <= minx and maxx <= 136 and 3 <= miny and maxy <= 54):
        return _("边界坐标不在中国境内（应为 WGS84 经纬度：经度在前，纬度在后）")
    return None


def representative_point(geometry: dict) -> tuple[float, float]:
    """(longitude, latitude) of a point inside the geometry, for labels and 'nearest' sorting."""
    point = shape(geometry).representative_point()
    return round(point.x, 6), round(point.y, 6)
