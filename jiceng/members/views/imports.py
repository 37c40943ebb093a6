"""Pages: roll import (upload → check → choose) and export, each a job with a progress bar that htmx
refreshes every second while the job runs."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jiceng.core import scope
from jiceng.core.api_jobs import job_file_response
from jiceng.core.errors import Conflict
from jiceng.core.models import JobState
from jiceng.core.pages import run_service
from jiceng.core.selectors import jobs as job_selectors
from jiceng.core.spreadsheets import xlsx_response
from jiceng.members.forms import RollFilterForm
from jiceng.members.selectors.roll import RollFilter
from jiceng.members.services import exports, imports

RUNNING = (JobState.PENDING, JobState.VALIDATING, JobState.RUNNING)
SHOWN_ERRORS = 200  # bad rows listed on the page; all of them are in the downloadable report


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("名册文件"),
                           help_text=gettext_lazy("Excel（.xlsx）或 CSV 文件，列名同模板；最多 20 万行"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))


@login_required
def import_upload(request):
    if scope.reach(request.user, imports.IMPORT).nowhere:
        raise PermissionDenied(_("您没有导入党员名册的权限。"))
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = run_service(form, lambda: imports.import_start(request.user, upload=form.cleaned_data["file"]))
        if job is not None:
            return redirect("members:import_job", pk=job.pk)
    recent = job_selectors.job_recent(request.user, kind=imports.KIND)
    return render(request, "members/imports/upload.html", {"form": form, "recent": recent,
                                                             "columns": imports.COLUMNS})


@login_required
def import_template(request):
    return xlsx_response(imports.import_template(request.user), _("党员名册导入模板.xlsx"))


def _job_context(request, job) -> dict:
    is_import = job.kind == imports.KIND
    name = "import" if is_import else "export"
    return {
        "job": job, "is_import": is_import, "running": job.state in RUNNING,
        "progress_url": reverse(f"members:{name}_progress", kwargs={"pk": job.pk}),
        "errors": job.report.get("errors", [])[:SHOWN_ERRORS],
        "more_errors": max(job.report.get("error_count", 0) - SHOWN_ERRORS, 0),
    }


def _job_page(request, pk, kind: str, template: str):
    """The page (``job.html``) or its polled status fragment (``_status.html``) of one import or export."""
    job = job_selectors.job_get(request.user, pk, kind=kind)
    return render(request, f"members/imports/{template}", _job_context(request, job))


@login_required
def import_job(request, pk):
    return _job_page(request, pk, imports.KIND, "job.html")


@login_required
def import_progress(request, pk):
    return _job_page(request, pk, imports.KIND, "_status.html")


@login_required
@require_POST
def import_confirm(request, pk):
    job = job_selectors.job_get(request.user, pk, kind=imports.KIND)
    try:
        imports.import_confirm(request.user, job=job, choice=request.POST.get("choice", ""))
    except Conflict:
        pass  # chosen already (a second click): the job page shows what happened
    return redirect("members:import_job", pk=job.pk)


@login_required
def import_errors(request, pk):
    """The bad rows of an import as .xlsx, to correct the file."""
    job = job_selectors.job_get(request.user, pk, kind=imports.KIND)
    return xlsx_response(imports.import_error_report(job),
                         _("导入错误报告-%(name)s.xlsx") % {"name": job.file_name.rsplit(".", 1)[0]})


class ExportForm(RollFilterForm):
    """The roll page's filters, with the organizations the actor may export from."""

    def __init__(self, actor, *args, **kwargs):
        super().__init__(*args, actor=actor, **kwargs)
        self.fields["branch"].queryset = exports.export_orgs(actor)


@login_required
def export_start(request):
    """GET: the filters (the roll page links here with its own) and how many rows; POST: the job."""
    if scope.reach(request.user, exports.EXPORT).nowhere:
        raise PermissionDenied(_("您没有导出党员名册的权限。"))
    form = ExportForm(request.user, request.POST if request.method == "POST" else request.GET or None)
    valid = form.is_valid() or not form.is_bound
    filters = RollFilter()
    if form.is_bound and valid:
        data = form.cleaned_data
        filters = RollFilter(**{**data, "branch": data["branch"].pk if data["branch"] else None})
    if request.method == "POST" and valid:
        job = exports.export_start(request.user, filters=filters)
        return redirect("members:export_job", pk=job.pk)
    context = {"form": form, "count": exports.export_queryset(request.user, filters).count() if valid else None,
               "may_unmask": not scope.reach(request.user, exports.UNMASK).nowhere,
               "recent": job_selectors.job_recent(request.user, kind=exports.KIND, limit=5)}
    return render(request, "members/imports/export.html", context)


@login_required
def export_job(request, pk):
    return _job_page(request, pk, exports.KIND, "job.html")


@login_required
def export_progress(request, pk):
    return _job_page(request, pk, exports.KIND, "_status.html")


@login_required
def export_file(request, pk):
    return job_file_response(job_selectors.job_output(request.user, pk, kind=exports.KIND))


urlpatterns = [
    path("members/import/", import_upload, name="import"),
    path("members/import/template/", import_template, name="import_template"),
    path("members/import/<int:pk>/", import_job, name="import_job"),
    path("members/import/<int:pk>/progress/", import_progress, name="import_progress"),
    path("members/import/<int:pk>/confirm/", import_confirm, name="import_confirm"),
    path("members/import/<int:pk>/errors/", import_errors, name="import_errors"),
    path("members/export/", export_start, name="export"),
    path("members/export/<int:pk>/", export_job, name="export_job"),
    path("members/export/<int:pk>/progress/", export_progress, name="export_progress"),
    path("members/export/<int:pk>/file/", export_file, name="export_file"),
]
