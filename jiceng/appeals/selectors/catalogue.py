"""Reads of the dispatch catalogue: active categories, their keywords and their deadline terms."""

from __future__ import annotations

from django.conf import settings

from jiceng.appeals import rules
from jiceng.appeals.models import Category, CategoryDeadline, UnitKind
from jiceng.core.models.territory import AreaLevel

UNIT_LEVEL = {UnitKind.COMMUNITY: AreaLevel.COMMUNITY, UnitKind.STREET: AreaLevel.STREET,
              UnitKind.DEPARTMENT: AreaLevel.DISTRICT}


def active_categories():
    return Category.objects.filter(is_active=True).select_related("parent")


def category_by_code(code) -> Category | None:
    if not isinstance(code, str) or not code.strip():
        return None
    return active_categories().filter(code=code.strip()).first()


def keyword_table() -> list[tuple[int, str, list[str]]]:
    """``(id, name, keywords)`` of the active categories that have keywords, in catalogue order."""
    return [(c.pk, c.name, c.keyword_list) for c in active_categories() if c.keywords]


def terms(category: Category | None, urgency: str) -> tuple[int, rules.Term]:
    """(response hours, completion term) for ``category`` at the level of the unit that answers it:
    the category's own row for that level, else its row for any level, else its parent's, else the
    ``APPEAL_DEADLINES`` setting."""
    node = category
    level = UNIT_LEVEL.get(category.unit_kind, "") if category else ""
    while node is not None:
        rows = {r.area_level: r for r in CategoryDeadline.objects.filter(category=node, urgency=urgency)}
        row = rows.get(level) or rows.get("")
        if row:
            return row.response_hours, rules.Term(row.complete_amount, row.complete_unit)
        node = node.parent
    return rules.default_terms(urgency, settings.APPEAL_DEADLINES)
