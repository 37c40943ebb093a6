"""Reads shared by the two trees (属地 and 党组织): both are materialized paths with a parent link."""

from __future__ import annotations

from django.db.models import Count, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from jiceng.core.paths import ancestors as ancestor_paths


def with_child_counts(queryset: QuerySet, parent_key: str = "pk") -> QuerySet:
    """Annotate ``child_count`` with a correlated count, computed only for the rows returned (a
    GROUP BY would count the children of every match before the LIMIT). ``parent_key`` is the field
    the children's ``parent`` points at."""
    model = queryset.model
    children = (model.objects.filter(parent=OuterRef(parent_key)).order_by().values("parent")
                .annotate(n=Count("pk")).values("n"))
    return queryset.annotate(child_count=Coalesce(Subquery(children), 0))


def counts_below(node: Model, field: str) -> dict[str, int]:
    """How many nodes of each ``field`` value (level, kind) lie below ``node``: one prefix query."""
    rows = (type(node).objects.filter(path__subtree=node.path).exclude(pk=node.pk)
            .values(field).annotate(n=Count("pk")).order_by())
    return {row[field]: row["n"] for row in rows}


def ancestors(node: Model) -> list:
    """The node's ancestors and the node itself, top first (one query)."""
    paths = ancestor_paths(node.path)
    by_path = {n.path: n for n in type(node).objects.filter(path__in=paths)}
    return [by_path[p] for p in paths if p in by_path]


def text_condition(text: str, *fields: str) -> Q:
    """Names containing ``text``, or pinyin initials containing it (``mjb`` finds 中共马家堡…)."""
    cond = Q()
    for field in fields:
        cond |= Q(**{f"{field}__contains": text})
    if text.isascii() and text.isalpha():
        cond |= Q(pinyin__contains=text.lower())
    return cond
