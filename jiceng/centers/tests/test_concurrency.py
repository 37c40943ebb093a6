"""Overlapping room reservations sent at the same moment as real HTTP requests: one wins, the rest get
409, and no two reservations of the room overlap (the room's row lock)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

import pytest
import requests

from jiceng.centers.models import RoomReservation
from jiceng.centers.tests import helpers as h
from jiceng.core.services import accounts
from jiceng.testing import SYSTEM

WORKERS = 12


@pytest.mark.django_db(transaction=True)
def test_concurrent_overlapping_reservations_one_wins(live_server, world):
    center = h.center(world.majiabao)
    room = h.room(center)
    other_room = h.room(center, name="第二会议室")
    day = h.open_day(center)
    token = accounts.token_issue(SYSTEM, user=h.staff(world.majiabao), name="t")[1]
    # Eight requests overlap pairwise (09:00–11:00, 10:00–12:00, 10:30–11:30 …); two ask for the
    # afternoon (one of them wins); two ask for the same morning in another room (one wins).
    spans = [("09:00", "11:00"), ("10:00", "12:00"), ("10:30", "11:30"), ("10:00", "11:00")] * 2 + \
        [("14:00", "15:00"), ("14:30", "15:30")]
    jobs = [(room.pk, s) for s in spans] + [(other_room.pk, ("10:00", "11:00"))] * 2
    barrier = threading.Barrier(len(jobs))

    def reserve(job):
        room_id, (start, end) = job
        session = requests.Session()
        barrier.wait(timeout=20)
        response = session.post(f"{live_server.url}/api/v1/rooms/{room_id}/reservations", timeout=60, json={
            "applicant": "嘉园一里居民议事会", "contact_name": "王敏", "purpose": "meeting", "title": f"{start}议事",
            "starts_at": h.at(day, start).isoformat(), "ends_at": h.at(day, end).isoformat()},
            headers={"Authorization": f"Bearer {token}"})
        return room_id, response.status_code, response.text[:200]

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        results = list(pool.map(reserve, jobs))
    codes = sorted(code for _room, code, _text in results)
    assert codes == [201] * 3 + [409] * (len(jobs) - 3), results
    for room_id in (room.pk, other_room.pk):
        booked = list(RoomReservation.objects.filter(room_id=room_id).order_by("starts_at"))
        assert all(a.ends_at <= b.starts_at for a, b in pairwise(booked))
    assert RoomReservation.objects.filter(room=room).count() == 2
    assert RoomReservation.objects.filter(room=other_room).count() == 1
