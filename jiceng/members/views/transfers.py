"""Pages of 组织关系转接: the inbox and outbox, starting a transfer (inside the system, out of it, or a
letter arriving from outside), a transfer's page with its history and the steps the viewer may take,
and the printable introduction letter (介绍信)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jiceng.core import scope
from jiceng.core.identity import age_on
from jiceng.core.pages import paginate, run_service
from jiceng.members.rules import mobility as rules
from jiceng.members.selectors import roll as roll_selectors
from jiceng.members.selectors import transfers as selectors
from jiceng.members.services import transfers as services
from jiceng.members.services.roll import member_unmask, today
from jiceng.members.views.mobility import mobility_tabs, pick_member_page, picked_member, require_any
from jiceng.members.views.mobility_forms import (
    IncomingTransferForm,
    InternalTransferForm,
    IssueForm,
    NoteForm,
    OutgoingTransferForm,
    ReturnForm,
    TransferFilterForm,
)

DIRECTIONS = {"internal": (InternalTransferForm, gettext_lazy("转往系统内党支部")),
              "outgoing": (OutgoingTransferForm, gettext_lazy("转出到系统外")),
              "incoming": (IncomingTransferForm, gettext_lazy("从系统外转入"))}
ACTION_FORMS = {"submit": NoteForm, "approve": NoteForm, "issue": IssueForm, "accept": NoteForm,
                "return": ReturnForm, "cancel": NoteForm}
ACTION_LABELS = {"submit": gettext_lazy("提交"), "approve": gettext_lazy("审批同意"),
                 "issue": gettext_lazy("开具介绍信"), "accept": gettext_lazy("接收"),
                 "return": gettext_lazy("退回"), "cancel": gettext_lazy("撤销")}


@login_required
def index(request):
    """收件箱 and 发件箱: transfers coming to, and leaving, the organizations the user oversees."""
    require_any(request.user, selectors.VIEW, _("您没有查看组织关系转接的权限。"))
    box = request.GET.get("box") if request.GET.get("box") in ("inbox", "outbox") else "inbox"
    filtering = "state" in request.GET or "q" in request.GET
    form = TransferFilterForm(request.GET if filtering else None, initial={"state": "open"})
    data = form.cleaned_data if filtering and form.is_valid() else {"state": "open", "q": ""}
    state = data["state"]
    page = paginate(request, selectors.transfer_list(request.user, box=box, state=state, q=data["q"]), 30)
    return render(request, "members/transfers/list.html", {
        "tabs": mobility_tabs(request.user, "transfers"), "box": box, "form": form, "state": state, "page": page,
        "today": today(),
        "open_counts": {b: selectors.transfer_list(request.user, box=b, state="open").count()
                        for b in ("inbox", "outbox")},
        "can_add": scope.holds(request.user, "members.add_transfer"),
    })


@login_required
def new(request):
    """Start a transfer: pick the member from the roll first (not for a letter arriving from outside)."""
    require_any(request.user, services.ADD, _("您没有发起组织关系转接的权限。"))
    direction = request.GET.get("direction") if request.GET.get("direction") in DIRECTIONS else "internal"
    form_class, title = DIRECTIONS[direction]
    member = None
    if direction != "incoming":
        member = picked_member(request)
        if member is None:
            return pick_member_page(request, title=title, root_label=_("关系转接"),
                                    root_url=reverse("members:transfers"))
        scope.require(request.user, services.ADD, member)
    form = form_class(request.POST or None, **({"actor": request.user} if direction == "incoming" else {}))

    def create():
        data = dict(form.cleaned_data)
        if member is None:
            person = {k: data.pop(k) for k in IncomingTransferForm.PERSON}
            return services.transfer_create(request.user, person=person, **data)
        return services.transfer_create(request.user, member=member, **data)

    if request.method == "POST" and form.is_valid():
        transfer = run_service(form, create)
        if transfer:
            messages.success(request, _("已登记组织关系转接：%(name)s") % {"name": transfer.member_name})
            return redirect("members:transfer_detail", transfer_id=transfer.pk)
    return render(request, "core/node_form.html", {
        "form": form, "title": title, "submit_label": _("保存"),
        "root_label": _("关系转接"), "root_url": reverse("members:transfers"),
        "node_name": f"{member.name}（{member.branch.name}）" if member else _("收到介绍信"),
        "node_url": reverse("members:member_detail", kwargs={"member_id": member.pk}) if member
        else reverse("members:transfers")})


def _action_form(action: str):
    form = ACTION_FORMS[action](prefix=action)
    if action == "issue":  # the validity is a setting: say which (RULES §5)
        form.fields["issued_on"].help_text = _("留空为今天。介绍信有效期 %(n)d 个月") % {"n": services.letter_months()}
    return form


@login_required
def detail(request, transfer_id):
    transfer = selectors.transfer_get(request.user, transfer_id)
    actions = selectors.transfer_actions(request.user, transfer, today())
    return render(request, "members/transfers/detail.html", {
        "transfer": transfer, "direction": selectors.direction(transfer),
        "steps": selectors.transfer_steps(transfer), "person": selectors.transfer_person_masked(transfer),
        "actions": [{"code": a, "label": ACTION_LABELS[a], "form": _action_form(a)} for a in actions],
        "expired": rules.letter_expired(transfer.valid_until, today()) and transfer.state == "issued",
        "member_visible": bool(transfer.member_id) and roll_selectors.member_list(request.user).filter(
            pk=transfer.member_id).exists(),
    })


@login_required
@require_POST
def act(request, transfer_id, action):
    if action not in ACTION_FORMS:
        raise Http404
    transfer = selectors.transfer_get(request.user, transfer_id)
    form = ACTION_FORMS[action](request.POST, prefix=action)
    service = getattr(services, f"transfer_{action}")
    if form.is_valid() and run_service(form, lambda: service(request.user, transfer=transfer, **form.cleaned_data)):
        messages.success(request, _("已办理：%(action)s") % {"action": ACTION_LABELS[action]})
    else:
        errors = "；".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, _("未能办理“%(action)s”：%(e)s") % {"action": ACTION_LABELS[action], "e": errors})
    return redirect("members:transfer_detail", transfer_id=transfer.pk)


@login_required
def letter(request, transfer_id):
    """The printable 介绍信 with its 回执 stub. The ID number is masked; those who may unmask it can
    show it in full for printing (POST, audited)."""
    transfer = selectors.transfer_get(request.user, transfer_id)
    if not transfer.issued_on or not transfer.member_id or transfer.from_org_id is None:
        raise Http404
    member = transfer.member
    id_number = member.id_masked
    may_unmask = scope.can(request.user, "members.unmask_member", member)
    if request.method == "POST" and may_unmask:
        id_number = member_unmask(request.user, member=member)["id_number"]
    return render(request, "members/transfers/letter.html", {
        "transfer": transfer, "member": member, "id_number": id_number, "may_unmask": may_unmask,
        "unmasked": id_number != member.id_masked, "age": age_on(member.birth_date, transfer.issued_on),
        "issuer": transfer.from_org.parent or transfer.from_org,
        "destination": transfer.to_org.name if transfer.to_org_id else transfer.outside_org_name,
    })


urlpatterns = [
    path("transfers/", index, name="transfers"),
    path("transfers/new/", new, name="transfer_new"),
    path("transfers/<int:transfer_id>/", detail, name="transfer_detail"),
    path("transfers/<int:transfer_id>/letter/", letter, name="transfer_letter"),
    path("transfers/<int:transfer_id>/<str:action>/", act, name="transfer_act"),
]
