"""The division import (统计用区划代码): services/divisions.py and ``manage.py import_divisions``."""

import csv
import gzip
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jiceng.core.models import Area, AuditEvent
from jiceng.core.services.divisions import DivisionImportError, import_divisions
from jiceng.core.tests.conftest import SYSTEM

BEIJING = Path(__file__).resolve().parent.parent / "data" / "divisions" / "beijing"

# The exact headers of the shipped extract (and of the national files it was cut from).
HEADERS = {
    "provinces": ["code", "name"],
    "cities": ["code", "name", "provinceCode"],
    "areas": ["code", "name", "cityCode", "provinceCode"],
    "streets": ["code", "name", "areaCode", "provinceCode", "cityCode"],
    "villages": ["code", "name", "streetCode", "provinceCode", "cityCode", "areaCode"],
}
PARENT_COLUMNS = {"provinceCode": 2, "cityCode": 4, "areaCode": 6, "streetCode": 9}

TREE = {
    "provinces": [("11", "北京市"), ("12", "天津市")],
    "cities": [("1101", "市辖区"), ("1102", "县"), ("1201", "市辖区")],
    "areas": [("110106", "丰台区"), ("110107", "石景山区"), ("110229", "延庆县"), ("120101", "和平区")],
    "streets": [("110106015", "马家堡街道"), ("110107003", "八角街道"), ("110229100", "延庆镇"),
                ("120101001", "劝业场街道")],
    "villages": [("110106015001", "嘉园一里社区居委会"), ("110106015002", "角门东里社区居委会"),
                 ("110107003001", "八角北路社区居委会"), ("110229100001", "东外社区居委会"),
                 ("120101001001", "新津社区居委会")],
}
TREE_SIZE = 18


def row(stem: str, code: str, name: str) -> list[str]:
    """A full CSV row whose parent columns agree with the code."""
    return [code, name, *(code[: PARENT_COLUMNS[column]] for column in HEADERS[stem][2:])]


def write_file(directory: Path, stem: str, rows: list[list[str]], *, gz: bool = True,
               header: list[str] | None = None) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header or HEADERS[stem])
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    path = directory / (f"{stem}.csv.gz" if gz else f"{stem}.csv")
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def write_tree(directory: Path, tree: dict | None = None, *, gz: bool = True, skip: tuple = ()) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for stem, items in (tree or TREE).items():
        if stem not in skip:
            write_file(directory, stem, [row(stem, code, name) for code, name in items], gz=gz)
    return directory


def with_villages(extra: list[tuple[str, str]] | None = None, renamed: dict | None = None) -> dict:
    tree = dict(TREE)
    tree["villages"] = [(code, (renamed or {}).get(code, name)) for code, name in TREE["villages"]] + (extra or [])
    return tree


def snapshot() -> list[tuple]:
    return list(Area.objects.order_by("code").values_list("code", "name", "pinyin", "level", "parent_id", "path",
                                                          "depth", "updated_at"))


def import_events() -> int:
    return AuditEvent.objects.filter(action="divisions.import").count()


@pytest.fixture
def tree_dir(tmp_path) -> Path:
    return write_tree(tmp_path / "tree")


# --- a first import --------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "name", "level", "parent", "depth", "path", "pinyin"),
    [
        ("110000000000", "北京市", "province", None, 1, "/11/", "bjs"),
        ("110100000000", "市辖区", "city", "110000000000", 2, "/11/01/", "sxq"),
        ("110106000000", "丰台区", "district", "110100000000", 3, "/11/01/06/", "ftq"),
        ("110106015000", "马家堡街道", "street", "110106000000", 4, "/11/01/06/015/", "mjbjd"),
        ("110106015001", "嘉园一里社区居委会", "community", "110106015000", 5, "/11/01/06/015/001/",
         "jyylsqjwh"),
        ("120101001001", "新津社区居委会", "community", "120101001000", 5, "/12/01/01/001/001/", "xjsqjwh"),
    ],
)
def test_first_import_builds_the_tree(tree_dir, code, name, level, parent, depth, path, pinyin):
    import_divisions(SYSTEM, tree_dir)

    area = Area.objects.get(code=code)
    assert (area.name, area.level, area.parent_id, area.depth, area.path, area.pinyin) == (
        name, level, parent, depth, path, pinyin)


@pytest.mark.django_db
def test_first_import_reports_every_level_and_audits_once(tree_dir):
    report = import_divisions(SYSTEM, tree_dir)

    assert report.as_dict() == {
        "province": {"read": 2, "merged": 0, "added": 2, "renamed": 0, "unchanged": 0},
        "city": {"read": 3, "merged": 0, "added": 3, "renamed": 0, "unchanged": 0},
        "district": {"read": 4, "merged": 0, "added": 4, "renamed": 0, "unchanged": 0},
        "street": {"read": 4, "merged": 0, "added": 4, "renamed": 0, "unchanged": 0},
        "community": {"read": 5, "merged": 0, "added": 5, "renamed": 0, "unchanged": 0},
    }
    codes = list(Area.objects.values_list("code", flat=True))
    assert len(codes) == TREE_SIZE
    assert all(re.fullmatch(r"\d{12}", code) for code in codes)
    event = AuditEvent.objects.get(action="divisions.import")
    assert event.actor is None
    assert event.actor_label == SYSTEM.username
    assert event.summary["report"]["community"]["added"] == 5


@pytest.mark.django_db
def test_every_parent_is_the_code_prefix_one_level_up(tree_dir):
    import_divisions(SYSTEM, tree_dir)

    children = Area.objects.exclude(level="province").select_related("parent")
    assert children.count() == TREE_SIZE - 2
    assert all(child.path.startswith(child.parent.path) for child in children)
    assert all(child.depth == child.parent.depth + 1 for child in children)
    assert set(Area.objects.filter(parent__isnull=True).values_list("code", flat=True)) == {
        "110000000000", "120000000000"}


@pytest.mark.django_db
@pytest.mark.parametrize("gz", [True, False], ids=["csv.gz", "csv"])
def test_plain_and_gzipped_csv_both_import(tmp_path, gz):
    directory = write_tree(tmp_path / "tree", gz=gz)

    import_divisions(SYSTEM, directory)

    assert Area.objects.count() == TREE_SIZE
    assert Area.objects.get(code="110106015002").name == "角门东里社区居委会"


@pytest.mark.django_db
def test_a_mix_of_plain_and_gzipped_files_imports(tmp_path):
    directory = write_tree(tmp_path / "tree", skip=("villages",))
    write_file(directory, "villages", [row("villages", c, n) for c, n in TREE["villages"]], gz=False)

    import_divisions(SYSTEM, directory)

    assert Area.objects.filter(level="community").count() == 5


@pytest.mark.django_db
def test_a_byte_order_mark_does_not_hide_the_code_column(tmp_path):
    directory = write_tree(tmp_path / "tree", skip=("provinces",))
    (directory / "provinces.csv").write_bytes("\ufeffcode,name\n11,北京市\n12,天津市\n".encode())

    import_divisions(SYSTEM, directory)

    assert Area.objects.get(code="110000000000").name == "北京市"


# --- re-runs -----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_rerun_changes_nothing(tree_dir):
    import_divisions(SYSTEM, tree_dir)
    before = snapshot()

    report = import_divisions(SYSTEM, tree_dir)

    assert snapshot() == before
    assert {level: (r.added, r.renamed, r.unchanged == r.read) for level, r in report.levels.items()} == {
        level: (0, 0, True) for level in ("province", "city", "district", "street", "community")}
    assert report.levels["community"].unchanged == 5


@pytest.mark.django_db
def test_a_rerun_renames_a_community_and_adds_a_new_one(tmp_path, tree_dir):
    import_divisions(SYSTEM, tree_dir)
    changed = write_tree(tmp_path / "changed", with_villages(
        extra=[("110106015003", "马家堡东里社区居委会")], renamed={"110106015001": "嘉园二里社区居委会"}))

    report = import_divisions(SYSTEM, changed)

    assert vars(report.levels["community"]) == {"read": 6, "merged": 0, "added": 1, "renamed": 1, "unchanged": 4}
    assert report.levels["street"].unchanged == 4
    assert Area.objects.count() == TREE_SIZE + 1
    assert Area.objects.filter(code="110106015001").count() == 1
    renamed = Area.objects.get(code="110106015001")
    assert (renamed.name, renamed.pinyin, renamed.path) == ("嘉园二里社区居委会", "jyelsqjwh", "/11/01/06/015/001/")
    added = Area.objects.get(code="110106015003")
    assert (added.parent_id, added.level, added.depth, added.path) == (
        "110106015000", "community", 5, "/11/01/06/015/003/")


@pytest.mark.django_db
def test_a_rerun_never_duplicates(tmp_path, tree_dir):
    changed = write_tree(tmp_path / "changed", with_villages(renamed={"110106015001": "嘉园二里社区居委会"}))

    import_divisions(SYSTEM, tree_dir)
    import_divisions(SYSTEM, changed)
    import_divisions(SYSTEM, tree_dir)

    assert Area.objects.count() == TREE_SIZE
    assert Area.objects.get(code="110106015001").name == "嘉园一里社区居委会"
    assert import_events() == 3


@pytest.mark.django_db
def test_the_import_keeps_local_grids_under_communities(world, tmp_path):
    grids_before = list(Area.objects.filter(level="grid").values_list("code", "name", "parent_id", "path"))

    import_divisions(SYSTEM, write_tree(tmp_path / "tree"))

    assert list(Area.objects.filter(level="grid").values_list("code", "name", "parent_id", "path")) == grids_before
    # The conftest tree named the community 嘉园一里社区; the official file renames it.
    assert Area.objects.get(code="110106015001").name == "嘉园一里社区居委会"


# --- filters -----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_province_filter_imports_only_that_province(tree_dir):
    report = import_divisions(SYSTEM, tree_dir, province="12")

    codes = set(Area.objects.values_list("code", flat=True))
    assert codes == {"120000000000", "120100000000", "120101000000", "120101001000", "120101001001"}
    assert report.levels["community"].read == 1


@pytest.mark.django_db
def test_city_filter_imports_the_city_and_its_province_only(tree_dir):
    import_divisions(SYSTEM, tree_dir, city="1101")

    codes = set(Area.objects.values_list("code", flat=True))
    assert codes == {
        "110000000000", "110100000000", "110106000000", "110107000000", "110106015000", "110107003000",
        "110106015001", "110106015002", "110107003001",
    }


@pytest.mark.django_db
def test_a_city_outside_the_province_is_refused(tree_dir):
    with pytest.raises(DivisionImportError, match="--city 1201 不属于 --province 11"):
        import_divisions(SYSTEM, tree_dir, province="11", city="1201")

    assert Area.objects.count() == 0
    assert import_events() == 0


@pytest.mark.django_db
def test_command_filters_by_province(tree_dir):
    out = io.StringIO()

    call_command("import_divisions", str(tree_dir), "--province", "11", "--no-progress", stdout=out)

    assert Area.objects.count() == TREE_SIZE - 5
    assert not Area.objects.filter(code__startswith="12").exists()
    assert re.search(r"community\s+读取\s+4\s+新增\s+4\s+更名\s+0\s+未变\s+0", out.getvalue())


@pytest.mark.django_db
def test_command_filters_by_city(tree_dir):
    call_command("import_divisions", str(tree_dir), "--city", "1102", "--no-progress", stdout=io.StringIO())

    assert set(Area.objects.values_list("code", flat=True)) == {
        "110000000000", "110200000000", "110229000000", "110229100000", "110229100001"}


@pytest.mark.django_db
def test_command_rerun_reports_unchanged(tree_dir):
    call_command("import_divisions", str(tree_dir), "--no-progress", stdout=io.StringIO())
    out = io.StringIO()

    call_command("import_divisions", str(tree_dir), "--no-progress", stdout=out)

    assert re.search(r"community\s+读取\s+5\s+新增\s+0\s+更名\s+0\s+未变\s+5", out.getvalue())
    assert re.search(r"province\s+读取\s+2\s+新增\s+0\s+更名\s+0\s+未变\s+2", out.getvalue())
    assert Area.objects.count() == TREE_SIZE


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--province", "1"], "--province 应为 2 位数字"),
        (["--province", "1a"], "--province 应为 2 位数字"),
        (["--city", "110"], "--city 应为 4 位数字"),
        (["--province", "11", "--city", "1201"], "--city 1201 不属于 --province 11"),
    ],
)
def test_command_refuses_bad_filters(tree_dir, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("import_divisions", str(tree_dir), *args, "--no-progress", stdout=io.StringIO())

    assert Area.objects.count() == 0
    assert import_events() == 0


@pytest.mark.django_db
def test_command_refuses_a_path_that_is_not_a_directory(tmp_path):
    with pytest.raises(CommandError, match="不是目录"):
        call_command("import_divisions", str(tmp_path / "nowhere"), "--no-progress", stdout=io.StringIO())

    assert Area.objects.count() == 0


# --- bad files: a clear message, and nothing written ------------------------------------------

@pytest.fixture
def imported(tree_dir):
    """The tree imported once; returns its snapshot, to show a failed re-import changes nothing."""
    import_divisions(SYSTEM, tree_dir)
    return snapshot()


def assert_nothing_written(before: list[tuple], events: int = 1) -> None:
    assert snapshot() == before
    assert import_events() == events


@pytest.mark.django_db
def test_a_missing_column_names_the_column_and_writes_nothing(tmp_path):
    directory = write_tree(tmp_path / "bad", skip=("villages",))
    header = ["code", "name", "provinceCode", "cityCode", "areaCode"]
    write_file(directory, "villages", [[c, n, c[:2], c[:4], c[:6]] for c, n in TREE["villages"]], header=header)

    with pytest.raises(DivisionImportError) as caught:
        import_divisions(SYSTEM, directory)

    assert caught.value.problems == ["villages.csv.gz：缺少列 streetCode；应有列：code, name, streetCode"]
    assert Area.objects.count() == 0
    assert import_events() == 0


@pytest.mark.django_db
def test_a_missing_name_column_on_a_rerun_leaves_the_tree_as_it_was(tmp_path, imported):
    directory = write_tree(tmp_path / "bad", skip=("provinces",))
    write_file(directory, "provinces", [["11"], ["12"]], header=["code"])

    with pytest.raises(DivisionImportError, match=re.escape("provinces.csv.gz：缺少列 name")):
        import_divisions(SYSTEM, directory)

    assert_nothing_written(imported)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stem", "bad_code", "line", "digits"),
    [
        ("villages", "11010601500A", 4, 12),   # a letter
        ("villages", "11010601500", 4, 12),    # 11 digits
        ("villages", "1101060150011", 4, 12),  # 13 digits
        ("provinces", "1", 3, 2),
    ],
)
def test_a_bad_code_names_file_and_line_and_writes_nothing(tmp_path, stem, bad_code, line, digits):
    directory = write_tree(tmp_path / "bad", skip=(stem,))
    rows = [row(stem, code, name) for code, name in TREE[stem]]
    rows[line - 2] = [bad_code, *rows[line - 2][1:]]
    write_file(directory, stem, rows)

    with pytest.raises(DivisionImportError) as caught:
        import_divisions(SYSTEM, directory)

    assert caught.value.problems == [f"{stem}.csv.gz 第{line}行：代码 {bad_code!r} 应为 {digits} 位数字"]
    assert Area.objects.count() == 0
    assert import_events() == 0


@pytest.mark.django_db
def test_a_code_with_full_width_digits_is_refused(tmp_path):
    # Spreadsheets exported on Chinese systems may carry full-width digits; str.isdigit() accepts them.
    directory = write_tree(tmp_path / "bad", skip=("streets",))
    rows = [row("streets", code, name) for code, name in TREE["streets"]]
    rows[2] = ["11022910０", "延庆镇", "110229", "11", "1102"]
    write_file(directory, "streets", rows)

    with pytest.raises(DivisionImportError) as caught:
        import_divisions(SYSTEM, directory)

    assert caught.value.problems[0] == "streets.csv.gz 第4行：代码 '11022910０' 应为 9 位数字"
    assert Area.objects.count() == 0
    assert import_events() == 0


@pytest.mark.django_db
def test_a_child_whose_parent_column_disagrees_with_its_code_is_refused(tmp_path, imported):
    directory = write_tree(tmp_path / "bad", skip=("villages",))
    rows = [row("villages", code, name) for code, name in TREE["villages"]]
    rows[1][2] = "110107003"  # 角门东里 110106015002 claims to be under 八角街道
    write_file(directory, "villages", [*rows, row("villages", "110106015003", "马家堡东里社区居委会")])

    with pytest.raises(DivisionImportError) as caught:
        import_divisions(SYSTEM, directory)

    assert caught.value.problems == ["villages.csv.gz 第3行：代码 110106015002 与上级代码 '110107003' 不一致"]
    assert_nothing_written(imported)
    assert not Area.objects.filter(code="110106015003").exists()


@pytest.mark.django_db
def test_a_child_of_an_unknown_parent_is_refused(tmp_path):
    tree = with_villages(extra=[("110106016001", "无上级社区居委会")])
    directory = write_tree(tmp_path / "bad", tree)

    with pytest.raises(DivisionImportError) as caught:
        import_divisions(SYSTEM, directory)

    assert caught.value.problems == ["villages.csv.gz 第7行：上级代码 110106016 不存在（请一并导入上级区划）"]
    assert Area.objects.count() == 0
    assert import_events() == 0


@pytest.mark.django_db
def test_a_duplicate_code_inside_a_file_is_refused(tmp_path):
    directory = write_tree(tmp_path / "bad", with_villages(extra=[("110106015001", "又一个嘉园一里社区居委会")]))

    with pytest.raises(DivisionImportError) as caught:
        import_divisions(SYSTEM, directory)

    assert caught.value.problems == ["villages.csv.gz 第7行：代码 110106015001 重复出现"]
    assert Area.objects.count() == 0
    assert import_events() == 0


@pytest.mark.django_db
def test_every_bad_row_of_a_file_is_reported(tmp_path):
    directory = write_tree(tmp_path / "bad", skip=("villages",))
    rows = [row("villages", code, name) for code, name in TREE["villages"]]
    rows[0][0] = "x"
    rows[3][1] = ""
    write_file(directory, "villages", rows)

    with pytest.raises(DivisionImportError) as caught:
        import_divisions(SYSTEM, directory)

    assert caught.value.problems == [
        "villages.csv.gz 第2行：代码 'x' 应为 12 位数字",
        "villages.csv.gz 第5行：代码 110229100001 缺少名称",
    ]
    assert Area.objects.count() == 0


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@pytest.mark.django_db
def test_a_truncated_gzip_is_reported_and_rolls_back_the_earlier_levels(tmp_path):
    # provinces … streets are read and written inside the transaction before villages fails.
    directory = write_tree(tmp_path / "bad")
    truncate(directory / "villages.csv.gz")

    with pytest.raises(DivisionImportError) as caught:
        import_divisions(SYSTEM, directory)

    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].startswith("villages.csv.gz：压缩文件不完整或已损坏")
    assert Area.objects.count() == 0
    assert import_events() == 0


@pytest.mark.django_db
def test_a_truncated_gzip_on_a_rerun_undoes_renames_of_earlier_levels(tmp_path, imported):
    tree = dict(TREE, streets=[(c, "马家堡新街道" if c == "110106015" else n) for c, n in TREE["streets"]])
    directory = write_tree(tmp_path / "bad", tree)
    truncate(directory / "villages.csv.gz")

    with pytest.raises(DivisionImportError, match="压缩文件不完整或已损坏"):
        import_divisions(SYSTEM, directory)

    assert_nothing_written(imported)
    assert Area.objects.get(code="110106015000").name == "马家堡街道"


@pytest.mark.django_db
def test_a_file_that_is_not_gzip_at_all_is_reported(tmp_path):
    directory = write_tree(tmp_path / "bad", skip=("streets",))
    (directory / "streets.csv.gz").write_bytes(b"code,name,areaCode,provinceCode,cityCode\n")

    with pytest.raises(DivisionImportError, match=re.escape("streets.csv.gz：压缩文件不完整或已损坏")):
        import_divisions(SYSTEM, directory)

    assert Area.objects.count() == 0
    assert import_events() == 0


@pytest.mark.django_db
def test_a_file_that_is_not_utf8_is_reported(tmp_path):
    directory = write_tree(tmp_path / "bad", skip=("provinces",))
    (directory / "provinces.csv").write_bytes("code,name\n11,北京市\n".encode("gbk"))

    with pytest.raises(DivisionImportError, match=re.escape("provinces.csv：不是 UTF-8 编码的文本")):
        import_divisions(SYSTEM, directory)

    assert Area.objects.count() == 0


@pytest.mark.django_db
def test_an_empty_file_is_reported(tmp_path):
    directory = write_tree(tmp_path / "bad", skip=("cities",))
    (directory / "cities.csv").write_bytes(b"")

    with pytest.raises(DivisionImportError) as caught:
        import_divisions(SYSTEM, directory)

    assert caught.value.problems == ["cities.csv：文件为空"]
    assert Area.objects.count() == 0


@pytest.mark.django_db
def test_a_missing_file_is_named_before_anything_is_read(tmp_path):
    directory = write_tree(tmp_path / "bad", skip=("streets",))

    with pytest.raises(DivisionImportError) as caught:
        import_divisions(SYSTEM, directory)

    assert caught.value.problems == [f"{directory} 中缺少文件：streets.csv(.gz)"]
    assert Area.objects.count() == 0
    assert import_events() == 0


@pytest.mark.django_db
def test_command_turns_an_import_error_into_a_command_error(tmp_path, imported):
    directory = write_tree(tmp_path / "bad")
    truncate(directory / "villages.csv.gz")

    with pytest.raises(CommandError) as caught:
        call_command("import_divisions", str(directory), "--no-progress", stdout=io.StringIO())

    assert str(caught.value).startswith("导入失败，未写入任何数据：\nvillages.csv.gz：压缩文件不完整或已损坏")
    assert_nothing_written(imported)


@pytest.mark.django_db
def test_command_names_a_missing_file(tmp_path):
    directory = write_tree(tmp_path / "bad", skip=("villages", "cities"))

    with pytest.raises(CommandError, match=re.escape("缺少文件：cities.csv(.gz), villages.csv(.gz)")):
        call_command("import_divisions", str(directory), "--no-progress", stdout=io.StringIO())

    assert Area.objects.count() == 0
    assert import_events() == 0


# --- the shipped Beijing extract ---------------------------------------------------------------

@pytest.mark.django_db
def test_the_shipped_beijing_extract_imports_whole():
    out = io.StringIO()

    call_command("import_divisions", str(BEIJING), "--no-progress", stdout=out)

    counts = {level: Area.objects.filter(level=level).count()
              for level in ("province", "city", "district", "street", "community")}
    assert counts == {"province": 1, "city": 1, "district": 16, "street": 349, "community": 7535}
    majiabao = Area.objects.select_related("parent").get(code="110106015000")
    assert (majiabao.name, majiabao.level, majiabao.path) == ("马家堡街道", "street", "/11/01/06/015/")
    assert (majiabao.parent.code, majiabao.parent.name) == ("110106000000", "丰台区")
    assert Area.objects.filter(path__subtree="/11/01/06/015/", level="community").count() > 0
    assert re.search(r"community\s+读取\s+7,535\s+新增\s+7,535", out.getvalue())


def test_a_level_repeating_its_parents_code_is_merged_into_the_parent(tmp_path, db):
    """NBS lists 东莞市 as city 4419 and as district 441900; its streets hang under the city."""
    tree = {
        "provinces": [("44", "广东省")],
        "cities": [("4419", "东莞市")],
        "areas": [("441900", "东莞市")],
        "streets": [("441900003", "东城街道")],
        "villages": [("441900003001", "东城社区居委会")],
    }
    report = import_divisions(SYSTEM, write_tree(tmp_path / "dg", tree))
    assert vars(report.levels["district"]) == {"read": 1, "merged": 1, "added": 0, "renamed": 0, "unchanged": 0}
    street = Area.objects.get(code="441900003000")
    assert street.parent_id == "441900000000"
    assert Area.objects.get(code="441900000000").level == "city"
    assert Area.objects.filter(path__subtree="/44/19/").count() == 3
    again = import_divisions(SYSTEM, write_tree(tmp_path / "dg2", tree))
    assert again.levels["district"].merged == 1
    assert Area.objects.count() == 4
