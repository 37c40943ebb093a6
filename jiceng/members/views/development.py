"""Pages of member development (发展党员): the ledger (台账) with each file's 25-step progress, a file with
all its steps and the form of the next one, extension / disqualification / stopping, what is due,
statistics with charts, the ledger's .xlsx export and the documents of the steps."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from jiceng.core import audit, scope
from jiceng.core.pages import paginate, run_service
from jiceng.core.spreadsheets import Sheet, write_xlsx, xlsx_response
from jiceng.members.rules import development as rules
from jiceng.members.selectors import development as selectors
from jiceng.members.services import development as services
from jiceng.members.views.development_forms import ApplicantForm, CloseForm, ExtendForm, LedgerFilterForm, StepForm

VIEW = "members.view_applicant"


def _require_view(request):
    if not scope.holds(request.user, VIEW):
        raise PermissionDenied(_("您没有查看发展党员台账的权限。"))


@login_required
def ledger(request):
    """发展党员台账: per branch or per 党委 (the ``org`` filter), with progress bars and the next due step."""
    _require_view(request)
    form = LedgerFilterForm(request.GET or None, actor=request.user)
    filters = form.filters()
    page = paginate(request, selectors.applicant_list(request.user, filters), 50)
    return render(request, "members/development/ledger.html", {
        "form": form, "page": page, "rows": selectors.ledger_rows(page.object_list),
        "filtering": any(v for v in vars(filters).values()), "today": services.roll.today(),
        "can_add": scope.holds(request.user, services.ADD), "segments": rules.stage_segments(),
    })


@login_required
def applicant_new(request):
    form = ApplicantForm(request.POST or None, request.FILES or None, actor=request.user)
    if not form.fields["branch"].queryset.exists():
        raise PermissionDenied(_("您没有登记入党申请的权限。"))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        branch = data.pop("branch")
        applicant = run_service(form, lambda: services.applicant_create(request.user, branch=branch, **data))
        if applicant:
            messages.success(request, _("已登记 %(name)s 的入党申请") % {"name": applicant.name})
            return redirect("members:applicant_detail", applicant_id=applicant.pk)
    return render(request, "members/development/form.html", {
        "form": form, "title": _("登记入党申请"), "submit_label": _("登记"), "multipart": True,
        "rule": rules.BY_NUMBER[1].rule})


def _steps_view(applicant) -> list[dict]:
    """The 25 steps grouped by stage, each with its recorded rows (repeatable steps may have several)."""
    rows: dict[int, list] = {}
    for row in selectors.applicant_steps(applicant):
        rows.setdefault(row.number, []).append(row)
    groups = []
    for segment in rules.stage_segments():
        steps = []
        for number in segment["steps"]:
            step = rules.BY_NUMBER[number]
            labels = {f.name: f.label for f in step.fields}
            steps.append({"step": step, "rows": [{"row": r, "items": _items(r.data, labels)}
                                                 for r in rows.get(number, [])]})
        groups.append({**segment, "steps": steps})
    return groups


def _items(data: dict, labels: dict) -> list[tuple[str, str]]:
    """A step's data as (label, text) lines for people to read."""
    out = []
    for key, value in (data or {}).items():
        if key not in labels or value in (None, "", []):
            continue
        if isinstance(value, bool):
            value = _("是") if value else _("否")
        elif isinstance(value, list):
            value = "、".join(v.get("name", "") if isinstance(v, dict) else str(v) for v in value)
        elif key in ("approver", "reviewer", "party_group"):
            value = data.get(f"{key}_name", value)
        elif key == "publicity_start" and data.get("publicity_end"):
            value = _("%(s)s 至 %(e)s") % {"s": value, "e": data["publicity_end"]}
        out.append((str(labels[key]), str(value)))
    if "entitled" in (data or {}):
        out.append((_("应到会有表决权的正式党员"), str(data["entitled"])))
    return out


def _next_step(applicant) -> rules.Step | None:
    if applicant.outcome == "open" and applicant.last_step < rules.LAST_STEP:
        return rules.BY_NUMBER[applicant.last_step + 1]
    if applicant.outcome == "admitted" and applicant.last_step == rules.LAST_STEP - 1:
        return rules.BY_NUMBER[rules.LAST_STEP]
    return None


def _detail_context(request, applicant, *, step_form=None) -> dict:
    can_change = scope.can(request.user, services.CHANGE, applicant)
    may_except = scope.can(request.user, services.EXCEPT, applicant)
    nxt = _next_step(applicant)
    if can_change and nxt and step_form is None:
        step_form = StepForm(step=nxt, actor=request.user, applicant=applicant, may_except=may_except)
    last = rules.BY_NUMBER[applicant.last_step]
    return {
        "applicant": applicant, "groups": _steps_view(applicant), "progress": selectors.progress(applicant),
        "due": selectors.next_due(applicant), "next_step": nxt, "step_form": step_form if can_change else None,
        "again_step": last if can_change and last.repeatable and applicant.outcome == "open" else None,
        "can_change": can_change, "transitions": selectors.transitions(applicant),
        "extend_form": ExtendForm(prefix="extend"), "close_form": CloseForm(prefix="close"),
        "today": services.roll.today(),
    }


@login_required
def applicant_detail(request, applicant_id):
    applicant = selectors.applicant_get(request.user, applicant_id)
    return render(request, "members/development/detail.html", _detail_context(request, applicant))


@login_required
def applicant_step(request, applicant_id, number):
    """The form of step ``number``; on a refusal the rule's words stand next to the field."""
    applicant = selectors.applicant_get(request.user, applicant_id)
    scope.require(request.user, services.CHANGE, applicant)
    step = rules.step_for(number)
    if step is None or step.number == 1:
        raise Http404
    may_except = scope.can(request.user, services.EXCEPT, applicant)
    form = StepForm(request.POST or None, request.FILES or None, step=step, actor=request.user,
                    applicant=applicant, may_except=may_except)
    if request.method == "POST" and form.is_valid():
        row = run_service(form, lambda: services.applicant_step(request.user, applicant=applicant,
                                                                number=step.number, **form.service_kwargs()))
        if row:
            if row.exception_reason:
                messages.warning(request, _("已按例外情形登记第%(n)d步“%(name)s”，已记入审计日志") % {
                    "n": step.number, "name": step.name})
            else:
                messages.success(request, _("已登记第%(n)d步“%(name)s”") % {"n": step.number, "name": step.name})
            return redirect("members:applicant_detail", applicant_id=applicant.pk)
    return render(request, "members/development/step.html", {
        "applicant": applicant, "step": step, "form": form, "may_except": may_except})


@login_required
@require_POST
def applicant_transition(request, applicant_id, kind):
    """延长预备期 / 取消预备党员资格 / 终止培养, from the forms on the file's page."""
    applicant = selectors.applicant_get(request.user, applicant_id)
    scope.require(request.user, services.CHANGE, applicant)
    form = ExtendForm(request.POST, prefix="extend") if kind == "extend" else CloseForm(request.POST, prefix="close")
    service = {"extend": services.applicant_extend, "disqualify": services.applicant_disqualify,
               "stop": services.applicant_stop}[kind]
    done = {"extend": _("已延长预备期"), "disqualify": _("已取消预备党员资格"), "stop": _("已终止培养")}[kind]

    def call():
        return service(request.user, applicant=applicant, **form.cleaned_data)

    if form.is_valid() and run_service(form, call):
        messages.success(request, done)
    else:
        errors = "；".join(f"{form.fields[f].label}：{e}" if f in form.fields else str(e)
                          for f, errs in form.errors.items() for e in errs)
        messages.error(request, _("未能保存：%(e)s") % {"e": errors})
    return redirect("members:applicant_detail", applicant_id=applicant.pk)


@login_required
def document(request, document_id):
    doc = selectors.document_get(request.user, document_id)
    return FileResponse(doc.file.open("rb"), as_attachment=True, filename=doc.name)


@login_required
def due(request):
    """待办: talks, half-yearly assessments, 转正 discussions, approvals — soonest and overdue first."""
    _require_view(request)
    form = LedgerFilterForm(request.GET or None, actor=request.user)
    org = form.cleaned_data["org"].pk if form.is_valid() and form.cleaned_data["org"] else None
    return render(request, "members/development/due.html", {
        "form": form, "items": selectors.due_list(request.user, org=org), "today": services.roll.today()})


@login_required
def stats(request):
    """Statistics by year, stage, sex, age band and education, drawn with ECharts (data in json_script)."""
    _require_view(request)
    form = LedgerFilterForm(request.GET or None, actor=request.user)
    filters = form.filters()
    data = selectors.stats(request.user, org=filters.org, year=filters.year)
    charts = [
        {"id": "by_year", "title": _("按年份：递交申请与接收预备党员"), "kind": "bar", "rows": data["by_year"]},
        {"id": "by_stage", "title": _("按阶段"), "kind": "bar", "rows": data["by_stage"]},
        {"id": "by_sex", "title": _("按性别"), "kind": "pie", "rows": data["by_sex"]},
        {"id": "by_age", "title": _("按年龄段（按今天计算）"), "kind": "bar", "rows": data["by_age"]},
        {"id": "by_education", "title": _("按学历"), "kind": "bar", "rows": data["by_education"]},
    ]
    return render(request, "members/development/stats.html", {
        "form": form, "total": data["total"], "charts": charts,
        "chart_data": {"unit": _("人"), "applied": _("递交申请"), "admitted": _("接收预备党员"),
                       "charts": charts}})


EXPORT_HEADERS = (_l("序号"), _l("姓名"), _l("性别"), _l("民族"), _l("出生日期"), _l("身份证号"), _l("手机号"),
                  _l("学历"), _l("工作单位"), _l("培养支部"), _l("阶段"), _l("结果"), _l("已完成步骤"), _l("下一步"),
                  _l("截止日期"), _l("递交申请日期"), _l("确定积极分子日期"), _l("确定发展对象日期"), _l("入党时间"),
                  _l("预备期满"), _l("预备期延长至"), _l("转正时间"))


def _export_rows(qs):
    for n, applicant in enumerate(qs.iterator(chunk_size=500), start=1):
        due = selectors.next_due(applicant)
        yield (n, applicant.name, applicant.get_sex_display(), applicant.ethnicity, applicant.birth_date,
               applicant.id_masked, applicant.phone_masked, applicant.get_education_display(), applicant.work_unit,
               applicant.branch.name, applicant.get_stage_display(), applicant.get_outcome_display(),
               applicant.last_step, f"{due.number} {due.name}" if due else "", due.due_on if due else None,
               applicant.applied_on, applicant.activist_on, applicant.candidate_on, applicant.admitted_on,
               applicant.probation_ends_on, applicant.extended_to, applicant.full_on)


@login_required
def export(request):
    """The ledger as .xlsx (the same filters as the page; ID numbers and mobiles masked)."""
    _require_view(request)
    form = LedgerFilterForm(request.GET or None, actor=request.user)
    filters = form.filters()
    buffer = io.BytesIO()
    count = write_xlsx(buffer, [Sheet(_("发展党员台账"), [str(h) for h in EXPORT_HEADERS],
                                      _export_rows(selectors.applicant_list(request.user, filters)),
                                      widths=(6, 10, 6, 8, 12, 20, 14, 10, 20, 24, 14, 10, 8, 20, 12,
                                              12, 12, 12, 12, 12, 12, 12))])
    audit.record(request.user, "applicant.export", None,
                 summary={"rows": count, "filters": {k: v for k, v in vars(filters).items() if v}})
    return xlsx_response(buffer.getvalue(), _("发展党员台账.xlsx"))


urlpatterns = [
    path("development/", ledger, name="development"),
    path("development/new/", applicant_new, name="applicant_new"),
    path("development/due/", due, name="development_due"),
    path("development/stats/", stats, name="development_stats"),
    path("development/export.xlsx", export, name="development_export"),
    path("development/documents/<int:document_id>/", document, name="applicant_document"),
    path("development/<int:applicant_id>/", applicant_detail, name="applicant_detail"),
    path("development/<int:applicant_id>/steps/<int:number>/", applicant_step, name="applicant_step"),
    path("development/<int:applicant_id>/extend/", applicant_transition, {"kind": "extend"}, name="applicant_extend"),
    path("development/<int:applicant_id>/disqualify/", applicant_transition, {"kind": "disqualify"},
         name="applicant_disqualify"),
    path("development/<int:applicant_id>/stop/", applicant_transition, {"kind": "stop"}, name="applicant_stop"),
]
