"""Materialized paths: the pure helpers and the ``subtree`` lookup on both databases.

A subtree is a prefix match that always includes the closing ``/``: ``/1/`` must never match its
sibling ``/10/``, however the two are spelled or numbered.
"""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiceng.core.models import Area, Org
from jiceng.core.models.territory import AreaLevel
from jiceng.core.paths import ancestors, join, subtree_bounds, to_base36
from jiceng.core.services.areas import official_path

SEGMENT_CHARS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


# --- the pure helpers -------------------------------------------------------------------------

def test_subtree_bounds_are_the_prefix_and_the_prefix_with_the_slash_bumped():
    assert subtree_bounds("/11/01/") == ("/11/01/", "/11/010")
    assert subtree_bounds("/") == ("/", "0")


@pytest.mark.parametrize("bad", ["/11/01", "", "11"])
def test_subtree_bounds_refuse_a_prefix_without_the_closing_slash(bad):
    with pytest.raises(ValueError, match="ends with"):
        subtree_bounds(bad)


@pytest.mark.parametrize(("parent", "segment", "path"), [
    (None, "11", "/11/"),
    ("", "11", "/11/"),
    ("/11/", "01", "/11/01/"),
    ("/11/01/06/015/", "001", "/11/01/06/015/001/"),
    ("/11/01/06/015/001/", "G001", "/11/01/06/015/001/G001/"),
])
def test_join(parent, segment, path):
    assert join(parent, segment) == path


def test_ancestors_lists_every_ancestor_and_the_node_top_first():
    assert ancestors("/11/01/06/015/") == ["/11/", "/11/01/", "/11/01/06/", "/11/01/06/015/"]
    assert ancestors("/a/") == ["/a/"]


@pytest.mark.parametrize(("number", "text"), [(0, "0"), (9, "9"), (10, "a"), (35, "z"), (36, "10"),
                                              (71, "1z"), (1295, "zz"), (1296, "100")])
def test_to_base36(number, text):
    assert to_base36(number) == text


@given(st.integers(min_value=0, max_value=10**15))
def test_to_base36_round_trips_and_uses_only_segment_characters(number):
    text = to_base36(number)
    assert int(text, 36) == number
    assert set(text) <= set(SEGMENT_CHARS)


segments = st.text(alphabet=SEGMENT_CHARS, min_size=1, max_size=4)
paths = st.lists(segments, min_size=1, max_size=5).map(lambda parts: "/" + "/".join(parts) + "/")


@given(prefix=paths, cut=st.integers(min_value=0, max_value=6), tail=st.text(alphabet=SEGMENT_CHARS + "/", max_size=6),
       other=paths)
def test_the_range_of_the_bounds_holds_exactly_the_paths_that_start_with_the_prefix(prefix, cut, tail, other):
    near = prefix[: max(1, len(prefix) - cut)] + tail  # shares a leading part with the prefix, maybe all of it
    low, high = subtree_bounds(prefix)
    assert (low <= near < high) == near.startswith(prefix)
    assert (low <= other < high) == other.startswith(prefix)


@pytest.mark.parametrize(("code", "level", "path"), [
    ("110000000000", AreaLevel.PROVINCE, "/11/"),
    ("110100000000", AreaLevel.CITY, "/11/01/"),
    ("110106000000", AreaLevel.DISTRICT, "/11/01/06/"),
    ("110106015000", AreaLevel.STREET, "/11/01/06/015/"),
    ("110106015001", AreaLevel.COMMUNITY, "/11/01/06/015/001/"),
    ("110106015010", AreaLevel.COMMUNITY, "/11/01/06/015/010/"),
    ("110106015100", AreaLevel.COMMUNITY, "/11/01/06/015/100/"),
])
def test_official_path_has_one_fixed_width_segment_per_level(code, level, path):
    assert official_path(code, level) == path


# --- the lookup on the database ---------------------------------------------------------------

def make_area(code: str, path: str, parent: Area | None, level: str = AreaLevel.COMMUNITY) -> Area:
    return Area.objects.create(code=code, name=code, level=level, parent=parent, path=path,
                               depth=path.count("/") - 1)


def subtree_of(model, prefix: str) -> set[str]:
    return set(model.objects.filter(path__subtree=prefix).values_list("path", flat=True))


@pytest.mark.django_db
def test_area_subtree_is_the_node_and_its_descendants_never_a_sibling_with_a_longer_code():
    street = make_area("110106015000", official_path("110106015000", "street"), None, AreaLevel.STREET)
    one = make_area("110106015001", official_path("110106015001", "community"), street)
    ten = make_area("110106015010", official_path("110106015010", "community"), street)
    grid100 = make_area("110106015001G100", join(one.path, "G100"), one, AreaLevel.GRID)
    grid1000 = make_area("110106015001G1000", join(one.path, "G1000"), one, AreaLevel.GRID)
    inside100 = make_area("110106015001G100B001", join(grid100.path, "B001"), grid100, AreaLevel.BUILDING)
    inside1000 = make_area("110106015001G1000B001", join(grid1000.path, "B001"), grid1000, AreaLevel.BUILDING)
    grid_of_ten = make_area("110106015010G001", join(ten.path, "G001"), ten, AreaLevel.GRID)

    assert subtree_of(Area, grid100.path) == {grid100.path, inside100.path}
    assert subtree_of(Area, grid1000.path) == {grid1000.path, inside1000.path}
    assert subtree_of(Area, one.path) == {one.path, grid100.path, grid1000.path, inside100.path, inside1000.path}
    assert subtree_of(Area, ten.path) == {ten.path, grid_of_ten.path}
    assert subtree_of(Area, street.path) == {a.path for a in Area.objects.all()}
    assert Area.objects.count() == 8


def make_org(pk: int, parent: Org | None) -> Org:
    """An organization whose path is built exactly as ``org_create`` builds it, with a chosen id."""
    return Org.objects.create(pk=pk, name=f"org{pk}", kind="committee", parent=parent,
                              path=join(parent.path if parent else None, to_base36(pk)),
                              depth=(parent.depth + 1) if parent else 1)


@pytest.mark.django_db
def test_org_subtree_never_matches_a_sibling_whose_id_starts_with_the_same_digits():
    # ids 1 and 36..71 are "1" and "10".."1z" in base 36: "/…/1/" is a textual prefix of "/…/10" once
    # the slash is dropped. High ids keep clear of the sequences of other tests.
    base = 7_000_000
    root = make_org(base, None)
    one = make_org(base + 1, root)  # segment s
    siblings = [make_org((base + 1) * 36 + n, root) for n in range(10)]  # segments s0 … s9
    assert all(o.path.startswith(one.path[:-1]) for o in siblings)
    child_of_one = make_org(base + 2, one)
    child_of_sibling = make_org(base + 3, siblings[0])

    assert subtree_of(Org, one.path) == {one.path, child_of_one.path}
    assert subtree_of(Org, siblings[0].path) == {siblings[0].path, child_of_sibling.path}
    assert subtree_of(Org, root.path) == {root.path, one.path, child_of_one.path, child_of_sibling.path,
                                          *(o.path for o in siblings)}


@pytest.mark.django_db
def test_the_subtree_of_a_path_that_is_no_node_matches_what_lies_below_it(world):
    assert subtree_of(Area, "/11/01/06/015/00/") == set()
    assert subtree_of(Area, "/11/01/06/015/") == set(
        Area.objects.filter(code__startswith="110106015").values_list("path", flat=True))


@pytest.mark.django_db
def test_the_subtree_lookup_refuses_a_prefix_without_the_closing_slash(world):
    with pytest.raises(ValueError, match="ends with"):
        list(Area.objects.filter(path__subtree="/11/01"))


@pytest.mark.django_db
def test_the_subtree_lookup_combines_with_other_conditions_and_related_paths(world):
    orgs_in_majiabao = set(Org.objects.filter(area__path__subtree=world.majiabao.path, kind="committee")
                           .values_list("name", flat=True))
    assert orgs_in_majiabao == {"中共嘉园一里社区委员会"}


# --- property: on random trees the lookup is exactly "has the node among its ancestors" -------

# A tree is a list of (parent index, segment): node i hangs under an earlier node or is a root.
# Short segments from a small alphabet make textual-prefix siblings ("1", "10", "1a") common.
trees = st.lists(st.tuples(st.integers(min_value=-1, max_value=20), st.text(alphabet="01aA", min_size=1, max_size=3)),
                 min_size=1, max_size=14)
probe_prefixes = st.lists(paths, max_size=3)


def build_paths(tree) -> list[str]:
    built: list[str] = []
    for parent, segment in tree:
        parent_path = built[parent % len(built)] if built and parent >= 0 else None
        path = join(parent_path, segment)
        if path not in built:
            built.append(path)
    return built


def expected_subtree(all_paths: list[str], prefix: str) -> set[str]:
    return {p for p in all_paths if prefix in ancestors(p)}


class Rollback(Exception):
    pass


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=trees, probes=probe_prefixes)
def test_org_subtree_equals_the_nodes_whose_ancestors_include_the_prefix(tree, probes):
    all_paths = build_paths(tree)
    with pytest.raises(Rollback), transaction.atomic():
        Org.objects.bulk_create([Org(name=p, kind="committee", path=p, depth=p.count("/") - 1) for p in all_paths])
        for prefix in [*all_paths, *probes]:
            assert subtree_of(Org, prefix) == expected_subtree(all_paths, prefix), prefix
        raise Rollback
    assert not Org.objects.exists()


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=trees, probes=probe_prefixes)
def test_area_subtree_equals_the_nodes_whose_ancestors_include_the_prefix(tree, probes):
    all_paths = build_paths(tree)
    with pytest.raises(Rollback), transaction.atomic():
        Area.objects.bulk_create([Area(code=f"c{n}", name=p, level=AreaLevel.GRID, path=p, depth=p.count("/") - 1)
                                  for n, p in enumerate(all_paths)])
        for prefix in [*all_paths, *probes]:
            assert subtree_of(Area, prefix) == expected_subtree(all_paths, prefix), prefix
        raise Rollback
    assert not Area.objects.exists()
