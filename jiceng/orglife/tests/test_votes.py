"""Votes at branch meetings through the services: RULES §9 examples end to end, who is entitled,
written opinions, one ballot per person."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from jiceng.core.errors import Conflict
from jiceng.members.services.roll import discipline_record
from jiceng.orglife.models import Ballot, Vote
from jiceng.orglife.services import attendance as att
from jiceng.orglife.services import votes as services
from jiceng.orglife.tests import meeting_helpers as h
from jiceng.testing import SYSTEM


def assembly_with(world, personas, entitled: int, present: int, probationary: int = 0):
    people = h.roll(world.grid_branch, entitled, probationary)
    meeting = h.meeting(world.grid_branch, "assembly", minutes_from_now=-10, topic="支部党员大会")
    att.attendance_mark(personas["branch"], meeting=meeting, present=[p.pk for p in people[:present]])
    return meeting, people


def run_vote(personas, meeting, people, rule: str, yes: int, present: int) -> Vote:
    vote = services.vote_open(personas["branch"], meeting=meeting, subject="表决事项", rule=rule)
    for n, person in enumerate(people[:present]):
        services.ballot_cast(personas["branch"], vote=vote, member=person, choice="yes" if n < yes else "no")
    return services.vote_close(personas["branch"], vote=vote)


@pytest.mark.parametrize(("present", "yes", "quorum", "passed"), [(5, 5, False, False), (6, 5, True, False),
                                                                   (6, 6, True, True)])
def test_rules_9_admission_vote_ten_entitled(world, personas, present, yes, quorum, passed):
    meeting, people = assembly_with(world, personas, 10, present, probationary=2)
    vote = run_vote(personas, meeting, people, "admission", yes, present)
    assert (vote.entitled, vote.present, vote.yes) == (10, present, yes)
    assert (vote.quorum, vote.passed) == (quorum, passed)
    assert "有表决权的党员10人" in vote.explanation


@pytest.mark.parametrize(("present", "yes", "quorum", "passed"), [(16, 16, False, False), (17, 9, True, True),
                                                                   (18, 9, True, False)])
def test_rules_9_election_twenty_entitled(world, personas, present, yes, quorum, passed):
    meeting, people = assembly_with(world, personas, 20, present)
    vote = run_vote(personas, meeting, people, "election", yes, present)
    assert (vote.quorum, vote.passed) == (quorum, passed)


def test_probationary_members_and_members_under_probation_discipline_have_no_vote(world, personas):
    meeting, people = assembly_with(world, personas, 4, 4, probationary=1)
    discipline_record(SYSTEM, member=people[0], kind="probation", decided_on=date(2026, 1, 10),
                      ends_on=date(2027, 1, 10))
    vote = services.vote_open(personas["branch"], meeting=meeting, subject="讨论", rule="ordinary")
    assert sorted(vote.entitled_ids) == sorted(p.pk for p in people[1:4])
    for person in (people[0], people[4]):
        with pytest.raises(ValidationError):
            services.ballot_cast(personas["branch"], vote=vote, member=person, choice="yes")
    assert not Ballot.objects.exists()


def test_written_opinions_of_absent_members_count_as_votes_not_attendance(world, personas):
    meeting, people = assembly_with(world, personas, 10, 6)
    vote = services.vote_open(personas["branch"], meeting=meeting, subject="预备党员转正", rule="full_membership")
    with pytest.raises(ValidationError):  # present: votes in person
        services.ballot_cast(personas["branch"], vote=vote, member=people[0], choice="yes", written=True)
    with pytest.raises(ValidationError):  # absent: only a written opinion
        services.ballot_cast(personas["branch"], vote=vote, member=people[7], choice="yes")
    for person in people[:5]:
        services.ballot_cast(personas["branch"], vote=vote, member=person, choice="yes")
    services.ballot_cast(personas["branch"], vote=vote, member=people[7], choice="yes", written=True)
    vote = services.vote_close(personas["branch"], vote=vote)
    assert (vote.present, vote.written, vote.yes, vote.quorum, vote.passed) == (6, 1, 6, True, True)


def test_one_ballot_per_person_and_nothing_after_the_count(world, personas):
    meeting, people = assembly_with(world, personas, 3, 3)
    user = h.own_account(people[0])
    vote = services.vote_open(personas["branch"], meeting=meeting, subject="一般决议")
    services.ballot_cast(user, vote=vote, choice="yes")  # the member themself
    with pytest.raises(Conflict):
        services.ballot_cast(user, vote=vote, choice="no")
    with pytest.raises(Conflict):
        services.ballot_cast(personas["branch"], vote=vote, member=people[0], choice="no")
    services.vote_close(personas["branch"], vote=vote)
    with pytest.raises(Conflict):
        services.ballot_cast(personas["branch"], vote=vote, member=people[1], choice="yes")
    with pytest.raises(Conflict):
        services.vote_close(personas["branch"], vote=vote)
    assert list(Ballot.objects.values_list("member_id", "choice")) == [(people[0].pk, "yes")]


def test_strict_votes_only_at_the_assembly_of_a_branch_and_only_by_the_secretary(world, personas):
    people = h.roll(world.grid_branch, 3)
    committee = h.meeting(world.grid_branch, "theme_day")
    with pytest.raises(ValidationError):
        services.vote_open(personas["branch"], meeting=committee, subject="接收预备党员", rule="admission")
    with pytest.raises(ValidationError):
        services.vote_open(personas["branch"], meeting=committee, subject=" ", rule="ordinary")
    user = h.own_account(people[0])
    with pytest.raises(Http404):  # a member sees their own meetings only through 我的会议
        services.vote_open(user, meeting=committee, subject="决议")
    assert not Vote.objects.exists()
