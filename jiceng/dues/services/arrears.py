"""Arrears (欠交) and the 自行脱党 review: six consecutive unpaid months raise one review for the branch
(党章 Art. 9), once per run of unpaid months, never a removal."""

from __future__ import annotations

from datetime import date
from itertools import groupby

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from jiceng.core import audit, scope
from jiceng.core.periods import month_start
from jiceng.dues import rules
from jiceng.dues.models import LapseReview, LedgerMonth, ReviewState
from jiceng.dues.services.fixing import MANAGE, today
from jiceng.members.models import ACTIVE_STATUSES

BATCH = 2000


def unpaid_run(rows: list[tuple[date, bool]]) -> tuple[date | None, int]:
    """The run of unsettled months at the end of a member's ledger (ordered months, settled flags):
    its first month and its length."""
    since, run = None, 0
    for month, settled in rows:
        if settled:
            since, run = None, 0
        else:
            since, run = since or month, run + 1
    return since, run


@transaction.atomic
def lapse_reviews_raise(actor, *, day: date | None = None) -> int:
    """Raise the reviews due: members with at least six unsettled months up to this month whose last
    ``LAPSE_MONTHS`` months are a run without a review yet. The unique (member, since) makes a second
    night — or a review already decided for the same run — raise nothing. Returns the number raised."""
    current = month_start(day or today())
    months = LedgerMonth.objects.filter(month__lt=current, member__status__in=ACTIVE_STATUSES)
    candidates = list(months.filter(paid__isnull=True).values("member_id")
                      .annotate(n=Count("id")).filter(n__gte=rules.LAPSE_MONTHS).values_list("member_id", flat=True))
    raised = 0
    for start in range(0, len(candidates), BATCH):
        ids = candidates[start:start + BATCH]
        rows = (months.filter(member_id__in=ids).order_by("member_id", "month")
                .values_list("member_id", "member__branch_id", "month", "paid"))
        reviews = []
        for member_id, member_rows in groupby(rows, key=lambda r: r[0]):
            member_rows = list(member_rows)
            since, run = unpaid_run([(m, paid is not None) for _id, _b, m, paid in member_rows])
            if rules.lapse_due(run):
                reviews.append(LapseReview(member_id=member_id, branch_id=member_rows[-1][1], since=since, months=run,
                                           raised_on=day or today()))
        existing = set(LapseReview.objects.filter(member_id__in=[r.member_id for r in reviews])
                       .values_list("member_id", "since"))
        new = [r for r in reviews if (r.member_id, r.since) not in existing]
        LapseReview.objects.bulk_create(new, ignore_conflicts=True)
        raised += len(new)
    if raised:
        audit.record(actor, "dues.lapse_raise", summary={"month": current, "raised": raised})
    return raised


@transaction.atomic
def lapse_review_decide(actor, *, review: LapseReview, state: str, note: str) -> LapseReview:
    """The branch's finding: a good reason (no action), or referred to the branch meeting (whose decision
    and the higher organization's approval follow the roll's status change, never this record)."""
    scope.require(actor, MANAGE, review)
    review = LapseReview.objects.select_for_update().get(pk=review.pk)
    errors = {}
    if state not in (ReviewState.JUSTIFIED, ReviewState.REFERRED):
        errors["state"] = [_("请选择研究结果")]
    if not (note or "").strip():
        errors["note"] = [_("请填写支部研究意见")]
    if review.state != ReviewState.OPEN:
        errors["state"] = [_("该审查已有研究结果")]
    if errors:
        raise ValidationError(errors)
    review.state, review.note, review.decided_on = state, note.strip(), today()
    review.save(update_fields=["state", "note", "decided_on"])
    audit.record(actor, "dues.lapse_decide", review, node_path=review.branch.path,
                 object_repr=str(review.member), summary={"state": state, "note": review.note})
    return review
