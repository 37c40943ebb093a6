"""Reads of study (学习): what is assigned to a member, the items an organizer sees, and completion
rates per branch (goal of the sources: 80% of members studying online, ``JICENG_STUDY_GOAL_PERCENT``)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet
from django.utils import timezone

from jiceng.core import scope
from jiceng.core.models import Org
from jiceng.core.paths import ancestors
from jiceng.members.models import Member
from jiceng.members.models.roll import ACTIVE_STATUSES
from jiceng.members.selectors.roll import member_of_user
from jiceng.orglife.models import StudyItem, StudyRecord
from jiceng.orglife.rules import compliance as rules

VIEW = "orglife.view_studyitem"


def assigned_to(member: Member, *, day: date | None = None) -> QuerySet[StudyItem]:
    """The active items assigned to ``member``: those of their branch and of every organization above it."""
    day = day or timezone.localdate()
    return (StudyItem.objects.filter(org__path__in=ancestors(member.branch.path), is_active=True, starts_on__lte=day)
            .select_related("org").order_by("-starts_on", "-id"))


@dataclass
class MyItem:
    item: StudyItem
    record: StudyRecord | None


def my_study(user) -> tuple[Member | None, list[MyItem]]:
    member = member_of_user(user)
    if member is None:
        return None, []
    items = list(assigned_to(member))
    done = {r.item_id: r for r in StudyRecord.objects.filter(member=member, item__in=[i.pk for i in items])}
    return member, [MyItem(i, done.get(i.pk)) for i in items]


def my_open_count(user) -> int | None:
    """Workbench tile: items assigned to the signed-in member and not completed yet (None: not a member)."""
    member = member_of_user(user)
    if member is None:
        return None
    return assigned_to(member).exclude(records__member=member).count()


def item_list(actor) -> QuerySet[StudyItem]:
    return scope.visible(actor, VIEW, StudyItem.objects.select_related("org").annotate(done=Count("records")))


def item_get(actor, item_id) -> StudyItem:
    return scope.get_or_404(actor, VIEW, StudyItem.objects.select_related("org"), pk=item_id)


@dataclass
class BranchRate:
    branch_id: int
    name: str
    members: int
    items: int
    expected: int
    done: int

    @property
    def percent(self) -> int | None:
        return rules.percent(self.done, self.expected)


def branch_rates(actor, node: Org, year: int) -> list[BranchRate]:
    """For every branch under ``node`` the actor sees: active members × items of ``year`` assigned to
    it (from ``node``'s subtree or above it) against the completions by its members. Four queries."""
    branches = list(scope.visible(actor, "orglife.view_meeting", Org.objects.filter(
        path__subtree=node.path, kind="branch", is_active=True)).order_by("path").values_list("pk", "name", "path"))
    ids = [pk for pk, _n, _p in branches]
    members = dict(Member.objects.filter(branch_id__in=ids, status__in=ACTIVE_STATUSES).values_list("branch_id")
                   .annotate(n=Count("pk")).order_by())
    items = list(StudyItem.objects.filter(is_active=True, starts_on__year=year).filter(
        org__path__in=ancestors(node.path)).values_list("pk", "org__path")) + list(
        StudyItem.objects.filter(is_active=True, starts_on__year=year, org__path__subtree=node.path)
        .exclude(org_id=node.pk).values_list("pk", "org__path"))
    done: dict[tuple[int, int], int] = defaultdict(int)
    for item_id, branch_id, n in (StudyRecord.objects.filter(item_id__in=[pk for pk, _p in items],
                                                             member__branch_id__in=ids,
                                                             member__status__in=ACTIVE_STATUSES)
                                  .values_list("item_id", "member__branch_id").annotate(n=Count("pk")).order_by()):
        done[(item_id, branch_id)] = n
    out = []
    for pk, name, path in branches:
        covering = [item_id for item_id, item_path in items if path.startswith(item_path)]
        count = members.get(pk, 0)
        out.append(BranchRate(pk, name, count, len(covering), count * len(covering),
                              sum(done[(item_id, pk)] for item_id in covering)))
    return out


def overall(rates: list[BranchRate]) -> int | None:
    return rules.percent(sum(r.done for r in rates), sum(r.expected for r in rates))


def items_for_branch(branch: Org, year: int) -> QuerySet[StudyItem]:
    """The active items of ``year`` assigned to a branch's members (its own and those from above)."""
    return StudyItem.objects.filter(org__path__in=ancestors(branch.path), is_active=True,
                                    starts_on__year=year).order_by("starts_on", "pk")


def done_per_item(branch: Org, items: list[StudyItem]) -> dict[int, int]:
    """Completions by the branch's active members per item."""
    return dict(StudyRecord.objects.filter(item__in=[i.pk for i in items], member__branch=branch,
                                           member__status__in=ACTIVE_STATUSES)
                .values_list("item_id").annotate(n=Count("pk")).order_by())
