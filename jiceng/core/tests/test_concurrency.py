"""Writes that allocate something (a grid code under a parent, a path) hold under real concurrency."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from jiceng.core.models import Area, Org
from jiceng.core.tests.conftest import SYSTEM, square

WORKERS = 6


def run_concurrently(task, count: int) -> list:
    def wrapped(i):
        try:
            return task(i)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(wrapped, range(count)))


@pytest.mark.django_db(transaction=True)
def test_concurrent_grid_creation_allocates_distinct_codes(world):
    from jiceng.core.services import areas

    def create(i):
        return areas.area_create_local(SYSTEM, parent=world.jiaomen, level="grid", name=f"并发网格{i}",
                                       geometry=square(116.36 + i / 100, 39.83)).code

    codes = run_concurrently(create, WORKERS)
    assert sorted(codes) == [f"110106015002G{n:03d}" for n in range(1, WORKERS + 1)]
    assert Area.objects.filter(parent=world.jiaomen, level="grid").count() == WORKERS


@pytest.mark.django_db(transaction=True)
def test_concurrent_org_creation_under_one_parent_gives_distinct_paths(world):
    from jiceng.core.services import orgs

    def create(i):
        return orgs.org_create(SYSTEM, parent=world.jiayuan_committee, name=f"并发党支部{i}", kind="branch")[0].pk

    ids = run_concurrently(create, WORKERS)
    made = Org.objects.filter(pk__in=ids)
    assert len({o.path for o in made}) == WORKERS
    assert all(o.path.startswith(world.jiayuan_committee.path) and o.depth == world.jiayuan_committee.depth + 1
               for o in made)
