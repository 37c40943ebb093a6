"""Reads of activities and bookings: public (calendar, session state for the person looking) and
scoped for staff (activity management, the check-in desk, statistics)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from jiceng.centers.models import Activity, Booking, BookingStatus, Resident, Session
from jiceng.centers.services.bookings import waitlist_position
from jiceng.core import scope

VIEW = "centers.view_activity"


def public_activities() -> QuerySet:
    return Activity.objects.filter(center__is_active=True).select_related("center", "room")


def activity_get_public(activity_id) -> Activity:
    try:
        return public_activities().get(pk=activity_id)
    except (Activity.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def session_get_public(activity_id, session_id) -> Session:
    try:
        return (Session.objects.select_related("activity__center__area", "activity__room")
                .get(pk=session_id, activity_id=activity_id, activity__center__is_active=True))
    except (Session.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc


BOOKING_FIELDS = ("starts_at", "ends_at", "capacity", "opens_at", "cancelled_at", "activity__title",
                  "activity__waitlist", "activity__audience", "activity__audience_center_id", "activity__limit_count",
                  "activity__limit_period", "activity__cancel_minutes_before", "activity__center__name",
                  "activity__center__area__path")


def session_for_booking(activity_id, session_id) -> Session:
    """The session to book, with only what booking reads (the button is pressed hundreds of times a
    second: no descriptions, no geometry)."""
    try:
        return (Session.objects.select_related("activity__center__area").only(*BOOKING_FIELDS)
                .get(pk=session_id, activity_id=activity_id, activity__center__is_active=True))
    except (Session.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc


def upcoming_sessions(*, center=None, start: date | None = None, days: int = 14) -> QuerySet:
    """The calendar: sessions from ``start`` (today) for ``days`` days, of one center or all."""
    first = timezone.make_aware(datetime.combine(start or timezone.localdate(), datetime.min.time()))
    since = first if start else max(first, timezone.now() - timedelta(hours=1))  # today: not what has ended
    qs = Session.objects.filter(starts_at__gte=since, starts_at__lt=first + timedelta(days=days),
                                cancelled_at__isnull=True, activity__center__is_active=True)
    if center is not None:
        qs = qs.filter(activity__center=center)
    return qs.select_related("activity__center").order_by("starts_at", "id")


@dataclass
class MyState:
    """What the person looking sees on a session: their booking and place in line, if any."""

    booking: Booking | None
    position: int | None

    @property
    def status(self) -> str | None:
        return self.booking.status if self.booking else None


def my_state(session: Session, resident: Resident | None) -> MyState:
    if resident is None:
        return MyState(None, None)
    booking = (Booking.objects.filter(session=session, resident=resident).exclude(status=BookingStatus.CANCELLED)
               .first())
    return MyState(booking, waitlist_position(booking) if booking else None)


def my_bookings(resident: Resident, *, upcoming: bool = True) -> QuerySet:
    qs = Booking.objects.filter(resident=resident).select_related("session__activity__center")
    if upcoming:
        return qs.filter(session__ends_at__gte=timezone.now()).order_by("session__starts_at", "id")
    return qs.order_by("-session__starts_at", "-id")


def my_booking_get(resident: Resident, booking_id) -> Booking:
    try:
        return my_bookings(resident, upcoming=False).get(pk=booking_id)
    except (Booking.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


# --- staff -------------------------------------------------------------------------------------

def activity_list(actor) -> QuerySet:
    return (scope.visible(actor, VIEW, Activity.objects.all()).select_related("center")
            .annotate(session_count=Count("sessions")).order_by("-created_at", "-id"))


def activity_get(actor, activity_id) -> Activity:
    return scope.get_or_404(actor, VIEW, Activity.objects.select_related("center__area"), pk=activity_id)


def session_get(actor, session_id) -> Session:
    return scope.get_or_404(actor, VIEW, Session.objects.select_related("activity__center__area"), pk=session_id)


def desk_sessions(actor, *, day: date | None = None) -> QuerySet:
    """The check-in desk: the sessions of ``day`` (today) at the centers the actor serves."""
    day = day or timezone.localdate()
    return (scope.visible(actor, "centers.checkin_booking", Session.objects.all())
            .filter(starts_at__date=day, cancelled_at__isnull=True).select_related("activity__center")
            .order_by("starts_at", "id"))


def session_bookings(actor, session: Session) -> QuerySet:
    return (scope.visible(actor, "centers.view_booking", Booking.objects.filter(session=session))
            .select_related("resident").order_by("status", "queue_no", "created_at", "id"))


def booking_by_code(actor, code: str) -> Booking:
    """A booking by the code a resident shows (typed or scanned from the QR code), within scope."""
    return scope.get_or_404(actor, "centers.view_booking",
                            Booking.objects.select_related("session__activity__center__area", "resident"),
                            code=(code or "").strip().upper())


def booking_get(actor, booking_id) -> Booking:
    return scope.get_or_404(actor, "centers.view_booking",
                            Booking.objects.select_related("session__activity__center__area", "resident"),
                            pk=booking_id)


@dataclass
class StatRow:
    activity: str
    center: str
    week: date
    sessions: int
    capacity: int
    bookings: int
    visits: int
    no_shows: int
    waitlisted: int

    @property
    def no_show_rate(self) -> float | None:
        settled = self.visits + self.no_shows
        return round(self.no_shows / settled, 4) if settled else None

    @property
    def fill_rate(self) -> float | None:
        return round(self.bookings / self.capacity, 4) if self.capacity else None


def booking_stats(actor, *, start: date, end: date) -> list[StatRow]:
    """Per activity and week (Monday) between ``start`` and ``end``: sessions, places, bookings
    (confirmed, attended or no-show), visits (checked in), no-shows and those still waiting."""
    sessions = (scope.visible(actor, VIEW, Session.objects.all())
                .filter(starts_at__date__range=(start, end), cancelled_at__isnull=True)
                .annotate(n_visits=Count("bookings", filter=Q(bookings__status=BookingStatus.ATTENDED)),
                          n_no_shows=Count("bookings", filter=Q(bookings__status=BookingStatus.NO_SHOW)),
                          n_waiting=Count("bookings", filter=Q(bookings__status=BookingStatus.WAITLISTED)))
                .values_list("activity__title", "activity__center__name", "activity_id", "starts_at", "capacity",
                             "confirmed", "n_visits", "n_no_shows", "n_waiting"))
    rows: dict[tuple, StatRow] = {}
    for title, center, activity_id, starts_at, capacity, confirmed, visits, no_shows, waiting in sessions:
        day = timezone.localtime(starts_at).date()
        week = day - timedelta(days=day.weekday())
        row = rows.setdefault((activity_id, week), StatRow(title, center, week, 0, 0, 0, 0, 0, 0))
        row.sessions += 1
        row.capacity += capacity
        row.bookings += confirmed
        row.visits += visits
        row.no_shows += no_shows
        row.waitlisted += waiting
    return sorted(rows.values(), key=lambda r: (r.week, r.center, r.activity))
