"""Pages of 企业吹哨: the public form (no login) and its receipt, the service unit's list of requests,
turning a request into a whistle and declining it."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.core import scope
from jiceng.core.http import client_ip
from jiceng.core.pages import paginate, run_service
from jiceng.whistles import forms
from jiceng.whistles.models import EnterpriseRequest, RequestStatus
from jiceng.whistles.selectors import enterprise as selectors
from jiceng.whistles.selectors.whistles import departments_for
from jiceng.whistles.services import enterprise as services

RECEIPT_SESSION_KEY = "whistles_enterprise_receipt"


def public_form(request):
    form = forms.EnterpriseForm(request.POST or None, units=selectors.service_units())
    if request.method == "POST" and form.is_valid():
        key = request.POST.get("idempotency_key", "")
        try:
            result = run_service(form, lambda: services.enterprise_request_create(
                request.user, ip=client_ip(request), idempotency_key=key, **form.cleaned_data))
        except services.Throttled as exc:
            form.add_error(None, exc.messages[0])
            result = None
        if result:
            made, _created = result
            request.session[RECEIPT_SESSION_KEY] = made.pk
            return redirect("whistles:enterprise_done")
    return render(request, "whistles/enterprise_form.html", {"form": form, "key": uuid.uuid4().hex})


def public_done(request):
    pk = request.session.get(RECEIPT_SESSION_KEY)
    made = EnterpriseRequest.objects.select_related("unit").filter(pk=pk).first() if pk else None
    if made is None:
        return redirect("whistles:enterprise_form")
    return render(request, "whistles/enterprise_done.html", {"made": made})


@login_required
def requests(request):
    if not scope.holds(request.user, selectors.VIEW):
        raise PermissionDenied(_("您没有查看企业吹哨的权限。"))
    status = request.GET.get("status", "new")
    status = status if status in RequestStatus.values or status == "" else "new"
    page = paginate(request, selectors.request_list(request.user, status=status), 30)
    for item in page.object_list:
        item.can_handle = item.status == RequestStatus.NEW and scope.can(request.user, services.HANDLE, item)
    return render(request, "whistles/requests.html", {"page": page, "status": status,
                                                      "statuses": RequestStatus.choices})


@login_required
def convert(request, request_id: int):
    item = selectors.request_get(request.user, request_id)
    scope.require(request.user, services.HANDLE, item)
    form = forms.ConvertForm(request.POST or None, departments=departments_for(item.unit),
                             initial={"title": _("企业吹哨：%(name)s") % {"name": item.enterprise_name[:100]}})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["departments"] = list(data["departments"])
        whistle = run_service(form, lambda: services.enterprise_request_convert(request.user, request=item, **data))
        if whistle:
            messages.success(request, _("已转为吹哨。"))
            return redirect("whistles:detail", whistle_id=whistle.pk)
    return render(request, "whistles/convert.html", {"item": item, "form": form,
                                                     "decline_form": forms.DeclineForm()})


@login_required
@require_POST
def decline(request, request_id: int):
    item = selectors.request_get(request.user, request_id)
    form = forms.DeclineForm(request.POST)
    if form.is_valid() and run_service(form, lambda: services.enterprise_request_decline(
            request.user, request=item, reason=form.cleaned_data["reason"])):
        messages.success(request, _("已答复不予吹哨。"))
        return redirect("whistles:requests")
    scope.require(request.user, services.HANDLE, item)
    convert_form = forms.ConvertForm(departments=departments_for(item.unit))
    return render(request, "whistles/convert.html", {"item": item, "form": convert_form, "decline_form": form},
                  status=422)


urlpatterns = [
    path("whistles/enterprise/", public_form, name="enterprise_form"),
    path("whistles/enterprise/done/", public_done, name="enterprise_done"),
    path("whistles/enterprise-requests/", requests, name="requests"),
    path("whistles/enterprise-requests/<int:request_id>/", convert, name="convert"),
    path("whistles/enterprise-requests/<int:request_id>/decline/", decline, name="decline"),
]
