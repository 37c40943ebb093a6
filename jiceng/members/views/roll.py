"""Pages of the roll (党员名册): list with filters, a member's page, register, edit, status, discipline,
unmask (audited), and organization health (RULES §1)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.core import scope
from jiceng.core.pages import paginate, run_service
from jiceng.core.selectors import orgs as org_selectors
from jiceng.members.forms import DisciplineForm, MemberEditForm, MemberForm, RollFilterForm, StatusForm
from jiceng.members.rules.standing import party_standing, voting_refusal
from jiceng.members.selectors import health as health_selectors
from jiceng.members.selectors import roll as selectors
from jiceng.members.services import roll as services


@login_required
def roll(request):
    if not scope.holds(request.user, "members.view_member"):
        raise PermissionDenied(_("您没有查看党员名册的权限。"))
    form = RollFilterForm(request.GET or None, actor=request.user)
    filters = selectors.RollFilter()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.RollFilter(q=data["q"], branch=data["branch"].pk if data["branch"] else None,
                                       status=data["status"], flag=data["flag"], category=data["category"],
                                       sex=data["sex"])
    page = paginate(request, selectors.member_list(request.user, filters), 50)
    today = services.today()
    for m in page.object_list:
        m.standing = party_standing(m.full_on, today)
    return render(request, "members/roll/list.html", {
        "form": form, "page": page, "filtering": any(v for v in vars(filters).values()),
        "can_add": scope.holds(request.user, "members.add_member"),
        "can_import": scope.holds(request.user, "members.import_member"),
        "can_export": scope.holds(request.user, "members.export_member"),
    })


@login_required
def member_detail(request, member_id):
    return render(request, "members/roll/detail.html",
                  _detail_context(request, selectors.member_get(request.user, member_id)))


def _detail_context(request, member, unmasked=None) -> dict:
    disciplines = selectors.member_disciplines(member)
    today = services.today()
    return {
        "member": member,
        "standing": party_standing(member.full_on, today),
        "vote_refusal": voting_refusal(status=member.status, disciplines=disciplines, day=today),
        "disciplines": disciplines,
        "events": selectors.member_timeline(request.user, member),
        "can_change": scope.can(request.user, services.CHANGE, member),
        "can_unmask": scope.can(request.user, "members.unmask_member", member),
        "can_discipline": scope.can(request.user, "members.discipline_member", member),
        "can_transfer": scope.can(request.user, "members.add_transfer", member),
        "can_report": scope.holds(request.user, "members.add_servicereport"),
        "unmasked": unmasked,
        "status_form": StatusForm(), "discipline_form": DisciplineForm(),
    }


@login_required
def member_new(request):
    form = MemberForm(request.POST or None, actor=request.user)
    if not form.fields["branch"].queryset.exists():
        raise PermissionDenied(_("您没有登记党员的权限。"))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        branch = data.pop("branch")
        member = run_service(form, lambda: services.member_create(request.user, branch=branch, **data))
        if member:
            messages.success(request, _("已登记 %(name)s") % {"name": member.name})
            return redirect("members:member_detail", member_id=member.pk)
    return render(request, "core/node_form.html", {
        "form": form, "title": _("登记党员"), "submit_label": _("登记"),
        "root_label": _("党员名册"), "root_url": reverse("members:roll")})


@login_required
def member_edit(request, member_id):
    member = selectors.member_get(request.user, member_id)
    scope.require(request.user, services.CHANGE, member)
    initial = {f: getattr(member, f) for f in ("name", "category", "ethnicity", "education", "work_unit",
                                                "job_title", "party_group", "is_cadre", "note")}
    initial["residence"] = member.residence.code if member.residence_id else ""
    form = MemberEditForm(request.POST or None, initial=initial, member=member)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k in form.changed_data}
        if not changes.get("phone"):
            changes.pop("phone", None)
        if run_service(form, lambda: services.member_update(request.user, member=member, **changes)):
            messages.success(request, _("已保存"))
            return redirect("members:member_detail", member_id=member.pk)
    return render(request, "core/node_form.html", {
        "form": form, "title": _("修改党员信息"), "submit_label": _("保存"),
        "root_label": _("党员名册"), "root_url": reverse("members:roll"), "node_name": member.name,
        "node_url": reverse("members:member_detail", kwargs={"member_id": member.pk})})


def _detail_action(request, member_id, form_class, call, done_message):
    member = selectors.member_get(request.user, member_id)
    form = form_class(request.POST)
    if form.is_valid() and run_service(form, lambda: call(member, form.cleaned_data)):
        messages.success(request, done_message)
    else:
        errors = "；".join(f"{form.fields[f].label if f in form.fields else ''}{'：' if f in form.fields else ''}{e}"
                          for f, errs in form.errors.items() for e in errs)
        messages.error(request, _("未能保存：%(e)s") % {"e": errors})
    return redirect("members:member_detail", member_id=member.pk)


@login_required
@require_POST
def member_status(request, member_id):
    return _detail_action(request, member_id, StatusForm,
                          lambda m, d: services.member_set_status(request.user, member=m, **d), _("已变更党籍状态"))


@login_required
@require_POST
def member_discipline(request, member_id):
    return _detail_action(request, member_id, DisciplineForm,
                          lambda m, d: services.discipline_record(request.user, member=m, **d), _("已登记处分"))


@login_required
@require_POST
def member_unmask(request, member_id):
    """The member's page with the full numbers, in this response only (audited by the service; never
    stored in the session or a cache)."""
    member = selectors.member_get(request.user, member_id)
    unmasked = services.member_unmask(request.user, member=member)
    response = render(request, "members/roll/detail.html", _detail_context(request, member, unmasked))
    response["Cache-Control"] = "no-store"
    return response


@login_required
def org_health(request, org_id=None):
    roots = list(org_selectors.org_roots(request.user).exclude(kind="group"))
    if not roots and org_id is None:
        raise PermissionDenied(_("您没有查看党组织的权限。"))
    org = org_selectors.org_get(request.user, org_id) if org_id else roots[0]
    problems_only = request.GET.get("all") != "1"
    rows = health_selectors.org_health(request.user, org, problems_only=problems_only)
    return render(request, "members/roll/health.html", {"org": org, "rows": rows, "roots": roots,
                                                        "problems_only": problems_only})


urlpatterns = [
    path("members/", roll, name="roll"),
    path("members/new/", member_new, name="member_new"),
    path("members/<int:member_id>/", member_detail, name="member_detail"),
    path("members/<int:member_id>/edit/", member_edit, name="member_edit"),
    path("members/<int:member_id>/status/", member_status, name="member_status"),
    path("members/<int:member_id>/discipline/", member_discipline, name="member_discipline"),
    path("members/<int:member_id>/unmask/", member_unmask, name="member_unmask"),
    path("members/health/", org_health, name="health"),
    path("members/health/<int:org_id>/", org_health, name="health_org"),
]
