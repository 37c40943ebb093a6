"""Public, phone-first pages of activities for residents: the calendar, a session with its booking
button (always in the state of the person looking), the one-time-code login and 我的预约.

A resident signs in with a code sent to their mobile; the page session then holds their id
(``RESIDENT_KEY``). No staff account is needed, and staff accounts are not residents.
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jiceng.centers.models import Booking, BookingStatus, Center, Resident, Session
from jiceng.centers.selectors import activities as selectors
from jiceng.centers.services import bookings as services
from jiceng.centers.services import otp
from jiceng.core.errors import Conflict
from jiceng.core.http import client_ip

RESIDENT_KEY = "centers_resident"


def current_resident(request) -> Resident | None:
    resident_id = request.session.get(RESIDENT_KEY)
    return Resident.objects.filter(pk=resident_id).first() if resident_id else None


def _login_url(next_url: str) -> str:
    return f"{reverse('centers:resident_login')}?{urlencode({'next': next_url})}"


def session_state(session: Session, state: selectors.MyState, now=None) -> str:
    """What the booking button says for the person looking: their booking first, then the session."""
    now = now or timezone.now()
    if state.status in (BookingStatus.CONFIRMED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW):
        return state.status
    if state.status == BookingStatus.WAITLISTED:
        return "waitlisted"
    if session.cancelled_at is not None:
        return "cancelled"
    if session.starts_at <= now:
        return "ended"
    if session.opens_at and session.opens_at > now:
        return "not_open"
    if session.remaining > 0:
        return "open"
    return "waitlist" if session.activity.waitlist else "full"


def calendar(request):
    """活动日历: the next two weeks of sessions, of one center or all, with the looker's own state."""
    center = None
    if request.GET.get("center", "").isdigit():
        center = Center.objects.filter(pk=int(request.GET["center"]), is_active=True).first()
        if center is None:
            raise Http404
    try:
        start = date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = None
    sessions = list(selectors.upcoming_sessions(center=center, start=start, days=14)[:300])
    resident = current_resident(request)
    mine = {}
    if resident is not None:
        mine = dict(Booking.objects.filter(resident=resident, session__in=sessions)
                    .exclude(status=BookingStatus.CANCELLED).values_list("session_id", "status"))
    days: dict[date, list] = {}
    for s in sessions:
        s.my_status = mine.get(s.pk)
        days.setdefault(timezone.localtime(s.starts_at).date(), []).append(s)
    first = start or timezone.localdate()
    return render(request, "centers/activities/calendar.html", {
        "center": center, "days": sorted(days.items()), "resident": resident,
        "centers": Center.objects.filter(is_active=True, activities__isnull=False).distinct().order_by("name"),
        "previous": first - timedelta(days=14) if start and start > timezone.localdate() else None,
        "following": first + timedelta(days=14)})


def session_page(request, activity_id, session_id):
    session = selectors.session_get_public(activity_id, session_id)
    resident = current_resident(request)
    state = selectors.my_state(session, resident)
    booking = state.booking
    qr = None
    if booking and booking.status == BookingStatus.CONFIRMED:
        qr = mark_safe(segno.make(booking.code, error="m").svg_inline(scale=6, title=booking.code))  # noqa: S308
    return render(request, "centers/activities/session.html", {
        "session": session, "activity": session.activity, "resident": resident, "state": session_state(session, state),
        "booking": booking, "position": state.position, "qr": qr,
        "others": selectors.upcoming_sessions(center=session.activity.center).filter(
            activity=session.activity).exclude(pk=session.pk)[:6]})


@require_POST
def book(request, activity_id, session_id):
    session = selectors.session_for_booking(activity_id, session_id)
    page = reverse("centers:session", args=[activity_id, session_id])
    resident = current_resident(request)
    if resident is None:
        return redirect(_login_url(page))
    try:
        booked = services.booking_create(resident, session=session, resident=resident)
    except Conflict as exc:
        messages.error(request, exc.messages[0])
        return redirect(page)
    if booked.position is None:
        messages.success(request, _("预约成功，请凭预约码 %(c)s 按时到场签到。") % {"c": booked.booking.code})
    else:
        messages.info(request, _("名额已满，您已进入候补，排在第 %(n)d 位；有人取消时自动递补并短信通知。") % {
            "n": booked.position})
    return redirect(page)


def my_bookings(request):
    resident = current_resident(request)
    if resident is None:
        return redirect(_login_url(reverse("centers:my_bookings")))
    upcoming = list(selectors.my_bookings(resident))
    for b in upcoming:
        b.position = services.waitlist_position(b)
        b.may_cancel = b.status in (BookingStatus.CONFIRMED, BookingStatus.WAITLISTED)
    past = selectors.my_bookings(resident, upcoming=False).filter(session__ends_at__lt=timezone.now())[:20]
    return render(request, "centers/activities/my_bookings.html", {
        "resident": resident, "upcoming": upcoming, "past": past})


@require_POST
def my_booking_cancel(request, booking_id):
    resident = current_resident(request)
    if resident is None:
        return redirect(_login_url(reverse("centers:my_bookings")))
    booking = selectors.my_booking_get(resident, booking_id)
    try:
        services.booking_cancel(resident, booking=booking, resident=resident)
        messages.success(request, _("已取消预约。"))
    except Conflict as exc:
        messages.error(request, exc.messages[0])
    return redirect("centers:my_bookings")


class PhoneForm(forms.Form):
    phone = forms.CharField(label=gettext_lazy("手机号"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}))


class CodeForm(forms.Form):
    phone = forms.CharField(max_length=20, widget=forms.HiddenInput)
    code = forms.CharField(label=gettext_lazy("验证码"), max_length=6, min_length=6,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))
    name = forms.CharField(label=gettext_lazy("姓名（选填）"), max_length=50, required=False)


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("centers:my_bookings")


def resident_login(request):
    """验证码登录: step 1 sends a code to the phone, step 2 checks it. In demo mode the code is shown."""
    next_url = _safe_next(request)
    phone_form, code_form, demo_code = PhoneForm(), None, None
    if request.method == "POST" and request.POST.get("step") == "verify":
        code_form = CodeForm(request.POST)
        if code_form.is_valid():
            try:
                resident = otp.code_verify(phone=code_form.cleaned_data["phone"], code=code_form.cleaned_data["code"],
                                           name=code_form.cleaned_data["name"])
            except ValidationError as exc:
                code_form.add_error("code", exc.message_dict.get("code") or exc.messages)
            else:
                request.session.cycle_key()
                request.session[RESIDENT_KEY] = resident.pk
                messages.success(request, _("已登录：%(p)s") % {"p": resident.phone_masked})
                return redirect(next_url)
    elif request.method == "POST":
        phone_form = PhoneForm(request.POST)
        if phone_form.is_valid():
            try:
                sent = otp.code_request(phone=phone_form.cleaned_data["phone"], ip=client_ip(request))
            except ValidationError as exc:
                phone_form.add_error("phone", exc.message_dict.get("phone") or exc.messages)
            else:
                demo_code = sent.demo_code
                code_form = CodeForm(initial={"phone": phone_form.cleaned_data["phone"]})
    return render(request, "centers/activities/login.html", {
        "phone_form": phone_form, "code_form": code_form, "demo_code": demo_code, "next": next_url,
        "ttl_minutes": max(settings.OTP_TTL_SECONDS // 60, 1)})


@require_POST
def resident_logout(request):
    request.session.pop(RESIDENT_KEY, None)
    messages.info(request, _("已退出预约账号。"))
    return redirect("centers:calendar")
