"""Import of grid boundaries (网格) from GeoJSON, replacing the generated demo grids."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from jiceng.core import audit, geo
from jiceng.core.models import Area
from jiceng.core.models.territory import AreaLevel
from jiceng.core.services import areas


class GridImportError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def _problems(data) -> list[str]:
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        return ["文件应为 GeoJSON FeatureCollection"]
    features = data.get("features")
    if not isinstance(features, list) or not features:
        return ["FeatureCollection 中没有要素"]
    problems = []
    codes = {(f.get("properties") or {}).get("community") for f in features if isinstance(f, dict)}
    known = dict(Area.objects.filter(code__in=[c for c in codes if isinstance(c, str)],
                                     level=AreaLevel.COMMUNITY).values_list("code", "name"))
    seen = set()
    for i, feature in enumerate(features, start=1):
        props = (feature.get("properties") or {}) if isinstance(feature, dict) else {}
        name, community = str(props.get("name") or "").strip(), props.get("community")
        where = f"第{i}个要素"
        if not name:
            problems.append(f"{where}：properties.name（网格名称）为空")
        if community not in known:
            problems.append(f"{where}：properties.community {community!r} 不是已导入的社区代码")
        if (community, name) in seen:
            problems.append(f"{where}：{community} 下的网格 {name} 重复出现")
        seen.add((community, name))
        problem = geo.geometry_problem(feature.get("geometry") if isinstance(feature, dict) else None)
        if problem:
            problems.append(f"{where}：{problem}")
    return problems


@transaction.atomic
def import_grids(actor, data: dict) -> dict:
    problems = _problems(data)
    if problems:
        raise GridImportError(problems)
    added = updated = 0
    for feature in data["features"]:
        props = feature["properties"]
        community = Area.objects.get(code=props["community"])
        name = str(props["name"]).strip()
        try:
            existing = community.children.filter(level=AreaLevel.GRID, name=name).first()
            if existing:
                areas.area_update(actor, area=existing, geometry=feature["geometry"])
                updated += 1
            else:
                areas.area_create_local(actor, parent=community, level=AreaLevel.GRID, name=name,
                                        geometry=feature["geometry"])
                added += 1
        except ValidationError as exc:
            raise GridImportError([f"{community.name} {name}：{'；'.join(exc.messages)}"]) from exc
    audit.record(actor, "grids.import", summary={"added": added, "updated": updated})
    return {"added": added, "updated": updated}
