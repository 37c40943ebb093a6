"""Organization health (RULES §1) computed from the roll: one query for member counts, one for posts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q

from jiceng.core import paths, scope
from jiceng.core.models import Org, Post
from jiceng.members.models import Member
from jiceng.members.rules import organization as rules
from jiceng.members.services.roll import today

COMMITTEE_TITLES = ["secretary", "deputy_secretary", "organization", "publicity", "discipline", "youth",
                    "united_front", "member"]


@dataclass
class OrgHealth:
    id: int
    name: str
    kind: str
    path: str
    full: int = 0
    probationary: int = 0
    committee_size: int = 0
    term_ends_on: date | None = None
    checks: list = field(default_factory=list)

    @property
    def worst(self) -> str:
        levels = {c.level for c in self.checks}
        return next((lv for lv in ("error", "warning", "info") if lv in levels), "ok")


def org_health(actor, org: Org, *, problems_only: bool = False, day: date | None = None) -> list[OrgHealth]:
    """Every organization in ``org``'s subtree that the actor sees, with its numbers and checks. The
    numbers come from the roll: the actor needs ``view_member`` on ``org``."""
    scope.require(actor, "members.view_member", org)
    day = day or today()
    orgs = list(scope.visible(actor, "core.view_org", Org.objects.filter(path__subtree=org.path, is_active=True))
                .exclude(kind="group").order_by("path").values("id", "name", "kind", "path", "term_ends_on",
                                                                 "is_joint", "is_temporary"))
    counts = {row["branch_id"]: row for row in Member.objects.filter(branch__path__subtree=org.path)
              .values("branch_id").annotate(full=Count("id", filter=Q(status="full")),
                                            probationary=Count("id", filter=Q(status="probationary")))
              .order_by()}
    posts = dict(Post.objects.filter(org__path__subtree=org.path, title__in=COMMITTEE_TITLES)
                 .filter(Q(term_end__isnull=True) | Q(term_end__gte=day))
                 .values("org_id").annotate(n=Count("id")).values_list("org_id", "n").order_by())
    path_of = {row["id"]: row["path"] for row in orgs}
    totals: dict[str, list[int]] = {}
    for branch_id, c in counts.items():  # add each branch's numbers to every organization above it
        if branch_id not in path_of:
            continue
        for prefix in paths.ancestors(path_of[branch_id]):
            total = totals.setdefault(prefix, [0, 0])
            total[0] += c["full"]
            total[1] += c["probationary"]
    result = []
    for row in orgs:
        item = OrgHealth(row["id"], row["name"], row["kind"], row["path"], term_ends_on=row["term_ends_on"],
                         committee_size=posts.get(row["id"], 0))
        if row["kind"] == "branch":
            own = counts.get(row["id"], {})
            item.full, item.probationary = own.get("full", 0), own.get("probationary", 0)
            item.checks = rules.branch_checks(full=item.full, probationary=item.probationary,
                                              committee_size=item.committee_size, is_joint=row["is_joint"],
                                              is_temporary=row["is_temporary"])
        else:
            item.full, item.probationary = totals.get(row["path"], [0, 0])
        term = rules.term_check(row["term_ends_on"], day)
        if term:
            item.checks.append(term)
        if not problems_only or item.checks:
            result.append(item)
    return result
