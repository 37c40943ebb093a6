"""The meetings API: kinds, meetings, transitions, attendance, sign-in, leave, files and votes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiceng.core.services.accounts import token_issue
from jiceng.core.services.orgs import org_create
from jiceng.orglife.models import Attendance, Ballot, Meeting, MeetingKind
from jiceng.orglife.services import meetings as services
from jiceng.orglife.tests import meeting_helpers as h
from jiceng.testing import SYSTEM

API = "/api/v1"


def member_headers(member, username="dangyuan"):
    user = h.own_account(member, username)
    return {"HTTP_AUTHORIZATION": f"Bearer {token_issue(SYSTEM, user=user, name='t')[1]}"}


def plan(client, headers, org, **extra):
    body = {"org": org.pk, "kind": "theme_day", "topic": "主题党日", "starts_at": services.now().isoformat(), **extra}
    return client.post(f"{API}/meetings", body, content_type="application/json", **headers)


def test_kinds_are_listed_for_everyone_signed_in_and_added_by_the_administrator(client, token_for):
    assert client.get(f"{API}/meeting-kinds").status_code == 401
    response = client.get(f"{API}/meeting-kinds", **token_for("branch"))
    assert [k["code"] for k in response.json()][:3] == ["assembly", "committee", "group"]
    body = {"code": "volunteer", "name": "志愿服务日", "period": "month"}
    assert client.post(f"{API}/meeting-kinds", body, content_type="application/json",
                       **token_for("street")).status_code == 403
    created = client.post(f"{API}/meeting-kinds", body, content_type="application/json", **token_for("admin"))
    assert created.status_code == 201
    again = client.post(f"{API}/meeting-kinds", body, content_type="application/json", **token_for("admin"))
    assert again.status_code == 409
    talk = MeetingKind.objects.get(code="talk")
    patched = client.patch(f"{API}/meeting-kinds/{talk.pk}", {"is_active": False}, content_type="application/json",
                           **token_for("admin"))
    assert patched.json()["is_active"] is False


def test_plan_read_list_and_transition(client, world, token_for):
    h.roll(world.grid_branch, 3)
    headers = token_for("branch")
    created = plan(client, headers, world.grid_branch)
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["attendance"]["expected"] == 3 and len(data["checkin_code"]) == 6
    listed = client.get(f"{API}/meetings", {"org": world.grid_branch.pk}, **headers).json()
    assert [m["id"] for m in listed["items"]] == [data["id"]]
    moved = client.post(f"{API}/meetings/{data['id']}/transition", {"action": "held"}, content_type="application/json",
                        **headers)
    assert moved.json()["status"] == "held"
    again = client.post(f"{API}/meetings/{data['id']}/transition", {"action": "held"},
                        content_type="application/json", **headers)
    assert again.status_code == 409
    patched = client.patch(f"{API}/meetings/{data['id']}", {"minutes": "记录"}, content_type="application/json",
                           **headers)
    assert patched.json()["minutes"] == "记录"


def test_bad_input_is_422_with_fields_and_writes_nothing(client, world, token_for):
    headers = token_for("branch")
    bad = plan(client, headers, world.grid_branch, kind="nope")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "kind"
    group = plan(client, headers, world.grid_branch, kind="group")
    assert group.status_code == 422 and group.json()["errors"][0]["field"] == "org"
    assert plan(client, headers, world.grid_branch, starts_at="yesterday").status_code == 422
    assert not Meeting.objects.exists()


def test_out_of_scope_reads_as_missing(client, world, token_for):
    other = org_create(SYSTEM, parent=world.bajiao_community_committee, name="八角支部", kind="branch")[0]
    m = h.meeting(other)
    assert client.get(f"{API}/meetings/{m.pk}", **token_for("branch")).status_code == 404
    assert plan(client, token_for("branch"), other).json()["errors"][0]["field"] == "org"
    assert client.get(f"{API}/meetings/{m.pk}", **token_for("grid")).status_code == 404


def test_member_signs_in_asks_leave_and_reads_my_meetings(client, world, token_for):
    people = h.roll(world.grid_branch, 2)
    mine = member_headers(people[0])
    now = h.meeting(world.grid_branch, minutes_from_now=5)
    later = h.meeting(world.grid_branch, minutes_from_now=3 * 24 * 60)
    assert client.get(f"{API}/meetings/{now.pk}", **mine).status_code == 404  # not the secretary's view
    wrong = client.post(f"{API}/meetings/sign-in", {"code": "abcdef"}, content_type="application/json", **mine)
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "code"
    signed = client.post(f"{API}/meetings/sign-in", {"code": now.checkin_code}, content_type="application/json",
                         **mine)
    assert signed.status_code == 200 and signed.json()["state"] == "present"
    leave = client.post(f"{API}/meetings/{later.pk}/leave", {"reason": "出差"}, content_type="application/json",
                        **mine)
    assert leave.status_code == 201 and leave.json()["leave_status"] == "pending"
    assert client.post(f"{API}/meetings/{later.pk}/leave", {"reason": "再次"}, content_type="application/json",
                       **mine).status_code == 409
    listed = client.get(f"{API}/meetings/mine", **mine).json()["items"]
    assert {row["meeting"]["id"] for row in listed} == {now.pk, later.pk}
    row = Attendance.objects.get(meeting=later, member=people[0])
    decided = client.post(f"{API}/meetings/{later.pk}/leave/{row.pk}", {"approve": True},
                          content_type="application/json", **token_for("branch"))
    assert decided.json()["state"] == "excused"


def test_attendance_files_and_votes(client, world, token_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    people = h.roll(world.grid_branch, 3)
    headers = token_for("branch")
    m = h.meeting(world.grid_branch, "assembly", minutes_from_now=-5, topic="支部党员大会")
    marked = client.post(f"{API}/meetings/{m.pk}/attendance", {"present": [p.pk for p in people[:2]]},
                         content_type="application/json", **headers)
    assert sum(r["state"] == "present" for r in marked.json()) == 2
    upload = client.post(f"{API}/meetings/{m.pk}/files", {"kind": "photo", "file": SimpleUploadedFile(
        "合影.png", b"\x89PNG\r\n\x1a\n0000")}, **headers)
    assert upload.status_code == 201, upload.content
    bad = client.post(f"{API}/meetings/{m.pk}/files", {"file": SimpleUploadedFile("x.exe", b"MZ")}, **headers)
    assert bad.status_code == 422
    vote = client.post(f"{API}/meetings/{m.pk}/votes", {"subject": "讨论工作安排"}, content_type="application/json",
                       **headers).json()
    assert vote["entitled"] == 3
    mine = member_headers(people[0])
    own = client.post(f"{API}/meetings/votes/{vote['id']}/ballots", {"choice": "yes"},
                      content_type="application/json", **mine)
    assert own.status_code == 201
    twice = client.post(f"{API}/meetings/votes/{vote['id']}/ballots", {"choice": "no"},
                        content_type="application/json", **mine)
    assert twice.status_code == 409
    other = client.post(f"{API}/meetings/votes/{vote['id']}/ballots", {"choice": "yes", "member": people[1].pk},
                        content_type="application/json", **headers)
    assert other.status_code == 201
    closed = client.post(f"{API}/meetings/votes/{vote['id']}/close", **headers).json()
    assert (closed["present"], closed["yes"], closed["passed"]) == (2, 2, True)
    assert "应到会有表决权党员的半数" in closed["explanation"]
    assert Ballot.objects.count() == 2


@pytest.mark.parametrize("path", ["/meetings/999999", "/meetings/999999/attendance", "/meetings/votes/999999/close"])
def test_missing_records_are_404(client, token_for, path):
    response = (client.post if path.endswith("close") else client.get)(f"{API}{path}", **token_for("branch"))
    assert response.status_code == 404


def test_the_list_takes_a_fixed_number_of_queries(client, world, token_for, django_assert_max_num_queries):
    h.roll(world.grid_branch, 5)
    for n in range(12):
        h.meeting(world.grid_branch, minutes_from_now=n * 60 * 24, topic=f"会议{n}")
    headers = token_for("branch")
    with django_assert_max_num_queries(12):
        response = client.get(f"{API}/meetings", **headers)
    assert response.json()["count"] == 12
