"""Benchmark: the compliance engine (三会一课 达标) over a year of meetings in 100,000 organizations.

On a fresh database (SQLite in a temporary JICENG_VAR_DIR, or a throwaway PostgreSQL database with
``--postgres``), after ``migrate``, it builds (not timed) a synthetic territory and org tree with
set-based inserts: 市委 → ``--districts`` district committees → ``--streets`` street working
committees each → ``--communities`` community committees each → ``--branches`` 党支部 each, and
one 党小组 under every fifth branch (8 × 20 × (1 + 25 + 500 + 100) + 9 ≈ 100,000 orgs; a street
holds 500 branches). Two branches in five have committee posts (支部委员会); a few were set up
during the year. Then a year of meetings for every branch (theme days, committee and group
meetings each month, assemblies and 党课 each quarter, the yearly ones in the autumn; about one in
ten left out at random so that the rules are missed here and there), inserted with COPY
(PostgreSQL) or batched INSERTs (SQLite).

Timed, interleaved round-robin after a warm-up, the grant look-up included in every call:

  street heat    ``street_heat(actor, street, year)``: 500 branches × kinds × months (the page)
  district       ``district_rates(actor, district, year)``: per street, every branch of the district
  branch         ``branch_report(actor, branch, year)``: one branch's calendar

next to the baseline measured in the same run: the bare ``COUNT(*) … GROUP BY org_id, kind_id`` of
the held meetings of the same orgs (street, then district) in the same year, unscoped, without
the month or any rule. Goal: street heat p95 ≤ 300 ms on PostgreSQL.

    .venv/bin/python bench/compliance.py [--postgres] [--iterations 50]
    .venv/bin/python bench/compliance.py --smoke        # ~2,000 orgs, 5 iterations
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from _common import bench_environment, database_summary, django_setup, percentile, postgres_reachable, table

GOAL_P95_MS = 300.0
YEAR = 2025
DAY = date(YEAR, 12, 20)  # "today" of the evaluation: December, the yearly rules still open


def build_tree(args) -> dict:
    """Areas and orgs with explicit ids and paths (as ``org_create`` writes them), bulk-inserted."""
    from django.core.management.color import no_style
    from django.db import connection

    from jiceng.core.models import Area, Org, Post
    from jiceng.core.paths import join, to_base36
    from jiceng.core.services.areas import official_path

    areas: list[Area] = []

    def area(code, name, level, parent, depth):
        obj = Area(code=code, name=name, pinyin="", level=level, parent_id=parent, path=official_path(code, level),
                   depth=depth)
        areas.append(obj)
        return obj

    orgs: list[Org] = []

    def org(parent, name, kind, area_obj, established=None):
        pk = len(orgs) + 1
        obj = Org(id=pk, name=name, pinyin="", kind=kind, parent_id=parent.id if parent else None,
                  path=join(parent.path if parent else None, to_base36(pk)), depth=(parent.depth + 1) if parent else 1,
                  area=area_obj, established_on=established)
        orgs.append(obj)
        return obj

    rnd = random.Random(11)
    province = area("110000000000", "北京市", "province", None, 1)
    city = area("110100000000", "市辖区", "city", province.code, 2)
    top = org(None, "中共北京市委员会", "committee", province)
    branches, groups, posts = [], [], []
    picked = {}
    for d in range(1, args.districts + 1):
        d_area = area(f"1101{d:02d}000000", f"第{d}区", "district", city.code, 3)
        d_org = org(top, f"中共第{d}区委员会", "committee", d_area)
        for s in range(1, args.streets + 1):
            s_area = area(f"1101{d:02d}{s:03d}000", f"第{d}区第{s}街道", "street", d_area.code, 4)
            s_org = org(d_org, f"中共第{d}区第{s}街道工作委员会", "working_committee", s_area)
            if d == (args.districts + 1) // 2 and s == (args.streets + 1) // 2:
                picked = {"street": s_org, "street_area": s_area, "district": d_org, "district_area": d_area}
            for c in range(1, args.communities + 1):
                c_area = area(f"1101{d:02d}{s:03d}{c:03d}", f"第{s}街道第{c}社区", "community", s_area.code, 5)
                c_org = org(s_org, f"中共第{s}街道第{c}社区委员会", "committee", c_area)
                for b in range(1, args.branches + 1):
                    established = date(YEAR, rnd.randint(2, 11), rnd.randint(1, 28)) if rnd.random() < 0.02 else None
                    branch = org(c_org, f"第{c}社区第{b}党支部", "branch", c_area, established)
                    branches.append(branch)
                    if rnd.random() < 0.4:
                        posts.append(Post(org_id=branch.id, title="organization", holder_name="组织委员",
                                          term_start=date(YEAR - 2, 1, 1)))
                    if b % 5 == 0:
                        groups.append(org(branch, f"第{c}社区第{b}党支部第一党小组", "group", c_area))
    Area.objects.bulk_create(areas, batch_size=5000)
    Org.objects.bulk_create(orgs, batch_size=5000)
    Post.objects.bulk_create(posts, batch_size=5000)
    if connection.vendor == "postgresql":  # explicit ids: move the sequence past them
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Org]):
                cursor.execute(sql)
    return {"orgs": len(orgs), "branches": branches, "groups": groups, "posts": {p.org_id for p in posts}, **picked}


def meeting_rows(built: dict, kinds: dict[str, int], user_id: int | None):
    """A year of meetings for every branch: dicts of field name → value (other fields take defaults)."""
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    rnd = random.Random(5)
    now = timezone.now()
    groups = {g.parent_id: g for g in built["groups"]}

    def row(kind, org_id, day, topic):
        starts = datetime(day.year, day.month, day.day, 14, 30, tzinfo=tz)
        status = "held" if day <= DAY else "planned"
        return {"kind_id": kinds[kind], "org_id": org_id, "starts_at": starts, "ends_at": starts + timedelta(hours=2),
                "place": "党员活动室", "topic": topic, "host": "书记", "recorder": "组织委员", "status": status,
                "created_by_id": user_id, "created_at": now, "updated_at": now}

    for branch in built["branches"]:
        first = branch.established_on or date(YEAR, 1, 1)
        for month in range(1, 13):
            def on(day, _m=month, _first=first):
                when = date(YEAR, _m, day)
                return when if when >= _first and rnd.random() < 0.92 else None

            if d := on(rnd.randint(20, 28)):
                yield row("theme_day", branch.id, d, f"{month}月主题党日")
            if branch.id in built["posts"] and (d := on(rnd.randint(3, 10))):
                yield row("committee", branch.id, d, f"{month}月支委会")
            if branch.id in groups and (d := on(rnd.randint(11, 18))):
                yield row("group", groups[branch.id].id, d, f"{month}月党小组会")
            if month % 3 == 2:
                if d := on(rnd.randint(1, 28)):
                    yield row("assembly", branch.id, d, "季度党员大会")
                if d := on(rnd.randint(1, 28)):
                    yield row("lecture", branch.id, d, "专题党课")
            if month in (11, 12):
                for kind in ("life_meeting", "appraisal", "talk") if month == 11 else ():
                    if d := on(rnd.randint(1, 28)):
                        yield row(kind, branch.id, d, "年度" + kind)


def insert_meetings(rows) -> tuple[int, float]:
    """Rows inserted with COPY (PostgreSQL) or batched INSERTs (SQLite); columns the bench does not
    set take the field's default (so that columns other modules add to ``Meeting`` do not break it)."""
    from django.db import connection, transaction

    from jiceng.orglife.models import Meeting

    started = time.perf_counter()
    fields = [f for f in Meeting._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: (f.get_default() if f.has_default() else ("" if f.blank and not f.null else None))
                for f in fields}
    columns = [f.column for f in fields]
    count = 0

    adapt = {f.attname for f in fields if f.get_internal_type() == "DateTimeField"}

    def values(row):  # datetimes as Django stores them (SQLite: UTC text), since this bypasses the ORM
        return tuple(connection.ops.adapt_datetimefield_value(row.get(f.attname)) if f.attname in adapt
                     else row.get(f.attname, defaults[f.attname]) for f in fields)

    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {Meeting._meta.db_table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(values(row))
                    count += 1
        else:
            sql = (f"INSERT INTO {Meeting._meta.db_table} ({', '.join(columns)}) "
                   f"VALUES ({', '.join(['%s'] * len(columns))})")
            batch = []
            for row in rows:
                batch.append(values(row))
                count += 1
                if len(batch) == 20_000:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return count, time.perf_counter() - started


def run(args) -> int:
    with bench_environment(args.postgres, "jiceng-bench-compliance", keep=args.keep):
        django_setup(migrate=True)
        from django.db import connection
        from django.db.models import Count
        from scoped_orgs import Case, make_user, time_cases

        from jiceng.core.models import Org
        from jiceng.orglife.models import Meeting, MeetingKind
        from jiceng.orglife.selectors import compliance as engine

        engine_name = database_summary()
        started = time.perf_counter()
        built = build_tree(args)
        kinds = dict(MeetingKind.objects.values_list("code", "pk"))
        count, seconds = insert_meetings(meeting_rows(built, kinds, None))
        street, district = built["street"], built["district"]
        street_user = make_user("bench_street_worker", "street_worker", area=built["street_area"])
        branch_user = make_user("bench_street_committee", "branch_secretary", org=street)
        district_user = make_user("bench_district", "district_organizer", area=built["district_area"])
        branch = Org.objects.filter(path__subtree=street.path, kind="branch").order_by("path").first()
        street_branches = Org.objects.filter(path__subtree=street.path, kind="branch").count()
        district_branches = Org.objects.filter(path__subtree=district.path, kind="branch").count()
        print(f"== compliance · {engine_name} · {built['orgs']:,} orgs ({len(built['branches']):,} branches, "
              f"{len(built['groups']):,} groups), {count:,} meetings in {YEAR} (built in "
              f"{time.perf_counter() - started:.1f} s, meetings inserted in {seconds:.1f} s)")
        print(f"street: {street.name} ({street_branches} branches); district: {district.name} "
              f"({district_branches:,} branches); evaluated as of {DAY}; {args.iterations} timed iterations "
              f"after {args.warmup} warm-up, interleaved; grants looked up in every call (per request)")
        start, end = engine.year_bounds(YEAR)

        def baseline(node):
            def call():
                return list(Meeting.objects.filter(org__path__subtree=node.path, status="held", starts_at__gte=start,
                                                   starts_at__lt=end)
                            .values_list("org_id", "kind_id").annotate(n=Count("pk")).order_by())
            return call

        heat = engine.street_heat(street_user, street.pk, YEAR, day=DAY)
        by_branch = sum(r.total.met for r in heat.rows)
        print(f"street heat: {len(heat.rows)} rows, met {heat.total.met:,}, missing {heat.total.missing:,}, "
              f"due soon {heat.total.due_soon:,}, open {heat.total.open:,}; rate {heat.total.percent}% "
              f"(rows sum to the total: {by_branch == heat.total.met})")
        cases = [
            Case("street", "baseline: COUNT GROUP BY org, kind", baseline(street)),
            Case("street", "street heat · street worker (area grant)",
                 lambda: engine.street_heat(street_user, street.pk, YEAR, day=DAY).rows, street_user),
            Case("street", "street heat · street committee (org grant)",
                 lambda: engine.street_heat(branch_user, street.pk, YEAR, day=DAY).rows, branch_user),
            Case("street", "one branch's calendar",
                 lambda: engine.branch_report(branch_user, branch.pk, YEAR, day=DAY).cells, branch_user),
            Case("district", "baseline: COUNT GROUP BY org, kind", baseline(district)),
            Case("district", "district rates · district organizer (area grant)",
                 lambda: engine.district_rates(district_user, district.pk, YEAR, day=DAY)[1], district_user),
        ]
        started = time.perf_counter()
        time_cases(cases, args.iterations, args.warmup, budget_s=60)
        print(f"(timing took {time.perf_counter() - started:.1f} s)")
        rows, ok, base = [], True, {}
        for case in cases:
            base.setdefault(case.group, case)
            ref = base[case.group]
            p50, p95 = percentile(case.times, 50), percentile(case.times, 95)
            verdict = ""
            if case.group == "street" and case.actor is not None and "heat" in case.label:
                met = p95 <= GOAL_P95_MS
                ok &= met
                verdict = "met" if met else "NOT MET"
            rows.append([case.group, case.label, f"{p50:.2f}", f"{p95:.2f}",
                         f"{p50 / percentile(ref.times, 50):.2f}", f"{p95 / percentile(ref.times, 95):.2f}",
                         str(len(case.times)), str(case.rows), str(case.queries), verdict])
        print(table(["scope", "case", "p50 ms", "p95 ms", "p50 / baseline", "p95 / baseline", "n", "rows", "queries",
                     f"p95 ≤ {GOAL_P95_MS:.0f} ms"], rows, aligns="llrrrrrrrl"))
        print("ratios are to the bare GROUP BY of the same scope's held meetings in the same run.")
        connection.close()
    print("result:", "goal met" if ok else "goal NOT met")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL database instead of SQLite")
    parser.add_argument("--districts", type=int, default=8)
    parser.add_argument("--streets", type=int, default=20)
    parser.add_argument("--communities", type=int, default=25)
    parser.add_argument("--branches", type=int, default=20)
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="tiny run: 2 districts × 3 streets × 5 × 10")
    parser.add_argument("--keep", action="store_true", help="keep the temporary JICENG_VAR_DIR")
    args = parser.parse_args(argv)
    if args.smoke:
        args.districts, args.streets, args.communities, args.branches = 2, 3, 5, 10
        args.iterations, args.warmup = 5, 1
    if args.postgres and not postgres_reachable():
        print("PostgreSQL is not reachable; skipped.")
        return 3
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
