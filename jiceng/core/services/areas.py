"""Writes to the territory tree (属地): local nodes (grids, buildings, business districts, parks)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from jiceng.core import audit, geo, scope
from jiceng.core.models import Area
from jiceng.core.models.territory import OFFICIAL_LEVELS, AreaLevel
from jiceng.core.paths import join
from jiceng.core.pinyin import initials

# Official levels: the slice of the 12-digit code that is the node's own segment.
CODE_SLICES = {
    AreaLevel.PROVINCE: (0, 2),
    AreaLevel.CITY: (2, 4),
    AreaLevel.DISTRICT: (4, 6),
    AreaLevel.STREET: (6, 9),
    AreaLevel.COMMUNITY: (9, 12),
}
# Local levels: the letter of their code suffix, and the levels they may sit under.
LOCAL_LETTERS = {AreaLevel.GRID: "G", AreaLevel.BUILDING: "B", AreaLevel.BUSINESS_DISTRICT: "S", AreaLevel.PARK: "P"}
LOCAL_PARENTS = {
    AreaLevel.GRID: {AreaLevel.COMMUNITY, AreaLevel.STREET},
    AreaLevel.BUILDING: {AreaLevel.STREET, AreaLevel.COMMUNITY, AreaLevel.GRID, AreaLevel.BUSINESS_DISTRICT,
                         AreaLevel.PARK},
    AreaLevel.BUSINESS_DISTRICT: {AreaLevel.DISTRICT, AreaLevel.STREET},
    AreaLevel.PARK: {AreaLevel.DISTRICT, AreaLevel.STREET},
}


def official_path(code12: str, level: str) -> str:
    """``110106015000`` at street level → ``/11/01/06/015/``."""
    end = CODE_SLICES[level][1]
    segments = [code12[a:b] for lv, (a, b) in CODE_SLICES.items() if b <= end]
    return "/" + "/".join(segments) + "/"


NAME_MAX = Area._meta.get_field("name").max_length


def _name_problem(name: str) -> str | None:
    if not name.strip():
        return _("请填写名称")
    if len(name.strip()) > NAME_MAX:
        return _("名称不能超过 %(n)d 个字") % {"n": NAME_MAX}
    return None


def _next_local_code(parent: Area, letter: str) -> str:
    """The parent's code, the letter and one more than the highest number in use (never re-used)."""
    prefix = parent.code + letter
    numbers = [int(code[len(prefix):]) for code in
               Area.objects.filter(code__startswith=prefix).values_list("code", flat=True)
               if code[len(prefix):].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


@transaction.atomic
def area_create_local(actor, *, parent: Area, level: str, name: str, geometry: dict | None = None,
                      latitude: float | None = None, longitude: float | None = None) -> Area:
    """Add a grid or a place under ``parent``; its code is the parent's plus a letter and a number."""
    parent = Area.objects.select_for_update().get(pk=parent.pk)
    scope.require(actor, "core.add_area", parent)
    errors: dict[str, list[str]] = {}
    if level not in LOCAL_LETTERS:
        errors["level"] = [_("只能新增网格、楼宇、商圈或园区；行政区划请用 import_divisions 导入")]
    elif parent.level not in LOCAL_PARENTS[level]:
        errors["parent"] = [_("%(level)s不能设在%(parent)s之下") % {
            "level": AreaLevel(level).label, "parent": parent.get_level_display()}]
    name_problem = _name_problem(name)
    if name_problem:
        errors["name"] = [name_problem]
    if geometry is not None:
        problem = geo.geometry_problem(geometry)
        if problem:
            errors["geometry"] = [problem]
    if errors:
        raise ValidationError(errors)
    if parent.children.filter(level=level, name=name.strip()).exists():
        message = _("%(parent)s下已有同名的%(level)s") % {"parent": parent.name, "level": AreaLevel(level).label}
        raise ValidationError({"name": [message]})
    code = _next_local_code(parent, LOCAL_LETTERS[level])
    if latitude is None and geometry is not None:
        longitude, latitude = geo.representative_point(geometry)
    area = Area.objects.create(
        code=code, name=name.strip(), pinyin=initials(name.strip()), level=level, parent=parent,
        path=join(parent.path, code[len(parent.code):]), depth=parent.depth + 1, geometry=geometry,
        latitude=latitude, longitude=longitude,
    )
    audit.record(actor, "area.create", area, summary={"level": level, "parent": parent.code})
    return area


@transaction.atomic
def area_update(actor, *, area: Area, name: str | None = None, geometry: dict | None = None) -> Area:
    """Rename a local node or replace its boundary. Official names come from the division import."""
    area = Area.objects.select_for_update().get(pk=area.pk)
    scope.require(actor, "core.change_area", area)
    before = {"name": area.name, "geometry": bool(area.geometry)}
    if name is not None:
        if area.level in OFFICIAL_LEVELS:
            raise ValidationError({"name": [_("行政区划名称以国家统计局区划代码为准，请通过 import_divisions 更新")]})
        name_problem = _name_problem(name)
        if name_problem:
            raise ValidationError({"name": [name_problem]})
        area.name, area.pinyin = name.strip(), initials(name.strip())
    if geometry is not None:
        problem = geo.geometry_problem(geometry)
        if problem:
            raise ValidationError({"geometry": [problem]})
        area.geometry = geometry
        area.longitude, area.latitude = geo.representative_point(geometry)
    area.save()
    audit.record(actor, "area.update", area,
                 summary={"changes": audit.changes(before, {"name": area.name, "geometry": bool(area.geometry)})})
    return area


PINYIN_INLINE_LIMIT = 20_000
PINYIN_BATCH = 5_000


def area_pinyin_fill() -> int:
    """Fill the pinyin initials of areas that have none (after an import or a rename), in batches."""
    table = connection.ops.quote_name(Area._meta.db_table)
    sql = f"UPDATE {table} SET pinyin = %s WHERE id = %s"  # noqa: S608 - the table name is the model's
    last, done = 0, 0
    while True:
        rows = list(Area.objects.filter(pinyin="", id__gt=last).order_by("id").values_list("id", "name")
                    [:PINYIN_BATCH])
        if not rows:
            return done
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, [(initials(name), pk) for pk, name in rows])
        last, done = rows[-1][0], done + len(rows)


def area_pinyin_schedule() -> None:
    """Fill pinyin now when few rows lack it; otherwise hand the work to the task worker."""
    if Area.objects.filter(pinyin="").count() <= PINYIN_INLINE_LIMIT:
        area_pinyin_fill()
    else:
        from jiceng.core.tasks import fill_area_pinyin

        transaction.on_commit(fill_area_pinyin.enqueue)
