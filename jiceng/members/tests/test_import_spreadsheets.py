"""The shared spreadsheet helper as the roll import uses it: headers found by alias below a title,
CSV in UTF-8 (with or without BOM) or GB18030, dates in cells or text, formula cells kept as text
and flagged, written files neutralised, limits with a clear message."""

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from jiceng.core.spreadsheets import (
    Sheet,
    SheetReader,
    SpreadsheetError,
    looks_like_formula,
    neutralise,
    parse_date,
    write_xlsx,
)

ALIASES = {"name": ["姓名"], "id_number": ["公民身份号码", "身份证号"], "joined_on": ["入党时间"], "note": ["备注"]}


def xlsx(*rows) -> io.BytesIO:
    book = Workbook()
    for r in rows:
        book.active.append(list(r))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def read(file, **kwargs) -> tuple[SheetReader, list]:
    with SheetReader(file, aliases=ALIASES, required=["name", "id_number"], **kwargs) as sheet:
        return sheet, list(sheet)


@pytest.mark.parametrize("text", ["2020-01-02", "2020/1/2", "2020.01.02", "20200102", "2020年1月2日", " 2020-1-2 ",
                                  "2020-01-02 00:00:00", "43832"])
def test_dates_in_the_usual_written_forms(text):
    assert parse_date(text) == date(2020, 1, 2)


def test_date_cells_and_blank_cells():
    assert parse_date(datetime(2020, 1, 2, 8, 30)) == date(2020, 1, 2)
    assert parse_date(date(2020, 1, 2)) == date(2020, 1, 2)
    assert parse_date("") is None


@pytest.mark.parametrize(("text", "reason"), [("2020-02-30", "不存在"), ("2020.7", "完整的年月日"), ("去年", "格式")])
def test_dates_that_are_not_dates_say_why(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_date(text)


@pytest.mark.parametrize(("value", "formula"), [
    ("=cmd|' /C calc'!A0", True), ("+1+1", True), ("-2+3", True), ("@SUM(A1)", True), ("\t=1", True),
    ("  =1+1", True), ("-5", False), ("+86 138 0013 8000", False), ("张三", False), ("", False), (12, False),
])
def test_what_counts_as_a_formula(value, formula):
    assert looks_like_formula(value) is formula


def test_neutralise_prefixes_an_apostrophe_to_text_only():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("@x") == "'@x" and neutralise("\rx") == "'\rx"
    assert neutralise("张三") == "张三" and neutralise(-5) == -5
    assert neutralise("a\x00b") == "ab"


def test_a_written_file_holds_no_formula():
    buffer = io.BytesIO()
    written = write_xlsx(buffer, [Sheet("表", ["姓名", "备注"], [["=cmd|' /C calc'!A0", "+1"], ["李明", 3]])])
    assert written == 2
    ws = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert [(c.value, c.data_type) for c in ws[2]] == [("'=cmd|' /C calc'!A0", "s"), ("'+1", "s")]
    assert ws["B3"].value == 3


def test_xlsx_header_below_a_title_with_aliases_and_lines_as_excel_numbers_them():
    sheet, rows = read(xlsx(["某某党支部党员花名册"], [], ["序号", "姓名", "身份证号", "入党时间", "籍贯"],
                            [1, "李明", "110106198001010014", datetime(2005, 7, 1)], [None, None, None, None],
                            [2, "=HYPERLINK(\"http://x\")", "11010619800101001X", "2005.7.1"]))
    assert sheet.header_line == 3 and sheet.columns["id_number"] == "身份证号" and sheet.ignored == ["序号", "籍贯"]
    assert rows == [(4, {"name": "李明", "id_number": "110106198001010014", "joined_on": date(2005, 7, 1)}),
                    (6, {"name": "=HYPERLINK(\"http://x\")", "id_number": "11010619800101001X",
                         "joined_on": "2005.7.1"})]


def test_numbers_arrive_as_text():
    _sheet, rows = read(xlsx(["姓名", "身份证号", "备注"], ["李明", 110106198001010014, 13800138000.0]))
    assert rows[0][1]["note"] == "13800138000" and rows[0][1]["id_number"].isdigit()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_each_encoding_excel_and_wps_use(encoding):
    content = "姓名,身份证号,备注\r\n李明,110106198001010014,“党员”\r\n".encode(encoding)
    _sheet, rows = read(io.BytesIO(content))
    assert rows == [(2, {"name": "李明", "id_number": "110106198001010014", "note": "“党员”"})]


def test_tab_separated_text():
    _sheet, rows = read(io.BytesIO("姓名\t身份证号\n李明\t110106198001010014\n".encode()))
    assert rows[0][1]["name"] == "李明"


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "空的"),
    (b"\xd0\xcf\x11\xe0 old excel", ".xls"),
    (b"PK\x03\x04 broken", "损坏"),
    ("名字,号码\n李明,1\n".encode(), "没有找到表头"),
    ("姓名,入党时间\n李明,2005-07-01\n".encode(), "缺少必需的列：公民身份号码"),
    ("姓名,身份证号,公民身份号码\n".encode(), "重复"),
])
def test_files_that_cannot_be_read_say_why(content, reason):
    with pytest.raises(SpreadsheetError, match=reason):
        read(io.BytesIO(content))


def test_limits_on_rows_and_size():
    rows = "姓名,身份证号\n" + "李明,110106198001010014\n" * 3
    with pytest.raises(SpreadsheetError, match="超过 2 行"):
        read(io.BytesIO(rows.encode()), max_rows=2)
    with pytest.raises(SpreadsheetError, match="超过 0 MB"):
        read(io.BytesIO(rows.encode()), max_bytes=10)
