"""Reads of the territory tree, always through scope."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jiceng.core import scope
from jiceng.core.models import Area, Department
from jiceng.core.selectors import trees

VIEW = "core.view_area"
SHORT_CODE_LENGTHS = {2, 4, 6, 9}


def normalize_code(code: str) -> str:
    """Official codes may be given short (``110106015`` for 马家堡街道) or as the full 12 digits."""
    code = (code or "").strip()
    return code.ljust(12, "0") if code.isdigit() and len(code) in SHORT_CODE_LENGTHS else code


def area_by_code(code: str) -> Area:
    """The area a code in submitted data refers to (short official codes accepted). Not scoped: the
    service that receives it checks it against the actor's scope. Unknown codes are a
    ValidationError in words."""
    area = Area.objects.filter(code=normalize_code(code)).first()
    if area is None:
        raise ValidationError(_("属地代码 %(code)s 不存在") % {"code": code})
    return area


def area_for_field(code: str | None, field: str) -> Area | None:
    """``area_by_code`` for an optional field of submitted data: the error names ``field``."""
    if not code:
        return None
    try:
        return area_by_code(code)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


def area_get(actor, code: str) -> Area:
    return scope.get_or_404(actor, VIEW, Area.objects.select_related("parent"), code=normalize_code(code))


def area_roots(actor) -> QuerySet[Area]:
    """The top nodes the actor sees: the tree's roots, or the nodes of its grants."""
    r = scope.reach(actor, VIEW)
    if r.everything:
        return Area.objects.filter(parent__isnull=True)
    return Area.objects.filter(path__in=r.areas) if r.areas else Area.objects.none()


def with_child_counts(queryset: QuerySet[Area]) -> QuerySet[Area]:
    return trees.with_child_counts(queryset, "code")


def area_children(actor, parent_code: str | None) -> QuerySet[Area]:
    if parent_code is None:
        return area_roots(actor)
    parent = area_get(actor, parent_code)
    return scope.visible(actor, VIEW, Area.objects.filter(parent=parent))


def descendant_counts(area: Area) -> dict[str, int]:
    """How many nodes of each level lie below ``area`` (one grouped prefix query)."""
    return trees.counts_below(area, "level")


def area_search(actor, text: str, *, limit: int = 50) -> QuerySet[Area]:
    """Areas whose name or pinyin initials contain ``text``."""
    text = text.strip()
    if not text:
        return Area.objects.none()
    cond = trees.text_condition(text, "name")
    return (scope.visible(actor, VIEW, Area.objects.filter(cond).select_related("parent"))
            .order_by("depth", "path")[:limit])


def department_list(actor) -> QuerySet[Department]:
    return scope.visible(actor, VIEW, Department.objects.select_related("area"))
