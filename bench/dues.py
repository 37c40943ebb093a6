"""Benchmark: the yearly dues fixing (年度党费核定) and a monthly ledger run for 1,000,000 members.

On a fresh database (SQLite in a temporary JICENG_VAR_DIR, or a throwaway PostgreSQL database with
``--postgres``), after ``migrate``, it builds (not timed) the org tree and the members of
``roll_list.py`` (100,000 orgs, ``--members`` members inserted with COPY / batched INSERTs) and one
entered base per member (one ``INSERT … SELECT``). Then, each in its own process so that the time and
the peak RSS are those of that work alone (GNU time), one after the other on the same data:

  fixing, baseline   one hand-written ``INSERT … SELECT`` computing every member's assessment
  fixing, service    ``dues_year_fix(system, org=<root committee>, year)`` — what the page and the API run
  ledger, baseline   one hand-written ``INSERT … SELECT`` of this month's ledger row of every member
  ledger, service    ``ledger_run(month=…)`` — what ``manage.py check_dues`` runs every night

The tables are emptied between a baseline and its service run (not timed), and the results of the two
are compared (rows, total amount). Each process also reports the SQL statements it ran (the service
must be set-based: a handful of statements, never one per member). Goal: each service ≤ 30 s on
PostgreSQL and within 3× of its baseline.

    .venv/bin/python bench/dues.py [--postgres] [--members 1000000]
    .venv/bin/python bench/dues.py --smoke          # 2,000 orgs, 20,000 members
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

from _common import REPO, bench_environment, database_summary, django_setup, postgres_reachable, run_measured, table

GOAL_S = 30.0
GOAL_RATIO = 3.0


def year_and_month() -> tuple[int, date]:
    from django.utils import timezone

    today = timezone.localdate()
    return today.year, today.replace(day=1)


def insert_bases(year: int) -> None:
    """One base per member (2,000–16,999 yuan, a tenth deducted): every tier is used."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO dues_duesbase (member_id, branch_id, year, base, deductions, hardship, hardship_approved_by,
                                       updated_at)
            SELECT id, branch_id, {year}, 2000 + (id * 37) %% 15000, ((2000 + (id * 37) %% 15000) / 10), '', '', %s
            FROM members_member""", [date.today()])
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "ANALYZE dues_duesbase")


def baseline_fix_sql(vendor: str) -> str:
    month_of = "CAST(date_trunc('month', m.joined_on) AS date)" if vendor == "postgresql" else \
        "date(m.joined_on, 'start of month')"
    net = "(b.base - b.deductions)"
    rate = f"CASE WHEN {net} <= 3000 THEN 50 WHEN {net} <= 5000 THEN 100 WHEN {net} <= 10000 THEN 150 ELSE 200 END"
    return f"""
        INSERT INTO dues_assessment (member_id, branch_id, year, category, base, deductions, net_base, rate, amount,
                                     hardship, starts, rule_version, fixed_on, created_at)
        SELECT m.id, m.branch_id, %(year)s, m.category, b.base, b.deductions, {net}, ({rate}) / 10000.0,
               (CAST(ROUND({net} * 100) AS BIGINT) * ({rate}) + 5000) / 10000 / 100.0, '',
               CASE WHEN m.joined_on < %(jan)s THEN %(jan)s ELSE {month_of} END, 'baseline', %(jan)s, %(jan)s
        FROM members_member m JOIN dues_duesbase b ON b.member_id = m.id AND b.year = %(year)s
        WHERE m.status IN ('probationary', 'full') AND m.joined_on <= %(dec31)s"""


BASELINE_LEDGER = """
    INSERT INTO dues_ledgermonth (member_id, branch_id, month, due, paid, paid_on, method, payment_id)
    SELECT a.member_id, m.branch_id, %(month)s, a.amount, NULL, NULL, '', NULL
    FROM dues_assessment a JOIN members_member m ON m.id = a.member_id
    WHERE a.year = %(year)s AND a.starts <= %(month)s AND m.status IN ('probationary', 'full')"""


def step(name: str) -> None:
    """One measured step, in its own process: prints a JSON line with the rows written, the seconds of
    the work itself and the SQL statements it ran."""
    django_setup(migrate=False)
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from jiceng.core.models import Org
    from jiceng.core.scope import system_actor
    from jiceng.dues.services import fixing, ledger

    year, month = year_and_month()
    params = {"year": year, "jan": date(year, 1, 1), "dec31": date(year, 12, 31), "month": month}
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        if name == "fix-baseline":
            with connection.cursor() as cursor:
                cursor.execute(baseline_fix_sql(connection.vendor), params)
                rows = cursor.rowcount
        elif name == "fix-service":
            root = Org.objects.get(parent__isnull=True)
            rows = fixing.dues_year_fix(system_actor("bench"), org=root, year=year, fixed_on=params["jan"])
        elif name == "ledger-baseline":
            with connection.cursor() as cursor:
                cursor.execute(BASELINE_LEDGER, params)
                rows = cursor.rowcount
        else:
            rows = ledger.ledger_run(month=month)
    seconds = time.perf_counter() - started
    print(json.dumps({"rows": rows, "seconds": seconds, "queries": len(queries)}))


def totals(table_name: str, column: str) -> tuple[int, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), SUM({column}) FROM {table_name}")
        count, total = cursor.fetchone()
    return count, f"{float(total or 0):,.2f}"


def empty(table_name: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table_name}")
        if table_name == "dues_assessment":
            cursor.execute("DELETE FROM dues_duesyear")
    connection.close()


def run(args) -> int:
    with bench_environment(args.postgres, "jiceng-bench-dues", keep=args.keep):
        django_setup(migrate=True)
        from django.db import connection
        from roll_list import insert_members
        from scoped_orgs import build

        from jiceng.core.models import Org

        engine = database_summary()
        built = build(args)
        branch_ids = list(Org.objects.filter(kind="branch").order_by("pk").values_list("pk", flat=True))
        seconds = insert_members(args.members, branch_ids)
        year, _month = year_and_month()
        started = time.perf_counter()
        insert_bases(year)
        print(f"== dues · {engine} · {args.members:,} members in {len(branch_ids):,} branches, {built.orgs:,} orgs "
              f"(members inserted in {seconds:.1f} s, bases in {time.perf_counter() - started:.1f} s)")
        connection.close()
        results, ok = {}, True
        for name, table_name, column in (("fix-baseline", "dues_assessment", "amount"),
                                         ("fix-service", "dues_assessment", "amount"),
                                         ("ledger-baseline", "dues_ledgermonth", "due"),
                                         ("ledger-service", "dues_ledgermonth", "due")):
            measured = run_measured([sys.executable, str(Path(__file__).resolve()), "--step", name])
            if measured.returncode != 0:
                print(measured.stdout[-2000:], measured.stderr[-4000:])
                return 1
            report = json.loads(measured.stdout.strip().splitlines()[-1])
            results[name] = (measured, report, totals(table_name, column))
            if name.endswith("baseline"):
                empty(table_name)
        rows = []
        for work in ("fix", "ledger"):
            base_m, base_r, base_t = results[f"{work}-baseline"]
            svc_m, svc_r, svc_t = results[f"{work}-service"]
            ratio = svc_r["seconds"] / base_r["seconds"]
            met = svc_r["seconds"] <= GOAL_S and ratio <= GOAL_RATIO and base_t == svc_t
            ok &= met
            for label, m, r, t in (("baseline (one SQL statement)", base_m, base_r, base_t),
                                   ("service", svc_m, svc_r, svc_t)):
                rows.append([work, label, f"{r['rows']:,}", t[1], f"{r['seconds']:.2f}", f"{m.seconds:.2f}",
                             f"{m.peak_mb:.0f}", str(r["queries"]),
                             f"{r['seconds'] / base_r['seconds']:.2f}" if label == "service" else "1.00",
                             ("met" if met else "NOT MET") if label == "service" else ""])
        print(table(["work", "run", "rows", "total ¥", "work s", "process s", "peak RSS MB", "SQL statements",
                     "× baseline", f"≤ {GOAL_S:.0f} s, ≤ {GOAL_RATIO:.0f}×, same result"], rows,
                    aligns="llrrrrrrrl"))
        print("work s: the statements alone; process s and peak RSS: the whole measured process (Django start-up "
              "included).")
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
    parser.add_argument("--data", default=str(REPO / ".." / "shared" / "data" / "divisions"))
    parser.add_argument("--sqlite-analyze", action="store_true", default=True)
    parser.add_argument("--smoke", action="store_true", help="tiny run: 2,000 orgs, 20,000 members")
    parser.add_argument("--keep", action="store_true", help="keep the temporary JICENG_VAR_DIR")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    if args.step:
        step(args.step)
        return 0
    if args.smoke:
        args.orgs, args.districts, args.streets, args.communities, args.branches = 2_000, 4, 5, 10, 3
        args.members = 20_000
    if args.postgres and not postgres_reachable():
        print("PostgreSQL is not reachable; skipped.")
        return 3
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
