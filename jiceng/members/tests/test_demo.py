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


def test_the_activity_demo_walks_applicants_and_fills_the_inboxes(world):
    from jiceng.core.services.orgs import org_create, org_update
    from jiceng.members.demo_activity import load_activity_demo
    from jiceng.members.models import Applicant, FloatingRecord, ServiceReport, Transfer

    org_update(SYSTEM, org=world.majiabao_committee, may_approve_admission=True)
    neighbour_branch = org_create(SYSTEM, parent=world.jiayuan_committee, name="第2网格党支部", kind="branch",
                                  area=world.grid2)[0]
    made = {"110106015": {"working": world.majiabao_committee, "first_branch": world.grid_branch}}
    load_members_demo(SYSTEM, made, lambda message: None)
    from jiceng.members.tests.factories import member

    member(neighbour_branch, "邻支部党员")
    load_activity_demo(SYSTEM, made, lambda message: None)
    assert sorted(Applicant.objects.values_list("last_step", flat=True)) == [1, 6, 10, 22, 25]
    assert Transfer.objects.get().state == "issued"
    assert FloatingRecord.objects.count() == 2
    assert ServiceReport.objects.count() >= 1
