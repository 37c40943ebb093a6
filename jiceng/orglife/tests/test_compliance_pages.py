"""Pages of the compliance engine: each renders for the roles that may see it, out of scope is 404,
the record book prints and exports."""

import io

import pytest
from openpyxl import load_workbook

from jiceng.core.models import AuditEvent
from jiceng.members.tests.factories import member
from jiceng.orglife.models import Attendance
from jiceng.orglife.tests.helpers import held

pytestmark = pytest.mark.django_db


def test_todo_page_lists_what_is_missing(world, client_for):
    held(world.grid_branch, "theme_day", "2026-01-20 09:00")
    page = client_for("branch").get("/orglife/compliance/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "本月计划与缺项" in text and world.grid_branch.name in text and "主题党日" in text


def test_branch_calendar_shows_meetings_and_states(world, client_for):
    held(world.grid_branch, "assembly", "2026-03-31 23:30", topic="一季度党员大会")
    page = client_for("branch").get(f"/orglife/compliance/branch/{world.grid_branch.pk}/?year=2026")
    assert page.status_code == 200
    text = page.content.decode()
    assert "一季度党员大会" in text and "已达标" in text and "全程纪实册" in text


def test_bad_year_falls_back_to_this_year(world, client_for):
    page = client_for("branch").get(f"/orglife/compliance/branch/{world.grid_branch.pk}/?year=２０２６")
    assert page.status_code == 200


def test_street_heat_and_district_rates(world, client_for):
    held(world.grid_branch, "theme_day", "2026-01-20 09:00")
    street = client_for("street")
    heat = street.get(f"/orglife/compliance/heat/{world.majiabao_committee.pk}/?year=2026&kind=theme_day&sort=rate")
    assert heat.status_code == 200 and world.grid_branch.name in heat.content.decode()
    rates = client_for("district").get(f"/orglife/compliance/rates/{world.fengtai_committee.pk}/?year=2026")
    assert rates.status_code == 200 and world.majiabao_committee.name in rates.content.decode()
    assert 'id="jc-orglife-chart"' in rates.content.decode()
    dispatch = street.get(f"/orglife/compliance/{world.grid_branch.pk}/")
    assert dispatch.status_code == 302 and "/compliance/branch/" in dispatch["Location"]


@pytest.mark.parametrize("url", ["/orglife/compliance/branch/{id}/", "/orglife/compliance/heat/{id}/",
                                 "/orglife/compliance/rates/{id}/", "/orglife/compliance/book/{id}/",
                                 "/orglife/compliance/book/{id}/xlsx/", "/orglife/compliance/{id}/"])
def test_out_of_scope_is_404(world, client_for, url):
    assert client_for("branch").get(url.format(id=world.bajiao_community_committee.pk)).status_code == 404


def test_a_role_without_the_permission_gets_403(world, client_for):
    assert client_for("grid").get("/orglife/compliance/").status_code == 403


def test_record_book_prints_and_exports(world, client_for):
    assembly = held(world.grid_branch, "assembly", "2026-03-31 23:30", topic="一季度党员大会")
    held(world.grid_group, "group", "2026-03-12 19:00", topic="三月党小组会")
    people = [member(world.grid_branch, f"党员{n}") for n in range(3)]
    for n, person in enumerate(people):
        Attendance.objects.create(meeting=assembly, member=person, state="present" if n else "excused",
                                  signed_at=assembly.starts_at if n else None)
    client = client_for("branch")
    page = client.get(f"/orglife/compliance/book/{world.grid_branch.pk}/?year=2026")
    assert page.status_code == 200
    text = page.content.decode()
    assert "全程纪实册" in text and "一季度党员大会" in text and "三月党小组会" in text and "@media print" not in text
    before = AuditEvent.objects.filter(action="compliance.export").count()
    book = client.get(f"/orglife/compliance/book/{world.grid_branch.pk}/xlsx/?year=2026")
    assert book.status_code == 200
    workbook = load_workbook(io.BytesIO(book.content), read_only=True)
    assert workbook.sheetnames == ["基本情况", "达标情况", "会议记录", "学习情况"]
    rows = list(workbook["会议记录"].values)
    assert [(r[3], r[7], r[8], r[9], r[10]) for r in rows[1:]] == [("一季度党员大会", 3, 1, 2, 100),
                                                                  ("三月党小组会", None, None, None, None)]
    assert "3/1/2" in text
    assert AuditEvent.objects.filter(action="compliance.export").count() == before + 1


def test_workbench_tile_counts_missing(world, personas):
    from jiceng.core import registry

    tiles = {m.key: m for m in registry.modules_for(personas["branch"])}
    assert tiles["compliance"].counter(personas["branch"]) > 0
    assert "compliance" not in {m.key for m in registry.modules_for(personas["grid"])}
