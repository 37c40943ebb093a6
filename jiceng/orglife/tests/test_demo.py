"""The meetings demo step: a year of meetings for the demo street's branches, with gaps, attendance,
votes and a cadre taking part in the demo branch."""

from jiceng.members.demo import load_members_demo
from jiceng.orglife.demo import last_friday, load_meetings_demo
from jiceng.orglife.models import Attendance, DualLife, Meeting, Vote
from jiceng.testing import SYSTEM


def test_the_demo_holds_a_year_of_meetings_with_gaps(world):
    from datetime import date

    from jiceng.core.services.orgs import org_create

    org_create(SYSTEM, parent=world.jiayuan_committee, name="嘉园一里第2网格党支部", kind="branch", area=world.grid2)
    made = {"110106015": {"working": world.majiabao_committee, "first_branch": world.grid_branch}}
    load_members_demo(SYSTEM, made, lambda message: None)
    load_meetings_demo(SYSTEM, made, lambda message: None)
    theme_days = Meeting.objects.filter(org=world.grid_branch, kind__code="theme_day")
    assert all(m.starts_at.astimezone().date() == last_friday(m.starts_at.astimezone().date()) for m in theme_days)
    assert 9 <= theme_days.count() <= 14  # a year and a month ahead, some skipped
    assert Meeting.objects.filter(org=world.grid_group, kind__code="group").exists()
    held = Meeting.objects.filter(status="held")
    assert held.exists() and Meeting.objects.filter(status="planned").exists()
    assert Attendance.objects.filter(meeting__in=held, state="present").exists()
    assert Vote.objects.filter(status="closed").count() == 2
    assert DualLife.objects.filter(branch=world.grid_branch).count() == 1
    assert Meeting.objects.filter(topic="微党课：身边的榜样").exists()
    assert last_friday(date(2026, 11, 3)) == date(2026, 11, 27)
