"""Grid boundaries from GeoJSON: services/grids.py and ``manage.py import_grids``."""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jiceng.core.models import Area, AuditEvent
from jiceng.core.services.grids import GridImportError, import_grids
from jiceng.core.tests.conftest import SYSTEM, square

JIAYUAN = "110106015001"   # 嘉园一里社区: already has 第1网格 (G001) and 第2网格 (G002)
JIAOMEN = "110106015002"   # 角门东里社区: no grids yet
BOWTIE = {"type": "Polygon", "coordinates": [[[116.40, 39.84], [116.41, 39.85], [116.41, 39.84],
                                              [116.40, 39.85], [116.40, 39.84]]]}


def feature(name, community, geometry) -> dict:
    return {"type": "Feature", "properties": {"name": name, "community": community}, "geometry": geometry}


def collection(*features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def grids() -> list[tuple]:
    return list(Area.objects.filter(level="grid").order_by("code")
                .values_list("code", "name", "parent_id", "path", "depth", "geometry"))


def snapshot() -> tuple:
    return list(Area.objects.order_by("code").values_list("code", "name", "geometry", "updated_at")), \
        AuditEvent.objects.count()


@pytest.mark.django_db
def test_import_adds_grids_under_a_community_with_local_codes(world):
    east, west = square(116.39, 39.85), square(116.40, 39.85)

    report = import_grids(SYSTEM, collection(feature("东片网格", JIAOMEN, east), feature("西片网格", JIAOMEN, west)))

    assert report == {"added": 2, "updated": 0}
    assert [g for g in grids() if g[2] == JIAOMEN] == [
        (f"{JIAOMEN}G001", "东片网格", JIAOMEN, "/11/01/06/015/002/G001/", 6, east),
        (f"{JIAOMEN}G002", "西片网格", JIAOMEN, "/11/01/06/015/002/G002/", 6, west),
    ]
    first = Area.objects.get(code=f"{JIAOMEN}G001")
    assert (first.pinyin, first.level) == ("dpwg", "grid")
    assert 116.39 < first.longitude < 116.40 and 39.85 < first.latitude < 39.86
    assert AuditEvent.objects.filter(action="grids.import").get().summary == {"added": 2, "updated": 0}


@pytest.mark.django_db
def test_a_new_grid_next_to_existing_ones_takes_the_next_number(world):
    import_grids(SYSTEM, collection(feature("第3网格", JIAYUAN, square(116.39, 39.84))))

    assert list(Area.objects.filter(parent_id=JIAYUAN).order_by("code").values_list("code", "name")) == [
        (f"{JIAYUAN}G001", "第1网格"), (f"{JIAYUAN}G002", "第2网格"), (f"{JIAYUAN}G003", "第3网格")]


@pytest.mark.django_db
def test_reimport_with_the_same_names_updates_geometry_without_duplicates(world):
    moved = square(116.50, 39.90, side=0.02)

    report = import_grids(SYSTEM, collection(feature("第1网格", JIAYUAN, moved)))

    assert report == {"added": 0, "updated": 1}
    assert Area.objects.filter(parent_id=JIAYUAN, level="grid").count() == 2
    grid = Area.objects.get(code=f"{JIAYUAN}G001")
    assert (grid.name, grid.geometry) == ("第1网格", moved)
    assert 116.50 < grid.longitude < 116.52 and 39.90 < grid.latitude < 39.92
    assert Area.objects.get(code=f"{JIAYUAN}G002").geometry == square(116.38, 39.84)


@pytest.mark.django_db
def test_importing_the_same_file_twice_is_idempotent(world):
    data = collection(feature("东片网格", JIAOMEN, square(116.39, 39.85)), feature("第2网格", JIAYUAN,
                                                                                  square(116.45, 39.85)))
    first = import_grids(SYSTEM, data)
    after_first = grids()

    second = import_grids(SYSTEM, data)

    assert (first, second) == ({"added": 1, "updated": 1}, {"added": 0, "updated": 2})
    assert [g[:5] for g in grids()] == [g[:5] for g in after_first]
    assert [g[5] for g in grids()] == [g[5] for g in after_first]
    assert Area.objects.filter(level="grid").count() == 3


@pytest.mark.django_db
def test_names_are_matched_after_trimming_spaces(world):
    report = import_grids(SYSTEM, collection(feature(" 第1网格 ", JIAYUAN, square(116.30, 39.80))))

    assert report == {"added": 0, "updated": 1}
    assert Area.objects.filter(parent_id=JIAYUAN, level="grid").count() == 2


@pytest.mark.django_db
def test_multipolygon_boundaries_are_accepted(world):
    multi = {"type": "MultiPolygon", "coordinates": [square(116.39, 39.85)["coordinates"],
                                                     square(116.42, 39.85)["coordinates"]]}

    import_grids(SYSTEM, collection(feature("两块网格", JIAOMEN, multi)))

    assert Area.objects.get(code=f"{JIAOMEN}G001").geometry == multi


# --- bad input: a clear message and nothing written ---------------------------------------------

GOOD = feature("东片网格", JIAOMEN, square(116.39, 39.85))  # would be added if anything were written


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"type": "Feature", "properties": {"name": "x", "community": JIAOMEN}, "geometry": square(116.39, 39.85)},
         "文件应为 GeoJSON FeatureCollection"),
        ([GOOD], "文件应为 GeoJSON FeatureCollection"),
        (collection(), "FeatureCollection 中没有要素"),
        (collection(GOOD, feature("北片网格", "110106015099", square(116.39, 39.86))),
         "第2个要素：properties.community '110106015099' 不是已导入的社区代码"),
        (collection(GOOD, feature("北片网格", "110106015000", square(116.39, 39.86))),
         "第2个要素：properties.community '110106015000' 不是已导入的社区代码"),  # a street, not a community
        (collection(GOOD, feature("北片网格", JIAOMEN, BOWTIE)), "第2个要素：边界不是有效的多边形：Self-intersection"),
        (collection(GOOD, feature("巴黎网格", JIAOMEN, square(2.35, 48.85))), "第2个要素：边界坐标不在中国境内"),
        (collection(GOOD, feature("颠倒网格", JIAOMEN, square(39.85, 116.39))), "第2个要素：边界坐标不在中国境内"),
        (collection(GOOD, feature("", JIAOMEN, square(116.39, 39.86))), "第2个要素：properties.name（网格名称）为空"),
        (collection(GOOD, feature("   ", JIAOMEN, square(116.39, 39.86))),
         "第2个要素：properties.name（网格名称）为空"),
        (collection(GOOD, feature("东片网格", JIAOMEN, square(116.40, 39.86))),
         f"第2个要素：{JIAOMEN} 下的网格 东片网格 重复出现"),
        (collection(GOOD, feature("点网格", JIAOMEN, {"type": "Point", "coordinates": [116.39, 39.86]})),
         "第2个要素：边界应为 GeoJSON 的 Polygon 或 MultiPolygon"),
        (collection(GOOD, feature("无边界网格", JIAOMEN, None)),
         "第2个要素：边界应为 GeoJSON 的 Polygon 或 MultiPolygon"),
    ],
    ids=["feature", "list", "no-features", "unknown-community", "street-code", "bow-tie", "outside-china",
         "lat-lng-swapped", "empty-name", "blank-name", "duplicate-name", "point", "no-geometry"],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_written(world, data, message):
    before = snapshot()

    with pytest.raises(GridImportError) as caught:
        import_grids(SYSTEM, data)

    assert any(problem.startswith(message) for problem in caught.value.problems), caught.value.problems
    assert snapshot() == before


@pytest.mark.django_db
def test_every_bad_feature_is_reported_at_once(world):
    data = collection(GOOD, feature("", "110106015099", BOWTIE), feature("巴黎网格", JIAOMEN, square(2.35, 48.85)))
    before = snapshot()

    with pytest.raises(GridImportError) as caught:
        import_grids(SYSTEM, data)

    assert [p.split("：")[0] for p in caught.value.problems] == ["第2个要素", "第2个要素", "第2个要素", "第3个要素"]
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad_feature",
    [
        {"type": "Feature", "properties": None, "geometry": square(116.39, 39.86)},
        {"type": "Feature", "geometry": square(116.39, 39.86)},
        "not a feature",
    ],
    ids=["null-properties", "no-properties", "string"],
)
def test_a_malformed_feature_is_a_clear_error_not_a_crash(world, bad_feature):
    before = snapshot()

    with pytest.raises(GridImportError) as caught:
        import_grids(SYSTEM, collection(GOOD, bad_feature))

    assert any(problem.startswith("第2个要素") for problem in caught.value.problems), caught.value.problems
    assert snapshot() == before


# --- the command --------------------------------------------------------------------------------

@pytest.mark.django_db
def test_command_imports_a_geojson_file(world, tmp_path):
    path = tmp_path / "grids.geojson"
    path.write_text(json.dumps(collection(GOOD, feature("第1网格", JIAYUAN, square(116.30, 39.80))),
                               ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()

    call_command("import_grids", str(path), stdout=out)

    assert "新增 1 个网格，更新 1 个网格边界" in out.getvalue()
    assert Area.objects.get(code=f"{JIAOMEN}G001").name == "东片网格"
    assert Area.objects.get(code=f"{JIAYUAN}G001").geometry == square(116.30, 39.80)


@pytest.mark.django_db
def test_command_refuses_a_bad_file_and_writes_nothing(world, tmp_path):
    path = tmp_path / "grids.geojson"
    path.write_text(json.dumps(collection(GOOD, feature("北片网格", JIAOMEN, BOWTIE))), encoding="utf-8")
    before = snapshot()

    with pytest.raises(CommandError) as caught:
        call_command("import_grids", str(path), stdout=io.StringIO())

    assert str(caught.value).startswith("导入失败，未写入任何数据：\n第2个要素：边界不是有效的多边形")
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("content", [b"{not json", "{}".encode("utf-16")], ids=["not-json", "not-utf8"])
def test_command_refuses_an_unreadable_file(world, tmp_path, content):
    path = tmp_path / "grids.geojson"
    path.write_bytes(content)
    before = snapshot()

    with pytest.raises(CommandError, match=re.escape(f"无法读取 {path}")):
        call_command("import_grids", str(path), stdout=io.StringIO())

    assert snapshot() == before


@pytest.mark.django_db
def test_command_refuses_a_missing_file(world, tmp_path):
    before = snapshot()

    with pytest.raises(CommandError, match="无法读取"):
        call_command("import_grids", str(tmp_path / "absent.geojson"), stdout=io.StringIO())

    assert snapshot() == before


def test_grid_codes_are_never_reused_after_a_gap(world):
    from jiceng.core.services import areas

    gap = world.jiayuan.code + "G007"
    Area.objects.filter(code=world.grid1.code).update(code=gap, path=world.jiayuan.path + "G007/")
    made = areas.area_create_local(SYSTEM, parent=world.jiayuan, level="grid", name="第3网格")
    assert made.code == world.jiayuan.code + "G008"


def test_an_overlong_grid_name_is_a_clear_error_and_writes_nothing(world):
    data = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"name": "网" * 101, "community": world.jiaomen.code},
        "geometry": {"type": "Polygon", "coordinates": [[[116.37, 39.84], [116.38, 39.84], [116.38, 39.85],
                                                         [116.37, 39.84]]]}}]}
    before = Area.objects.count()
    with pytest.raises(GridImportError) as caught:
        import_grids(SYSTEM, data)
    assert "名称不能超过 100 个字" in "\n".join(caught.value.problems)
    assert Area.objects.count() == before
