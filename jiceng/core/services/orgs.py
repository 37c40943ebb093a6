"""Writes to the party-organization tree (党组织)."""

from __future__ import annotations

import uuid
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from jiceng.core import audit, rules, scope
from jiceng.core.models import Area, Org, Post
from jiceng.core.models.orgs import OrgKind, OrgSector, PostTitle
from jiceng.core.paths import join, to_base36
from jiceng.core.pinyin import initials

EDITABLE = [
    "name", "short_name", "kind", "sector", "area", "unit_name", "is_joint", "joint_units", "is_temporary",
    "temporary_until", "is_online", "may_approve_admission", "established_on", "term_started_on",
    "term_ends_on", "is_active",
]


def _raise(findings) -> list[str]:
    """Raise the errors among ``findings`` as one field-level ValidationError; return the warnings."""
    errors: dict[str, list[str]] = {}
    for f in findings:
        if f.error:
            errors.setdefault(f.field, []).append(f.message)
    if errors:
        raise ValidationError(errors)
    return [f.message for f in findings if not f.error]


def _validate(values: dict, parent: Org | None, children_kinds: set[str]) -> list[str]:
    errors: dict[str, list[str]] = {}
    name = (values.get("name") or "").strip()
    if not name:
        errors["name"] = [_("请填写党组织名称")]
    if values["kind"] not in OrgKind.values:
        errors["kind"] = [_("未知的党组织类型")]
    if values.get("sector") not in OrgSector.values:
        errors["sector"] = [_("未知的党组织领域")]
    if errors:
        raise ValidationError(errors)
    area = values.get("area")
    findings = rules.check_placement(values["kind"], parent.kind if parent else None)
    findings += [rules.Finding("kind", _("%(kind)s下不能有%(child)s") % {
                     "kind": rules.KIND_NAMES[values["kind"]], "child": rules.KIND_NAMES[k]})
                 for k in sorted(children_kinds) if k not in rules.ALLOWED_CHILDREN[values["kind"]]]
    findings += rules.check_flags(
        kind=values["kind"], is_temporary=values.get("is_temporary", False),
        temporary_until=values.get("temporary_until"), is_joint=values.get("is_joint", False),
        joint_units=values.get("joint_units"), may_approve_admission=values.get("may_approve_admission", False),
        parent_kind=parent.kind if parent else None,
        parent_is_street_committee=bool(parent and parent.kind in rules.COMMITTEES and parent.area_id
                                        and parent.area.level == "street"),
        area_level=area.level if area else None, sector=values.get("sector"),
    )
    started, ends = values.get("term_started_on"), values.get("term_ends_on")
    if started and ends and ends <= started:
        findings.append(rules.Finding("term_ends_on", _("任期届满日期应晚于任期开始日期")))
    return _raise(findings)


def _check_area(actor, area: Area | None, parent: Org | None) -> None:
    """The place must be one the actor sees, or lie inside the parent organization's place."""
    if area is None or scope.can(actor, "core.view_area", area):
        return
    if parent is not None and parent.area_id and area.path.startswith(parent.area.path):
        return
    raise ValidationError({"area": [_("所选属地不在您的管辖范围内")]})


def _default_term_end(kind: str, sector: str, area: Area | None, started: date | None) -> date | None:
    if not started:
        return None
    local = rules.is_community_or_village(area.level if area else None, sector)
    years = rules.term_years(kind, community_or_village=local)
    try:
        return started.replace(year=started.year + years)
    except ValueError:  # 29 February
        return started.replace(year=started.year + years, day=28)


@transaction.atomic
def org_create(actor, *, parent: Org | None, name: str, kind: str, sector: str = OrgSector.TERRITORIAL,
               area: Area | None = None, **fields) -> tuple[Org, list[str]]:
    """Set up an organization under ``parent`` (which the actor may add to). Returns it and warnings."""
    if parent is None:
        scope.require_global(actor, "core.add_org")
    else:
        parent = Org.objects.select_for_update(of=("self",)).select_related("area").get(pk=parent.pk)
        scope.require(actor, "core.add_org", parent)
    _check_area(actor, area, parent)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    values = {"name": name.strip(), "kind": kind, "sector": sector, "area": area, **fields}
    warnings = _validate(values, parent, set())
    if values.get("term_started_on") and not values.get("term_ends_on"):
        values["term_ends_on"] = _default_term_end(kind, sector, area, values["term_started_on"])
    org = Org(parent=parent, path=f"~{uuid.uuid4().hex}", depth=(parent.depth + 1) if parent else 1,
              pinyin=initials(values["name"]), **values)
    org.full_clean(exclude=["path"])
    org.save()
    org.path = join(parent.path if parent else None, to_base36(org.pk))
    org.save(update_fields=["path"])
    audit.record(actor, "org.create", org, summary={"parent": str(parent) if parent else None,
                                                    "kind": kind, "warnings": warnings})
    return org, warnings


def _snapshot(org: Org) -> dict:
    return {f: getattr(org, f) for f in EDITABLE} | {"parent": org.parent}


@transaction.atomic
def org_update(actor, *, org: Org, parent: Org | type[...] | None = ..., **changes) -> tuple[Org, list[str]]:
    """Change an organization's fields; ``parent=`` moves it with its whole subtree."""
    org = Org.objects.select_for_update(of=("self",)).select_related("parent", "area").get(pk=org.pk)
    scope.require(actor, "core.change_org", org)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    before = _snapshot(org)
    if "area" in changes and changes["area"] != org.area:
        _check_area(actor, changes["area"], org.parent)
    new_parent = org.parent if parent is ... else parent
    moving = new_parent != org.parent
    if moving:
        if new_parent is None:
            scope.require_global(actor, "core.add_org")
        else:
            new_parent = Org.objects.select_for_update(of=("self",)).select_related("area").get(pk=new_parent.pk)
            scope.require(actor, "core.add_org", new_parent)
            if new_parent.path.startswith(org.path):
                raise ValidationError({"parent": [_("不能把党组织移到它自己或它的下级之下")]})
    values = {f: changes.get(f, getattr(org, f)) for f in EDITABLE}
    children_kinds = set(org.children.values_list("kind", flat=True))
    warnings = _validate(values, new_parent, children_kinds)
    for f, v in values.items():
        setattr(org, f, v.strip() if isinstance(v, str) and f == "name" else v)
    org.pinyin = initials(org.name)
    org.full_clean(exclude=["path", "parent"])
    if moving:
        old_path = org.path
        new_path = join(new_parent.path if new_parent else None, to_base36(org.pk))
        delta = ((new_parent.depth + 1) if new_parent else 1) - org.depth
        Org.objects.filter(path__subtree=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)), depth=F("depth") + delta
        )
        org.parent, org.path, org.depth = new_parent, new_path, org.depth + delta
        # Grants on the moved organizations now cover other paths.
        scope.grants_changed(get_user_model().objects.filter(
            grants__org__path__subtree=new_path, grants__revoked_at__isnull=True).distinct())
    org.save()
    diff = audit.changes(before, _snapshot(org))
    audit.record(actor, "org.update", org, summary={"changes": diff, "warnings": warnings})
    return org, warnings


@transaction.atomic
def post_assign(actor, *, org: Org, title: str, holder_name: str, term_start: date, term_end: date | None = None,
                user=None) -> Post:
    """Appoint someone to a post (书记, 组织委员 …) for a term."""
    scope.require(actor, "core.change_org", org)
    errors = {}
    if title not in PostTitle.values:
        errors["title"] = [_("未知的职务")]
    if not holder_name.strip():
        errors["holder_name"] = [_("请填写任职人姓名")]
    if term_end and term_end <= term_start:
        errors["term_end"] = [_("任期结束日期应晚于开始日期")]
    if errors:
        raise ValidationError(errors)
    post = Post.objects.create(org=org, title=title, holder_name=holder_name.strip(), term_start=term_start,
                               term_end=term_end, user=user)
    audit.record(actor, "post.assign", post, node_path=org.path,
                 summary={"title": post.get_title_display(), "holder": post.holder_name})
    return post
