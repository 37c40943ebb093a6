"""Reads of users, grants, tokens and the audit trail."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from jiceng.core import scope
from jiceng.core.models import ApiToken, AuditEvent, Grant, Role


def user_list(actor, text: str = "") -> QuerySet:
    """Accounts, for the system admin (accounts) and the security officer (grants)."""
    if not any(scope.reach(actor, perm).everything for perm in ("core.manage_users", "core.manage_grants")):
        raise PermissionDenied(_("您没有执行此操作的权限。"))
    users = get_user_model().objects.order_by("username")
    if text:
        users = users.filter(Q(username__icontains=text) | Q(display_name__icontains=text))
    return users


def user_get(actor, user_id):
    from django.http import Http404

    try:
        return user_list(actor).get(pk=user_id)
    except (get_user_model().DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def grant_get(actor, grant_id) -> Grant:
    """One grant, for the security officer."""
    from django.http import Http404

    scope.require_global(actor, "core.manage_grants")
    try:
        return Grant.objects.select_related("user", "role").get(pk=grant_id)
    except Grant.DoesNotExist as exc:
        raise Http404 from exc


def active_grants(user) -> QuerySet[Grant]:
    return (Grant.objects.filter(user=user, revoked_at__isnull=True)
            .select_related("role", "area", "org").order_by("id"))


def role_list() -> QuerySet[Role]:
    return Role.objects.order_by("id")


def token_list(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def audit_list(actor, *, actor_text: str = "", action: str = "", object_type: str = "",
               since: datetime | None = None, until: datetime | None = None) -> QuerySet[AuditEvent]:
    """The audit trail, for auditors only; newest first."""
    scope.require_global(actor, "core.read_audit")
    events = AuditEvent.objects.all()
    if actor_text:
        events = events.filter(actor_label__icontains=actor_text)
    if action:
        events = events.filter(action__startswith=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if since:
        events = events.filter(at__gte=since)
    if until:
        events = events.filter(at__lt=until)
    return events
