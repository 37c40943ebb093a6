"""Batch import of 12345 hotline work orders: a row-level report, each row whole or not at all, duplicate
12345 numbers reported, the check writes nothing; the page, its template and who may use it."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jiceng.appeals.models import Appeal, Channel
from jiceng.appeals.services import imports
from jiceng.appeals.services.intake import appeal_create
from jiceng.core.models import AuditEvent
from jiceng.core.scope import system_actor
from jiceng.core.spreadsheets import Sheet, write_xlsx

HEADER = "12345工单号,受理时间,诉求类型,诉求类别,诉求内容,地址,联系人,联系电话,办结期限"
ROWS = [
    "BJ-001,2026-11-20 09:30,投诉,city.manhole,井盖丢失,角门东里社区7号楼,王女士,13800138000,2026-11-23",  # 2 good
    "BJ-002,2026-11-20 10:00,求助,噪音扰民,夜间施工噪音,嘉园一里3号楼,李先生,13900139000,",  # 3 good (by name)
    "BJ-001,2026-11-20 11:00,投诉,city.manhole,重复的工单,角门东里社区,赵,13700137000,",  # 4 duplicate in file
    "BJ-003,2026-11-20 11:00,投诉,city.manhole,电话不对,角门东里社区,赵,1234,",  # 5 bad phone
    "BJ-004,2026-11-20 11:00,投诉,nope,类别不对,角门东里社区,赵,13700137000,",  # 6 unknown category
    "BJ-005,明天,投诉,city.manhole,时间不对,角门东里社区,赵,13700137000,2026-11-19",  # 7 bad time
    "BJ-OLD,2026-11-20 11:00,咨询,city.manhole,已登记过,角门东里社区,赵,13700137000,",  # 8 duplicate in db
    "BJ-006,2026-11-20 11:00,投诉,city.manhole,=HYPERLINK(1),角门东里社区,赵,13700137000,",  # 9 formula
]


def csv_file(rows=ROWS) -> io.BytesIO:
    return io.BytesIO(("\n".join([HEADER, *rows]) + "\n").encode())


@pytest.fixture
def old(world):
    return appeal_create(system_actor("t"), {"type": "咨询", "category": "city.manhole", "content": "旧工单",
                                             "phone": "13700137000", "hotline_no": "BJ-OLD"},
                         channel=Channel.HOTLINE)[0]


def by_line(report):
    return {r.line: r for r in report.rows}


def test_the_check_reports_every_row_and_writes_nothing(old, personas):
    report = imports.hotline_import(personas["street"], file=csv_file(), name="a.csv")
    rows = by_line(report)
    assert [rows[n].status for n in range(2, 10)] == ["ok", "ok"] + ["refused"] * 6
    assert "与第 2 行的12345工单号重复" in rows[4].errors[0]
    assert any(e.startswith("联系电话：") for e in rows[5].errors)
    assert any(e.startswith("诉求类别：") for e in rows[6].errors)
    assert any(e.startswith("受理时间：") for e in rows[7].errors)
    assert any("BJ-OLD" in e and "已登记" in e for e in rows[8].errors)
    assert any("公式" in e for e in rows[9].errors)
    assert Appeal.objects.count() == 1


def test_the_import_creates_the_good_rows_whole(old, personas):
    report = imports.hotline_import(personas["street"], file=csv_file(), name="a.csv", commit=True)
    assert (report.created, report.refused) == (2, 6)
    first = Appeal.objects.get(hotline_no="BJ-001")
    assert first.channel == Channel.HOTLINE and first.community.name == "角门东里社区"
    assert timezone.localtime(first.received_at).strftime("%Y-%m-%d %H:%M") == "2026-11-20 09:30"
    assert timezone.localtime(first.complete_due_at).strftime("%Y-%m-%d %H:%M") == "2026-11-23 23:59"
    assert Appeal.objects.get(hotline_no="BJ-002").category.code == "environment.noise"
    assert by_line(report)[2].ticket_no == first.ticket_no
    assert Appeal.objects.count() == 3 and not Appeal.objects.filter(hotline_no__in=["BJ-003", "BJ-004"]).exists()
    assert AuditEvent.objects.filter(action="appeal.import").count() == 1
    again = imports.hotline_import(personas["street"], file=csv_file(ROWS[:2]), name="a.csv", commit=True)
    assert again.created == 0 and Appeal.objects.count() == 3  # a second import registers nothing twice


def test_an_xlsx_file_and_the_template(world, personas):
    template = imports.template_bytes()
    report = imports.hotline_import(personas["street"], file=io.BytesIO(template), name="t.xlsx", commit=True)
    assert report.created == 1 and Appeal.objects.get().hotline_no == "BJ12345-20261120-0001"
    buffer = io.BytesIO()
    write_xlsx(buffer, [Sheet("s", HEADER.split(","), [["X-1", "2026-11-20 08:00", "建议", "city.garbage", "垃圾",
                                                           "嘉园一里", "钱", "13600136000", ""]])])
    buffer.seek(0)
    assert imports.hotline_import(personas["street"], file=buffer, name="s.xlsx", commit=True).created == 1


def test_a_file_without_the_columns_is_one_clear_error(world, personas):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        imports.hotline_import(personas["street"], file=io.BytesIO(b"a,b\n1,2\n"), name="x.csv")
    assert "file" in exc.value.message_dict


def test_the_import_page_is_for_dispatchers(old, client_for):
    client = client_for("street")
    assert client.get("/appeals/import/").status_code == 200
    template = client.get("/appeals/import/template.xlsx")
    assert template.status_code == 200 and template.content.startswith(b"PK")
    r = client.post("/appeals/import/", {"file": SimpleUploadedFile("a.csv", csv_file().getvalue()), "commit": "1"})
    html = r.content.decode()
    assert r.status_code == 200 and "已登记" in html and "与第 2 行的12345工单号重复" in html
    assert Appeal.objects.count() == 3
    for persona in ("grid", "dept", "branch"):
        assert client_for(persona).get("/appeals/import/").status_code == 403
        r = client_for(persona).post("/appeals/import/", {"file": SimpleUploadedFile("a.csv", csv_file().getvalue()),
                                                          "commit": "1"})
        assert r.status_code == 403
    assert Appeal.objects.count() == 3
