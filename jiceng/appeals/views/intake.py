"""Staff intake pages: the grid worker's report from a phone (photo, location from the phone or a pin,
category, content; channel ``grid``), the batch import of 12345 hotline work orders with its row-level
report and template, and the appeal photos (scoped: out of scope is 404)."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from jiceng.appeals.models import AppealPhoto, Channel
from jiceng.appeals.services import imports
from jiceng.appeals.views.public import file_appeal, map_context
from jiceng.appeals.views.public_forms import ReportForm
from jiceng.core import scope
from jiceng.core.pages import run_service
from jiceng.core.spreadsheets import xlsx_response

ADD, DISPATCH, VIEW = "appeals.add_appeal", "appeals.dispatch_appeal", "appeals.view_appeal"


def _require(user, perm: str, message: str) -> None:
    if not scope.holds(user, perm):
        raise PermissionDenied(message)


@login_required
def report(request):
    """网格员上报: from a phone; the worker's own name and mobile are the contact unless given."""
    _require(request.user, ADD, _("您没有上报诉求的权限。"))
    form = ReportForm(request.POST or None, request.FILES or None, user=request.user,
                      initial={"client_key": uuid.uuid4().hex})
    if request.method == "POST" and form.is_valid():
        appeal = file_appeal(request, form, channel=Channel.GRID, actor=request.user, throttled=False)
        if appeal is not None:
            messages.success(request, _("已上报，工单编号 %(no)s。") % {"no": appeal.ticket_no})
            return redirect(reverse("appeals:intake_report"))
    return render(request, "appeals/intake/report.html", {"form": form, **map_context()})


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("工单文件（.xlsx 或 .csv）"), help_text=gettext_lazy(
        "每行一件热线工单；请先下载模板。同一 12345 工单号不会重复登记。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))


@login_required
def hotline_import(request):
    """Batch import of hotline work orders: check (nothing written) or import; a report row by row."""
    _require(request.user, DISPATCH, _("您没有导入热线工单的权限。"))
    form = ImportForm(request.POST or None, request.FILES or None)
    report_ = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        commit = request.POST.get("commit") == "1"
        report_ = run_service(form, lambda: imports.hotline_import(request.user, file=upload, name=upload.name,
                                                                   commit=commit))
        if report_ is not None and commit:
            messages.success(request, _("导入完成：登记 %(c)d 件，未登记 %(e)d 行。") % {
                "c": report_.created, "e": report_.refused})
    return render(request, "appeals/intake/import.html", {"form": form, "report": report_})


@login_required
@require_GET
def import_template(request):
    _require(request.user, DISPATCH, _("您没有导入热线工单的权限。"))
    return xlsx_response(imports.template_bytes(), _("热线工单导入模板.xlsx"))


@login_required
@require_GET
def photo(request, photo_id: int):
    """An appeal photo for staff who see the appeal."""
    item = _photo(request.user, photo_id)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, content_type=item.content_type)


def _photo(user, photo_id: int) -> AppealPhoto:
    from jiceng.appeals.models import Appeal

    item = AppealPhoto.objects.filter(pk=photo_id).first()
    if item is None or not scope.visible(user, VIEW, Appeal.objects.filter(pk=item.appeal_id)).exists():
        raise Http404
    return item


urlpatterns = [
    path("appeals/report/", report, name="intake_report"),
    path("appeals/import/", hotline_import, name="intake_import"),
    path("appeals/import/template.xlsx", import_template, name="intake_import_template"),
    path("appeals/photos/<int:photo_id>", photo, name="intake_photo"),
]
