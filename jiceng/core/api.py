"""Core endpoints: the signed-in user, the two trees, the audit trail. Thin: selectors and services
do the work."""


from datetime import date, datetime

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from jiceng.core import scope
from jiceng.core.models import Area, Org
from jiceng.core.pagination import Pagination
from jiceng.core.selectors import accounts as account_selectors
from jiceng.core.selectors import orgs as org_selectors
from jiceng.core.selectors import territory as area_selectors
from jiceng.core.services import orgs as org_services

router = Router()


class ErrorItem(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[ErrorItem]


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class NodeRef(Schema):
    kind: str
    id: str
    name: str


class GrantOut(Schema):
    id: int
    role: str
    role_name: str
    node: NodeRef | None


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    mobile: str = Field(description="masked")
    department: str | None
    grants: list[GrantOut]
    permissions: list[str]


@router.get("/me", response={200: MeOut, **ERRORS}, tags=["me"])
def me(request):
    user = request.user
    grants = []
    for g in account_selectors.active_grants(user):
        node = None
        if g.area_id:
            node = {"kind": "area", "id": g.area.code, "name": g.area.name}
        elif g.org_id:
            node = {"kind": "org", "id": str(g.org_id), "name": g.org.name}
        grants.append({"id": g.pk, "role": g.role.code, "role_name": g.role.label, "node": node})
    return {
        "id": user.pk, "username": user.username, "display_name": user.display_name or user.username,
        "mobile": user.masked_mobile, "department": str(user.department) if user.department_id else None,
        "grants": grants, "permissions": sorted(scope.permissions(user)),
    }


class AreaOut(Schema):
    code: str
    name: str
    pinyin: str
    level: str
    level_name: str
    parent: str | None = Field(None, alias="parent_id")
    depth: int
    child_count: int | None = None
    latitude: float | None = None
    longitude: float | None = None

    @staticmethod
    def resolve_level_name(obj):
        return obj.get_level_display()


class AreaDetailOut(AreaOut):
    descendants: dict[str, int]
    geometry: dict | None = None


@router.get("/areas", response={200: list[AreaOut], **ERRORS}, tags=["territory"])
@paginate(Pagination)
def area_list(request, parent: str | None = None, q: str | None = None):
    """Children of ``parent`` (a code), or the caller's top nodes; ``q`` searches by name or pinyin."""
    if q:
        return area_selectors.with_child_counts(area_selectors.area_search(request.user, q, limit=200))
    return area_selectors.with_child_counts(area_selectors.area_children(request.user, parent)).order_by("code")


@router.get("/areas/{code}", response={200: AreaDetailOut, **ERRORS}, tags=["territory"])
def area_detail(request, code: str):
    area = area_selectors.area_get(request.user, code)
    area.child_count = area.children.count()
    area.descendants = area_selectors.descendant_counts(area)
    return area


class OrgOut(Schema):
    id: int
    name: str
    short_name: str
    pinyin: str
    kind: str
    kind_name: str
    sector: str
    parent: int | None = Field(None, alias="parent_id")
    area: str | None = None
    depth: int
    is_joint: bool
    joint_units: int | None
    is_temporary: bool
    temporary_until: date | None
    is_online: bool
    may_approve_admission: bool
    established_on: date | None
    term_started_on: date | None
    term_ends_on: date | None
    is_active: bool
    child_count: int | None = None

    @staticmethod
    def resolve_kind_name(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_area(obj):
        return obj.area.code if obj.area_id else None


class PostOut(Schema):
    title: str
    title_name: str
    holder_name: str
    term_start: date
    term_end: date | None

    @staticmethod
    def resolve_title_name(obj):
        return obj.get_title_display()


class OrgDetailOut(OrgOut):
    descendants: dict[str, int]
    posts: list[PostOut] = Field(alias="post_items")
    warnings: list[str] = Field([], alias="warning_items")


class OrgIn(Schema):
    parent: int | None = None
    name: str = Field(..., min_length=1, max_length=120)
    kind: str
    sector: str = "territorial"
    area: str | None = Field(None, description="code of the place (属地)")
    short_name: str = Field("", max_length=60)
    unit_name: str = Field("", max_length=120)
    is_joint: bool = False
    joint_units: int | None = Field(None, ge=2, le=99)
    is_temporary: bool = False
    temporary_until: date | None = None
    is_online: bool = False
    may_approve_admission: bool = False
    established_on: date | None = None
    term_started_on: date | None = None
    term_ends_on: date | None = None


class OrgPatch(Schema):
    parent: int | None = None
    name: str | None = Field(None, min_length=1, max_length=120)
    kind: str | None = None
    sector: str | None = None
    area: str | None = None
    short_name: str | None = Field(None, max_length=60)
    unit_name: str | None = Field(None, max_length=120)
    is_joint: bool | None = None
    joint_units: int | None = Field(None, ge=2, le=99)
    is_temporary: bool | None = None
    temporary_until: date | None = None
    is_online: bool | None = None
    may_approve_admission: bool | None = None
    established_on: date | None = None
    term_started_on: date | None = None
    term_ends_on: date | None = None
    is_active: bool | None = None


def _org_detail(request, org: Org, warnings=()) -> Org:
    org.child_count = org.children.count()
    org.descendants = org_selectors.descendant_counts(org)
    org.post_items = list(org_selectors.post_list(request.user, org))
    org.warning_items = list(warnings)
    return org


def _area_arg(request, code: str | None) -> Area | None:
    from django.core.exceptions import ValidationError

    if not code:
        return None
    try:
        return area_selectors.area_by_code(code)
    except ValidationError as exc:
        raise ValidationError({"area": exc.messages}) from exc


def _parent_arg(request, parent_id: int | None) -> Org | None:
    return org_selectors.org_for_field(request.user, parent_id, "parent", _("上级党组织不存在或不在您的管辖范围内"))


@router.get("/orgs", response={200: list[OrgOut], **ERRORS}, tags=["orgs"])
@paginate(Pagination)
def org_list(request, parent: int | None = None, q: str | None = None, kind: str | None = None,
             top: bool = False):
    """The organizations in the caller's scope, top-down; ``parent`` (an id) lists its children,
    ``top=true`` only the caller's top organizations, ``kind`` keeps one kind (``branch`` …), ``q``
    searches by name or pinyin."""
    if q:
        return org_selectors.with_child_counts(org_selectors.org_search(request.user, q, limit=200, kind=kind))
    if parent is not None or top:
        found = org_selectors.org_children(request.user, parent)
    else:
        found = org_selectors.org_in_scope(request.user)
    if kind:
        found = found.filter(kind=kind)
    return org_selectors.with_child_counts(found).order_by("path")


@router.get("/orgs/{org_id}", response={200: OrgDetailOut, **ERRORS}, tags=["orgs"])
def org_detail(request, org_id: int):
    return _org_detail(request, org_selectors.org_get(request.user, org_id))


@router.post("/orgs", response={201: OrgDetailOut, **ERRORS}, tags=["orgs"])
def org_create(request, payload: OrgIn):
    data = payload.dict()
    parent = _parent_arg(request, data.pop("parent"))
    area = _area_arg(request, data.pop("area"))
    org, warnings = org_services.org_create(request.user, parent=parent, area=area, **data)
    return Status(201, _org_detail(request, org, warnings))


@router.patch("/orgs/{org_id}", response={200: OrgDetailOut, **ERRORS}, tags=["orgs"])
def org_update(request, org_id: int, payload: OrgPatch):
    org = org_selectors.org_get(request.user, org_id)
    data = payload.dict(exclude_unset=True)
    kwargs = {}
    if "parent" in data:
        kwargs["parent"] = _parent_arg(request, data.pop("parent"))
    if "area" in data:
        data["area"] = _area_arg(request, data["area"])
    org, warnings = org_services.org_update(request.user, org=org, **kwargs, **data)
    return _org_detail(request, org_selectors.org_get(request.user, org.pk), warnings)


class AuditOut(Schema):
    id: int
    at: datetime
    actor: str = Field(alias="actor_label")
    action: str
    object_type: str
    object_id: str
    object_repr: str
    node_path: str
    ip: str | None
    summary: dict


class AuditFilter(Schema):
    actor: str = ""
    action: str = ""
    object_type: str = ""
    since: datetime | None = None
    until: datetime | None = None


@router.get("/audit", response={200: list[AuditOut], **ERRORS}, tags=["audit"])
@paginate(Pagination)
def audit_list(request, filters: Query[AuditFilter]):
    """The audit trail, newest first. Auditors only."""
    return account_selectors.audit_list(
        request.user, actor_text=filters.actor, action=filters.action, object_type=filters.object_type,
        since=filters.since, until=filters.until,
    )


