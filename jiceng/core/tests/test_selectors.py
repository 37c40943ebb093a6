"""Selectors that pages use for counts."""

from jiceng.core.selectors import orgs as org_selectors
from jiceng.core.selectors import territory as area_selectors


def test_counts_in_territory_count_orgs_placed_in_the_subtree(world):
    assert org_selectors.counts_in_territory(world.majiabao) == {"working_committee": 1, "committee": 1,
                                                                   "branch": 1, "group": 1}
    assert org_selectors.counts_in_territory(world.jiaomen) == {}


def test_descendant_counts_by_level(world):
    assert area_selectors.descendant_counts(world.fengtai) == {"street": 1, "community": 2, "grid": 2}
