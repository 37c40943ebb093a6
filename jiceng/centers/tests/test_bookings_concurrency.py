"""Hundreds pressing the button in the same second: real concurrent HTTP requests against a live
server (threads), on whichever database the suite runs (SQLite or PostgreSQL)."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from jiceng.centers.models import Booking, Session
from jiceng.centers.services.bookings import waitlist_position
from jiceng.centers.tests import booking_helpers as h

PEOPLE, PLACES, CLIENTS = 300, 30, 32


def burst(base: str, path: str, tokens: list[str]) -> list[tuple[int, dict]]:
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        return list(pool.map(lambda t: h.call(base, "POST", path, t), tokens))


@pytest.mark.django_db(transaction=True)
def test_300_people_for_30_places_give_30_confirmed_and_a_gapless_waitlist(live_server, world):
    act = h.activity(h.center(world), capacity=PLACES)
    session = act.sessions.get()
    people = h.residents(PEOPLE)
    path = f"/api/v1/activities/{act.pk}/sessions/{session.pk}/bookings"
    answers = burst(live_server.url, path, [raw for _r, raw in people])

    statuses = sorted(code for code, _body in answers)
    assert statuses == [201] * PLACES + [202] * (PEOPLE - PLACES)
    positions = sorted(body["position"] for code, body in answers if code == 202)
    assert positions == list(range(1, PEOPLE - PLACES + 1))  # no gaps, no duplicates
    session.refresh_from_db()
    assert (session.confirmed, session.waitlisted) == (PLACES, PEOPLE - PLACES)
    rows = Booking.objects.filter(session=session)
    assert rows.filter(status="confirmed").count() == PLACES
    assert rows.values("resident").distinct().count() == rows.count() == PEOPLE  # nobody twice
    # arrival order at the session's counter: each waiting person was told the number the line keeps
    line = list(rows.filter(status="waitlisted").order_by("queue_no").values_list("pk", "queue_no"))
    assert [q for _pk, q in line] == positions
    told = {body["id"]: body["position"] for code, body in answers if code == 202}
    assert all(told[pk] == q for pk, q in line)
    assert [waitlist_position(b) for b in rows.filter(status="waitlisted").order_by("queue_no")] == positions

    again = burst(live_server.url, path, [raw for _r, raw in people[:20]])  # pressing twice changes nothing
    assert {code for code, _b in again} == {409}
    assert {body["errors"][0]["field"] for _c, body in again} == {"already_booked"}
    assert rows.count() == PEOPLE


@pytest.mark.django_db(transaction=True)
def test_cancellations_under_load_promote_exactly_one_each(live_server, world):
    act = h.activity(h.center(world), capacity=10)
    session = act.sessions.get()
    people = h.residents(40)
    path = f"/api/v1/activities/{act.pk}/sessions/{session.pk}/bookings"
    answers = burst(live_server.url, path, [raw for _r, raw in people])
    confirmed = [(raw, body["id"]) for (_r, raw), (code, body) in zip(people, answers, strict=True) if code == 201]
    assert len(confirmed) == 10

    # the 10 confirmed cancel while 20 newcomers press the button at the same moment
    newcomers = h.residents(20, prefix="1390000")
    jobs = [("DELETE", f"{path}/{bid}", raw) for raw, bid in confirmed] + [("POST", path, raw) for _r, raw in newcomers]
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        results = list(pool.map(lambda j: h.call(live_server.url, j[0], j[1], j[2]), jobs))
    assert [code for code, _b in results[:10]] == [200] * 10
    assert all(code == 202 for code, _b in results[10:])  # the freed places went to those already waiting

    session.refresh_from_db()
    rows = Booking.objects.filter(session=session)
    assert rows.filter(status="confirmed").count() == session.confirmed == 10
    assert rows.filter(status="waitlisted").count() == session.waitlisted == 40
    assert rows.filter(status="cancelled").count() == 10
    assert rows.filter(promoted_at__isnull=False).count() == 10  # one promotion per cancellation
    promoted = rows.filter(promoted_at__isnull=False).order_by("queue_no").values_list("queue_no", flat=True)
    assert list(promoted) == list(range(1, 11))  # first in line first
    waiting = rows.filter(status="waitlisted").order_by("queue_no")
    assert [waitlist_position(b) for b in waiting] == list(range(1, 41))
    assert Session.objects.get(pk=session.pk).confirmed <= session.capacity


@pytest.mark.django_db(transaction=True)
def test_one_person_pressing_two_sessions_at_once_gets_one_under_a_daily_limit(live_server, world):
    act = h.activity(h.center(world), capacity=10, limit_count=1, limit_period="day")
    morning = act.sessions.get()
    afternoon = Session.objects.create(activity=act, starts_at=morning.starts_at + timedelta(hours=3),
                                       ends_at=morning.ends_at + timedelta(hours=3), capacity=10)
    (_person, token), = h.residents(1)
    paths = [f"/api/v1/activities/{act.pk}/sessions/{s.pk}/bookings" for s in (morning, afternoon)] * 15
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        answers = list(pool.map(lambda p: h.call(live_server.url, "POST", p, token), paths))
    assert sorted(code for code, _b in answers) == [201] + [409] * 29
    assert {body["errors"][0]["field"] for code, body in answers if code == 409} <= {"limit", "already_booked"}
    assert Booking.objects.count() == 1
    assert sum(Session.objects.filter(activity=act).values_list("confirmed", flat=True)) == 1
