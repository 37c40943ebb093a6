"""A member's own pages (我的会议): notices, sign-in by code, leave, their vote. No grant is needed beyond
being signed in as themself (``member_of_user``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.core.pages import run_service
from jiceng.orglife.models import Choice, MeetingStatus, VoteStatus
from jiceng.orglife.selectors import meetings as selectors
from jiceng.orglife.selectors.meetings import own_member
from jiceng.orglife.services import attendance as attendance_services
from jiceng.orglife.services import votes as vote_services
from jiceng.orglife.views.meetings_forms import CodeForm, LeaveForm


def _member(request):
    member = own_member(request.user)
    if member is None:
        raise PermissionDenied(_("您的账号没有关联党员信息，请联系支部书记"))
    return member


@login_required
def my_meetings(request):
    member = _member(request)
    rows = list(selectors.my_attendances(request.user)[:100])
    upcoming = [r for r in rows if r.meeting.status == MeetingStatus.PLANNED]
    return render(request, "orglife/meeting/mine.html", {
        "member": member, "upcoming": sorted(upcoming, key=lambda r: r.meeting.starts_at),
        "past": [r for r in rows if r.meeting.status != MeetingStatus.PLANNED],
        "form": CodeForm(), "dual": selectors.dual_life_of(member),
    })


@login_required
def my_signin(request):
    """签到: the code typed, or filled in from the QR code at the door."""
    _member(request)
    form = CodeForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        row = run_service(form, lambda: attendance_services.sign_in_by_code(request.user,
                                                                             code=form.cleaned_data["code"]))
        if row:
            messages.success(request, _("签到成功：%(topic)s") % {"topic": row.meeting.topic})
            return redirect("orglife:my_meeting", meeting_id=row.meeting_id)
    return render(request, "orglife/meeting/signin.html", {"form": form})


@login_required
def my_meeting(request, meeting_id):
    row = selectors.my_attendance_get(request.user, meeting_id)
    votes = [v for v in row.meeting.votes.all() if v.status == VoteStatus.OPEN and row.member_id in v.entitled_ids]
    voted = set(row.member.ballots.filter(vote__in=votes).values_list("vote_id", flat=True))
    return render(request, "orglife/meeting/my_meeting.html", {
        "row": row, "meeting": row.meeting, "leave_form": LeaveForm(), "choices": Choice.choices,
        "votes": [(v, v.pk in voted) for v in votes],
        "may_leave": row.meeting.status == MeetingStatus.PLANNED and row.state == "pending"
        and row.leave_status in ("", "rejected"),
    })


@login_required
@require_POST
def my_leave(request, meeting_id):
    row = selectors.my_attendance_get(request.user, meeting_id)
    form = LeaveForm(request.POST)
    if form.is_valid() and run_service(form, lambda: attendance_services.leave_request(
            request.user, meeting=row.meeting, reason=form.cleaned_data["reason"])):
        messages.success(request, _("已提交请假，等待支部书记审批"))
    else:
        errors = "；".join(e for errs in form.errors.values() for e in errs)
        messages.error(request, _("未能提交：%(e)s") % {"e": errors})
    return redirect("orglife:my_meeting", meeting_id=meeting_id)


@login_required
@require_POST
def my_ballot(request, vote_id):
    vote = selectors.vote_for_ballot(request.user, vote_id)
    try:
        vote_services.ballot_cast(request.user, vote=vote, choice=request.POST.get("choice", ""))
        messages.success(request, _("已表决"))
    except ValidationError as exc:
        messages.error(request, _("未能表决：%(e)s") % {"e": "；".join(exc.messages)})
    return redirect("orglife:my_meeting", meeting_id=vote.meeting_id)


urlpatterns = [
    path("orglife/my/", my_meetings, name="my_meetings"),
    path("orglife/my/signin/", my_signin, name="my_signin"),
    path("orglife/my/<int:meeting_id>/", my_meeting, name="my_meeting"),
    path("orglife/my/<int:meeting_id>/leave/", my_leave, name="my_leave"),
    path("orglife/my/votes/<int:vote_id>/", my_ballot, name="my_ballot"),
]
