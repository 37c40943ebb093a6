"""The spine: what an actor may see and do, and where.

A grant (user, role, node) lets its user act with the role's permissions on the node and its whole
subtree. ``visible`` and ``require`` are the only two gates; every selector and service uses them.
Out-of-scope reads the same as missing (404); 403 only when the actor sees the record but may not
take the action.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _


class SystemActor:
    """The actor of tasks, imports and management commands: sees everything, is audited by name."""

    is_authenticated = True
    is_active = True
    is_system = True
    pk = None
    id = None

    def __init__(self, label: str = "system"):
        self.username = self.label = label

    def __str__(self):
        return self.label


def system_actor(label: str) -> SystemActor:
    return SystemActor(f"system:{label}")


@dataclass(frozen=True)
class Reach:
    """Where one permission reaches: everywhere, or the subtrees under these path prefixes."""

    everything: bool = False
    areas: tuple[str, ...] = field(default_factory=tuple)
    orgs: tuple[str, ...] = field(default_factory=tuple)

    @property
    def nowhere(self) -> bool:
        return not (self.everything or self.areas or self.orgs)

    def covers(self, *, area_path: str | None = None, org_path: str | None = None) -> bool:
        if self.everything:
            return True
        if area_path and any(area_path.startswith(p) for p in self.areas):
            return True
        return bool(org_path and any(org_path.startswith(p) for p in self.orgs))


def _outermost(paths) -> tuple[str, ...]:
    """Drop prefixes covered by another one, so each subtree is queried once."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(kept)


GRANTS_CACHE_SECONDS = 600


def _load_grant_rows(actor) -> list[tuple]:
    """One query: a row per (grant, permission) of the actor's active grants."""
    from jiceng.core.models import Grant

    rows = Grant.objects.filter(user=actor, revoked_at__isnull=True).values_list(
        "pk", "area__path", "org__path", "role__permissions__content_type__app_label",
        "role__permissions__codename")
    grants: dict[int, tuple] = {}
    for pk, area_path, org_path, app_label, codename in rows:
        entry = grants.setdefault(pk, (pk, area_path, org_path, set()))
        if codename:
            entry[3].add(f"{app_label}.{codename}")
    return list(grants.values())


def _grant_rows(actor):
    """The actor's grants, memoised on the actor (one request) and in the cache across requests.

    The cache key carries ``User.grants_version``, which every change to a user's grants (and every
    move of an organization that holds grants) increments; the user row is read on each request
    anyway, so a revocation takes effect on the very next request.
    """
    rows = getattr(actor, "_jiceng_grants", None)
    if rows is None:
        version = getattr(actor, "grants_version", None)
        joined = getattr(actor, "date_joined", None)
        key = None
        if version is not None:  # the join time tells a re-used primary key from the old account
            key = f"jiceng:grants:{actor.pk}:{joined.timestamp() if joined else 0}:{version}"
        rows = cache.get(key) if key else None
        if rows is None:
            rows = _load_grant_rows(actor)
            if key:
                cache.set(key, rows, GRANTS_CACHE_SECONDS)
        actor._jiceng_grants = rows
    return rows


def grants_changed(users) -> None:
    """Invalidate the cached grants of ``users`` (a queryset or a list of users)."""
    from django.db.models import F

    from jiceng.core.models import User

    ids = list(users.values_list("pk", flat=True)) if hasattr(users, "values_list") else [u.pk for u in users]
    User.objects.filter(pk__in=ids).update(grants_version=F("grants_version") + 1)
    for user in [] if hasattr(users, "values_list") else users:
        forget(user)


def forget(actor) -> None:
    """Drop the grants memoised on ``actor`` and re-read its grants version (after its grants changed)."""
    for attr in ("_jiceng_grants", "_jiceng_reach"):
        if hasattr(actor, attr):
            delattr(actor, attr)
    if getattr(actor, "grants_version", None) is not None and actor.pk is not None:
        actor.refresh_from_db(fields=["grants_version"])


def reach(actor, perm: str) -> Reach:
    if actor is None or not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", False):
        return Reach()
    if getattr(actor, "is_system", False):
        return Reach(everything=True)
    memo = actor.__dict__.setdefault("_jiceng_reach", {})
    if perm not in memo:
        areas, orgs, everything = [], [], False
        for _role, area_path, org_path, perms in _grant_rows(actor):
            if perm not in perms:
                continue
            if area_path:
                areas.append(area_path)
            elif org_path:
                orgs.append(org_path)
            else:
                everything = True
        memo[perm] = Reach(everything) if everything else Reach(False, _outermost(areas), _outermost(orgs))
    return memo[perm]


def permissions(actor) -> set[str]:
    """Every permission the actor holds somewhere (for menus; never for an object check)."""
    if getattr(actor, "is_system", False):
        return {"*"}
    if not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", False):
        return set()
    return set().union(*(perms for *_rest, perms in _grant_rows(actor))) if _grant_rows(actor) else set()


def holds(actor, perm: str) -> bool:
    """Whether the actor holds ``perm`` anywhere (to offer a menu entry or a button; never an object check)."""
    return bool(permissions(actor) & {perm, "*"})


def _condition(model, r: Reach) -> Q:
    return _paths_condition(r, org_field=getattr(model, "scope_org_field", None),
                            area_field=getattr(model, "scope_area_field", None))


def _paths_condition(r: Reach, *, org_field: str | None, area_field: str | None) -> Q:
    q = Q(pk__in=[])
    if area_field:
        for prefix in r.areas:
            q |= Q(**{f"{area_field}__subtree": prefix})
    if org_field:
        for prefix in r.orgs:
            q |= Q(**{f"{org_field}__subtree": prefix})
    return q


def visible(actor, perm: str, queryset: QuerySet) -> QuerySet:
    """``queryset`` limited to the rows whose node lies where ``perm`` reaches for ``actor``."""
    r = reach(actor, perm)
    if r.everything:
        return queryset
    if r.nowhere:
        return queryset.none()
    return queryset.filter(_condition(queryset.model, r))


def where(actor, perm: str, *, org_field: str | None = None, area_field: str | None = None) -> Q:
    """A filter condition: the rows whose organization (path at ``org_field``) or area (path at
    ``area_field``) lies where ``perm`` reaches. For records that belong to more than one node (a
    transfer, seen by its sending and its receiving side): OR the conditions of each side."""
    r = reach(actor, perm)
    if r.everything:
        return Q(pk__isnull=False)  # not Q(): an empty Q vanishes when OR-ed with another
    return _paths_condition(r, org_field=org_field, area_field=area_field)


def node_paths(obj: Model) -> dict[str, str | None]:
    """The area path and org path a record belongs to, following the model's declared fields."""
    def follow(dotted: str | None):
        if not dotted:
            return None
        value = obj
        for part in dotted.split("__"):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value

    return {"area_path": follow(obj.scope_area_field), "org_path": follow(obj.scope_org_field)}


def can(actor, perm: str, obj: Model) -> bool:
    return reach(actor, perm).covers(**node_paths(obj))


def require(actor, perm: str, obj: Model) -> None:
    """Raise unless ``actor`` holds ``perm`` on ``obj``: 404 when the actor cannot even see it."""
    if can(actor, perm, obj):
        return
    if can(actor, obj.scope_view_perm, obj):
        raise PermissionDenied(_("您没有执行此操作的权限。"))
    raise Http404


def require_global(actor, perm: str) -> None:
    """For powers that are not tied to a node (user accounts, grants, the audit trail)."""
    if not reach(actor, perm).everything:
        raise PermissionDenied(_("您没有执行此操作的权限。"))


def get_or_404(actor, perm: str, queryset: QuerySet, **lookup):
    """The one way to fetch a record a user asked for: scope first, then the lookup."""
    try:
        return visible(actor, perm, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
