"""``scope.where``: the scope condition on any pair of path fields, for records seen from two nodes."""

from django.contrib.auth import get_user_model

from jiceng.core import scope
from jiceng.core.models import Org
from jiceng.core.tests.conftest import SYSTEM

PARENT = {"org_field": "parent__path", "area_field": "parent__area__path"}


def names(condition) -> set[str]:
    return set(Org.objects.filter(condition).values_list("name", flat=True))


def test_where_follows_the_given_fields(world, personas):
    under_street = names(scope.where(personas["street"], "core.view_org", **PARENT))
    assert under_street == {"中共嘉园一里社区委员会", "嘉园一里第1网格党支部", "第1网格第一党小组"}
    # the street's own working committee is seen by its own fields, not by its parent's
    own = scope.where(personas["street"], "core.view_org", org_field="path", area_field="area__path")
    assert "中共马家堡街道工作委员会" in names(own)
    assert "中共马家堡街道工作委员会" in names(own | scope.where(personas["street"], "core.view_org", **PARENT))


def test_where_everywhere_survives_an_or_and_nowhere_matches_nothing(world, personas):
    everything = scope.where(SYSTEM, "core.view_org", **PARENT)
    assert names(everything | scope.where(personas["street"], "core.view_org", **PARENT)) == set(
        Org.objects.values_list("name", flat=True))
    stranger = get_user_model().objects.create(username="nobody")
    assert names(scope.where(stranger, "core.view_org", **PARENT)) == set()
