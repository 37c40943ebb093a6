"""Pages of member mobility: 双报到 (who reported to a community, their skills and availability),
流动党员 (who is away, where, and their return), 失联党员 (the lost-contact list and the 停止党籍
review, which the organization decides), and the forms that register each."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jiceng.core import scope
from jiceng.core.pages import paginate, run_service
from jiceng.members.selectors import mobility as selectors
from jiceng.members.selectors import roll as roll_selectors
from jiceng.members.services import mobility as services
from jiceng.members.services.roll import today
from jiceng.members.views.mobility_forms import (
    FloatingContactForm,
    FloatingFilterForm,
    FloatingForm,
    FloatingReturnForm,
    FoundForm,
    LostFilterForm,
    LostForm,
    ReportEndForm,
    ReportFilterForm,
    ReportForm,
)


def require_any(user, perm: str, message: str) -> None:
    """The page is for those who hold ``perm`` somewhere (what they see is still scoped)."""
    if not scope.holds(user, perm):
        raise PermissionDenied(message)


TABS = (("transfers", "members:transfers", "arrow-left-right", gettext_lazy("关系转接"), "members.view_transfer"),
        ("floating", "members:floating", "geo", gettext_lazy("流动党员"), "members.view_member"),
        ("lost", "members:lost", "person-exclamation", gettext_lazy("失联党员"), "members.view_member"),
        ("reports", "members:reports", "house-heart", gettext_lazy("双报到"), "members.view_servicereport"))


def mobility_tabs(user, current: str) -> list[dict]:
    """The mobility pages this user may open, side by side at the top of each."""
    return [{"url": reverse(name), "icon": icon, "label": label, "current": code == current}
            for code, name, icon, label, perm in TABS if scope.holds(user, perm)]


def picked_member(request):
    """The member chosen with ``?member=<id>`` from the roll the user sees (404 outside it), or None."""
    member_id = request.GET.get("member", "")
    return roll_selectors.member_get(request.user, member_id) if member_id else None


def pick_member_page(request, *, title: str, root_label: str, root_url: str):
    """Step one of a registration: find the member on the roll (name, pinyin initials, number suffix)."""
    q = request.GET.get("q", "").strip()
    results = None
    if q:
        results = list(roll_selectors.member_list(request.user, roll_selectors.RollFilter(q=q, status="active"))[:20])
    return render(request, "members/mobility/pick_member.html", {
        "title": title, "q": q, "results": results, "root_label": root_label, "root_url": root_url})


def _form_page(request, form, *, title: str, member, root_label: str, root_url: str):
    return render(request, "core/node_form.html", {
        "form": form, "title": title, "submit_label": _("登记"), "root_label": root_label, "root_url": root_url,
        "node_name": f"{member.name}（{member.branch.name}）" if member else title,
        "node_url": reverse("members:member_detail", kwargs={"member_id": member.pk}) if member else root_url})


def _register(request, form, call, *, done, title: str, member, root_label: str, root: str):
    """A registration form: on a valid POST run ``call`` and go back to the ``root`` list with the
    message ``done(result)``; otherwise (GET, or errors) the form page."""
    if request.method == "POST" and form.is_valid():
        result = run_service(form, call)
        if result:
            messages.success(request, done(result))
            return redirect(root)
    return _form_page(request, form, title=title, member=member, root_label=root_label, root_url=reverse(root))


def _member_register(request, form_class, call, *, denied: str, done: str, title: str, root_label: str, root: str,
                     initial=None):
    """Register something about one member of the roll: pick them first, then the form;
    ``call(member, cleaned_data)`` writes, ``done`` names the member in the message."""
    require_any(request.user, services.CHANGE, denied)
    member = picked_member(request)
    if member is None:
        return pick_member_page(request, title=title, root_label=root_label, root_url=reverse(root))
    scope.require(request.user, services.CHANGE, member)
    form = form_class(request.POST or None, initial=initial)
    return _register(request, form, lambda: call(member, form.cleaned_data),
                     done=lambda _result: done % {"name": member.name}, title=title, member=member,
                     root_label=root_label, root=root)


def _filters(request, form_class):
    """A list's filter form bound to the query string, and its cleaned values ({} when unset or invalid)."""
    form = form_class(request.GET or None, actor=request.user)
    return form, form.cleaned_data if form.is_bound and form.is_valid() else {}


def _list_page(request, code: str, form, page, add_perm: str, **context):
    """One of the mobility lists: the tabs, its filter form and page, and whether the user may register."""
    return render(request, f"members/mobility/{code}.html", {
        "tabs": mobility_tabs(request.user, code), "form": form, "page": page, "today": today(),
        "can_add": scope.holds(request.user, add_perm), **context})


def _post_action(request, form, call, done: str, back: str):
    if form.is_valid() and run_service(form, lambda: call(form.cleaned_data)):
        messages.success(request, done)
    else:
        errors = "；".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, _("未能保存：%(e)s") % {"e": errors})
    return redirect(back)


# 双报到 ----------------------------------------------------------------------------------------------

@login_required
def reports(request):
    """The in-service members who reported to the communities the user oversees."""
    require_any(request.user, selectors.VIEW_REPORT, _("您没有查看在职党员报到的权限。"))
    form, data = _filters(request, ReportFilterForm)
    rows = selectors.service_report_list(request.user, community=data.get("community"),
                                         state=data.get("state") or "open", q=data.get("q", ""),
                                         skill=data.get("skill", ""))
    page = paginate(request, rows, 50)
    for report in page.object_list:
        report.can_end = report.ended_on is None and scope.can(request.user, "members.change_servicereport", report)
    return _list_page(request, "reports", form, page, "members.add_servicereport",
                      filtering=bool(request.GET.get("q") or request.GET.get("skill") or request.GET.get("community")))


@login_required
def report_new(request):
    require_any(request.user, "members.add_servicereport", _("您没有登记在职党员报到的权限。"))
    member = picked_member(request)
    form = ReportForm(request.POST or None, actor=request.user, member=member, initial={"reported_on": today()})

    def register():
        data = dict(form.cleaned_data)
        who = member
        if who is None:
            who = selectors.member_by_id_number(data.pop("id_number"))
            if who is None:
                form.add_error("id_number", _("党员名册中没有这个身份证号，请核对"))
                return None
        return services.service_report_register(request.user, member=who, unit_org=who.branch, **data)

    return _register(request, form, register, title=_("登记在职党员报到"), member=member, root_label=_("双报到"),
                     root="members:reports", done=lambda report: _("%(name)s 已到%(c)s报到") % {
                         "name": report.member.name, "c": report.community.name})


@login_required
@require_POST
def report_end(request, report_id):
    report = selectors.service_report_get(request.user, report_id)
    return _post_action(request, ReportEndForm(request.POST), lambda d: services.service_report_end(
        request.user, report=report, **d), _("已结束报到"), reverse("members:reports"))


# 流动党员 --------------------------------------------------------------------------------------------

@login_required
def floating(request):
    require_any(request.user, roll_selectors.VIEW, _("您没有查看党员名册的权限。"))
    form, data = _filters(request, FloatingFilterForm)
    page = paginate(request, selectors.floating_list(request.user, branch=data.get("branch"),
                                                     state=data.get("state") or "away", q=data.get("q", "")), 50)
    for record in page.object_list:
        record.can_change = record.returned_on is None and scope.can(request.user, services.CHANGE, record)
    return _list_page(request, "floating", form, page, services.CHANGE)


@login_required
def floating_new(request):
    return _member_register(
        request, FloatingForm, lambda member, data: services.floating_register(request.user, member=member, **data),
        denied=_("您没有登记流动党员的权限。"), done=_("已登记 %(name)s 外出"), title=_("登记流动党员"),
        root_label=_("流动党员"), root="members:floating", initial={"left_on": today()})


@login_required
@require_POST
def floating_contact(request, record_id):
    record = selectors.floating_get(request.user, record_id)
    return _post_action(request, FloatingContactForm(request.POST), lambda d: services.floating_contact(
        request.user, record=record, **d), _("已记录联系"), reverse("members:floating"))


@login_required
@require_POST
def floating_return(request, record_id):
    record = selectors.floating_get(request.user, record_id)
    return _post_action(request, FloatingReturnForm(request.POST), lambda d: services.floating_return(
        request.user, record=record, **d), _("已登记返回"), reverse("members:floating"))


# 失联党员 --------------------------------------------------------------------------------------------

@login_required
def lost(request):
    """失联 and 组织关系未转接 members; those out of contact six months or more are the 停止党籍 review
    list (RULES §5): the organization decides, on the member's page."""
    require_any(request.user, roll_selectors.VIEW, _("您没有查看党员名册的权限。"))
    form, data = _filters(request, LostFilterForm)
    page = paginate(request, selectors.lost_list(request.user, branch=data.get("branch"),
                                                 review=bool(data.get("review")), q=data.get("q", "")), 50)
    for member in page.object_list:
        member.can_change = scope.can(request.user, services.CHANGE, member)
    return _list_page(request, "lost", form, page, services.CHANGE)


@login_required
def lost_new(request):
    return _member_register(
        request, LostForm, lambda member, data: services.member_mark_lost(request.user, member=member, **data),
        denied=_("您没有登记失联党员的权限。"), done=_("已登记 %(name)s 失联"), title=_("登记失联党员"),
        root_label=_("失联党员"), root="members:lost")


@login_required
@require_POST
def lost_found(request, member_id):
    member = roll_selectors.member_get(request.user, member_id)
    return _post_action(request, FoundForm(request.POST), lambda d: services.member_mark_found(
        request.user, member=member, **d), _("已恢复联系"), reverse("members:lost"))


urlpatterns = [
    path("reports/", reports, name="reports"),
    path("reports/new/", report_new, name="report_new"),
    path("reports/<int:report_id>/end/", report_end, name="report_end"),
    path("floating/", floating, name="floating"),
    path("floating/new/", floating_new, name="floating_new"),
    path("floating/<int:record_id>/contact/", floating_contact, name="floating_contact"),
    path("floating/<int:record_id>/return/", floating_return, name="floating_return"),
    path("lost/", lost, name="lost"),
    path("lost/new/", lost_new, name="lost_new"),
    path("lost/<int:member_id>/found/", lost_found, name="lost_found"),
]
