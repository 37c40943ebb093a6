"""The members demo step: a valid roll for every branch of a street, the same every time."""

from jiceng.core.identity import parse_resident_id
from jiceng.members.demo import load_members_demo
from jiceng.members.models import Member, MemberEvent
from jiceng.testing import SYSTEM


def test_the_demo_fills_every_branch_with_valid_members(world):
    made = {"110106015": {"working": world.majiabao_committee, "first_branch": world.grid_branch}}
    load_members_demo(SYSTEM, made, lambda message: None)
    members = list(Member.objects.all())
    assert len(members) == 12
    assert {m.branch_id for m in members} == {world.grid_branch.pk}
    for m in members:
        parsed = parse_resident_id(m.id_number)
        assert (parsed.sex, parsed.birth_date) == (m.sex, m.birth_date)
    assert MemberEvent.objects.filter(kind="created").count() == 12
    assert {m.status for m in members} == {"full", "probationary"}
    from jiceng.core.models import Post

    assert set(Post.objects.filter(org=world.grid_branch).values_list("title", flat=True)) == {
        "organization", "publicity"}  # a branch with 7 or more full members gets a committee
