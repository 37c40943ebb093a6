"""Import of China's statistical division codes (统计用区划代码) into the territory tree.

Reads the five CSV files (plain or .gz) described in ``data/divisions/README.md``: provinces,
cities, areas (区/县), streets (街道/乡镇), villages (社区/村). Idempotent: rows are keyed by code, a
re-run renames what changed and adds what is new. One transaction: a bad row or a damaged file
raises ``DivisionImportError`` listing every problem found, and nothing is written.
"""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from jiceng.core import audit
from jiceng.core.models import Area
from jiceng.core.models.territory import AreaLevel
from jiceng.core.services.areas import area_pinyin_schedule, official_path

BATCH = 5000
MAX_REPORTED_ERRORS = 50


@dataclass(frozen=True)
class LevelFile:
    level: str
    stem: str
    digits: int
    parent_column: str | None
    parent_digits: int | None


LEVEL_FILES = [
    LevelFile(AreaLevel.PROVINCE, "provinces", 2, None, None),
    LevelFile(AreaLevel.CITY, "cities", 4, "provinceCode", 2),
    LevelFile(AreaLevel.DISTRICT, "areas", 6, "cityCode", 4),
    LevelFile(AreaLevel.STREET, "streets", 9, "areaCode", 6),
    LevelFile(AreaLevel.COMMUNITY, "villages", 12, "streetCode", 9),
]
DEPTHS = {spec.level: i + 1 for i, spec in enumerate(LEVEL_FILES)}


class DivisionImportError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class LevelReport:
    read: int = 0
    merged: int = 0
    added: int = 0
    renamed: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    levels: dict[str, LevelReport] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {level: vars(r) for level, r in self.levels.items()}


def code12(code: str) -> str:
    return code.ljust(12, "0")


def _find(directory: Path, stem: str) -> Path | None:
    for name in (f"{stem}.csv.gz", f"{stem}.csv"):
        if (directory / name).exists():
            return directory / name
    return None


def _rows(path: Path, progress: bool, columns: list[str]) -> Iterator[tuple[int, list[str]]]:
    """(line number, [values of ``columns``]) of a CSV file. A missing column, damaged gzip or bad
    encoding becomes a clear message."""
    size = path.stat().st_size
    raw = path.open("rb")
    bar = tqdm(total=size, unit="B", unit_scale=True, desc=path.name, disable=not progress, leave=False)
    try:
        binary = gzip.GzipFile(fileobj=raw) if path.suffix == ".gz" else raw
        text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
        reader = csv.reader(text)
        header = [h.strip() for h in next(reader, [])]
        if not header:
            raise DivisionImportError([f"{path.name}：文件为空"])
        absent = [c for c in columns if c not in header]
        if absent:
            expected = ", ".join(columns)
            raise DivisionImportError([f"{path.name}：缺少列 {', '.join(sorted(absent))}；应有列：{expected}"])
        where = [header.index(c) for c in columns]
        width = len(header)
        last = 0
        for n, row in enumerate(reader):
            if n % 4096 == 0 and progress:
                position = raw.tell()
                bar.update(position - last)
                last = position
            if len(row) < width:
                row = row + [""] * (width - len(row))
            yield reader.line_num, [row[i].strip() for i in where]
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise DivisionImportError([f"{path.name}：压缩文件不完整或已损坏（{exc}），未导入任何数据"]) from exc
    except UnicodeDecodeError as exc:
        raise DivisionImportError([f"{path.name}：不是 UTF-8 编码的文本（{exc.reason}），未导入任何数据"]) from exc
    except csv.Error as exc:
        raise DivisionImportError([f"{path.name}：CSV 格式错误（{exc}），未导入任何数据"]) from exc
    finally:
        bar.close()
        raw.close()


COLUMNS = "code, name, pinyin, level, parent_code, path, depth, updated_at"


def _upsert_sql(source: str) -> str:
    """Insert new codes; rename changed ones (pinyin is refilled); leave unchanged rows untouched,
    so a re-run writes nothing and maintains no index."""
    table = connection.ops.quote_name(Area._meta.db_table)
    # Table and column names come from this module; every value is a parameter.
    return (
        f"INSERT INTO {table} ({COLUMNS}) {source} "
        "ON CONFLICT (code) DO UPDATE SET name = excluded.name, pinyin = excluded.pinyin, "
        f"updated_at = excluded.updated_at WHERE {table}.name <> excluded.name"
    )


class _BatchWriter:
    """SQLite (and any other backend): executemany of the upsert in batches."""

    def __init__(self, now):
        self.now = connection.ops.adapt_datetimefield_value(now)
        self.batch: list[tuple] = []
        self.changed = 0
        self.sql = _upsert_sql("VALUES (%s, %s, %s, %s, %s, %s, %s, %s)")

    def add(self, code: str, name: str, parent: str | None, level: str) -> None:
        self.batch.append((code, name, "", level, parent, official_path(code, level), DEPTHS[level], self.now))
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, self.batch)
                self.changed += max(cursor.rowcount, 0)
            self.batch = []

    def finish(self) -> int:
        self.flush()
        return self.changed

    def abort(self) -> None:
        self.batch = []


class _CopyWriter:
    """PostgreSQL: COPY the level into a temporary table, then one INSERT … SELECT … ON CONFLICT."""

    STAGE = "jiceng_division_rows"

    def __init__(self, now):
        self.now = now
        self.cursor = connection.cursor()
        raw = self.cursor.cursor
        raw.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {self.STAGE} (code varchar(24), name varchar(100), "
                    "pinyin varchar(100), level varchar(20), parent_code varchar(24), path varchar(255), "
                    "depth smallint, updated_at timestamptz) ON COMMIT DROP")
        raw.execute(f"TRUNCATE {self.STAGE}")
        self._copy = raw.copy(f"COPY {self.STAGE} ({COLUMNS}) FROM STDIN")
        self.copy = self._copy.__enter__()

    def add(self, code: str, name: str, parent: str | None, level: str) -> None:
        self.copy.write_row((code, name, "", level, parent, official_path(code, level), DEPTHS[level], self.now))

    def finish(self) -> int:
        self._copy.__exit__(None, None, None)
        raw = self.cursor.cursor
        raw.execute(_upsert_sql(f"SELECT {COLUMNS} FROM {self.STAGE}"))  # noqa: S608 - names are constants
        changed = max(raw.rowcount, 0)
        self.cursor.close()
        return changed

    def abort(self) -> None:
        error = DivisionImportError(["aborted"])
        try:
            self._copy.__exit__(type(error), error, None)
        except DivisionImportError:
            pass
        self.cursor.close()


def _writer(now):
    return _CopyWriter(now) if connection.vendor == "postgresql" else _BatchWriter(now)


def _level_count(level: str, province: str | None, city: str | None) -> int:
    rows = Area.objects.filter(level=level)
    prefix = city if city and level != AreaLevel.PROVINCE else province
    return rows.filter(code__startswith=prefix).count() if prefix else rows.count()


def _wanted(code: str, province: str | None, city: str | None) -> bool:
    if province and not code.startswith(province):
        return False
    return not (city and len(code) >= 4 and not code.startswith(city))


def import_divisions(actor, directory: Path, *, province: str | None = None, city: str | None = None,
                     progress: bool = False) -> ImportReport:
    """Import or refresh the division tree from ``directory``. See the module docstring.

    Pinyin initials are filled after the rows are in: at once for a small import, by the task
    worker (``fill_area_pinyin``) for a large one, so the import itself stays close to a plain
    bulk insert.
    """
    directory = Path(directory)
    if city and province and not city.startswith(province):
        raise DivisionImportError([f"--city {city} 不属于 --province {province}"])
    province = province or (city[:2] if city else None)
    missing = [s.stem for s in LEVEL_FILES if _find(directory, s.stem) is None]
    if missing:
        raise DivisionImportError([f"{directory} 中缺少文件：{', '.join(m + '.csv(.gz)' for m in missing)}"])
    report = ImportReport()
    now = timezone.now()
    with transaction.atomic():
        merged: set[str] = set()
        for spec in LEVEL_FILES:
            report.levels[spec.level] = _import_level(directory, spec, province, city, now, progress, merged)
        audit.record(actor, "divisions.import", summary={"directory": directory.name, "province": province,
                                                         "city": city, "report": report.as_dict()})
        area_pinyin_schedule()
    return report


def _import_level(directory, spec: LevelFile, province, city, now, progress, merged: set[str]) -> LevelReport:
    """Read one level's file, check every row and upsert the good ones. ``merged`` carries the codes
    of rows that repeat their parent's code (NBS lists 东莞市 as a city and as its own district, and
    金门县 with a street and a village of the same code): they are the parent, not a new node."""
    path = _find(directory, spec.stem)
    result = LevelReport()
    problems: list[str] = []
    known_parents: set[str] = set()
    if spec.parent_digits:
        parent_level = LEVEL_FILES[[s.stem for s in LEVEL_FILES].index(spec.stem) - 1].level
        parents = Area.objects.filter(level=parent_level)
        if province:
            parents = parents.filter(code__startswith=province)
        known_parents = set(parents.values_list("code", flat=True)) | merged
    columns = ["code", "name"] + ([spec.parent_column] if spec.parent_column else [])
    seen: set[str] = set()
    checked_header = False
    before = _level_count(spec.level, province, city)
    writer = _writer(now)
    try:
        for line, (code, name, *parent_value) in _rows(path, progress, columns):
            checked_header = True
            if not _wanted(code, province, city):
                continue
            result.read += 1
            problem = _row_problem(spec, code, name, parent_value[0] if parent_value else "", known_parents, seen)
            if problem:
                problems.append(f"{path.name} 第{line}行：{problem}")
                if len(problems) >= MAX_REPORTED_ERRORS:
                    break
                continue
            seen.add(code)
            if problems:
                continue  # keep checking, stop writing: the transaction will be rolled back
            parent = code12(code[: spec.parent_digits]) if spec.parent_digits else None
            if parent is not None and code12(code) == parent:
                merged.add(parent)
                result.merged += 1
                continue
            writer.add(code12(code), name, parent, spec.level)
        if not checked_header and not problems:
            problems.append(f"{path.name}：文件为空")
        if problems:
            raise DivisionImportError(problems)
    except BaseException:
        writer.abort()
        raise
    changed = writer.finish()
    result.added = _level_count(spec.level, province, city) - before
    result.renamed = changed - result.added
    result.unchanged = result.read - result.merged - changed
    return result


def _row_problem(spec: LevelFile, code: str, name: str, parent: str, known_parents: set[str],
                 seen: set[str]) -> str | None:
    if len(code) != spec.digits or not (code.isascii() and code.isdigit()):
        return f"代码 {code!r} 应为 {spec.digits} 位数字"
    if not name:
        return f"代码 {code} 缺少名称"
    if len(name) > 100:
        return f"代码 {code} 的名称超过 100 字"
    if code in seen:
        return f"代码 {code} 重复出现"
    if spec.parent_digits:
        if parent != code[: spec.parent_digits]:
            return f"代码 {code} 与上级代码 {parent!r} 不一致"
        if code12(parent) not in known_parents:
            return f"上级代码 {parent} 不存在（请一并导入上级区划）"
    return None
