"""Kinds of organizational life and their frequency rules (for holders of ``change_meetingkind``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from jiceng.core import scope
from jiceng.core.pages import run_service
from jiceng.orglife.selectors import meetings as selectors
from jiceng.orglife.services import kinds as services
from jiceng.orglife.views.meetings_forms import KindEditForm, KindForm


@login_required
def kinds(request):
    if not scope.holds(request.user, "orglife.view_meetingkind"):
        raise PermissionDenied(_("您没有查看组织生活类型的权限。"))
    return render(request, "orglife/meeting/kinds.html", {
        "kinds": selectors.kinds(), "can_add": scope.reach(request.user, services.ADD).everything,
        "can_change": scope.reach(request.user, services.CHANGE).everything})


def _form_page(request, form, title):
    return render(request, "core/node_form.html", {
        "form": form, "title": title, "submit_label": _("保存"), "root_label": _("组织生活类型"),
        "root_url": reverse("orglife:kinds"), "node_name": _("频次规则"), "node_url": reverse("orglife:kinds")})


@login_required
def kind_new(request):
    scope.require_global(request.user, services.ADD)
    form = KindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.kind_create(request.user, **form.cleaned_data)):
            messages.success(request, _("已新增"))
            return redirect("orglife:kinds")
    return _form_page(request, form, _("新增组织生活类型"))


@login_required
def kind_edit(request, kind_id):
    scope.require_global(request.user, services.CHANGE)
    kind = selectors.kind_get(kind_id)
    form = KindEditForm(request.POST or None, initial={f: getattr(kind, f) for f in services.EDITABLE})
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k in form.changed_data}
        if run_service(form, lambda: services.kind_update(request.user, kind=kind, **changes)):
            messages.success(request, _("已保存"))
            return redirect("orglife:kinds")
    return _form_page(request, form, _("修改：%(name)s") % {"name": kind.name})


urlpatterns = [
    path("orglife/kinds/", kinds, name="kinds"),
    path("orglife/kinds/new/", kind_new, name="kind_new"),
    path("orglife/kinds/<int:kind_id>/", kind_edit, name="kind_edit"),
]
