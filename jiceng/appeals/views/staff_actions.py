"""The action forms of the appeal page: one POST per transition. Success redirects back to the appeal
with a message; field errors re-render the page with the form; a state conflict is told as a message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.appeals.models import Appeal, Extension, ExtensionStatus
from jiceng.appeals.selectors import appeals as sel
from jiceng.appeals.services import workflow as wf
from jiceng.appeals.views import staff
from jiceng.core.errors import Conflict
from jiceng.core.pages import run_service


def _into(user, ticket: str) -> Appeal:
    main = sel.visible_appeals(user).filter(ticket_no=ticket.strip()).first()
    if main is None:
        raise ValidationError({"into": [_("未找到该工单编号，或不在您的辖区")]})
    return main


def _dispatch(user, appeal, data):
    lead = staff.unit_from_key(data["lead"])
    assists = [u for u in (staff.unit_from_key(k) for k in data["assists"]) if u is not None]
    return wf.appeal_dispatch(user, appeal, lead=lead, assists=assists, transfer=data["transfer"], note=data["note"])


def _decide(user, appeal, data):
    extension = Extension.objects.filter(appeal=appeal, status=ExtensionStatus.PENDING).first()
    if extension is None:
        raise Conflict({"approve": [_("没有待审批的延期申请")]})
    return wf.appeal_extension_decide(user, extension, approve=data["approve"], note=data["note"])


RUN = {
    "categorize": (lambda u, a, d: wf.appeal_categorize(u, a, category=d["category"]), _("已确认类别。")),
    "place": (lambda u, a, d: wf.appeal_place(u, a, community=d["community"]), _("已确定属地。")),
    "dispatch": (_dispatch, _("已派单。")),
    "accept": (lambda u, a, d: wf.appeal_accept(u, a), _("已签收。")),
    "return": (lambda u, a, d: wf.appeal_return(u, a, reason=d["reason"]), _("已退单，退回派单员重新派单。")),
    "progress": (lambda u, a, d: wf.appeal_progress(u, a, note=d["note"], public=d["public"]), _("已记录办理进展。")),
    "resolve": (lambda u, a, d: wf.appeal_resolve(u, a, solution=d["solution"]), _("已办结。")),
    "extend": (lambda u, a, d: wf.appeal_extension_request(u, a, days=d["days"], reason=d["reason"]),
               _("已提交延期申请，等待审批。")),
    "decide": (_decide, _("已审批延期申请。")),
    "merge": (lambda u, a, d: wf.appeal_merge(u, a, into=_into(u, d["into"])), _("已合并。")),
    "park": (lambda u, a, d: wf.appeal_park(u, a, plan=d["plan"], until=d["until"]), _("已挂账。")),
    "unpark": (lambda u, a, d: wf.appeal_unpark(u, a), _("已恢复办理。")),
    "callback": (lambda u, a, d: wf.appeal_callback(u, a, contacted=d["contacted"], solved=d["solved"],
                                                    satisfied=d["satisfied"], comment=d["comment"]), _("已记录回访。")),
    "close": (lambda u, a, d: wf.appeal_close(u, a, note=d["note"]), _("已关闭。")),
}


@login_required
@require_POST
def act(request, appeal_id: int, action: str):
    if action not in RUN:
        raise Http404
    appeal = sel.appeal_for(request.user, appeal_id)
    call, done = RUN[action]
    form_class = staff.FORMS.get(action)
    if form_class is None:  # accept, unpark: no fields
        try:
            call(request.user, appeal, {})
        except Conflict as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, done)
        return redirect("appeals:detail", appeal_id=appeal.pk)
    kwargs = {"units": staff._units(appeal)} if action == "dispatch" else {}
    form = form_class(request.POST, prefix=action, **kwargs)
    if form.is_valid():
        try:
            result = run_service(form, lambda: call(request.user, appeal, form.cleaned_data))
        except Conflict as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("appeals:detail", appeal_id=appeal.pk)
        if result is not None and not form.errors:
            messages.success(request, done)
            return redirect("appeals:detail", appeal_id=appeal.pk)
    appeal = sel.appeal_for(request.user, appeal_id)
    context = staff.detail_context(request, appeal, bound={action: form})
    context["open_action"] = action
    return render(request, "appeals/staff/detail.html", context, status=422)
