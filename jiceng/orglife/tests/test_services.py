"""Meetings, attendance, leave, files, 双重组织生活 and kinds through the services; denied paths change nothing."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from jiceng.core.errors import Conflict
from jiceng.core.models import AuditEvent
from jiceng.core.services.orgs import org_create, post_assign
from jiceng.members.models import MemberEvent
from jiceng.members.services.roll import member_set_status, member_update
from jiceng.members.tests import factories
from jiceng.orglife.models import Attendance, Meeting, MeetingFile, MeetingKind
from jiceng.orglife.services import attendance as att
from jiceng.orglife.services import kinds as kind_services
from jiceng.orglife.services import meetings as services
from jiceng.orglife.tests import meeting_helpers as h
from jiceng.testing import SYSTEM

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100


def snapshot():
    return (Meeting.objects.count(), Attendance.objects.count(), AuditEvent.objects.filter(
        action__startswith="meeting").count())


def test_attendees_come_from_the_roll_and_include_a_cadre_taking_part_here(world, personas):
    people = h.roll(world.grid_branch, 3, 1)
    member_set_status(SYSTEM, member=people[2], status="suspended", on=date(2026, 1, 5), reason="失联")
    other = org_create(SYSTEM, parent=world.jiayuan_committee, name="第2网格党支部", kind="branch",
                       area=world.grid2)[0]
    cadre = member_update(SYSTEM, member=factories.member(other, "领导干部"), is_cadre=True)
    att.dual_life_set(SYSTEM, member=cadre, branch=world.grid_branch, since=date(2025, 1, 1))
    m = h.meeting(world.grid_branch, actor=personas["branch"])
    rows = {a.member_id: a.is_dual_life for a in m.attendances.all()}
    assert rows == {people[0].pk: False, people[1].pk: False, people[3].pk: False, cadre.pk: True}
    assert all(a.notified_at for a in m.attendances.all()) and m.notified_at
    assert len(m.checkin_code) == 6
    assert MemberEvent.objects.filter(member=cadre, text__contains="双重组织生活").exists()


def test_group_and_committee_meetings_take_their_own_audience(world):
    people = h.roll(world.grid_branch, 4)
    member_update(SYSTEM, member=people[0], party_group=world.grid_group)
    post_assign(SYSTEM, org=world.grid_branch, title="organization", holder_name=people[1].name,
                term_start=date(2024, 1, 1))
    post_assign(SYSTEM, org=world.grid_branch, title="publicity", holder_name=people[2].name,
                term_start=date(2020, 1, 1), term_end=date(2023, 1, 1))  # ended: not on the committee
    group = h.meeting(world.grid_group, "group", topic="党小组学习")
    committee = h.meeting(world.grid_branch, "committee", topic="支委会")
    assert list(group.attendances.values_list("member_id", flat=True)) == [people[0].pk]
    assert list(committee.attendances.values_list("member_id", flat=True)) == [people[1].pk]


def test_a_secretary_cannot_plan_for_another_branch_and_nothing_is_written(world, personas):
    other = org_create(SYSTEM, parent=world.jiayuan_committee, name="第2网格党支部", kind="branch",
                       area=world.grid2)[0]
    before = snapshot()
    with pytest.raises(Http404):
        h.meeting(other, actor=personas["branch"])
    with pytest.raises(PermissionDenied):  # sees the org, may not plan: the grid worker
        h.meeting(world.grid_branch, actor=personas["grid"])
    assert snapshot() == before


@pytest.mark.parametrize(("org_attr", "code", "fields", "field"), [
    ("grid_branch", "group", {}, "org"),
    ("grid_group", "theme_day", {}, "org"),
    ("grid_branch", "theme_day", {"topic": " "}, "topic"),
    ("grid_branch", "theme_day", {"place": "长" * 121}, "place"),
])
def test_bad_input_is_a_field_error_and_writes_nothing(world, org_attr, code, fields, field):
    h.roll(world.grid_branch, 2)
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        h.meeting(getattr(world, org_attr), code, **fields)
    assert field in exc.value.message_dict
    assert snapshot() == before


def test_end_before_start_and_inactive_kinds_are_refused(world):
    start = services.now()
    with pytest.raises(ValidationError) as exc:
        services.meeting_create(SYSTEM, org=world.grid_branch, kind=h.kind("lecture"), starts_at=start,
                                ends_at=start - timedelta(hours=1), topic="党课")
    assert "ends_at" in exc.value.message_dict
    MeetingKind.objects.filter(code="talk").update(is_active=False)
    with pytest.raises(ValidationError) as exc:
        h.meeting(world.grid_branch, "talk")
    assert "kind" in exc.value.message_dict


def test_recompute_follows_the_roll_but_keeps_those_who_asked_leave(world):
    people = h.roll(world.grid_branch, 3)
    m = h.meeting(world.grid_branch)
    Attendance.objects.filter(meeting=m, member=people[1]).update(leave_status="pending", leave_reason="出差")
    newcomer = factories.member(world.grid_branch, "新转入")
    for p in people[:2]:
        member_set_status(SYSTEM, member=p, status="suspended", on=date(2026, 1, 5), reason="失联")
    assert services.meeting_recompute(SYSTEM, meeting=m) == {"added": 1, "removed": 1}
    assert set(m.attendances.values_list("member_id", flat=True)) == {people[1].pk, people[2].pk, newcomer.pk}


def test_held_cancel_and_their_refusals(world):
    h.roll(world.grid_branch, 2)
    future = h.meeting(world.grid_branch, minutes_from_now=120)
    with pytest.raises(ValidationError):
        services.meeting_mark_held(SYSTEM, meeting=future)
    with pytest.raises(ValidationError):
        services.meeting_cancel(SYSTEM, meeting=future, reason="")
    services.meeting_cancel(SYSTEM, meeting=future, reason="暴雨")
    with pytest.raises(Conflict):
        services.meeting_cancel(SYSTEM, meeting=future, reason="再次")
    with pytest.raises(ValidationError):
        services.meeting_update(SYSTEM, meeting=future, topic="改")
    past = h.meeting(world.grid_branch, minutes_from_now=-30)
    held = services.meeting_mark_held(SYSTEM, meeting=past)
    assert held.status == "held"
    with pytest.raises(ValidationError):  # the plan is fixed once held; the record is not
        services.meeting_update(SYSTEM, meeting=held, starts_at=services.now())
    services.meeting_update(SYSTEM, meeting=held, minutes="讨论了三项议题", resolutions="通过")
    assert Meeting.objects.get(pk=held.pk).minutes == "讨论了三项议题"
    with pytest.raises(ValidationError):
        services.meeting_transition(SYSTEM, meeting=held, action="explode")


def test_sign_in_by_code_within_the_window_once(world):
    people = h.roll(world.grid_branch, 2)
    user = h.own_account(people[0])
    m = h.meeting(world.grid_branch, minutes_from_now=30)
    row = att.sign_in_by_code(user, code=m.checkin_code)
    assert (row.state, row.sign_method) == ("present", "code")
    first = row.signed_at
    again = att.sign_in_by_code(user, code=m.checkin_code)
    assert again.signed_at == first
    assert AuditEvent.objects.filter(action="meeting.sign_in").count() == 1


def test_sign_in_refusals_change_nothing(world):
    people = h.roll(world.grid_branch, 2)
    user = h.own_account(people[0])
    later = h.meeting(world.grid_branch, minutes_from_now=24 * 60)
    now = h.meeting(world.grid_branch, minutes_from_now=5)
    wrong = str((int(now.checkin_code) + 1) % 1_000_000).zfill(6)
    for code in (later.checkin_code, "abc", wrong if wrong != later.checkin_code else "999999x"):
        with pytest.raises(ValidationError):
            att.sign_in_by_code(user, code=code)
    assert not Attendance.objects.filter(state="present").exists()
    with pytest.raises(PermissionDenied):  # an account that is no member
        att.sign_in_by_code(SYSTEM, code=now.checkin_code)


def test_codes_are_not_guessed(world):
    people = h.roll(world.grid_branch, 1)
    user = h.own_account(people[0])
    m = h.meeting(world.grid_branch, minutes_from_now=5)
    wrong = "000000" if m.checkin_code != "000000" else "111111"
    for _n in range(att.SIGNIN_MAX_FAILURES):
        with pytest.raises(ValidationError):
            att.sign_in_by_code(user, code=wrong)
    with pytest.raises(ValidationError) as exc:
        att.sign_in_by_code(user, code=m.checkin_code)
    assert "次数过多" in exc.value.message_dict["code"][0]
    assert not Attendance.objects.filter(state="present").exists()
    cache.delete(f"orglife:signin-failures:{people[0].pk}")  # primary keys are reused after a rollback


def test_leave_is_asked_by_the_member_and_decided_by_the_secretary(world, personas):
    people = h.roll(world.grid_branch, 3)
    user = h.own_account(people[0])
    m = h.meeting(world.grid_branch, minutes_from_now=24 * 60)
    with pytest.raises(ValidationError):
        att.leave_request(user, meeting=m, reason=" ")
    row = att.leave_request(user, meeting=m, reason="出差在外")
    with pytest.raises(Conflict):
        att.leave_request(user, meeting=m, reason="再请一次")
    with pytest.raises(Http404):  # a grid worker does not see meetings
        att.leave_decide(personas["grid"], meeting=m, attendance_id=row.pk, approve=True)
    assert Attendance.objects.get(pk=row.pk).leave_status == "pending"
    att.leave_decide(personas["branch"], meeting=m, attendance_id=row.pk, approve=True)
    row.refresh_from_db()
    assert (row.state, row.leave_status) == ("excused", "approved")
    with pytest.raises(Conflict):
        att.leave_decide(personas["branch"], meeting=m, attendance_id=row.pk, approve=False)
    att.attendance_mark(personas["branch"], meeting=m, present=[people[1].pk])
    from jiceng.orglife.selectors.meetings import rate_of

    r = rate_of(Meeting.objects.get(pk=m.pk))
    assert (r.expected, r.excused, r.present, str(r.rate), str(r.share)) == (3, 1, 1, "50.0", "33.3")


def test_the_recorder_marks_only_members_on_the_list(world, personas):
    people = h.roll(world.grid_branch, 2)
    stranger = factories.member(org_create(SYSTEM, parent=world.jiayuan_committee, name="第2网格党支部",
                                           kind="branch", area=world.grid2)[0], "外支部")
    m = h.meeting(world.grid_branch)
    with pytest.raises(ValidationError):
        att.attendance_mark(personas["branch"], meeting=m, present=[people[0].pk, stranger.pk])
    assert not Attendance.objects.filter(state="present").exists()
    assert att.attendance_mark(personas["branch"], meeting=m, present=[people[0].pk]) == 1
    assert att.attendance_mark(personas["branch"], meeting=m, present=[], absent=[people[0].pk]) == 1
    assert not Attendance.objects.filter(state="present").exists()


def test_files_are_checked_by_type_content_and_size(world, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ORGLIFE_UPLOAD_MAX_MB = 1
    m = h.meeting(world.grid_branch)
    att.file_add(personas["branch"], meeting=m, file=SimpleUploadedFile("合影.png", PNG), kind="photo")
    bad = [SimpleUploadedFile("a.exe", b"MZ"), SimpleUploadedFile("b.png", b"GIF89a"),
           SimpleUploadedFile("c.png", b"\x89PNG" + b"0" * (1024 * 1024)), SimpleUploadedFile("d.pdf", b"%PDF-1")]
    for f, kind in zip(bad, ["attachment", "photo", "photo", "photo"], strict=True):
        with pytest.raises(ValidationError):
            att.file_add(personas["branch"], meeting=m, file=f, kind=kind)
    assert MeetingFile.objects.count() == 1


def test_dual_life_only_for_cadres(world):
    person = factories.member(world.grid_branch, "普通党员")
    other = org_create(SYSTEM, parent=world.jiayuan_committee, name="第2网格党支部", kind="branch",
                       area=world.grid2)[0]
    with pytest.raises(ValidationError):
        att.dual_life_set(SYSTEM, member=person, branch=other)
    person = member_update(SYSTEM, member=person, is_cadre=True)
    with pytest.raises(ValidationError):
        att.dual_life_set(SYSTEM, member=person, branch=world.grid_branch)  # their own branch
    att.dual_life_set(SYSTEM, member=person, branch=other)
    assert att.dual_life_set(SYSTEM, member=person, branch=None) is None
    assert MemberEvent.objects.filter(member=person, text__contains="结束").exists()


def test_kinds_are_added_by_a_global_administrator_and_builtins_never_deleted(world, personas):
    count = MeetingKind.objects.count()
    with pytest.raises(PermissionDenied):
        kind_services.kind_create(personas["street"], code="volunteer", name="志愿服务日")
    with pytest.raises(ValidationError):
        kind_services.kind_create(personas["admin"], code="Bad Code", name="志愿服务日", period="weekly")
    assert MeetingKind.objects.count() == count
    added = kind_services.kind_create(personas["admin"], code="volunteer", name="志愿服务日", period="month")
    with pytest.raises(Conflict):
        kind_services.kind_create(personas["admin"], code="volunteer", name="另一个")
    builtin = h.kind("talk")
    with pytest.raises(ValidationError):
        kind_services.kind_delete(personas["admin"], kind=builtin)
    kind_services.kind_update(personas["admin"], kind=builtin, is_active=False, times=2)
    builtin.refresh_from_db()
    assert (builtin.is_active, builtin.times, builtin.code) == (False, 2, "talk")
    with pytest.raises(ValidationError):
        kind_services.kind_update(personas["admin"], kind=builtin, code="x")
    kind_services.kind_delete(personas["admin"], kind=added)
    assert MeetingKind.objects.count() == count
