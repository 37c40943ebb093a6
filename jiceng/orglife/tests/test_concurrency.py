"""One person pressing the button many times at once: real concurrent HTTP requests against a live
server (threads), on whichever database the suite runs (SQLite or PostgreSQL)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from jiceng.core.models import AuditEvent
from jiceng.core.services.accounts import token_issue
from jiceng.orglife.models import Attendance, Ballot
from jiceng.orglife.services import attendance as att
from jiceng.orglife.services import votes as vote_services
from jiceng.orglife.tests import meeting_helpers as h
from jiceng.testing import SYSTEM

TIMES = 8


def burst(url: str, token: str, body: dict) -> list[int]:
    def post(_n):
        return requests.post(url, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=TIMES) as pool:
        return list(pool.map(post, range(TIMES)))


@pytest.mark.django_db(transaction=True)
def test_concurrent_sign_ins_of_one_member_sign_once(live_server, world):
    people = h.roll(world.grid_branch, 2)
    token = token_issue(SYSTEM, user=h.own_account(people[0]), name="t")[1]
    meeting = h.meeting(world.grid_branch, minutes_from_now=5)
    codes = burst(f"{live_server.url}/api/v1/meetings/sign-in", token, {"code": meeting.checkin_code})
    assert codes == [200] * TIMES
    rows = Attendance.objects.filter(meeting=meeting, member=people[0])
    assert rows.count() == 1 and rows.get().state == "present"
    assert AuditEvent.objects.filter(action="meeting.sign_in").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_ballots_of_one_member_give_one_vote(live_server, world):
    people = h.roll(world.grid_branch, 3)
    token = token_issue(SYSTEM, user=h.own_account(people[0]), name="t")[1]
    meeting = h.meeting(world.grid_branch, "assembly", minutes_from_now=-5, topic="支部党员大会")
    att.attendance_mark(SYSTEM, meeting=meeting, present=[p.pk for p in people])
    vote = vote_services.vote_open(SYSTEM, meeting=meeting, subject="通过工作安排")
    codes = burst(f"{live_server.url}/api/v1/meetings/votes/{vote.pk}/ballots", token, {"choice": "yes"})
    assert sorted(codes) == [201] + [409] * (TIMES - 1)
    assert Ballot.objects.filter(vote=vote).count() == 1


@pytest.mark.django_db(transaction=True)
def test_ballots_racing_the_count_are_either_counted_or_refused(live_server, world, personas):
    people = h.roll(world.grid_branch, TIMES - 1)
    meeting = h.meeting(world.grid_branch, "assembly", minutes_from_now=-5, topic="支部党员大会")
    att.attendance_mark(SYSTEM, meeting=meeting, present=[p.pk for p in people])
    vote = vote_services.vote_open(SYSTEM, meeting=meeting, subject="通过工作安排")
    tokens = [token_issue(SYSTEM, user=h.own_account(p, f"dy{n}"), name="t")[1] for n, p in enumerate(people)]
    tokens.append(token_issue(SYSTEM, user=personas["branch"], name="t")[1])
    base = f"{live_server.url}/api/v1/meetings/votes/{vote.pk}"

    def post(n):
        url, body = (f"{base}/close", {}) if n == len(people) else (f"{base}/ballots", {"choice": "yes"})
        return requests.post(url, json=body, headers={"Authorization": f"Bearer {tokens[n]}"}, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=TIMES) as pool:
        codes = list(pool.map(post, range(TIMES)))
    vote.refresh_from_db()
    assert codes[-1] == 200 and vote.status == "closed"
    assert set(codes[:-1]) <= {201, 409}
    assert Ballot.objects.filter(vote=vote).count() == vote.yes == codes[:-1].count(201)
