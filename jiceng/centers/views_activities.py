"""Staff pages of activities: the list and the publish form (one-off or recurring), an activity's
sessions, a session's bookings with check-in and booking at the desk, the check-in desk of the day,
and the booking statistics with ECharts and an .xlsx export."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jiceng.centers.models import Center
from jiceng.centers.models.activities import Audience, LimitPeriod, Repeat
from jiceng.centers.selectors import activities as selectors
from jiceng.centers.services import activities as activity_services
from jiceng.centers.services import bookings as services
from jiceng.centers.services import otp
from jiceng.core import scope, spreadsheets
from jiceng.core.errors import Conflict
from jiceng.core.pages import paginate, run_service

WEEKDAYS = [(0, gettext_lazy("周一")), (1, gettext_lazy("周二")), (2, gettext_lazy("周三")), (3, gettext_lazy("周四")),
            (4, gettext_lazy("周五")), (5, gettext_lazy("周六")), (6, gettext_lazy("周日"))]


def _require(user, perm: str) -> None:
    if not scope.holds(user, perm):
        raise PermissionDenied


def _centers(user, perm: str):
    return Center.objects.filter(scope.where(user, perm, area_field="area__path"), is_active=True).order_by("name")


class ActivityForm(forms.Form):
    center = forms.ModelChoiceField(label=gettext_lazy("服务中心"), queryset=Center.objects.none())
    title = forms.CharField(label=gettext_lazy("活动名称"), max_length=80)
    description = forms.CharField(label=gettext_lazy("活动介绍"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    day = forms.DateField(label=gettext_lazy("日期（第一场）"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=gettext_lazy("开始时刻"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=gettext_lazy("结束时刻"), widget=forms.TimeInput(attrs={"type": "time"}))
    capacity = forms.IntegerField(label=gettext_lazy("每场名额"), min_value=1, max_value=100_000)
    repeat = forms.ChoiceField(label=gettext_lazy("重复"), choices=Repeat.choices, initial=Repeat.ONCE,
                               help_text=gettext_lazy("“每个工作日”按国务院放假安排跳过法定节假日、包含调休上班日"))
    repeat_until = forms.DateField(label=gettext_lazy("重复至"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    weekdays = forms.TypedMultipleChoiceField(label=gettext_lazy("每周哪几天（每周重复时）"), choices=WEEKDAYS,
                                              coerce=int, required=False, widget=forms.CheckboxSelectMultiple)
    audience = forms.ChoiceField(label=gettext_lazy("面向"), choices=Audience.choices, initial=Audience.ALL)
    audience_center = forms.ModelChoiceField(label=gettext_lazy("面向哪座楼宇（楼宇员工）"), required=False,
                                             queryset=Center.objects.filter(level="building"))
    waitlist = forms.BooleanField(label=gettext_lazy("满员后可候补"), required=False, initial=True)
    limit_count = forms.IntegerField(label=gettext_lazy("每人限约场次（0 = 不限）"), min_value=0, max_value=100,
                                     initial=1)
    limit_period = forms.ChoiceField(label=gettext_lazy("限约周期"), choices=LimitPeriod.choices,
                                     initial=LimitPeriod.DAY)
    opens_days_before = forms.IntegerField(label=gettext_lazy("提前几天开放预约（留空 = 发布即开放）"), min_value=0,
                                           max_value=365, required=False)
    opens_at_time = forms.TimeField(label=gettext_lazy("开放预约时刻"), required=False,
                                    widget=forms.TimeInput(attrs={"type": "time"}))
    cancel_minutes_before = forms.IntegerField(label=gettext_lazy("开始前多少分钟截止取消"), min_value=0,
                                               max_value=60 * 24 * 30, initial=120)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["center"].queryset = _centers(user, activity_services.MANAGE)

    def to_input(self) -> activity_services.ActivityInput:
        d = self.cleaned_data
        tz = timezone.get_current_timezone()
        return activity_services.ActivityInput(
            center=d["center"], title=d["title"], description=d["description"],
            starts_at=datetime.combine(d["day"], d["start"], tzinfo=tz),
            ends_at=datetime.combine(d["day"], d["end"], tzinfo=tz), capacity=d["capacity"], repeat=d["repeat"],
            repeat_until=d["repeat_until"], weekdays=d["weekdays"], audience=d["audience"],
            audience_center=d["audience_center"], waitlist=d["waitlist"], limit_count=d["limit_count"],
            limit_period=d["limit_period"], opens_days_before=d["opens_days_before"],
            opens_at_time=d["opens_at_time"], cancel_minutes_before=d["cancel_minutes_before"])


@login_required
def activity_list(request):
    _require(request.user, "centers.view_activity")
    return render(request, "centers/activities/admin_list.html", {
        "page": paginate(request, selectors.activity_list(request.user), 30),
        "can_add": scope.holds(request.user, activity_services.MANAGE)})


@login_required
def activity_new(request):
    _require(request.user, activity_services.MANAGE)
    form = ActivityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        activity = run_service(form, lambda: activity_services.activity_create(request.user, data=form.to_input()))
        if activity is not None:
            messages.success(request, _("已发布“%(t)s”，共 %(n)d 场。") % {"t": activity.title,
                                                                     "n": activity.sessions.count()})
            return redirect("centers:activity_admin_detail", activity_id=activity.pk)
    return render(request, "centers/activities/admin_form.html", {"form": form})


@login_required
def activity_detail(request, activity_id):
    activity = selectors.activity_get(request.user, activity_id)
    return render(request, "centers/activities/admin_detail.html", {
        "activity": activity, "sessions": activity.sessions.order_by("starts_at"),
        "can_change": scope.can(request.user, "centers.change_activity", activity)})


@login_required
@require_POST
def session_cancel(request, session_id):
    session = selectors.session_get(request.user, session_id)
    try:
        activity_services.session_cancel(request.user, session=session, reason=request.POST.get("reason", "")[:200])
        messages.success(request, _("已取消该场次，已预约和候补的居民会收到通知。"))
    except Conflict as exc:
        messages.error(request, exc.messages[0])
    return redirect("centers:activity_admin_detail", activity_id=session.activity_id)


class DeskBookingForm(forms.Form):
    phone = forms.CharField(label=gettext_lazy("居民手机号"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=50, required=False)


@login_required
def session_desk(request, session_id):
    """One session at the desk: who booked, who is waiting, check-in and booking for a walk-in."""
    session = selectors.session_get(request.user, session_id)
    form = DeskBookingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        def book():
            scope.require(request.user, "centers.add_booking", session)
            resident = otp.resident_for_phone(otp.mobile_or_error(form.cleaned_data["phone"]),
                                              name=form.cleaned_data["name"])
            return services.booking_create(request.user, session=session, resident=resident, staff=request.user)
        booked = run_service(form, book)
        if booked is not None:
            messages.success(request, _("已为 %(p)s 预约：%(s)s，预约码 %(c)s") % {
                "p": booked.booking.resident.phone_masked, "s": booked.booking.get_status_display(),
                "c": booked.booking.code})
            return redirect("centers:session_desk", session_id=session.pk)
    bookings = list(selectors.session_bookings(request.user, session))
    for b in bookings:
        b.position = services.waitlist_position(b)
    return render(request, "centers/activities/session_desk.html", {
        "session": session, "bookings": bookings, "form": form,
        "can_book": session.starts_at > timezone.now() and scope.can(request.user, "centers.add_booking", session),
        "can_check_in": scope.can(request.user, "centers.checkin_booking", session)})


@login_required
def desk(request):
    """签到核销: type or scan a booking code; today's sessions at the centers one serves."""
    _require(request.user, "centers.checkin_booking")
    checked = None
    if request.method == "POST":
        code = (request.POST.get("code") or "").strip().rsplit("/", 1)[-1]
        try:
            booking = (selectors.booking_get(request.user, request.POST["booking"]) if request.POST.get("booking")
                       else selectors.booking_by_code(request.user, code))
            booking, newly = services.booking_check_in(request.user, booking=booking)
            checked = booking
            if newly:
                messages.success(request, _("签到成功：%(n)s %(p)s · %(t)s") % {
                    "n": booking.resident.name, "p": booking.resident.phone_masked,
                    "t": booking.session.activity.title})
            else:
                messages.info(request, _("该预约已签到过。"))
        except (Conflict, ValidationError) as exc:
            messages.error(request, exc.messages[0])
        except Http404:  # no such code within the centers one serves
            messages.error(request, _("没有找到预约码“%(c)s”，请核对。") % {"c": code[:12]})
        if request.POST.get("back"):
            return redirect("centers:session_desk", session_id=int(request.POST["back"]))
        return redirect("centers:desk")
    return render(request, "centers/activities/desk.html", {
        "sessions": selectors.desk_sessions(request.user), "checked": checked})


@login_required
def stats(request):
    """预约统计: bookings, visits and no-show rate per activity and week, as charts, a table and .xlsx."""
    _require(request.user, "centers.view_booking")
    today = timezone.localdate()
    try:
        weeks = max(1, min(int(request.GET.get("weeks", "8")), 52))
    except ValueError:
        weeks = 8
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    end = start + timedelta(weeks=weeks) - timedelta(days=1)
    rows = selectors.booking_stats(request.user, start=start, end=end)
    if request.GET.get("format") == "xlsx":
        return _xlsx(rows, start, end)
    by_week: dict = {}
    for r in rows:
        w = by_week.setdefault(r.week.isoformat(), {"bookings": 0, "visits": 0, "no_shows": 0})
        w["bookings"] += r.bookings
        w["visits"] += r.visits
        w["no_shows"] += r.no_shows
    chart = {"weeks": list(by_week), "bookings": [v["bookings"] for v in by_week.values()],
             "visits": [v["visits"] for v in by_week.values()],
             "no_show_rate": [round(100 * v["no_shows"] / (v["visits"] + v["no_shows"]), 1)
                              if v["visits"] + v["no_shows"] else None for v in by_week.values()],
             "labels": {"bookings": _("预约"), "visits": _("到场"), "rate": _("爽约率 %")}}
    return render(request, "centers/activities/stats.html", {"rows": rows, "chart": chart, "weeks": weeks,
                                                             "start": start, "end": end})


def _xlsx(rows, start, end):
    buffer = io.BytesIO()
    spreadsheets.write_xlsx(buffer, [spreadsheets.Sheet(
        title=_("预约统计"),
        headers=[_("周（周一）"), _("中心"), _("活动"), _("场次"), _("名额"), _("预约"), _("到场"), _("爽约"),
                 _("候补未递补"), _("满额率"), _("爽约率")],
        rows=([r.week, r.center, r.activity, r.sessions, r.capacity, r.bookings, r.visits, r.no_shows, r.waitlisted,
               r.fill_rate, r.no_show_rate] for r in rows),
        widths=[12, 24, 24, 8, 8, 8, 8, 8, 12, 10, 10])])
    return spreadsheets.xlsx_response(buffer.getvalue(), f"预约统计_{start:%Y%m%d}-{end:%Y%m%d}.xlsx")
