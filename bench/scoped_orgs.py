"""Benchmark: the cost of scope on org listings, with a tree of 100,000 ``Org`` rows.

On a fresh database (SQLite in a temporary JICENG_VAR_DIR, or a throwaway PostgreSQL database with
``--postgres``), after ``migrate``, it builds with ``bulk_create`` (not timed):

  territory  北京市 → 市辖区 → districts → streets → communities (real Beijing names and codes
             from the division files when present, synthetic otherwise; ``official_path``)
  org tree   市委 → 16 district committees → ~20 street working committees each → ~20 community
             committees each → 5 branches each → groups, round-robin, until ``--orgs`` rows
             (``path`` = ``join(parent.path, to_base36(id))`` of explicit ids, as ``org_create`` does)

and two users: ``branch_secretary`` granted on one street working committee (an org grant: scope
is ``path`` in the committee's subtree) and ``street_worker`` granted on that street (an area
grant: scope is ``area.path`` in the street's subtree, through a join).

Then it times, interleaved round-robin so that every case shares the same noise, each case
``--iterations`` times (after a warm-up), and prints p50/p95 in ms and the ratio to the unscoped
form of the same query (goal: ≤ 1.5):

  children   what ``GET /api/v1/orgs?parent=`` runs: ``with_child_counts(org_children(actor,
             parent)).order_by("path")[:50]``; unscoped: ``with_child_counts(Org.objects
             .select_related("area", "parent").filter(parent_id=...)).order_by("path")[:50]``
  subtree    ``scope.visible(actor, "core.view_org", Org.objects.all()).order_by("path")[:50]``;
             unscoped: ``Org.objects.order_by("path")[:50]``
  search     ``with_child_counts(org_search(actor, text))`` (as the API calls it); unscoped: the
             same selector for the system actor, whose reach is everything (no filter)

"without child counts" is the unscoped search without ``with_child_counts``, to show what counting
costs. "per request" means the grant cache on the user is dropped (``scope.forget``) before every call,
so the grant look-up (one query and two prefetches) is timed, as it is once per request in
production; "grants cached" keeps the cache, to show what the filtered query itself costs.
Finally it prints the query plan of each scoped query (SQLite: EXPLAIN QUERY PLAN; PostgreSQL:
EXPLAIN) and whether a ``path`` index is used.

    .venv/bin/python bench/scoped_orgs.py [--postgres] [--orgs 100000] [--iterations 300]
    .venv/bin/python bench/scoped_orgs.py --smoke        # 2,000 orgs, 30 iterations
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import math
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from _common import (
    REPO,
    bench_environment,
    database_summary,
    django_setup,
    percentile,
    postgres_reachable,
    table,
)

GOAL_RATIO = 1.5
PAGE = 50
VIEW = "core.view_org"
SUFFIX = re.compile(r"(社区居民委员会|社区居委会|居民委员会|居委会|村民委员会|村委会|委员会|办事处)$")


# --- the territory: Beijing from the division files, or a synthetic stand-in -------------------

@dataclass
class Place:
    code: str  # 12 digits
    name: str
    children: list[Place] = field(default_factory=list)


def _open(directory: Path, stem: str):
    gz = directory / f"{stem}.csv.gz"
    if gz.exists():
        return io.TextIOWrapper(gzip.open(gz, "rb"), encoding="utf-8-sig", newline="")
    return (directory / f"{stem}.csv").open(encoding="utf-8-sig", newline="")


def beijing(data: Path, districts: int, streets: int, communities: int) -> tuple[list[Place], str]:
    """Districts → streets → communities of Beijing (province 11), at most the given counts each."""
    try:
        tree: dict[str, Place] = {}
        with _open(data, "areas") as f:
            for row in csv.DictReader(f):
                if row["code"].startswith("11") and len(tree) < districts:
                    tree[row["code"]] = Place(row["code"].ljust(12, "0"), row["name"])
        by_street: dict[str, Place] = {}
        with _open(data, "streets") as f:
            for row in csv.DictReader(f):
                district = tree.get(row["areaCode"])
                if district is not None and len(district.children) < streets:
                    place = Place(row["code"].ljust(12, "0"), row["name"])
                    district.children.append(place)
                    by_street[row["code"]] = place
        with _open(data, "villages") as f:
            for row in csv.DictReader(f):
                street = by_street.get(row["streetCode"])
                if street is not None and len(street.children) < communities:
                    street.children.append(Place(row["code"], row["name"]))
        if tree:
            return list(tree.values()), f"Beijing names and codes from {data}"
    except FileNotFoundError:
        pass
    synthetic = [
        Place(f"1101{d:02d}000000", f"第{d}区", [
            Place(f"1101{d:02d}{s:03d}000", f"第{d}区第{s}街道", [
                Place(f"1101{d:02d}{s:03d}{c:03d}", f"第{d}区第{s}街道第{c}社区居委会")
                for c in range(1, communities + 1)])
            for s in range(1, streets + 1)])
        for d in range(1, districts + 1)
    ]
    return synthetic, "synthetic names and codes (no division files found)"


# --- building the trees --------------------------------------------------------------------

@dataclass
class Built:
    orgs: int
    areas: int
    seconds: float
    street_area: object
    street_committee: object
    shape: dict[str, int]
    source: str


def build(args) -> Built:
    from django.db import connection, transaction

    from jiceng.core.models import Area, Org
    from jiceng.core.models.orgs import OrgKind, OrgSector
    from jiceng.core.models.territory import AreaLevel
    from jiceng.core.paths import join, to_base36
    from jiceng.core.pinyin import initials
    from jiceng.core.services.areas import official_path

    started = time.perf_counter()
    districts, source = beijing(Path(args.data), args.districts, args.streets, args.communities)

    areas: list[Area] = []

    def area(code, name, level, parent_code, depth):
        obj = Area(code=code, name=name, pinyin=initials(name), level=level, parent_id=parent_code,
                   path=official_path(code, level), depth=depth)
        areas.append(obj)
        return obj

    province = area("110000000000", "北京市", AreaLevel.PROVINCE, None, 1)
    city = area("110100000000", "市辖区", AreaLevel.CITY, province.code, 2)
    for d in districts:
        d.area = area(d.code, d.name, AreaLevel.DISTRICT, city.code, 3)
        for s in d.children:
            s.area = area(s.code, s.name, AreaLevel.STREET, d.code, 4)
            for c in s.children:
                c.area = area(c.code, c.name, AreaLevel.COMMUNITY, s.code, 5)

    orgs: list[Org] = []
    limit = args.orgs

    def org(parent, name, kind, area_obj, sector=OrgSector.TERRITORIAL, short_name=""):
        if len(orgs) >= limit:
            return None
        pk = len(orgs) + 1
        obj = Org(id=pk, name=name, short_name=short_name, pinyin=initials(name), kind=kind, sector=sector,
                  parent_id=parent.id if parent else None, path=join(parent.path if parent else None, to_base36(pk)),
                  depth=(parent.depth + 1) if parent else 1, area=area_obj)
        orgs.append(obj)
        return obj

    shape = {"committee": 0, "district": 0, "street": 0, "community": 0, "branch": 0, "group": 0}
    top = org(None, "中共北京市委员会", OrgKind.COMMITTEE, province, OrgSector.GOVERNMENT)
    shape["committee"] = 1
    communities = []
    for d in districts:
        d.org = org(top, f"中共北京市{d.name}委员会", OrgKind.COMMITTEE, d.area, OrgSector.GOVERNMENT)
        shape["district"] += d.org is not None
    for d in districts:
        for s in d.children:
            s.org = d.org and org(d.org, f"中共{s.name}工作委员会", OrgKind.WORKING_COMMITTEE, s.area)
            shape["street"] += s.org is not None
    for d in districts:
        for s in d.children:
            for i, c in enumerate(s.children):
                stem = SUFFIX.sub("", c.name)
                kind = OrgKind.COMMITTEE if i % 3 == 0 else OrgKind.GENERAL_BRANCH
                label = "委员会" if kind == OrgKind.COMMITTEE else "总支部委员会"
                c.org = s.org and org(s.org, f"中共{stem}{label}", kind, c.area, short_name=stem)
                if c.org is not None:
                    shape["community"] += 1
                    communities.append((c, stem))
    branches = []
    for c, stem in communities:
        for b in range(1, args.branches + 1):
            branch = org(c.org, f"中共{stem}第{b}党支部", OrgKind.BRANCH, c.area, short_name=f"{stem}第{b}支部")
            if branch is not None:
                branches.append((branch, c.area))
    shape["branch"] = len(branches)
    round_no = 0
    while branches and len(orgs) < limit:
        round_no += 1
        for branch, area_obj in branches:
            if org(branch, f"{branch.name}第{round_no}党小组", OrgKind.GROUP, area_obj) is None:
                break
            shape["group"] += 1

    with transaction.atomic():
        Area.objects.bulk_create(areas, batch_size=2000)
        Org.objects.bulk_create(orgs, batch_size=2000)
        if connection.vendor == "postgresql":
            from django.core.management.color import no_style

            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), [Org, Area]):
                    cursor.execute(sql)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # what autovacuum would have done by the time anyone lists
            cursor.execute("ANALYZE core_org")
            cursor.execute("ANALYZE core_area")
    elif args.sqlite_analyze:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    # The street the users are granted: the middle street of the middle district, so that its
    # subtree is neither at the start nor at the end of the path order.
    granted_districts = [d for d in districts if any(getattr(s, "org", None) for s in d.children)]
    district = granted_districts[len(granted_districts) // 2]
    with_orgs = [s for s in district.children if getattr(s, "org", None)]
    street = with_orgs[len(with_orgs) // 2]
    return Built(len(orgs), len(areas), time.perf_counter() - started, Area.objects.get(code=street.code),
                 Org.objects.get(pk=street.org.pk), shape, source)


def make_user(username: str, role_code: str, **node):
    from jiceng.core.models import Grant, Role, User

    user = User.objects.create(username=username, display_name=username)
    Grant.objects.create(user=user, role=Role.objects.get(code=role_code), **node)
    return User.objects.get(pk=user.pk)


# --- timing --------------------------------------------------------------------------------

@dataclass
class Case:
    group: str
    label: str
    run: Callable[[], list]
    actor: object | None = None  # forgotten before each call unless warm
    warm: bool = False
    times: list[float] = field(default_factory=list)
    every: int = 1
    rows: int = 0
    queries: int = 0


def time_cases(cases: list[Case], iterations: int, warmup: int, budget_s: float) -> None:
    """Round-robin over the cases (the starting case rotates each round). A case whose warm-up
    median says it would take more than ``budget_s`` seconds over all iterations runs only every
    k-th round (at least 30 times), so that a slow query does not stretch the run to many minutes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jiceng.core import scope

    for case in cases:
        if case.actor is not None:
            scope.forget(case.actor)
            if case.warm:
                scope.reach(case.actor, VIEW)
        with CaptureQueriesContext(connection) as captured:
            case.rows = len(case.run())
        case.queries = len(captured.captured_queries)
    clock = time.perf_counter
    for i in range(warmup + iterations):
        if i == warmup:
            for case in cases:
                estimate = percentile(case.times, 50) * iterations / 1000 if case.times else 0
                case.every = max(1, min(iterations // 30, math.ceil(estimate / budget_s)))
                case.times = []
        shift = i % len(cases)
        for case in cases[shift:] + cases[:shift]:
            if i >= warmup and (i - warmup) % case.every:
                continue
            if case.actor is not None and not case.warm:
                scope.forget(case.actor)
            started = clock()
            case.run()
            case.times.append((clock() - started) * 1000)


def report(cases: list[Case]) -> tuple[str, bool]:
    rows, ok = [], True
    base: dict[str, Case] = {}
    for case in cases:
        if case.actor is None and case.group not in base:
            base[case.group] = case
    for case in cases:
        ref = base[case.group]
        p50, p95 = percentile(case.times, 50), percentile(case.times, 95)
        ratio50 = p50 / percentile(ref.times, 50)
        ratio95 = p95 / percentile(ref.times, 95)
        verdict = "(info)" if case is not ref and case.actor is None else ""
        if case.actor is not None and not case.warm:
            met = ratio50 <= GOAL_RATIO
            ok &= met
            verdict = "met" if met else "NOT MET"
        elif case.actor is not None:
            verdict = "(info)"
        rows.append([case.group, case.label, f"{p50:.2f}", f"{p95:.2f}",
                     "1.00" if case is ref else f"{ratio50:.2f}", "1.00" if case is ref else f"{ratio95:.2f}",
                     str(len(case.times)), str(case.rows), str(case.queries), verdict])
    text = table(["query", "actor", "p50 ms", "p95 ms", "p50 ratio", "p95 ratio", "n", "rows", "queries",
                  f"goal ≤{GOAL_RATIO}"], rows, aligns="llrrrrrrrl")
    return text, ok


# --- query plans ---------------------------------------------------------------------------

def path_indexes() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            names = []
            for table_name in ("core_org", "core_area"):
                cursor.execute(f"PRAGMA index_list('{table_name}')")
                for row in cursor.fetchall():
                    cursor.execute(f"PRAGMA index_info('{row[1]}')")
                    if [r[2] for r in cursor.fetchall()][:1] == ["path"]:
                        names.append(row[1])
            return names
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename IN ('core_org', 'core_area') "
                       "AND indexdef LIKE '%(path%'")
        return [r[0] for r in cursor.fetchall()]


INDEX_IN_PLAN = re.compile(r"USING (?:COVERING )?INDEX (\w+)|Index (?:Only )?Scan(?: Backward)? using (\w+)"
                           r"|Bitmap Index Scan on (\w+)")


def explain(label: str, queryset, indexes: list[str]) -> str:
    plan = queryset.explain()
    used = list(dict.fromkeys(next(g for g in m.groups() if g) for m in INDEX_IN_PLAN.finditer(plan)))
    on_path = [name for name in used if name in indexes]
    head = (f"-- {label}: path index used: {', '.join(on_path) if on_path else 'no'}; "
            f"indexes used: {', '.join(used) if used else 'none'}")
    return head + "\n" + "\n".join("   " + line for line in plan.splitlines())


# --- main ----------------------------------------------------------------------------------

def run(args) -> int:
    with bench_environment(args.postgres, "jiceng-bench-scoped", keep=args.keep):
        django_setup(migrate=True)
        from django.db import connection
        from django.db.models import Count

        from jiceng.core import scope
        from jiceng.core.models import Org
        from jiceng.core.pinyin import initials
        from jiceng.core.selectors.orgs import org_children, org_search, with_child_counts

        engine = database_summary()
        built = build(args)
        street_wc, street_area = built.street_committee, built.street_area
        branch_user = make_user("bench_branch_secretary", "branch_secretary", org=street_wc)
        street_user = make_user("bench_street_worker", "street_worker", area=street_area)
        system = scope.system_actor("bench")
        in_scope = Org.objects.filter(path__subtree=street_wc.path).count()
        by_kind = dict(Org.objects.values_list("kind").annotate(n=Count("id")).order_by())
        print(f"== scoped org listings · {engine} · {built.orgs:,} orgs, {built.areas:,} areas "
              f"(built in {built.seconds:.1f} s; {built.source})")
        print(f"tree: 1 city committee, {built.shape['district']} district committees, {built.shape['street']} "
              f"street working committees, {built.shape['community']:,} community committees, "
              f"{built.shape['branch']:,} branches, {built.shape['group']:,} groups; by kind {by_kind}")
        print(f"granted node: {street_wc.name} (org id {street_wc.pk}, path {street_wc.path}, {in_scope:,} orgs "
              f"in its subtree) / {street_area.name} (area {street_area.code}, path {street_area.path})")
        print(f"users: branch_secretary with an org grant on it; street_worker with an area grant on the street. "
              f"{args.iterations} timed iterations after {args.warmup} warm-up, interleaved.")
        if connection.vendor == "sqlite" and not args.sqlite_analyze:
            print("SQLite: no ANALYZE (as a deployment that never runs it); --sqlite-analyze to compare.")
        elif connection.vendor == "postgresql":
            print("PostgreSQL: ANALYZE core_org, core_area after the build (what autovacuum does soon after).")

        community = Org.objects.filter(parent=street_wc).order_by("path").first()
        # Org names start with 中共, so their pinyin initials start with "zg": search for the first four
        # initials of a community committee in the granted street (matches there and elsewhere).
        pinyin_text = initials(community.name)[:4] if community else "zgsq"
        word = "党支部"
        parent_id = street_wc.pk

        def children(actor):
            return lambda: list(with_child_counts(org_children(actor, parent_id)).order_by("path")[:PAGE])

        def subtree(actor):
            return lambda: list(scope.visible(actor, VIEW, Org.objects.all()).order_by("path")[:PAGE])

        def search(actor, text):
            return lambda: list(with_child_counts(org_search(actor, text, limit=PAGE)))

        def plain_search(actor, text):
            return lambda: list(org_search(actor, text, limit=PAGE))

        base_children = Org.objects.select_related("area", "parent").filter(parent_id=parent_id)
        cases = [
            # The endpoint must 404 a missing parent with or without scope, so the unscoped baseline
            # fetches the parent too.
            Case("children", "unscoped", lambda: (Org.objects.get(pk=parent_id),
                                                  list(with_child_counts(base_children).order_by("path")[:PAGE]))),
            Case("children", "org grant, per request", children(branch_user), branch_user),
            Case("children", "org grant, grants cached", children(branch_user), branch_user, warm=True),
            Case("children", "area grant, per request", children(street_user), street_user),
            Case("subtree", "unscoped", lambda: list(Org.objects.order_by("path")[:PAGE])),
            Case("subtree", "org grant, per request", subtree(branch_user), branch_user),
            Case("subtree", "org grant, grants cached", subtree(branch_user), branch_user, warm=True),
            Case("subtree", "area grant, per request", subtree(street_user), street_user),
        ]
        for text in (word, pinyin_text):
            group = f"search {text!r}"
            cases += [
                Case(group, "unscoped", search(system, text)),
                Case(group, "unscoped, without child counts", plain_search(system, text)),
                Case(group, "org grant, per request", search(branch_user, text), branch_user),
                Case(group, "org grant, grants cached", search(branch_user, text), branch_user, warm=True),
                Case(group, "area grant, per request", search(street_user, text), street_user),
            ]
        grant_load = Case("grants", "load grants + reach (per request)",
                          lambda: [scope.reach(branch_user, VIEW)], branch_user)
        cases.append(grant_load)
        started = time.perf_counter()
        time_cases(cases, args.iterations, args.warmup, args.budget)
        print(f"\n(timing took {time.perf_counter() - started:.1f} s)")
        text, ok = report([c for c in cases if c.group != "grants"])
        print(text)
        print(f"the grant look-up alone (scope.forget + scope.reach): p50 "
              f"{percentile(grant_load.times, 50):.2f} ms, p95 {percentile(grant_load.times, 95):.2f} ms, "
              f"{grant_load.queries} queries")
        print("ratio = scoped / unscoped of the same percentile; the goal is checked on the per-request p50.")

        print("\nquery plans of the scoped queries (grants cached):")
        indexes = path_indexes()
        for actor, who in ((branch_user, "org grant"), (street_user, "area grant")):
            scope.forget(actor)
            qs_children = with_child_counts(
                scope.visible(actor, VIEW, Org.objects.select_related("area", "parent").filter(parent_id=parent_id))
            ).order_by("path")[:PAGE]
            print(explain(f"children, {who}", qs_children, indexes))
            print(explain(f"subtree, {who}", scope.visible(actor, VIEW, Org.objects.all()).order_by("path")[:PAGE],
                          indexes))
            print(explain(f"search {word!r}, {who}", with_child_counts(org_search(actor, word, limit=PAGE)), indexes))
        connection.close()
    print("result:", "goal met" if ok else "goal NOT met")
    return 0 if (ok or not args.enforce_goal) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL database instead of SQLite")
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--districts", type=int, default=16)
    parser.add_argument("--streets", type=int, default=20, help="street working committees per district")
    parser.add_argument("--communities", type=int, default=20, help="community committees per street")
    parser.add_argument("--branches", type=int, default=5, help="branches per community committee")
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--budget", type=float, default=40.0,
                        help="seconds one case may take over all iterations before it is sampled less often")
    parser.add_argument("--data", default=str(REPO / ".." / "shared" / "data" / "divisions"),
                        help="division files for real Beijing names (synthetic names without them)")
    parser.add_argument("--sqlite-analyze", action="store_true", help="run ANALYZE on SQLite after the build")
    parser.add_argument("--smoke", action="store_true", help="tiny run: 2,000 orgs in a smaller tree, 30 iterations")
    parser.add_argument("--enforce-goal", action="store_true", help="exit 1 when the ratio goal is not met")
    parser.add_argument("--keep", action="store_true", help="keep the temporary JICENG_VAR_DIR")
    args = parser.parse_args(argv)
    if args.smoke:
        args.orgs, args.districts, args.streets, args.communities, args.branches = 2_000, 4, 5, 10, 3
        args.iterations, args.warmup = 30, 3
    if args.postgres and not postgres_reachable():
        print("PostgreSQL is not reachable; skipped.")
        return 3
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
