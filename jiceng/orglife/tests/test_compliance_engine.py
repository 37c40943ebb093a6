"""The compliance engine on the database: periods across quarter and year boundaries in local time,
a branch set up mid-period under both settings, committee and group rules, the street and district
views equal to the per-branch computation, scope, and a constant number of queries."""

from datetime import date

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext, override_settings

from jiceng.core.services.orgs import post_assign
from jiceng.orglife.rules import compliance as rules
from jiceng.orglife.selectors import compliance as engine
from jiceng.orglife.tests.helpers import branch, group, held
from jiceng.testing import SYSTEM

pytestmark = pytest.mark.django_db


def cell(report, code, key, group_id=None):
    return next(c for c in report.cells if c.kind.code == code and c.span.key == key
                and (c.group[0] if c.group else None) == group_id)


def test_a_meeting_counts_in_the_quarter_of_its_local_date(world):
    b = world.grid_branch
    held(b, "assembly", "2026-03-31 23:30")  # 15:30 UTC, still Q1 in Beijing
    held(b, "lecture", "2026-04-01 00:30")  # 2026-03-31 16:30 UTC: Q2 in Beijing
    report = engine.branch_report(SYSTEM, b.pk, 2026, day=date(2026, 5, 10))
    assert cell(report, "assembly", "2026Q1").state == rules.MET
    assert cell(report, "assembly", "2026Q2").state == rules.OPEN
    assert cell(report, "lecture", "2026Q1").state == rules.MISSING
    assert cell(report, "lecture", "2026Q2").state == rules.MET
    assert cell(report, "assembly", "2026Q3").state == rules.FUTURE


def test_a_meeting_counts_in_the_year_of_its_local_date(world):
    b = world.grid_branch
    held(b, "theme_day", "2026-12-31 23:00")
    held(b, "life_meeting", "2027-01-01 00:30")  # 2026-12-31 16:30 UTC
    r2026 = engine.branch_report(SYSTEM, b.pk, 2026, day=date(2027, 1, 5))
    r2027 = engine.branch_report(SYSTEM, b.pk, 2027, day=date(2027, 1, 5))
    assert cell(r2026, "theme_day", "2026-12").state == rules.MET
    assert cell(r2026, "life_meeting", "2026").state == rules.MISSING
    assert cell(r2027, "life_meeting", "2027").state == rules.MET
    assert cell(r2027, "theme_day", "2027-01").state == rules.OPEN
    assert [m.topic for m in r2026.meetings] == ["会议"] and len(r2027.meetings) == 1


def test_cancelled_and_planned_meetings_do_not_count(world):
    b = world.grid_branch
    held(b, "theme_day", "2026-03-10 09:00", status="cancelled")
    held(b, "theme_day", "2026-03-11 09:00", status="planned")
    report = engine.branch_report(SYSTEM, b.pk, 2026, day=date(2026, 4, 2))
    assert cell(report, "theme_day", "2026-03").state == rules.MISSING
    assert len(report.meetings) == 1  # the planned one shows on the calendar


@pytest.mark.parametrize(("setting", "feb", "q1"), [("exempt", rules.EXEMPT, rules.EXEMPT),
                                                    ("due", rules.MISSING, rules.MISSING)])
def test_a_branch_set_up_mid_period(world, setting, feb, q1):
    b = branch(world.jiayuan_committee, "新建党支部", established_on=date(2026, 2, 15))
    with override_settings(COMPLIANCE_FIRST_PERIOD=setting):
        report = engine.branch_report(SYSTEM, b.pk, 2026, day=date(2026, 6, 1))
    assert cell(report, "theme_day", "2026-01").state == rules.NOT_APPLICABLE
    assert cell(report, "theme_day", "2026-02").state == feb
    assert cell(report, "assembly", "2026Q1").state == q1
    assert cell(report, "theme_day", "2026-03").state == rules.MISSING
    assert cell(report, "assembly", "2026Q2").state == rules.OPEN


def test_a_branch_set_up_mid_period_that_met_anyway_is_met(world):
    b = branch(world.jiayuan_committee, "新建党支部", established_on=date(2026, 2, 15))
    held(b, "theme_day", "2026-02-26 09:00")
    report = engine.branch_report(SYSTEM, b.pk, 2026, day=date(2026, 6, 1))
    assert cell(report, "theme_day", "2026-02").state == rules.MET


def test_committee_meetings_only_where_a_committee_exists(world):
    small = branch(world.jiayuan_committee, "六人支部", full=6)
    seven = branch(world.jiayuan_committee, "七人支部", full=7)
    elected = branch(world.jiayuan_committee, "有委员支部", full=4)
    post_assign(SYSTEM, org=elected, title="organization", holder_name="李四", term_start=date(2025, 1, 1))
    codes = {}
    for b in (small, seven, elected):
        codes[b.pk] = {c.kind.code for c in engine.branch_report(SYSTEM, b.pk, 2026, day=date(2026, 6, 1)).cells}
    assert "committee" not in codes[small.pk]
    assert "committee" in codes[seven.pk] and "committee" in codes[elected.pk]


def test_group_meetings_are_counted_per_group(world):
    b = world.grid_branch
    second = group(b, "第二党小组")
    held(world.grid_group, "group", "2026-03-12 19:00")
    held(b, "group", "2026-03-12 19:00")  # held by the branch, not by a group: counts for no group
    report = engine.branch_report(SYSTEM, b.pk, 2026, day=date(2026, 4, 2))
    assert cell(report, "group", "2026-03", world.grid_group.pk).state == rules.MET
    assert cell(report, "group", "2026-03", second.pk).state == rules.MISSING
    assert len([c for c in report.cells if c.kind.code == "group"]) == 24


def test_a_branch_without_groups_has_no_group_rule(world):
    b = branch(world.jiayuan_committee, "无小组支部")
    report = engine.branch_report(SYSTEM, b.pk, 2026, day=date(2026, 4, 2))
    assert not [c for c in report.cells if c.kind.code == "group"]


def test_due_soon_within_the_setting(world):
    b = world.grid_branch
    with override_settings(COMPLIANCE_DUE_SOON_DAYS=5):
        report = engine.branch_report(SYSTEM, b.pk, 2026, day=date(2026, 3, 27))
    assert cell(report, "theme_day", "2026-03").state == rules.DUE_SOON
    assert cell(report, "assembly", "2026Q1").state == rules.DUE_SOON
    assert cell(report, "life_meeting", "2026").state == rules.OPEN


def _street(world):
    made = [branch(world.jiayuan_committee, f"第{n}党支部", full=3 + 2 * n) for n in range(1, 5)]
    for n, b in enumerate(made):
        for month in range(1, 13, n + 1):
            held(b, "theme_day", f"2026-{month:02d}-2{n} 09:00")
        held(b, "assembly", f"2026-0{n + 1}-05 09:00")
    held(world.grid_group, "group", "2026-02-03 19:00")
    late = branch(world.jiayuan_committee, "年中新建党支部", full=8, established_on=date(2026, 5, 10))
    held(late, "theme_day", "2026-05-20 09:00")
    return [world.grid_branch, *made, late]


def test_the_street_and_district_views_equal_the_per_branch_computation(world):
    branches = _street(world)
    day = date(2026, 8, 15)
    heat = engine.street_heat(SYSTEM, world.majiabao_committee.pk, 2026, day=day)
    per_branch = {b.pk: engine.branch_report(SYSTEM, b.pk, 2026, day=day) for b in branches}
    assert {r.branch.id for r in heat.rows} == set(per_branch)
    for row in heat.rows:
        report = per_branch[row.branch.id]
        assert row.total == report.tally
        for month in range(1, 13):
            expected = engine.Tally()
            for c in report.cells:
                if c.span.end.month == month:
                    expected.add(c.state)
            assert row.months[month - 1] == expected
    _node, children, total = engine.district_rates(SYSTEM, world.fengtai_committee.pk, 2026, day=day)
    assert [c.org.pk for c in children] == [world.majiabao_committee.pk]
    assert children[0].branches == len(branches)
    assert total == heat.total == children[0].tally
    assert total.met == sum(r.tally.met for r in per_branch.values())
    assert total.missing == sum(r.tally.missing for r in per_branch.values())


def test_a_kind_filter_narrows_the_heat_table(world):
    _street(world)
    heat = engine.street_heat(SYSTEM, world.jiayuan_committee.pk, 2026, kind_code="assembly", day=date(2026, 8, 15))
    assert heat.kind.code == "assembly"
    assert all(t.met + t.missing + t.open + t.due_soon == 0 for r in heat.rows for i, t in enumerate(r.months)
               if i + 1 not in (3, 6, 9, 12))


def test_the_street_view_runs_a_constant_number_of_queries(world, personas):
    _street(world)
    actor = personas["street"]
    engine.street_heat(actor, world.majiabao_committee.pk, 2026)
    with CaptureQueriesContext(connection) as few:
        engine.street_heat(actor, world.majiabao_committee.pk, 2026)
    for n in range(6):
        b = branch(world.jiayuan_committee, f"追加{n}党支部", full=7)
        group(b, f"追加{n}小组")
        held(b, "theme_day", "2026-03-03 09:00")
    with CaptureQueriesContext(connection) as many:
        heat = engine.street_heat(actor, world.majiabao_committee.pk, 2026)
    assert len(heat.rows) == 12
    assert len(many.captured_queries) == len(few.captured_queries) <= 7


def test_out_of_scope_reads_as_missing(world, personas):
    with pytest.raises(Http404):
        engine.branch_report(personas["branch"], world.bajiao_community_committee.pk, 2026)
    with pytest.raises(Http404):
        engine.street_heat(personas["street"], world.bajiao_committee.pk, 2026)
    with pytest.raises(Http404):
        engine.district_rates(personas["community"], world.fengtai_committee.pk, 2026)
    with pytest.raises(Http404):
        engine.branch_report(SYSTEM, world.jiayuan_committee.pk, 2026)  # not a branch


def test_todo_list_and_tile_counter(world, personas):
    b = world.grid_branch
    held(b, "theme_day", "2026-01-20 09:00")
    items = engine.todo_list(personas["branch"], day=date(2026, 3, 25))
    states = {(t.cell.kind.code, t.cell.span.key): t.cell.state for t in items}
    assert states[("theme_day", "2026-02")] == rules.MISSING
    assert ("theme_day", "2026-01") not in states
    assert states[("theme_day", "2026-03")] == rules.DUE_SOON
    assert states[("life_meeting", "2026")] == rules.OPEN
    assert items[0].cell.state == rules.DUE_SOON
    assert engine.todo_list(personas["branch"], day=date(2026, 3, 25), limit_branches=0) is None
    assert engine.missing_count(personas["dept"]) == 0
