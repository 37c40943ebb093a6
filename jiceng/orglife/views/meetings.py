"""Pages of a branch secretary: this month's plan, a meeting (sign-in code and QR, attendance, leave,
minutes, files, votes), the vote page."""

import io
from datetime import date

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.core import scope
from jiceng.core.pages import run_service
from jiceng.core.periods import add_months, month_start
from jiceng.orglife.models import AttendanceState, Choice, LeaveStatus, MeetingFile, MeetingStatus, VoteStatus
from jiceng.orglife.rules.attendance import signin_window
from jiceng.orglife.selectors import meetings as selectors
from jiceng.orglife.services import attendance as attendance_services
from jiceng.orglife.services import meetings as services
from jiceng.orglife.services import votes as vote_services
from jiceng.orglife.views.meetings_forms import (
    CancelForm,
    FileForm,
    MeetingEditForm,
    MeetingForm,
    RecordForm,
    VoteForm,
    meeting_orgs,
)


def _require_view(request):
    if not scope.holds(request.user, selectors.VIEW):
        raise PermissionDenied(_("您没有查看组织生活的权限。"))


def _month_arg(value: str | None) -> date:
    try:
        return month_start(date.fromisoformat(f"{value}-01")) if value else month_start(services.now().date())
    except ValueError:
        return month_start(services.now().date())


def _errors_text(form) -> str:
    return "；".join(f"{form.fields[f].label}：{e}" if f in form.fields else str(e)
                    for f, errs in form.errors.items() for e in errs)


@login_required
def meetings(request):
    """本月计划: the month's meetings of the chosen organization, per kind planned/held, pending leave."""
    _require_view(request)
    orgs = list(meeting_orgs(request.user).exclude(kind="group")[:500]) or []
    org = next((o for o in orgs if str(o.pk) == request.GET.get("org")), None)
    if org is None and orgs and not request.GET.get("org"):
        org = next((o for o in orgs if o.kind == "branch"), orgs[0])
    month = _month_arg(request.GET.get("month"))
    plan = selectors.month_plan(request.user, org, month)
    for m in plan["meetings"]:
        m.rate = selectors.rate_of(m)
    return render(request, "orglife/meeting/plan.html", {
        "orgs": orgs, "org": org, "month": month, "plan": plan,
        "previous": add_months(month, -1), "next": add_months(month, 1),
        "leave": selectors.pending_leave(request.user, org)[:50],
        "can_add": scope.holds(request.user, services.ADD),
    })


@login_required
def meeting_new(request):
    form = MeetingForm(request.POST or None, actor=request.user,
                       initial={"org": request.GET.get("org"), "notify": True})
    if not form.fields["org"].queryset.exists():
        raise PermissionDenied(_("您没有计划组织生活的权限。"))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        meeting = run_service(form, lambda: services.meeting_create(request.user, **data))
        if meeting:
            messages.success(request, _("已计划会议，参会人员%(n)d人") % {"n": meeting.attendances.count()})
            return redirect("orglife:meeting_detail", meeting_id=meeting.pk)
    return render(request, "core/node_form.html", {
        "form": form, "title": _("计划会议"), "submit_label": _("保存"),
        "root_label": _("三会一课"), "root_url": reverse("orglife:meetings"), "node_name": _("本月计划"),
        "node_url": reverse("orglife:meetings")})


def _detail_context(request, meeting) -> dict:
    can_change = scope.can(request.user, services.CHANGE, meeting)
    rows = list(selectors.attendance_list(meeting))
    opens, closes = signin_window(meeting.starts_at, meeting.ends_at,
                                  early_minutes=attendance_services.early_minutes())
    return {
        "meeting": meeting, "rows": rows, "rate": selectors.rate_of(meeting), "can_change": can_change,
        "leave": [r for r in rows if r.leave_status == LeaveStatus.PENDING],
        "files": list(meeting.files.all()), "votes": list(selectors.vote_list(meeting)),
        "opens": opens, "closes": closes, "held": meeting.status == MeetingStatus.HELD,
        "planned": meeting.status == MeetingStatus.PLANNED, "cancelled": meeting.status == MeetingStatus.CANCELLED,
        "signin_url": request.build_absolute_uri(reverse("orglife:my_signin") + f"?code={meeting.checkin_code}"),
        "record_form": RecordForm(initial={"minutes": meeting.minutes, "resolutions": meeting.resolutions}),
        "file_form": FileForm(), "cancel_form": CancelForm(), "vote_form": VoteForm(),
        "may_vote": meeting.org.kind == "branch",
    }


@login_required
def meeting_detail(request, meeting_id):
    meeting = selectors.meeting_get(request.user, meeting_id)
    return render(request, "orglife/meeting/detail.html", _detail_context(request, meeting))


@login_required
def meeting_qr(request, meeting_id):
    """The sign-in QR code (SVG): the member's sign-in page with the code filled in."""
    meeting = selectors.meeting_get(request.user, meeting_id)
    scope.require(request.user, services.CHANGE, meeting)
    url = request.build_absolute_uri(reverse("orglife:my_signin") + f"?code={meeting.checkin_code}")
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=6, dark="#1f1f1f", title=_("扫码签到"))
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


@login_required
def meeting_edit(request, meeting_id):
    meeting = selectors.meeting_get(request.user, meeting_id)
    scope.require(request.user, services.CHANGE, meeting)
    planned = meeting.status == MeetingStatus.PLANNED
    fields = ("kind", "starts_at", "ends_at", "topic", "place", "host", "recorder", "content")
    form = MeetingEditForm(request.POST or None, planned=planned,
                           initial={f: getattr(meeting, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k in form.changed_data}
        if run_service(form, lambda: services.meeting_update(request.user, meeting=meeting, **changes)):
            messages.success(request, _("已保存"))
            return redirect("orglife:meeting_detail", meeting_id=meeting.pk)
    return render(request, "core/node_form.html", {
        "form": form, "title": _("修改会议"), "submit_label": _("保存"),
        "root_label": _("三会一课"), "root_url": reverse("orglife:meetings"), "node_name": meeting.topic,
        "node_url": reverse("orglife:meeting_detail", kwargs={"meeting_id": meeting.pk})})


def _action(request, meeting_id, call, done: str, form_class=None):
    meeting = selectors.meeting_get(request.user, meeting_id)
    form = form_class(request.POST, request.FILES) if form_class else None
    try:
        if form is not None and not form.is_valid():
            raise ValidationError(_errors_text(form))
        call(meeting, form.cleaned_data if form is not None else {})
        messages.success(request, done)
    except ValidationError as exc:
        messages.error(request, _("未能保存：%(e)s") % {"e": "；".join(exc.messages)})
    return redirect("orglife:meeting_detail", meeting_id=meeting.pk)


@login_required
@require_POST
def meeting_transition(request, meeting_id, action):
    done = {"held": _("已确认会议召开"), "cancel": _("已取消会议"), "notify": _("已发送通知"),
            "recompute": _("已按名册重新计算参会人员")}.get(action, "")
    return _action(request, meeting_id, lambda m, d: services.meeting_transition(
        request.user, meeting=m, action=action, reason=d.get("reason", "")), done,
        CancelForm if action == "cancel" else None)


@login_required
@require_POST
def meeting_record(request, meeting_id):
    return _action(request, meeting_id, lambda m, d: services.meeting_update(request.user, meeting=m, **d),
                   _("已保存会议记录"), RecordForm)


@login_required
@require_POST
def meeting_file(request, meeting_id):
    return _action(request, meeting_id, lambda m, d: attendance_services.file_add(
        request.user, meeting=m, file=d["file"], kind=d["kind"]), _("已上传"), FileForm)


@login_required
@require_POST
def attendance_mark(request, meeting_id):
    """The recorder's checklist: the ticked members are present, the others back to not signed in."""
    def call(meeting, _data):
        ticked = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
        listed = set(meeting.attendances.exclude(state=AttendanceState.EXCUSED).values_list("member_id", flat=True))
        attendance_services.attendance_mark(request.user, meeting=meeting, present=sorted(ticked & listed),
                                            absent=sorted(listed - ticked))
    return _action(request, meeting_id, call, _("已登记出席情况"))


@login_required
@require_POST
def leave_decide(request, meeting_id, attendance_id):
    approve = request.POST.get("approve") == "1"
    return _action(request, meeting_id, lambda m, d: attendance_services.leave_decide(
        request.user, meeting=m, attendance_id=attendance_id, approve=approve),
        _("已批准请假") if approve else _("已不予批准"))


@login_required
def meeting_file_get(request, file_id):
    item = scope.get_or_404(request.user, selectors.VIEW, MeetingFile.objects.select_related("meeting"), pk=file_id)
    return FileResponse(item.file.open("rb"), as_attachment=item.kind != "photo", filename=item.name)


@login_required
@require_POST
def vote_new(request, meeting_id):
    meeting = selectors.meeting_get(request.user, meeting_id)
    form = VoteForm(request.POST)
    vote = None
    if form.is_valid():
        vote = run_service(form, lambda: vote_services.vote_open(request.user, meeting=meeting, **form.cleaned_data))
    if vote is None:
        messages.error(request, _("未能发起表决：%(e)s") % {"e": _errors_text(form)})
        return redirect("orglife:meeting_detail", meeting_id=meeting.pk)
    return redirect("orglife:vote_detail", vote_id=vote.pk)


@login_required
def vote_detail(request, vote_id):
    vote = selectors.vote_get(request.user, vote_id)
    meeting = vote.meeting
    ballots = {b.member_id: b for b in vote.ballots.all()}
    present = set(meeting.attendances.filter(state=AttendanceState.PRESENT).values_list("member_id", flat=True))
    voters = [{"member": r.member, "present": r.member_id in present, "ballot": ballots.get(r.member_id)}
              for r in selectors.attendance_list(meeting) if r.member_id in set(vote.entitled_ids)]
    return render(request, "orglife/meeting/vote.html", {
        "vote": vote, "meeting": meeting, "voters": voters, "choices": Choice.choices,
        "open": vote.status == VoteStatus.OPEN, "can_change": scope.can(request.user, services.CHANGE, meeting),
        "cast": len(ballots), "present_entitled": sum(1 for v in voters if v["present"]),
    })


@login_required
@require_POST
def ballot_cast(request, vote_id):
    vote = selectors.vote_get(request.user, vote_id)
    try:
        member = selectors.vote_member(request.user, vote, request.POST.get("member"))
        vote_services.ballot_cast(request.user, vote=vote, member=member, choice=request.POST.get("choice", ""),
                                  written=request.POST.get("written") == "1")
        messages.success(request, _("已登记%(name)s的表决意见") % {"name": member.name})
    except ValidationError as exc:
        messages.error(request, _("未能登记：%(e)s") % {"e": "；".join(exc.messages)})
    return redirect("orglife:vote_detail", vote_id=vote.pk)


@login_required
@require_POST
def vote_close(request, vote_id):
    vote = selectors.vote_get(request.user, vote_id)
    try:
        vote_services.vote_close(request.user, vote=vote)
        messages.success(request, _("已计票"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("orglife:vote_detail", vote_id=vote.pk)


urlpatterns = [
    path("orglife/meetings/", meetings, name="meetings"),
    path("orglife/meetings/new/", meeting_new, name="meeting_new"),
    path("orglife/meetings/<int:meeting_id>/", meeting_detail, name="meeting_detail"),
    path("orglife/meetings/<int:meeting_id>/qr.svg", meeting_qr, name="meeting_qr"),
    path("orglife/meetings/<int:meeting_id>/edit/", meeting_edit, name="meeting_edit"),
    path("orglife/meetings/<int:meeting_id>/<str:action>/", meeting_transition, name="meeting_transition"),
    path("orglife/meetings/<int:meeting_id>/record/save/", meeting_record, name="meeting_record"),
    path("orglife/meetings/<int:meeting_id>/files/add/", meeting_file, name="meeting_file"),
    path("orglife/meetings/<int:meeting_id>/attendance/mark/", attendance_mark, name="attendance_mark"),
    path("orglife/meetings/<int:meeting_id>/leave/<int:attendance_id>/", leave_decide, name="leave_decide"),
    path("orglife/meetings/<int:meeting_id>/votes/new/", vote_new, name="vote_new"),
    path("orglife/meeting-files/<int:file_id>/", meeting_file_get, name="meeting_file_get"),
    path("orglife/votes/<int:vote_id>/", vote_detail, name="vote_detail"),
    path("orglife/votes/<int:vote_id>/ballot/", ballot_cast, name="ballot_cast"),
    path("orglife/votes/<int:vote_id>/close/", vote_close, name="vote_close"),
]
