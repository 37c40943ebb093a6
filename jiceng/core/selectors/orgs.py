"""Reads of the party-organization tree, always through scope."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from jiceng.core import scope
from jiceng.core.models import Org, Post
from jiceng.core.selectors import trees

VIEW = "core.view_org"


def _base() -> QuerySet[Org]:
    return Org.objects.select_related("area", "parent")


def org_get(actor, org_id) -> Org:
    return scope.get_or_404(actor, VIEW, _base(), pk=org_id)


def org_roots(actor) -> QuerySet[Org]:
    """The top organizations the actor sees: those whose parent it cannot see."""
    r = scope.reach(actor, VIEW)
    if r.everything:
        return _base().filter(parent__isnull=True)
    visible = scope.visible(actor, VIEW, Org.objects.all())
    return scope.visible(actor, VIEW, _base()).filter(
        Q(parent__isnull=True) | ~Q(parent__in=visible.values("pk"))
    )


def org_for_field(actor, org_id: int | None, field: str, message: str | None = None) -> Org | None:
    """The organization a submitted id refers to, as the actor sees it; missing or out of scope is a
    field error naming ``field`` (never a 404 for a field of a form or a payload)."""
    from django.core.exceptions import ValidationError
    from django.http import Http404
    from django.utils.translation import gettext as _

    if org_id is None:
        return None
    try:
        return org_get(actor, org_id)
    except Http404 as exc:
        raise ValidationError({field: [message or _("党组织不存在或不在您的管辖范围内")]}) from exc


def branches_where(actor, perm: str) -> QuerySet[Org]:
    """The active 党支部 where ``perm`` reaches for the actor (choices of forms)."""
    return scope.visible(actor, perm, Org.objects.filter(kind="branch", is_active=True)).order_by("path")


def org_in_scope(actor) -> QuerySet[Org]:
    """Every organization the actor sees."""
    return scope.visible(actor, VIEW, _base())


def org_children(actor, parent_id) -> QuerySet[Org]:
    if parent_id is None:
        return org_roots(actor)
    parent = org_get(actor, parent_id)
    return scope.visible(actor, VIEW, _base().filter(parent=parent))


def with_child_counts(queryset: QuerySet[Org]) -> QuerySet[Org]:
    return trees.with_child_counts(queryset)


def descendant_counts(org: Org) -> dict[str, int]:
    return trees.counts_below(org, "kind")


def counts_in_territory(area) -> dict[str, int]:
    """How many organizations of each kind are placed in ``area``'s subtree (属地)."""
    rows = (Org.objects.filter(area__path__subtree=area.path, is_active=True)
            .values("kind").annotate(n=Count("id")).order_by())
    return {row["kind"]: row["n"] for row in rows}


def org_search(actor, text: str, *, limit: int = 50, kind: str | None = None) -> QuerySet[Org]:
    text = text.strip()
    if not text:
        return Org.objects.none()
    matches = _base().filter(trees.text_condition(text, "name", "short_name"))
    if kind:
        matches = matches.filter(kind=kind)
    return scope.visible(actor, VIEW, matches).order_by("depth", "path")[:limit]


def post_list(actor, org: Org) -> QuerySet[Post]:
    return scope.visible(actor, VIEW, Post.objects.filter(org=org).select_related("user"))
