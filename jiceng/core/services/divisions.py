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
from jiceng.core.pinyin import initials
from jiceng.core.services.areas import official_path

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


def _rows(path: Path, progress: bool) -> Iterator[tuple[int, dict]]:
    """(line number, row) of a CSV file; damaged gzip and encoding errors become clear messages."""
    size = path.stat().st_size
    raw = path.open("rb")
    bar = tqdm(total=size, unit="B", unit_scale=True, desc=path.name, disable=not progress, leave=False)
    try:
        binary = gzip.GzipFile(fileobj=raw) if path.suffix == ".gz" else raw
        text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
        reader = csv.DictReader(text)
        last = 0
        for row in reader:
            position = raw.tell()
            bar.update(position - last)
            last = position
            yield reader.line_num, row
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise DivisionImportError([f"{path.name}：压缩文件不完整或已损坏（{exc}），未导入任何数据"]) from exc
    except UnicodeDecodeError as exc:
        raise DivisionImportError([f"{path.name}：不是 UTF-8 编码的文本（{exc.reason}），未导入任何数据"]) from exc
    except csv.Error as exc:
        raise DivisionImportError([f"{path.name}：CSV 格式错误（{exc}），未导入任何数据"]) from exc
    finally:
        bar.close()
        raw.close()


def _upsert_sql() -> str:
    table = connection.ops.quote_name(Area._meta.db_table)
    # The table name comes from the model; every value is a parameter.
    return (
        f"INSERT INTO {table} (code, name, pinyin, level, parent_code, path, depth, updated_at) "  # noqa: S608
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (code) DO UPDATE SET name = excluded.name, pinyin = excluded.pinyin, "
        "updated_at = excluded.updated_at"
    )


def _write(batch: list[tuple], report: LevelReport, now) -> None:
    """Insert the new codes and rename the changed ones of ``batch`` [(code, name, parent, level)]."""
    existing = dict(Area.objects.filter(code__in=[r[0] for r in batch]).values_list("code", "name"))
    rows = []
    for code, name, parent, level in batch:
        known = existing.get(code)
        if known == name:
            report.unchanged += 1
            continue
        if known is None:
            report.added += 1
        else:
            report.renamed += 1
        rows.append((code, name, initials(name), level, parent, official_path(code, level), DEPTHS[level], now))
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(_upsert_sql(), rows)


def _wanted(code: str, province: str | None, city: str | None) -> bool:
    if province and not code.startswith(province):
        return False
    return not (city and len(code) >= 4 and not code.startswith(city))


def import_divisions(actor, directory: Path, *, province: str | None = None, city: str | None = None,
                     progress: bool = False) -> ImportReport:
    """Import or refresh the division tree from ``directory``. See the module docstring."""
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
        for spec in LEVEL_FILES:
            report.levels[spec.level] = _import_level(directory, spec, province, city, now, progress, report)
        audit.record(actor, "divisions.import", summary={"directory": directory.name, "province": province,
                                                         "city": city, "report": report.as_dict()})
    return report


def _import_level(directory, spec: LevelFile, province, city, now, progress, report) -> LevelReport:
    path = _find(directory, spec.stem)
    result = LevelReport()
    problems: list[str] = []
    known_parents: set[str] = set()
    if spec.parent_digits:
        parent_level = LEVEL_FILES[[s.stem for s in LEVEL_FILES].index(spec.stem) - 1].level
        parents = Area.objects.filter(level=parent_level)
        if province:
            parents = parents.filter(code__startswith=province)
        known_parents = set(parents.values_list("code", flat=True))
    required = {"code", "name"} | ({spec.parent_column} if spec.parent_column else set())
    batch: list[tuple] = []
    seen: set[str] = set()
    checked_header = False
    for line, row in _rows(path, progress):
        if not checked_header:
            absent = sorted(required - set(row))
            if absent:
                raise DivisionImportError([f"{path.name}：缺少列 {', '.join(absent)}；应有列：code, name"
                                           + (f", {spec.parent_column}" if spec.parent_column else "")])
            checked_header = True
        code = (row.get("code") or "").strip()
        name = (row.get("name") or "").strip()
        if not _wanted(code, province, city):
            continue
        result.read += 1
        problem = _row_problem(spec, code, name, row, known_parents, seen)
        if problem:
            problems.append(f"{path.name} 第{line}行：{problem}")
            if len(problems) >= MAX_REPORTED_ERRORS:
                break
            continue
        seen.add(code)
        if problems:
            continue  # keep checking, stop writing: the transaction will be rolled back
        parent = code12(code[: spec.parent_digits]) if spec.parent_digits else None
        batch.append((code12(code), name, parent, spec.level))
        if len(batch) >= BATCH:
            _write(batch, result, now)
            batch = []
    if not checked_header and not problems:
        problems.append(f"{path.name}：文件为空")
    if problems:
        raise DivisionImportError(problems)
    if batch:
        _write(batch, result, now)
    return result


def _row_problem(spec: LevelFile, code: str, name: str, row: dict, known_parents: set[str],
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
        parent = (row.get(spec.parent_column) or "").strip()
        if parent != code[: spec.parent_digits]:
            return f"代码 {code} 与上级代码 {parent!r} 不一致"
        if code12(parent) not in known_parents:
            return f"上级代码 {parent} 不存在（请一并导入上级区划）"
    return None
