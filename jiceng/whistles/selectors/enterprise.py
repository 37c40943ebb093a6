"""Reads of enterprise requests (企业吹哨): the service unit's staff see the requests to units within
their reach; the public form lists the service units."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jiceng.core import scope
from jiceng.core.models import Area
from jiceng.whistles.models import EnterpriseRequest, RequestStatus
from jiceng.whistles.services.enterprise import SERVICE_UNIT_LEVELS

VIEW = "whistles.view_enterpriserequest"


def _base() -> QuerySet[EnterpriseRequest]:
    return EnterpriseRequest.objects.select_related("unit", "whistle", "handled_by")


def request_list(actor, *, status: str = "") -> QuerySet[EnterpriseRequest]:
    qs = scope.visible(actor, VIEW, _base())
    if status:
        if status not in RequestStatus.values:
            raise ValidationError({"status": [_("状态应为 new、converted 或 declined")]})
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def request_get(actor, request_id) -> EnterpriseRequest:
    return scope.get_or_404(actor, VIEW, _base(), pk=request_id)


def service_units() -> QuerySet[Area]:
    """The units an enterprise may address: streets, parks, business districts and buildings."""
    return Area.objects.filter(level__in=SERVICE_UNIT_LEVELS).select_related("parent").order_by("path")


def service_unit(code: str | None) -> Area | None:
    if not code:
        return None
    return service_units().filter(code=str(code).strip()).first()


def new_count(actor) -> int:
    return request_list(actor, status=RequestStatus.NEW).count()
