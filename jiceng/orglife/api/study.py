"""Endpoints of study (学习): my items and their completion, the items an organizer assigned, a new
item, and completion rates per branch."""

from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from jiceng.core import scope
from jiceng.core.api import ERRORS
from jiceng.core.pagination import Pagination
from jiceng.core.selectors.orgs import org_for_field
from jiceng.orglife.selectors import compliance as compliance_selectors
from jiceng.orglife.selectors import study as selectors
from jiceng.orglife.services import study as services

router = Router(tags=["study"])


class ItemOut(Schema):
    id: int
    org: int = Field(alias="org_id")
    org_name: str
    title: str
    kind: str
    body: str
    url: str
    starts_on: date
    due_on: date | None
    is_active: bool

    @staticmethod
    def resolve_org_name(obj):
        return obj.org.name


class MyItemOut(ItemOut):
    completed_at: datetime | None = None


class ItemIn(Schema):
    org: int
    title: str
    kind: str = "text"
    body: str = ""
    url: str = ""
    starts_on: date
    due_on: date | None = None


class CompleteIn(Schema):
    note: str = ""


class RecordOut(Schema):
    item: int = Field(alias="item_id")
    member: int = Field(alias="member_id")
    completed_at: datetime
    note: str


class RateOut(Schema):
    branch: int = Field(alias="branch_id")
    name: str
    members: int
    items: int
    expected: int
    done: int
    percent: int | None


class RatesOut(Schema):
    org: int
    year: int
    goal_percent: int
    overall_percent: int | None
    branches: list[RateOut]


class RatesQuery(Schema):
    org: int
    year: int | None = Field(None, ge=2000, le=2100)


@router.get("/study/mine", response={200: list[MyItemOut], **ERRORS})
def study_mine(request):
    """The items assigned to the signed-in member (empty when the account is not linked to the roll)."""
    _member, items = selectors.my_study(request.user)
    for it in items:
        it.item.completed_at = it.record.completed_at if it.record else None
    return [it.item for it in items]


@router.post("/study/{int:item_id}/complete", response={200: RecordOut, **ERRORS})
def study_complete(request, item_id: int, payload: CompleteIn):
    """Record that the signed-in member completed an item; a second call returns the first record."""
    return services.study_complete(request.user, item_id=item_id, note=payload.note)


@router.get("/study/items", response={200: list[ItemOut], **ERRORS})
@paginate(Pagination)
def study_items(request):
    if not scope.holds(request.user, selectors.VIEW):
        raise PermissionDenied(_("您没有查看学习布置的权限。"))
    return selectors.item_list(request.user).order_by("-starts_on", "-id")


@router.post("/study/items", response={201: ItemOut, **ERRORS})
def study_item_create(request, payload: ItemIn):
    org = org_for_field(request.user, payload.org, "org")
    item = services.study_item_create(request.user, org=org, title=payload.title, kind=payload.kind,
                                      body=payload.body, url=payload.url, starts_on=payload.starts_on,
                                      due_on=payload.due_on)
    return Status(201, item)


@router.get("/study/rates", response={200: RatesOut, **ERRORS})
def study_rates(request, q: Query[RatesQuery]):
    year = q.year or compliance_selectors.today().year
    node = compliance_selectors.org_get(request.user, q.org)
    rates = selectors.branch_rates(request.user, node, year)
    return {"org": node.pk, "year": year, "goal_percent": settings.STUDY_GOAL_PERCENT,
            "overall_percent": selectors.overall(rates), "branches": rates}
