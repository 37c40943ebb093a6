"""Pages of room reservations: reserve a room (with its timetable), the reservations one sees (with
cancel), and the approve / refuse / cancel actions."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.centers.models import HOLDING_STATUSES
from jiceng.centers.selectors import places as place_selectors
from jiceng.centers.selectors import reservations as selectors
from jiceng.centers.services import reservations as services
from jiceng.centers.views import forms
from jiceng.core import scope
from jiceng.core.pages import paginate, run_service

ADD = "centers.add_roomreservation"


def mark_actions(actor, reservations) -> list:
    """Set ``can_decide`` and ``can_cancel`` on each reservation for the reservation table."""
    rows = list(reservations)
    now = timezone.now()
    for r in rows:
        r.can_decide = scope.can(actor, services.APPROVE, r)
        r.can_cancel = r.status in HOLDING_STATUSES and r.ends_at > now and scope.can(actor, services.CHANGE, r)
    return rows


@login_required
def reserve(request, room_id: int):
    if not scope.holds(request.user, ADD):
        raise PermissionDenied(_("您没有预约功能室的权限。请联系所在党组织或中心工作人员。"))
    room = place_selectors.public_room_get(room_id)
    if not room.is_bookable:
        raise Http404
    staff = scope.reach(request.user, ADD).covers(area_path=room.center.area.path)
    form = forms.ReservationForm(request.POST or None, orgs=selectors.orgs_for_reserving(request.user), staff=staff,
                                 initial={"contact_name": getattr(request.user, "display_name", "")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        day, starts, ends = data.pop("date"), data.pop("starts"), data.pop("ends")
        data["starts_at"] = timezone.make_aware(datetime.combine(day, starts))
        data["ends_at"] = timezone.make_aware(datetime.combine(day, ends))
        reservation = run_service(form, lambda: services.reservation_create(request.user, room=room, **data))
        if reservation:
            if reservation.status == "pending":
                messages.success(request, _("已提交预约，等待中心审核。"))
            else:
                messages.success(request, _("预约成功：%(room)s %(when)s。") % {
                    "room": room.name, "when": timezone.localtime(reservation.starts_at).strftime("%Y-%m-%d %H:%M")})
            return redirect("centers:my_reservations")
    timetable = selectors.room_timetable(request.user, room)
    return render(request, "centers/reserve.html", {
        "room": room, "center": room.center, "form": form, "timetable": timetable,
        "week": place_selectors.week_hours(room.center, place_selectors.today(), 14)})


@login_required
def my_reservations(request):
    if not scope.holds(request.user, "centers.view_roomreservation"):
        raise PermissionDenied(_("您没有查看功能室预约的权限。"))
    page = paginate(request, selectors.reservation_list(request.user, upcoming=request.GET.get("all") != "1"), 30)
    page.object_list = mark_actions(request.user, page.object_list)
    return render(request, "centers/my_reservations.html", {"page": page, "show_all": request.GET.get("all") == "1"})


ACTIONS = {"approve": (services.reservation_approve, _("已确认该预约。")),
           "refuse": (services.reservation_refuse, _("已不予通过。")),
           "cancel": (services.reservation_cancel, _("已取消该预约。"))}


@login_required
@require_POST
def reservation_action(request, reservation_id: int, action: str):
    if action not in ACTIONS:
        raise Http404
    reservation = selectors.reservation_get(request.user, reservation_id)
    call, done = ACTIONS[action]
    form = forms.NoteForm(request.POST)
    form.is_valid()
    if run_service(form, lambda: call(request.user, reservation=reservation, note=form.cleaned_data.get("note", ""))):
        messages.success(request, done)
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
        return redirect(back)
    return redirect("centers:my_reservations")


urlpatterns = [
    path("centers/rooms/<int:room_id>/reserve/", reserve, name="reserve"),
    path("centers/reservations/", my_reservations, name="my_reservations"),
    path("centers/reservations/<int:reservation_id>/<str:action>/", reservation_action, name="reservation_action"),
]
