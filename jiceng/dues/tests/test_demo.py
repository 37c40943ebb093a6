"""The dues demo step: bases, the fixing and this year's ledger, a few members behind, one review."""

from jiceng.dues.demo import load_dues_demo
from jiceng.dues.models import Assessment, LapseReview, LedgerMonth
from jiceng.members.demo import load_members_demo
from jiceng.members.models import Member
from jiceng.testing import SYSTEM


def test_the_dues_demo_fixes_the_year_and_leaves_one_member_six_months_behind(world, fixed_today):
    made = {"110106015": {"working": world.majiabao_committee, "first_branch": world.grid_branch}}
    load_members_demo(SYSTEM, made, lambda message: None)
    load_dues_demo(SYSTEM, made, lambda message: None)
    active = Member.objects.filter(status__in=["full", "probationary"]).count()
    assert Assessment.objects.count() == active
    assert LedgerMonth.objects.filter(paid__isnull=False).exists()
    review = LapseReview.objects.get()
    assert review.months >= 6 and review.state == "open"
    user = Member.objects.filter(user__isnull=False).first()
    assert user is None or user.dues_paid_through is not None

