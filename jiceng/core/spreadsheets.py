"""The one spreadsheet helper of every app: read .xlsx / .csv as rows of dicts, write .xlsx.

Reading streams (openpyxl ``read_only``; CSV line by line), so memory does not grow with the file:
``SheetReader`` finds the header row among the first rows by known column names (aliases), yields
``(line, {key: value})`` with the 1-based row number a spreadsheet program shows, and stops with a
``SpreadsheetError`` (a Chinese message for the user) on a damaged file, missing columns or too many
rows. Formulas are never evaluated: an .xlsx formula cell arrives as its text (``=…``), and
``looks_like_formula`` tells an importer to refuse it.

Writing uses openpyxl ``write_only`` and neutralises formula injection as indico's
``util/spreadsheets.py`` does: a text cell starting with ``= + - @`` (or a tab or carriage return)
gets a leading apostrophe, so a spreadsheet program shows it as text instead of running it.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

MAX_ROWS = 200_000
MAX_BYTES = 60 * 1024 * 1024
MAX_XLSX_EXPANDED = 1024 * 1024 * 1024  # a zip bomb is refused before it is parsed
HEADER_SCAN = 10  # the header may follow a title row or two (“某某党支部党员花名册”)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset("=+-@\t\r ")
_SIGNED_NUMBER = re.compile(r"[+-]?\d[\d\s]*(?:\.\d+)?")
_HEADER_NOISE = re.compile(r"[\s*＊:：]|[（(][^）)]*[）)]")
_INVISIBLE = dict.fromkeys(map(ord, "\x00\u200b\u200c\u200d\u2060\ufeff"))  # NUL: PostgreSQL text cannot hold it
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_EXCEL_EPOCH = date(1899, 12, 30)


class SpreadsheetError(ValueError):
    """The file cannot be read as a table; the message says why, in the user's words."""


# --- cells -------------------------------------------------------------------------------------

def looks_like_formula(value: Any) -> bool:
    """Would a spreadsheet program run this text as a formula (or a DDE command)? Signed numbers
    (``-5``, ``+8613800000000``) are not formulas."""
    if value.__class__ is not str or not value or value[0] not in _FORMULA_FIRST:
        return False
    text = value.lstrip(" ")
    return text.startswith(FORMULA_PREFIXES) and not _SIGNED_NUMBER.fullmatch(text)


def neutralise(value: Any) -> Any:
    """A cell value safe to write: text that could run as a formula gets a leading apostrophe;
    characters XML cannot hold are dropped."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(FORMULA_PREFIXES) or value.lstrip(" ").startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _plain(value: Any) -> Any:
    """A cell as the importer wants it: text (stripped), or a ``date``/``datetime`` for date cells."""
    if value.__class__ is str:
        return value.translate(_INVISIBLE).strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date() if value.time() == time(0) else value
    if isinstance(value, date):
        return value
    return str(value)


_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
_MONTH_TEXT = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*月?")


def parse_date(value: Any) -> date | None:
    """A date from a cell: a date cell, or text ``2020-01-02``, ``2020/1/2``, ``2020.01.02``,
    ``20200102``, ``2020年1月2日``, or an Excel serial day number. Empty → None; anything else raises
    ``ValueError`` with a message for the user."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    parts = None
    if match := _DATE_TEXT.fullmatch(text):
        parts = match.groups()
    elif re.fullmatch(r"\d{8}", text):
        parts = (text[:4], text[4:6], text[6:])
    elif re.fullmatch(r"\d{5}(?:\.0+)?", text):  # a date cell saved as its serial number
        return _EXCEL_EPOCH + timedelta(days=int(float(text)))
    if parts is None:
        if _MONTH_TEXT.fullmatch(text):
            raise ValueError(_("请填写完整的年月日，如 2020-07-01"))
        raise ValueError(_("日期格式应为 2020-07-01、2020/7/1、2020.07.01 或 20200701"))
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise ValueError(_("日期不存在，请核对")) from None


# --- reading -------------------------------------------------------------------------------------

def normalize_header(text: Any) -> str:
    """Header text compared without spaces, required marks (*), colons or notes in parentheses."""
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", str(text or "")))


@dataclass
class SheetReader:
    """Rows of a spreadsheet as dicts keyed by column key. Use as a context manager::

        with SheetReader(f, name="roll.xlsx", aliases={"name": ["姓名"], …}, required=["name"]) as sheet:
            for line, row in sheet:
                …

    ``aliases`` maps each key to the header texts that name it (the first is the canonical one).
    """

    file: IO[bytes]
    name: str = ""
    aliases: dict[str, Sequence[str]] = field(default_factory=dict)
    required: Sequence[str] = ()
    max_rows: int = MAX_ROWS
    max_bytes: int = MAX_BYTES
    columns: dict[str, str] = field(default_factory=dict, init=False)  # key → header text as written
    ignored: list[str] = field(default_factory=list, init=False)  # headers no alias knows
    estimated_rows: int = field(default=0, init=False)  # data rows, from the file's own size hints
    header_line: int = field(default=0, init=False)

    def __post_init__(self):
        self._lookup = {normalize_header(a): key for key, names in self.aliases.items() for a in (key, *names)}
        self._workbook = None
        self._rows: Iterator[tuple[int, list]] | None = None
        self._positions: list[tuple[int, str]] = []

    # context manager
    def __enter__(self) -> SheetReader:
        try:
            self.open()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def open(self) -> None:
        size = self.file.seek(0, io.SEEK_END)
        self.file.seek(0)
        if size == 0:
            raise SpreadsheetError(_("文件是空的"))
        if size > self.max_bytes:
            raise SpreadsheetError(_("文件超过 %(mb)d MB，请拆分后分批导入") % {"mb": self.max_bytes // 1024 // 1024})
        magic = self.file.read(4)
        self.file.seek(0)
        if magic == OLE_MAGIC:
            raise SpreadsheetError(_("不支持旧版 .xls 文件，请在 Excel 或 WPS 中另存为 .xlsx 后再导入"))
        self._rows = self._xlsx_rows() if magic == XLSX_MAGIC else self._csv_rows()
        self._find_header()

    def close(self) -> None:
        if self._rows is not None:
            self._rows.close()  # ends the generator while the file is still open
            self._rows = None
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None

    def _xlsx_rows(self) -> Iterator[tuple[int, list]]:
        from openpyxl import load_workbook

        try:
            with zipfile.ZipFile(self.file) as archive:
                expanded = sum(info.file_size for info in archive.infolist())
            if expanded > MAX_XLSX_EXPANDED:
                raise SpreadsheetError(_("文件解压后过大，请拆分后分批导入"))
            self.file.seek(0)
            self._workbook = load_workbook(self.file, read_only=True, data_only=False)
            sheets = [ws for ws in self._workbook.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
            if not sheets or not hasattr(sheets[0], "iter_rows"):
                raise SpreadsheetError(_("文件中没有工作表"))
            sheet = sheets[0]
            self.estimated_rows = max((sheet.max_row or 1) - 1, 0)
            sheet.reset_dimensions()  # the size a file declares may be wrong: read to the real end
        except SpreadsheetError:
            raise
        except Exception as exc:  # zipfile.BadZipFile, KeyError, XML errors of a damaged file
            raise SpreadsheetError(
                _("无法读取该 .xlsx 文件（文件可能已损坏），请在 Excel 或 WPS 中重新保存后再试")) from exc
        return self._guard(enumerate(sheet.iter_rows(values_only=True), start=1))

    def _csv_rows(self) -> Iterator[tuple[int, list]]:
        encoding, lines = self._sniff_encoding()
        self.estimated_rows = max(lines - 1, 0)
        text = io.TextIOWrapper(self.file, encoding=encoding, errors="strict", newline="")
        head = text.read(8192)
        text.seek(0)
        first = head.splitlines()[0] if head else ""
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
        return self._guard(enumerate(csv.reader(text, delimiter=delimiter), start=1), text)

    def _sniff_encoding(self) -> tuple[str, int]:
        """UTF-8 (with or without BOM) when the whole file decodes as such, else GB18030 (what
        Excel and WPS save as “CSV” on Chinese Windows); also counts the lines for progress."""
        decoder = codecs.getincrementaldecoder("utf-8")()
        utf8, lines = True, 0
        while chunk := self.file.read(1 << 20):
            lines += chunk.count(b"\n")
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
        self.file.seek(0)
        return ("utf-8-sig" if utf8 else "gb18030"), lines

    def _guard(self, rows, text=None) -> Iterator[tuple[int, list]]:
        try:
            yield from rows
        except (UnicodeDecodeError, csv.Error) as exc:
            raise SpreadsheetError(_("无法读取该 CSV 文件：%(reason)s") % {"reason": exc}) from exc
        except SpreadsheetError:
            raise
        except Exception as exc:  # a damaged sheet part
            raise SpreadsheetError(_("文件读到一半出错（可能已损坏），请在 Excel 或 WPS 中重新保存后再试")) from exc
        finally:
            if text is not None and not text.buffer.closed:
                text.detach()  # leave the caller's file open

    def _find_header(self) -> None:
        """The first of the top rows that names every required column (or the one naming most
        columns, for the error message). Rows above it (a title) are skipped."""
        best: tuple[int, list, list[tuple[int, str]]] | None = None  # line, cells, (position, key)
        for line, cells in self._rows:
            positions = [(i, key) for i, c in enumerate(cells) if (key := self._lookup.get(normalize_header(c)))]
            keys = {key for _i, key in positions}
            if keys and (best is None or len(keys) > len({k for _i, k in best[2]})):
                best = (line, list(cells), positions)
            if keys and all(r in keys for r in self.required):
                break
            if line >= HEADER_SCAN:
                break
        if best is None:
            raise SpreadsheetError(_("没有找到表头：第一行应为列名，如 %(cols)s") % {
                "cols": "、".join(self.aliases[k][0] for k in self.required)})
        line, headers, positions = best
        missing = [self.aliases[k][0] for k in self.required if k not in {k for _i, k in positions}]
        if missing:
            raise SpreadsheetError(_("缺少必需的列：%(cols)s") % {"cols": "、".join(missing)})
        columns: dict[str, str] = {}
        for i, key in positions:
            if key in columns:
                raise SpreadsheetError(_("列“%(a)s”和“%(b)s”重复，请只保留一列") % {
                    "a": columns[key], "b": str(headers[i]).strip()})
            columns[key] = str(headers[i]).strip()
        known = {i for i, _k in positions}
        self.columns = columns
        self.ignored = [str(h).strip() for i, h in enumerate(headers) if i not in known and _plain(h) != ""]
        self.header_line = line
        self.estimated_rows = max(self.estimated_rows - line + 1, 0)
        self._positions = positions

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """``(line, {key: value})`` for every non-blank row after the header; values are text or dates."""
        positions, plain = self._positions, _plain
        count = 0
        for line, cells in self._rows:
            width = len(cells)
            row = {key: plain(cells[i]) if i < width else "" for i, key in positions}
            if not any(row.values()):  # a blank row ("" everywhere)
                continue
            count += 1
            if count > self.max_rows:
                raise SpreadsheetError(_("超过 %(n)s 行，请拆分后分批导入") % {"n": f"{self.max_rows:,}"})
            yield line, row


# --- writing -------------------------------------------------------------------------------------

@dataclass
class Sheet:
    """One worksheet to write: a title, the header row, the rows (any iterable: written as it is
    consumed), and optional column widths in characters."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]] = ()
    widths: Sequence[int] = ()


def write_xlsx(target: str | IO[bytes], sheets: Iterable[Sheet]) -> int:
    """Write ``sheets`` to ``target`` (a path or a binary file) in streaming mode; every text cell
    is neutralised. Returns the number of data rows written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    written = 0
    for spec in sheets:
        ws = workbook.create_sheet(title=spec.title[:31])
        for i, width in enumerate(spec.widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
        bold = Font(bold=True)
        header = []
        for text in spec.headers:
            cell = WriteOnlyCell(ws, value=neutralise(str(text)))
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for row in spec.rows:
            ws.append([neutralise(v) for v in row])
            written += 1
    workbook.save(target)
    return written


def xlsx_response(content: bytes, name: str):
    """An .xlsx download named ``name`` (Chinese names survive: RFC 6266 ``filename*``)."""
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
