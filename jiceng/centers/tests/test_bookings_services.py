"""Booking services: cancellation deadline, audience, session cancel, no-shows and their pause."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.http import Http404
from django.utils import timezone

from jiceng.centers.models import Booking, Resident, Session
from jiceng.centers.services import activities as activity_services
from jiceng.centers.services import bookings as services
from jiceng.centers.tests import booking_helpers as h
from jiceng.core.errors import Conflict
from jiceng.members.tests import factories
from jiceng.testing import SYSTEM


@pytest.fixture
def center(world):
    return h.center(world)


def reason(exc_info) -> str:
    return exc_info.value.error_dict["booking"][0].code


def test_cancelling_after_the_deadline_is_refused_for_the_resident_not_for_staff(center, personas):
    act = h.activity(center, capacity=2, hours_ahead=1, cancel_minutes_before=120)
    (resident, _t), = h.residents(1)
    booked = services.booking_create(resident, session=act.sessions.get(), resident=resident)
    with pytest.raises(Conflict) as exc:
        services.booking_cancel(resident, booking=booked.booking, resident=resident)
    assert reason(exc) == "deadline"
    assert Booking.objects.get().status == "confirmed"
    with pytest.raises(Http404):  # grid worker: not their center's unit
        services.booking_cancel(personas["grid"], booking=booked.booking)
    services.booking_cancel(personas["street"], booking=booked.booking)
    assert Booking.objects.get().status == "cancelled"
    assert Session.objects.get().confirmed == 0


def test_members_only_activity_takes_members_of_the_roll(center, world):
    act = h.activity(center, capacity=5, audience="members")
    session = act.sessions.get()
    (outsider, _t), = h.residents(1)
    with pytest.raises(Conflict) as exc:
        services.booking_create(outsider, session=session, resident=outsider)
    assert reason(exc) == "audience"
    member = factories.member(world.grid_branch, "党员甲")
    member.set_phone("13700000001")
    member.save()
    from jiceng.centers.services.otp import resident_for_phone

    resident = resident_for_phone("13700000001")
    assert services.booking_create(resident, session=session, resident=resident).booking.status == "confirmed"


def test_building_audience_uses_the_station_roster(center, world, personas):
    station = h.center(world, name="丽泽商务区楼宇服务站", level="building")
    with pytest.raises(Exception):  # noqa: B017 - a street station is no building
        h.activity(center, capacity=5, audience="building", audience_center=center)
    act = h.activity(center, capacity=5, audience="building", audience_center=station)
    activity_services.employees_replace(personas["street"], center=station, lines="王五 13600000001\n13600000002")
    employee = Resident(name="王五")
    employee.set_phone("13600000001")
    employee.save()
    (stranger, _t), = h.residents(1)
    session = act.sessions.get()
    assert services.booking_create(employee, session=session, resident=employee).booking.status == "confirmed"
    with pytest.raises(Conflict):
        services.booking_create(stranger, session=session, resident=stranger)


def test_cancelling_a_session_tells_and_cancels_everyone(center, personas, django_capture_on_commit_callbacks):
    act = h.activity(center, capacity=1)
    session = act.sessions.get()
    for resident, _t in h.residents(3):
        services.booking_create(resident, session=session, resident=resident)
    with django_capture_on_commit_callbacks() as sent:
        activity_services.session_cancel(personas["street"], session=session, reason="场地维修")
    assert len(sent) == 3
    assert set(Booking.objects.values_list("status", flat=True)) == {"cancelled"}


def test_no_shows_are_marked_once_and_three_in_90_days_pause_booking(center, world, settings):
    (resident, _t), = h.residents(1)
    now = timezone.now()
    for days_ago in (40, 20, 2):
        act = h.activity(center, capacity=5, title=f"往期{days_ago}")
        session = act.sessions.get()
        services.booking_create(resident, session=session, resident=resident)
        Session.objects.filter(pk=session.pk).update(starts_at=now - timedelta(days=days_ago, hours=1),
                                                     ends_at=now - timedelta(days=days_ago))
    attended = h.activity(center, capacity=5, title="到场")
    (other, _t2), = h.residents(1, prefix="1390000")
    booked = services.booking_create(other, session=attended.sessions.get(), resident=other)
    Booking.objects.filter(pk=booked.booking.pk).update(status="attended")
    Session.objects.filter(activity=attended).update(starts_at=now - timedelta(hours=2),
                                                     ends_at=now - timedelta(hours=1))

    call_command("mark_no_shows")
    assert Booking.objects.filter(status="no_show").count() == 3
    resident.refresh_from_db()
    assert resident.paused_until == timezone.localdate() - timedelta(days=2) + timedelta(days=30)
    assert services.no_shows_mark(SYSTEM) == {"sessions": 0, "no_shows": 0, "paused": 0}  # idempotent
    assert Booking.objects.get(resident=other).status == "attended"

    upcoming = h.activity(center, capacity=5, title="之后")
    with pytest.raises(Conflict) as exc:
        services.booking_create(resident, session=upcoming.sessions.get(), resident=resident)
    assert reason(exc) == "paused"


def test_a_session_called_off_after_the_checks_takes_no_booking(center):
    act = h.activity(center, capacity=1)
    session = act.sessions.get()  # read before the cancellation commits
    (resident, _t), = h.residents(1)
    Session.objects.filter(pk=session.pk).update(cancelled_at=timezone.now())
    with pytest.raises(Conflict) as exc:
        services.booking_create(resident, session=session, resident=resident)
    assert reason(exc) == "cancelled"
    assert not Booking.objects.exists()
    assert Session.objects.filter(pk=session.pk, confirmed=0, waitlisted=0).exists()
