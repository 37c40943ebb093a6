"""The secretary's and the member's meeting pages."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jiceng.orglife.models import Attendance, Meeting, MeetingFile, Vote
from jiceng.orglife.services import attendance as att
from jiceng.orglife.tests import meeting_helpers as h


def member_client(member):
    client = Client()
    client.force_login(h.own_account(member))
    return client


def test_plan_page_lists_the_month_and_pending_leave(world, client_for):
    people = h.roll(world.grid_branch, 2)
    m = h.meeting(world.grid_branch, minutes_from_now=60)
    att.leave_request(h.own_account(people[0]), meeting=m, reason="家中有事")
    page = client_for("branch").get("/orglife/meetings/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "主题党日：重温入党誓词" in text and "家中有事" in text and "请假待批 1" in text


def test_pages_need_the_permission(world, client_for):
    assert client_for("grid").get("/orglife/meetings/").status_code == 403
    m = h.meeting(world.grid_branch)
    assert client_for("grid").get(f"/orglife/meetings/{m.pk}/").status_code == 404
    assert client_for("auditor").get("/orglife/my/").status_code == 403


def test_plan_a_meeting_through_the_form(world, client_for):
    h.roll(world.grid_branch, 2)
    client = client_for("branch")
    assert client.get("/orglife/meetings/new/").status_code == 200
    kind = h.kind("lecture")
    bad = client.post("/orglife/meetings/new/", {"org": world.grid_branch.pk, "kind": kind.pk, "topic": "",
                                                "starts_at": "2026-12-01T09:00"})
    assert bad.status_code == 200 and not Meeting.objects.exists()
    ok = client.post("/orglife/meetings/new/", {"org": world.grid_branch.pk, "kind": kind.pk, "topic": "书记讲党课",
                                               "starts_at": "2026-12-01T09:00", "notify": "on"})
    meeting = Meeting.objects.get()
    assert ok.status_code == 302 and meeting.attendances.count() == 2


def test_meeting_page_shows_code_qr_and_takes_attendance_records_and_files(world, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    people = h.roll(world.grid_branch, 2)
    m = h.meeting(world.grid_branch, minutes_from_now=-5)
    client = client_for("branch")
    page = client.get(f"/orglife/meetings/{m.pk}/").content.decode()
    assert m.checkin_code in page and "出席率 = 出席人数" in page
    qr = client.get(f"/orglife/meetings/{m.pk}/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content and b"xmlns" in qr.content
    client.post(f"/orglife/meetings/{m.pk}/attendance/mark/", {"present": [people[0].pk]})
    assert list(Attendance.objects.filter(state="present").values_list("member_id", flat=True)) == [people[0].pk]
    client.post(f"/orglife/meetings/{m.pk}/record/save/", {"minutes": "学习了条例", "resolutions": ""})
    client.post(f"/orglife/meetings/{m.pk}/files/add/", {"kind": "photo", "file": SimpleUploadedFile(
        "现场.png", b"\x89PNG\r\n\x1a\n0000")})
    assert Meeting.objects.get(pk=m.pk).minutes == "学习了条例" and MeetingFile.objects.count() == 1
    item = MeetingFile.objects.get()
    assert client.get(f"/orglife/meeting-files/{item.pk}/").status_code == 200
    client.post(f"/orglife/meetings/{m.pk}/held/")
    assert Meeting.objects.get(pk=m.pk).status == "held"
    assert "缺席" in client.get(f"/orglife/meetings/{m.pk}/").content.decode()


def test_vote_page_records_ballots_and_shows_the_rule(world, client_for):
    people = h.roll(world.grid_branch, 3)
    m = h.meeting(world.grid_branch, "assembly", minutes_from_now=-5, topic="党员大会")
    client = client_for("branch")
    client.post(f"/orglife/meetings/{m.pk}/attendance/mark/", {"present": [p.pk for p in people[:2]]})
    response = client.post(f"/orglife/meetings/{m.pk}/votes/new/", {"subject": "接收预备党员", "rule": "admission"})
    vote = Vote.objects.get()
    assert response.status_code == 302
    for person in people[:2]:
        client.post(f"/orglife/votes/{vote.pk}/ballot/", {"member": person.pk, "choice": "yes"})
    client.post(f"/orglife/votes/{vote.pk}/ballot/", {"member": people[2].pk, "choice": "yes", "written": "1"})
    client.post(f"/orglife/votes/{vote.pk}/ballot/", {"member": "x", "choice": "yes"})
    client.post(f"/orglife/votes/{vote.pk}/close/")
    page = client.get(f"/orglife/votes/{vote.pk}/").content.decode()
    assert "有表决权的党员3人" in page and "书面意见1份" in page and "通过" in page


def test_my_meetings_sign_in_by_code_leave_and_vote(world, client_for):
    people = h.roll(world.grid_branch, 2)
    client = member_client(people[0])
    now = h.meeting(world.grid_branch, "assembly", minutes_from_now=5, topic="党员大会")
    later = h.meeting(world.grid_branch, minutes_from_now=2 * 24 * 60, topic="下周主题党日")
    page = client.get("/orglife/my/").content.decode()
    assert "党员大会" in page and "下周主题党日" in page
    assert client.get(f"/orglife/my/signin/?code={now.checkin_code}").status_code == 200
    wrong = client.post("/orglife/my/signin/", {"code": "12"})
    assert wrong.status_code == 200 and "签到码" in wrong.content.decode()
    done = client.post("/orglife/my/signin/", {"code": now.checkin_code})
    assert done.status_code == 302 and Attendance.objects.get(meeting=now, member=people[0]).state == "present"
    client.post(f"/orglife/my/{later.pk}/leave/", {"reason": "出差"})
    assert Attendance.objects.get(meeting=later, member=people[0]).leave_status == "pending"
    vote = client_for("branch").post(f"/orglife/meetings/{now.pk}/votes/new/", {"subject": "决议", "rule": "ordinary"})
    assert vote.status_code == 302
    v = Vote.objects.get()
    assert "决议" in client.get(f"/orglife/my/{now.pk}/").content.decode()
    client.post(f"/orglife/my/votes/{v.pk}/", {"choice": "yes"})
    client.post(f"/orglife/my/votes/{v.pk}/", {"choice": "no"})
    assert list(v.ballots.values_list("choice", flat=True)) == ["yes"]
    assert client.get(f"/orglife/my/{h.meeting(world.bajiao_community_committee).pk}/").status_code == 404


def test_kinds_page_for_the_administrator(world, client_for):
    admin = client_for("admin")
    assert "支部党员大会" in admin.get("/orglife/kinds/").content.decode()
    admin.post("/orglife/kinds/new/", {"code": "volunteer", "name": "志愿服务日", "period": "month", "times": 1,
                                       "audience": "all", "order": 100})
    talk = h.kind("talk")
    admin.post(f"/orglife/kinds/{talk.pk}/", {"name": "谈心谈话", "period": "year", "times": 2, "audience": "all",
                                              "order": 8})
    talk.refresh_from_db()
    assert (talk.times, talk.is_active) == (2, False)
    assert h.kind("volunteer").name == "志愿服务日"
    assert client_for("street").get("/orglife/kinds/new/").status_code == 403


def test_the_member_record_shows_organizational_life(world, client_for):
    people = h.roll(world.grid_branch, 1)
    h.meeting(world.grid_branch, topic="记录页可见的会议")
    page = client_for("branch").get(f"/members/{people[0].pk}/").content.decode()
    assert "组织生活" in page and "记录页可见的会议" in page


def test_the_plan_page_takes_a_fixed_number_of_queries(world, client_for, django_assert_max_num_queries):
    h.roll(world.grid_branch, 5)
    for n in range(10):
        h.meeting(world.grid_branch, minutes_from_now=n * 60, topic=f"会议{n}")
    client = client_for("branch")
    with django_assert_max_num_queries(30):
        assert client.get("/orglife/meetings/").status_code == 200
