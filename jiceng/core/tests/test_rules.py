"""The regulations on the organization tree (jiceng/core/rules.py) as pure functions, and the same
rules applied by ``org_create``. Expected values come from RULES.md §1 and the cited articles, not
from the module's own tables."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from jiceng.core import rules
from jiceng.core.models import AuditEvent, Org
from jiceng.core.rules import Finding
from jiceng.core.services import orgs
from jiceng.core.tests.conftest import SYSTEM

KINDS = ["committee", "working_committee", "general_branch", "branch", "group"]
NAMES = {"committee": "党委", "working_committee": "党工委", "general_branch": "党总支", "branch": "党支部",
         "group": "党小组"}
# 党章 Art. 30, 支部工作条例 Art. 5: 党委 → 党总支 → 党支部 → 党小组; a 党委 (or 党工委) may also hold
# 党委 and branches directly; a 党小组 sits only in a 党支部.
MAY_HOLD = {
    ("committee", "committee"), ("committee", "working_committee"), ("committee", "general_branch"),
    ("committee", "branch"),
    ("working_committee", "committee"), ("working_committee", "working_committee"),
    ("working_committee", "general_branch"), ("working_committee", "branch"),
    ("general_branch", "branch"),
    ("branch", "group"),
}


# --- placement ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("parent", "child"), sorted(MAY_HOLD))
def test_an_allowed_placement_has_no_finding(parent, child):
    assert rules.check_placement(child, parent) == []


@pytest.mark.parametrize(("parent", "child"), sorted({(p, c) for p in KINDS for c in KINDS} - MAY_HOLD))
def test_a_forbidden_placement_is_an_error_on_kind_in_the_rules_words(parent, child):
    assert rules.check_placement(child, parent) == [Finding("kind", f"{NAMES[parent]}下不能设立{NAMES[child]}")]


@pytest.mark.parametrize("parent", ["committee", "working_committee", "general_branch", "group"])
def test_a_group_sits_only_in_a_branch(parent):
    assert rules.check_placement("group", parent)[0].error


def test_a_branch_is_not_placed_under_a_branch():
    assert rules.check_placement("branch", "branch") == [Finding("kind", "党支部下不能设立党支部")]


@pytest.mark.parametrize("kind", ["committee", "working_committee"])
def test_a_root_may_be_a_committee_or_a_working_committee(kind):
    assert rules.check_placement(kind, None) == []


@pytest.mark.parametrize("kind", ["general_branch", "branch", "group"])
def test_any_other_root_needs_a_parent(kind):
    assert rules.check_placement(kind, None) == [Finding("parent", f"{NAMES[kind]}必须隶属于上级党组织")]


# --- flags --------------------------------------------------------------------------------------

def flags(**overrides) -> list[Finding]:
    values = {"kind": "branch", "is_temporary": False, "temporary_until": None, "is_joint": False,
              "joint_units": None, "may_approve_admission": False, "parent_kind": "committee",
              "parent_is_street_committee": False, "area_level": None} | overrides
    return rules.check_flags(**values)


def test_plain_flags_have_no_finding():
    assert flags() == []


def test_a_temporary_organization_needs_an_end_date():
    assert flags(is_temporary=True) == [Finding("temporary_until", "临时党组织须填写撤销日期（任务完成后撤销）")]
    assert flags(is_temporary=True, temporary_until=date(2026, 12, 31)) == []


@pytest.mark.parametrize("kind", ["branch", "general_branch"])
def test_a_joint_organization_may_be_a_branch_or_a_general_branch(kind):
    assert flags(kind=kind, is_joint=True, joint_units=3) == []


@pytest.mark.parametrize("kind", ["committee", "working_committee", "group"])
def test_a_joint_organization_of_another_kind_is_refused(kind):
    assert flags(kind=kind, is_joint=True) == [Finding("is_joint", "联合党组织应为党支部或党总支")]


@pytest.mark.parametrize("units", [2, 5])
def test_up_to_five_joint_units_is_fine(units):
    assert flags(is_joint=True, joint_units=units) == []


@pytest.mark.parametrize("units", [6, 12])
def test_more_than_five_joint_units_is_a_warning_not_an_error(units):
    assert flags(is_joint=True, joint_units=units) == [
        Finding("joint_units", "联合党支部所含单位一般不超过5个", error=False)]


def test_several_findings_are_reported_together():
    found = flags(kind="committee", is_temporary=True, is_joint=True, may_approve_admission=True)
    assert {f.field for f in found} == {"temporary_until", "is_joint", "may_approve_admission"}
    assert all(f.error for f in found)


# --- the power to approve probationary members (发展党员工作细则 Art. 21) ------------------------------

def refusal(**overrides) -> str | None:
    values = {"kind": "committee", "is_temporary": False, "parent_is_street_committee": False,
              "area_level": "district"} | overrides
    return rules.approval_power_refusal(**values)


@pytest.mark.parametrize("kind", ["general_branch", "branch", "group"])
def test_only_a_committee_may_approve(kind):
    assert refusal(kind=kind) == "只有基层党委可以审批预备党员（党总支、党支部不能审批）"


def test_a_temporary_committee_may_not_approve():
    assert refusal(is_temporary=True) == "临时党组织不能审批预备党员"


@pytest.mark.parametrize("kind", ["committee", "working_committee"])
def test_a_community_committee_under_a_street_committee_may_not_approve(kind):
    assert refusal(kind=kind, parent_is_street_committee=True, area_level="community") == (
        "街道党（工）委下属的社区、村党委不能审批预备党员")


@pytest.mark.parametrize(("kind", "under_street", "level"), [
    ("committee", False, "district"),  # a district 党委
    ("working_committee", False, "street"),  # a street 党工委 under a district 党委
    ("committee", True, "building"),  # a 楼宇 党委 under a street 党工委: not a community or village
    ("committee", False, "community"),  # a community 党委 directly under a district 党委
    ("committee", False, None),
])
def test_these_committees_may_approve(kind, under_street, level):
    assert refusal(kind=kind, parent_is_street_committee=under_street, area_level=level) is None


def test_check_flags_refuses_the_power_on_the_may_approve_field():
    assert flags(kind="branch", may_approve_admission=True) == [
        Finding("may_approve_admission", "只有基层党委可以审批预备党员（党总支、党支部不能审批）")]


# --- terms (党章 Art. 30; 支部工作条例 Art. 16) ----------------------------------------------------

@pytest.mark.parametrize(("kind", "community_or_village", "years"), [
    ("committee", False, 5), ("committee", True, 5),
    ("working_committee", False, 5),
    ("general_branch", False, 3), ("general_branch", True, 3),
    ("branch", False, 3),
    ("branch", True, 5),
])
def test_term_years(kind, community_or_village, years):
    assert rules.term_years(kind, community_or_village=community_or_village) == years


# --- the same rules through org_create -------------------------------------------------------------

def nothing_changed(before) -> bool:
    return (Org.objects.count(), AuditEvent.objects.count()) == before


def test_org_create_refuses_approval_power_to_a_community_committee_under_a_street(world):
    before = (Org.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as caught:
        orgs.org_create(SYSTEM, parent=world.majiabao_committee, name="中共角门东里社区委员会", kind="committee",
                        area=world.jiaomen, may_approve_admission=True)
    assert caught.value.message_dict == {"may_approve_admission": ["街道党（工）委下属的社区、村党委不能审批预备党员"]}
    assert nothing_changed(before)


def test_org_create_gives_approval_power_to_a_community_committee_without_it_otherwise(world):
    org, warnings = orgs.org_create(SYSTEM, parent=world.majiabao_committee, name="中共角门东里社区委员会",
                                    kind="committee", area=world.jiaomen)
    assert (org.may_approve_admission, warnings) == (False, [])


def test_org_create_allows_approval_power_to_a_district_committee(world):
    org, _warnings = orgs.org_create(SYSTEM, parent=world.city_committee, name="中共北京市某区委员会",
                                     kind="committee", area=world.fengtai, may_approve_admission=True)
    assert Org.objects.get(pk=org.pk).may_approve_admission


@pytest.mark.parametrize(("parent", "kind", "area", "started", "ends"), [
    ("majiabao_committee", "committee", "jiaomen", date(2024, 3, 1), date(2029, 3, 1)),
    ("jiayuan_committee", "general_branch", "jiayuan", date(2024, 3, 1), date(2027, 3, 1)),
    ("jiayuan_committee", "branch", "jiayuan", date(2024, 3, 1), date(2029, 3, 1)),  # community branch: 5
    ("fengtai_committee", "branch", "fengtai", date(2024, 3, 1), date(2027, 3, 1)),  # 机关 branch: 3
    ("majiabao_committee", "committee", "jiaomen", date(2024, 2, 29), date(2029, 2, 28)),
])
def test_org_create_defaults_the_term_end_to_start_plus_the_term(world, parent, kind, area, started, ends):
    org, _warnings = orgs.org_create(SYSTEM, parent=getattr(world, parent), name="新组织", kind=kind,
                                     area=getattr(world, area), term_started_on=started)
    assert Org.objects.get(pk=org.pk).term_ends_on == ends


def test_org_create_keeps_a_term_end_that_is_given(world):
    org, _warnings = orgs.org_create(SYSTEM, parent=world.jiayuan_committee, name="新支部", kind="branch",
                                     area=world.jiayuan, term_started_on=date(2024, 3, 1),
                                     term_ends_on=date(2028, 3, 1))
    assert Org.objects.get(pk=org.pk).term_ends_on == date(2028, 3, 1)


def test_org_create_without_a_term_start_leaves_the_end_empty(world):
    org, _warnings = orgs.org_create(SYSTEM, parent=world.jiayuan_committee, name="新支部", kind="branch",
                                     area=world.jiayuan)
    assert Org.objects.get(pk=org.pk).term_ends_on is None


def test_org_create_refuses_a_term_that_ends_before_it_starts(world):
    before = (Org.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as caught:
        orgs.org_create(SYSTEM, parent=world.jiayuan_committee, name="新支部", kind="branch",
                        term_started_on=date(2024, 3, 1), term_ends_on=date(2024, 3, 1))
    assert caught.value.message_dict == {"term_ends_on": ["任期届满日期应晚于任期开始日期"]}
    assert nothing_changed(before)


def test_org_create_refuses_a_branch_as_a_root(world):
    before = (Org.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as caught:
        orgs.org_create(SYSTEM, parent=None, name="孤立党支部", kind="branch")
    assert caught.value.message_dict == {"parent": ["党支部必须隶属于上级党组织"]}
    assert nothing_changed(before)


def test_org_update_refuses_a_kind_that_cannot_hold_the_existing_children(world):
    # The grid branch holds a 党小组; turning it into a 党总支 would leave the group misplaced.
    before = Org.objects.get(pk=world.grid_branch.pk).kind
    with pytest.raises(ValidationError) as caught:
        orgs.org_update(SYSTEM, org=world.grid_branch, kind="general_branch")
    assert caught.value.message_dict == {"kind": ["党总支下不能有党小组"]}
    assert Org.objects.get(pk=world.grid_branch.pk).kind == before


def test_a_grid_branch_in_a_community_serves_five_year_terms(world):
    branch, _warnings = orgs.org_create(SYSTEM, parent=world.jiayuan_committee, name="嘉园一里第2网格党支部",
                                        kind="branch", area=world.grid2, term_started_on=date(2024, 3, 1))
    assert branch.term_ends_on == date(2029, 3, 1)


def test_a_village_branch_without_a_place_serves_five_year_terms(world):
    branch, _warnings = orgs.org_create(SYSTEM, parent=world.jiayuan_committee, name="某村党支部", kind="branch",
                                        sector="village", term_started_on=date(2024, 3, 1))
    assert branch.term_ends_on == date(2029, 3, 1)


def test_a_territorial_committee_under_a_street_without_a_place_cannot_approve(world):
    before = Org.objects.count()
    with pytest.raises(ValidationError) as caught:
        orgs.org_create(SYSTEM, parent=world.majiabao_committee, name="某社区党委", kind="committee",
                        may_approve_admission=True)
    assert caught.value.message_dict == {"may_approve_admission": ["街道党（工）委下属的社区、村党委不能审批预备党员"]}
    assert Org.objects.count() == before


def test_a_building_committee_under_a_street_may_hold_approval_power(world):
    org, _warnings = orgs.org_create(SYSTEM, parent=world.majiabao_committee, name="某楼宇党委", kind="committee",
                                     sector="building", may_approve_admission=True)
    assert org.may_approve_admission is True
