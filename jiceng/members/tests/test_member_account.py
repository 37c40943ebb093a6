"""A member linked to their own login account: the demo account ``member`` and ``member_link_user``."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from jiceng.core.models import AuditEvent
from jiceng.core.services.accounts import user_create
from jiceng.members.demo import load_members_demo
from jiceng.members.models import Member
from jiceng.members.selectors.roll import member_of_user
from jiceng.members.services.roll import member_link_user
from jiceng.members.tests.factories import member
from jiceng.testing import PASSWORD, SYSTEM


def test_the_demo_member_account_is_a_full_member_of_the_demo_branch(world):
    made = {"110106015": {"working": world.majiabao_committee, "first_branch": world.grid_branch}}
    rows = load_members_demo(SYSTEM, made, lambda message: None)
    assert rows == [("member", "党员", world.grid_branch.name)]
    linked = Member.objects.get(user__username="member")
    assert (linked.branch, linked.status) == (world.grid_branch, "full")
    assert member_of_user(linked.user) == linked


def test_a_secretary_links_a_member_of_the_branch_and_it_is_audited(personas, world):
    person = member(world.grid_branch, "李党员")
    account = user_create(SYSTEM, username="lidangyuan", display_name="李党员", password=PASSWORD)
    member_link_user(personas["branch"], member=person, user=account)
    assert member_of_user(account) == person
    assert AuditEvent.objects.filter(action="member.link_user", object_id=str(person.pk)).count() == 1


def test_one_account_cannot_be_two_members_and_nothing_changes(personas, world):
    first, second = member(world.grid_branch, "甲"), member(world.grid_branch, "乙")
    account = user_create(SYSTEM, username="jia", display_name="甲", password=PASSWORD)
    member_link_user(personas["branch"], member=first, user=account)
    with pytest.raises(ValidationError) as refused:
        member_link_user(personas["branch"], member=second, user=account)
    assert "user" in refused.value.message_dict
    second.refresh_from_db()
    assert second.user_id is None


def test_a_grid_worker_cannot_link_accounts_and_nothing_changes(personas, world):
    person = member(world.grid_branch, "丙")
    with pytest.raises(Http404):  # the roll is not theirs to see
        member_link_user(personas["grid"], member=person, user=personas["grid"])
    person.refresh_from_db()
    assert person.user_id is None


def test_nobody_signed_in_has_no_member_record(personas):
    from django.contrib.auth.models import AnonymousUser

    assert member_of_user(AnonymousUser()) is None
    assert member_of_user(personas["street"]) is None
