"""Benchmark: the roll list (党员名册) scoped to a street, with 1,000,000 members in the database.

On a fresh database (SQLite in a temporary JICENG_VAR_DIR, or a throwaway PostgreSQL database with
``--postgres``), after ``migrate``, it builds (not timed) the territory and org tree of
``scoped_orgs.py`` (16 districts × 20 streets × 20 communities × 5 branches, 100,000 orgs) and then
``--members`` members spread over the branches round-robin, inserted with raw batched INSERTs
(SQLite) or COPY (PostgreSQL); ciphertexts are placeholders, since no query here decrypts.

A ``street_worker`` granted on one street (an area grant: members whose branch lies in the street's
territory, through two joins) and a ``branch_secretary`` granted on that street's working committee
(an org grant) then run, as the page and ``GET /api/v1/members`` do, interleaved round-robin, each
``--iterations`` times after a warm-up, with the grant look-up timed in every call (per request):

  first page   ``member_list(actor)``: the count and the first 50 rows (what a paginated page runs)
  name search  ``member_list(actor, RollFilter(q="王"))``: the count and the first 50 rows
  pinyin       ``member_list(actor, RollFilter(q="WX"))``

next to the baseline measured in the same run: an unscoped ``SELECT COUNT(*)`` on the member table.
It prints p50/p95 in ms and their ratio to the baseline; the goal is p95 ≤ 100 ms on PostgreSQL.

    .venv/bin/python bench/roll_list.py [--postgres] [--members 1000000] [--iterations 100]
    .venv/bin/python bench/roll_list.py --smoke        # 2,000 orgs, 20,000 members, 10 iterations
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from _common import REPO, bench_environment, database_summary, django_setup, percentile, postgres_reachable, table
from scoped_orgs import Case, build, make_user, time_cases

GOAL_P95_MS = 100.0
PAGE = 50
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国志文斌宇浩凯鹏飞婷雪琳晨欣怡"
COLUMNS = ["name", "pinyin", "sex", "ethnicity", "birth_date", "id_cipher", "id_index", "id_masked", "phone_cipher",
           "phone_index", "phone_masked", "education", "work_unit", "job_title", "branch_id", "category", "status",
           "joined_on", "full_on", "is_cadre", "is_floating", "floating_place", "is_lost", "note", "created_at",
           "updated_at"]


def member_rows(count: int, branch_ids: list[int], seed: int = 7):
    """Rows for ``COLUMNS``: varied names (with their pinyin initials), statuses and dates."""
    from django.utils import timezone

    from jiceng.core.pinyin import initials

    rnd = random.Random(seed)
    letter = {ch: initials(ch)[:1] for ch in SURNAMES + GIVEN}
    now = timezone.now()
    for i in range(count):
        name = rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2))))
        birth = date(1940, 1, 1) + timedelta(days=rnd.randrange(22_000))
        joined = birth + timedelta(days=6_600 + rnd.randrange(6_000))
        full = joined + timedelta(days=365)
        status = "probationary" if i % 23 == 0 else "full"
        masked = f"110106********{i % 10_000:04d}"
        yield (name, "".join(letter[ch] for ch in name), "male" if i % 2 else "female", "汉族", birth, "v1:x",
               f"{i:064x}", masked, "v1:x", f"p{i:063x}", f"138****{i % 10_000:04d}", "bachelor", "", "",
               branch_ids[i % len(branch_ids)], "in_service", status, joined, None if status != "full" else full,
               False, False, "", False, "", now, now)


def insert_members(count: int, branch_ids: list[int]) -> float:
    from django.db import connection, transaction

    from jiceng.members.models import Member

    started = time.perf_counter()
    table_name = Member._meta.db_table
    rows = member_rows(count, branch_ids)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table_name} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            sql = f"INSERT INTO {table_name} ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) == 20_000:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table_name}" if connection.vendor == "postgresql" else "ANALYZE")
    return time.perf_counter() - started


def run(args) -> int:
    with bench_environment(args.postgres, "jiceng-bench-roll", keep=args.keep):
        django_setup(migrate=True)
        from django.db import connection

        from jiceng.core.models import Org
        from jiceng.members.models import Member
        from jiceng.members.selectors.roll import RollFilter, member_list

        engine = database_summary()
        built = build(args)
        branch_ids = list(Org.objects.filter(kind="branch").order_by("pk").values_list("pk", flat=True))
        seconds = insert_members(args.members, branch_ids)
        street_user = make_user("bench_street_worker", "street_worker", area=built.street_area)
        branch_user = make_user("bench_branch_secretary", "branch_secretary", org=built.street_committee)
        in_scope = member_list(street_user).count()
        print(f"== roll list · {engine} · {Member.objects.count():,} members in {len(branch_ids):,} branches, "
              f"{built.orgs:,} orgs (members inserted in {seconds:.1f} s)")
        print(f"scope: {built.street_area.name} ({in_scope:,} members); {args.iterations} timed iterations after "
              f"{args.warmup} warm-up, interleaved; grants looked up in every call (per request)")

        def page(actor, text=""):
            def call():
                qs = member_list(actor, RollFilter(q=text))
                return [qs.count(), *list(qs[:PAGE])]
            return call

        def count_all():
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM {Member._meta.db_table}")
                return [cursor.fetchone()[0]]

        cases = [
            Case("baseline", "unscoped COUNT(*)", count_all),
            Case("first page", "street (area grant)", page(street_user), street_user),
            Case("first page", "street committee (org grant)", page(branch_user), branch_user),
            Case("name search '王'", "street (area grant)", page(street_user, "王"), street_user),
            Case("name search '王'", "street committee (org grant)", page(branch_user, "王"), branch_user),
            Case("pinyin 'WX'", "street (area grant)", page(street_user, "WX"), street_user),
        ]
        started = time.perf_counter()
        time_cases(cases, args.iterations, args.warmup, budget_s=60)
        print(f"(timing took {time.perf_counter() - started:.1f} s)")
        base50, base95 = percentile(cases[0].times, 50), percentile(cases[0].times, 95)
        rows, ok = [], True
        for case in cases:
            p50, p95 = percentile(case.times, 50), percentile(case.times, 95)
            verdict = ""
            if case.actor is not None:
                met = p95 <= GOAL_P95_MS
                ok &= met
                verdict = "met" if met else "NOT MET"
            rows.append([case.group, case.label, f"{p50:.2f}", f"{p95:.2f}", f"{p50 / base50:.2f}",
                         f"{p95 / base95:.2f}", str(len(case.times)), str(case.queries), verdict])
        print(table(["query", "actor", "p50 ms", "p95 ms", "p50 / baseline", "p95 / baseline", "n", "queries",
                     f"p95 ≤ {GOAL_P95_MS:.0f} ms"], rows, aligns="llrrrrrrl"))
        print("ratios are to the unscoped COUNT(*) over the whole table in the same run.")
        connection.close()
    print("result:", "goal met" if ok else "goal NOT met")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL database instead of SQLite")
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--districts", type=int, default=16)
    parser.add_argument("--streets", type=int, default=20)
    parser.add_argument("--communities", type=int, default=20)
    parser.add_argument("--branches", type=int, default=5)
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--data", default=str(REPO / ".." / "shared" / "data" / "divisions"))
    parser.add_argument("--sqlite-analyze", action="store_true", default=True)
    parser.add_argument("--smoke", action="store_true", help="tiny run: 2,000 orgs, 20,000 members, 10 iterations")
    parser.add_argument("--keep", action="store_true", help="keep the temporary JICENG_VAR_DIR")
    args = parser.parse_args(argv)
    if args.smoke:
        args.orgs, args.districts, args.streets, args.communities, args.branches = 2_000, 4, 5, 10, 3
        args.members, args.iterations, args.warmup = 20_000, 10, 2
    if args.postgres and not postgres_reachable():
        print("PostgreSQL is not reachable; skipped.")
        return 3
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
