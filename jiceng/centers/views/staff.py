"""Staff pages: the centers one manages, a center's management page (hours, exceptions, rooms,
services, rota, photos, notices, pending reservations) and the forms that change them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.centers.models import CenterService, OpeningException, RotaShift
from jiceng.centers.models.places import CenterPhoto
from jiceng.centers.selectors import places as selectors
from jiceng.centers.selectors import reservations as reservation_selectors
from jiceng.centers.services import catalogue, places, rota
from jiceng.centers.views import forms
from jiceng.centers.views.reservations import mark_actions
from jiceng.core import scope
from jiceng.core.models import Area
from jiceng.core.pages import run_service

VIEW, CHANGE, ADD = "centers.view_center", "centers.change_center", "centers.add_center"
CENTER_AREA_LEVELS = ("district", "street", "community", "grid", "building", "park", "business_district")


def _areas(actor, perm: str):
    return scope.visible(actor, perm, Area.objects.filter(level__in=CENTER_AREA_LEVELS)).order_by("path")[:2000]


def _form_page(request, form, *, title, center=None, submit=None):
    root = reverse("centers:staff_home")
    node_url = reverse("centers:staff_center", kwargs={"center_id": center.pk}) if center else root
    return render(request, "core/node_form.html", {
        "form": form, "title": title, "submit_label": submit or _("保存"), "root_label": _("党群服务中心"),
        "root_url": root, "node_name": center.name if center else _("新建中心"), "node_url": node_url})


def _changeable(request, obj) -> None:
    """The form pages open only for those who may change the center (403 if they only see it)."""
    scope.require(request.user, CHANGE, obj)


@login_required
def staff_home(request):
    if not scope.holds(request.user, VIEW):
        raise PermissionDenied(_("您没有管理党群服务中心的权限。"))
    centers = list(selectors.center_list(request.user).order_by("area__path", "name"))
    return render(request, "centers/staff_home.html", {
        "centers": centers, "can_add": scope.holds(request.user, ADD),
        "pending": mark_actions(request.user, reservation_selectors.reservation_list(
            request.user, status="pending", upcoming=True)[:50])})


@login_required
def staff_center(request, center_id: int):
    center = selectors.center_get(request.user, center_id)
    can_change = scope.can(request.user, CHANGE, center)
    day = selectors.today()
    return render(request, "centers/staff_center.html", {
        "center": center, "can_change": can_change, "week": selectors.week_hours(center, day, 14),
        "weekly": selectors.weekly_hours(center),
        "exceptions": center.exceptions.filter(date__gte=day).order_by("date"),
        "rooms": center.rooms.order_by("kind", "name"),
        "services": center.services.select_related("department").order_by("category", "name"),
        "shifts": center.rota.select_related("department").order_by("weekday", "starts"),
        "photos": center.photos.all(), "notices": selectors.notices(request.user, center),
        "reservations": mark_actions(request.user, reservation_selectors.reservation_list(
            request.user, center=center.pk, upcoming=True)[:100]),
        "exception_form": forms.ExceptionForm(), "photo_form": forms.PhotoForm(), "import_form": forms.ImportForm()})


@login_required
def center_new(request):
    if not scope.holds(request.user, ADD):
        raise PermissionDenied(_("您没有新建党群服务中心的权限。"))
    form = forms.CenterForm(request.POST or None, areas=_areas(request.user, ADD))
    if request.method == "POST" and form.is_valid():
        center = run_service(form, lambda: places.center_create(request.user, **form.cleaned_data))
        if center:
            messages.success(request, _("已新建 %(name)s，请设置开放时间和功能室。") % {"name": center.name})
            return redirect("centers:staff_center", center_id=center.pk)
    return _form_page(request, form, title=_("新建党群服务中心"))


@login_required
def center_edit(request, center_id: int):
    center = selectors.center_get(request.user, center_id)
    _changeable(request, center)
    initial = {f: getattr(center, f) for f in places.CENTER_FIELDS}
    form = forms.CenterForm(request.POST or None, initial=initial, areas=_areas(request.user, CHANGE))
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: places.center_update(request.user, center=center, **form.cleaned_data)):
            messages.success(request, _("已保存。"))
            return redirect("centers:staff_center", center_id=center.pk)
    return _form_page(request, form, title=_("修改中心信息"), center=center)


@login_required
def hours_edit(request, center_id: int):
    center = selectors.center_get(request.user, center_id)
    _changeable(request, center)
    weekly = {h.weekday: (h.opens, h.closes) for h in center.hours.all()}
    form = forms.HoursForm(request.POST or None, weekly=weekly)
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: places.hours_set(request.user, center=center, weekly=form.weekly())):
            messages.success(request, _("开放时间已保存。"))
            return redirect("centers:staff_center", center_id=center.pk)
    return render(request, "centers/hours_form.html", {"form": form, "center": center})


@login_required
@require_POST
def exception_add(request, center_id: int):
    center = selectors.center_get(request.user, center_id)
    form = forms.ExceptionForm(request.POST)
    if form.is_valid() and run_service(form, lambda: places.exception_set(
            request.user, center=center, day=form.cleaned_data["date"], is_open=form.cleaned_data["is_open"],
            opens=form.cleaned_data["opens"], closes=form.cleaned_data["closes"], note=form.cleaned_data["note"])):
        messages.success(request, _("已设置 %(d)s 的开放安排。") % {"d": form.cleaned_data["date"]})
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect(reverse("centers:staff_center", kwargs={"center_id": center.pk}) + "#hours")


@login_required
@require_POST
def exception_delete(request, exception_id: int):
    exception = scope.get_or_404(request.user, VIEW, OpeningException.objects.select_related("center__area"),
                                 pk=exception_id)
    center = exception.center
    places.exception_delete(request.user, exception=exception)
    messages.success(request, _("已删除该日期的例外安排。"))
    return redirect(reverse("centers:staff_center", kwargs={"center_id": center.pk}) + "#hours")


@login_required
def room_form(request, center_id: int | None = None, room_id: int | None = None):
    room = selectors.room_get(request.user, room_id) if room_id else None
    center = room.center if room else selectors.center_get(request.user, center_id)
    _changeable(request, center)
    initial = {f: getattr(room, f) for f in places.ROOM_FIELDS} if room else None
    form = forms.RoomForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        call = (lambda: places.room_update(request.user, room=room, **form.cleaned_data)) if room else (
            lambda: places.room_create(request.user, center=center, **form.cleaned_data))
        if run_service(form, call):
            messages.success(request, _("功能室已保存。"))
            return redirect(reverse("centers:staff_center", kwargs={"center_id": center.pk}) + "#rooms")
    return _form_page(request, form, title=_("修改功能室") if room else _("新增功能室"), center=center)


@login_required
def service_form(request, center_id: int | None = None, service_id: int | None = None):
    service = None
    if service_id:
        service = scope.get_or_404(request.user, VIEW, CenterService.objects.select_related("center__area"),
                                   pk=service_id)
    center = service.center if service else selectors.center_get(request.user, center_id)
    _changeable(request, center)
    initial = {f: getattr(service, f) for f in catalogue.FIELDS} if service else None
    form = forms.ServiceForm(request.POST or None, initial=initial, departments=selectors.departments_for(center))
    if request.method == "POST" and form.is_valid():
        call = (lambda: catalogue.service_update(request.user, service=service, **form.cleaned_data)) if service \
            else (lambda: catalogue.service_create(request.user, center=center, **form.cleaned_data))
        if run_service(form, call):
            messages.success(request, _("服务事项已保存。"))
            return redirect(reverse("centers:staff_center", kwargs={"center_id": center.pk}) + "#services")
    return _form_page(request, form, title=_("修改服务事项") if service else _("新增服务事项"), center=center)


@login_required
def services_import(request, center_id: int):
    """Upload a service list: first a preview with every bad row, then "import the good rows"."""
    center = selectors.center_get(request.user, center_id)
    _changeable(request, center)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        commit = request.POST.get("commit") == "1"
        report = run_service(form, lambda: catalogue.services_import(
            request.user, center=center, file=form.cleaned_data["file"], name=form.cleaned_data["file"].name,
            commit=commit))
        if report and commit:
            messages.success(request, _("已导入：新增 %(c)d 项，更新 %(u)d 项，跳过有误的 %(e)d 行。") % {
                "c": report["created"], "u": report["updated"], "e": len(report["errors"])})
            return redirect(reverse("centers:staff_center", kwargs={"center_id": center.pk}) + "#services")
    return render(request, "centers/services_import.html", {"form": form, "center": center, "report": report})


@login_required
def shift_form(request, center_id: int | None = None, shift_id: int | None = None):
    shift = None
    if shift_id:
        shift = scope.get_or_404(request.user, VIEW, RotaShift.objects.select_related("center__area", "department"),
                                 pk=shift_id)
    center = shift.center if shift else selectors.center_get(request.user, center_id)
    _changeable(request, center)
    initial = {f: getattr(shift, f) for f in rota.FIELDS} if shift else {"valid_from": selectors.today()}
    form = forms.ShiftForm(request.POST or None, initial=initial, departments=selectors.departments_for(center))
    if request.method == "POST" and form.is_valid():
        call = (lambda: rota.shift_update(request.user, shift=shift, **form.cleaned_data)) if shift else (
            lambda: rota.shift_create(request.user, center=center, **form.cleaned_data))
        if run_service(form, call):
            messages.success(request, _("坐班安排已保存，已通知中心工作人员。"))
            return redirect(reverse("centers:staff_center", kwargs={"center_id": center.pk}) + "#rota")
    return _form_page(request, form, title=_("调整部门坐班") if shift else _("安排部门坐班"), center=center)


@login_required
@require_POST
def shift_delete(request, shift_id: int):
    shift = scope.get_or_404(request.user, VIEW, RotaShift.objects.select_related("center__area", "department"),
                             pk=shift_id)
    center = shift.center
    rota.shift_delete(request.user, shift=shift)
    messages.success(request, _("已取消该坐班安排，已通知中心工作人员。"))
    return redirect(reverse("centers:staff_center", kwargs={"center_id": center.pk}) + "#rota")


@login_required
@require_POST
def photo_add(request, center_id: int):
    center = selectors.center_get(request.user, center_id)
    form = forms.PhotoForm(request.POST, request.FILES)
    if form.is_valid() and run_service(form, lambda: places.photo_add(
            request.user, center=center, image=form.cleaned_data["image"], caption=form.cleaned_data["caption"])):
        messages.success(request, _("照片已上传。"))
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect(reverse("centers:staff_center", kwargs={"center_id": center.pk}) + "#photos")


@login_required
@require_POST
def photo_delete(request, photo_id: int):
    item = scope.get_or_404(request.user, VIEW, CenterPhoto.objects.select_related("center__area"), pk=photo_id)
    center = item.center
    places.photo_delete(request.user, photo=item)
    messages.success(request, _("照片已删除。"))
    return redirect(reverse("centers:staff_center", kwargs={"center_id": center.pk}) + "#photos")


urlpatterns = [
    path("centers/manage/", staff_home, name="staff_home"),
    path("centers/manage/new/", center_new, name="center_new"),
    path("centers/manage/<int:center_id>/", staff_center, name="staff_center"),
    path("centers/manage/<int:center_id>/edit/", center_edit, name="center_edit"),
    path("centers/manage/<int:center_id>/hours/", hours_edit, name="hours_edit"),
    path("centers/manage/<int:center_id>/exceptions/", exception_add, name="exception_add"),
    path("centers/manage/exceptions/<int:exception_id>/delete/", exception_delete, name="exception_delete"),
    path("centers/manage/<int:center_id>/rooms/new/", room_form, name="room_new"),
    path("centers/manage/rooms/<int:room_id>/", room_form, name="room_edit"),
    path("centers/manage/<int:center_id>/services/new/", service_form, name="service_new"),
    path("centers/manage/services/<int:service_id>/", service_form, name="service_edit"),
    path("centers/manage/<int:center_id>/services/import/", services_import, name="services_import"),
    path("centers/manage/<int:center_id>/rota/new/", shift_form, name="shift_new"),
    path("centers/manage/rota/<int:shift_id>/", shift_form, name="shift_edit"),
    path("centers/manage/rota/<int:shift_id>/delete/", shift_delete, name="shift_delete"),
    path("centers/manage/<int:center_id>/photos/", photo_add, name="photo_add"),
    path("centers/manage/photos/<int:photo_id>/delete/", photo_delete, name="photo_delete"),
]
