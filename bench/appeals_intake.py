"""Benchmark: filing appeals through ``POST /api/v1/appeals`` against a real server, next to the same
server's trivial endpoint (``GET /healthz``) in the same run.

On a fresh database (SQLite in a temporary JICENG_VAR_DIR, or a throwaway PostgreSQL database with
``--postgres`` / ``--database postgres://user@host:port``), after ``migrate``, it builds (not timed) one
district with ``--streets`` streets of 8 communities of 6 grids each (square boundaries), then starts
gunicorn as ``bin/run`` does (``--workers`` × ``--threads``, gthread) and, from ``--connections`` client
threads each holding a keep-alive connection:

  baseline  ``--requests`` × ``GET /healthz``
  intake    ``--requests`` × ``POST /api/v1/appeals``: anonymous, each with its own mobile number, its own
            ``Idempotency-Key`` and a point inside a random grid (so every request is placed by the routing
            index, gets deadlines, a suggested category, an event and an audit row)

The per-address rate limit is lifted for the run (``JICENG_APPEAL_RATE_PER_HOUR`` very high: every request
comes from 127.0.0.1); the per-phone counter still runs, each phone filing once. It prints requests per
second of both, their ratio (goal ≥ 0.35) and p50/p95/p99 latency (goal p99 ≤ 150 ms), and checks the
outcome: every answer 201, as many appeals in the database, each placed in a grid.

    .venv/bin/python bench/appeals_intake.py [--postgres | --database postgres://postgres@127.0.0.1:5432]
                                             [--requests 2000] [--connections 32]
    .venv/bin/python bench/appeals_intake.py --smoke      # 60 requests, 8 connections
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from urllib.parse import urlsplit

from _common import bench_environment, database_summary, django_setup, percentile, postgres_reachable, table
from bookings import burst, free_port, start_server, stop_server

GOAL_RATIO = 0.35
GOAL_P99_MS = 150.0
CATEGORIES = ["city.manhole", "city.garbage", "environment.noise", "housing.property", "safety.parking"]
TYPES = ["投诉", "求助", "咨询", "举报", "建议"]
SIDE = 0.004


def build(args) -> list[tuple[float, float]]:
    """The territory: a district, streets, communities and grids with square boundaries. Returns one
    (lng, lat) point inside each grid."""
    from jiceng.core.models import Area
    from jiceng.core.models.territory import AreaLevel
    from jiceng.core.pinyin import initials
    from jiceng.core.services.areas import join, official_path

    def official(code, name, level, parent, depth):
        return Area.objects.create(code=code, name=name, level=level, parent=parent, depth=depth,
                                   path=official_path(code, level), pinyin=initials(name))

    city = official("110100000000", "市辖区", AreaLevel.CITY, None, 2)
    district = official("110106000000", "丰台区", AreaLevel.DISTRICT, city, 3)
    points, grids = [], []
    for s in range(args.streets):
        street = official(f"110106{s + 1:03d}000", f"第{s + 1}街道", AreaLevel.STREET, district, 4)
        for c in range(8):
            community = official(f"110106{s + 1:03d}{c + 1:03d}", f"第{s + 1}街道第{c + 1}社区", AreaLevel.COMMUNITY,
                                 street, 5)
            for g in range(6):
                lng = 116.2 + (s * 8 + c) * SIDE * 7 + g * SIDE
                lat = 39.8
                geometry = {"type": "Polygon", "coordinates": [[[lng, lat], [lng + SIDE, lat],
                                                                [lng + SIDE, lat + SIDE], [lng, lat + SIDE],
                                                                [lng, lat]]]}
                code = f"{community.code}G{g + 1:03d}"
                grids.append(Area(code=code, name=f"第{g + 1}网格", level=AreaLevel.GRID, parent=community, depth=6,
                                  path=join(community.path, code[12:]), pinyin="wg", geometry=geometry,
                                  latitude=lat + SIDE / 2, longitude=lng + SIDE / 2))
                points.append((lng + SIDE / 2, lat + SIDE / 2))
    Area.objects.bulk_create(grids, batch_size=1000)
    return points


def bodies(n: int, points: list[tuple[float, float]]) -> list[bytes]:
    rng = random.Random(6)
    out = []
    for i in range(n):
        lng, lat = rng.choice(points)
        out.append(json.dumps({
            "type": TYPES[i % len(TYPES)], "category": CATEGORIES[i % len(CATEGORIES)],
            "content": f"第{i}号：小区门口井盖丢了，夜里很危险，请尽快处理", "name": f"居民{i}", "phone": f"138{i:08d}",
            "lat": round(lat + rng.uniform(-SIDE / 3, SIDE / 3), 6),
            "lng": round(lng + rng.uniform(-SIDE / 3, SIDE / 3), 6)}, ensure_ascii=False).encode())
    return out


def run(args) -> int:
    os.environ["JICENG_APPEAL_RATE_PER_HOUR"] = "100000000"  # every request comes from 127.0.0.1
    with bench_environment(args.postgres, "jiceng-bench-intake", keep=args.keep):
        django_setup(migrate=True)
        from django.db import connection

        from jiceng.appeals.models import Appeal

        engine = database_summary()
        points = build(args)
        connection.close()
        port = free_port()
        server = start_server(port, args)
        headers = {"Content-Type": "application/json"}
        try:
            burst(port, [("GET", "/healthz", None, {})] * 50, min(args.connections, 8))  # warm-up
            warm = [("POST", "/api/v1/appeals", b, {**headers, "Idempotency-Key": f"warm-{i}"})
                    for i, b in enumerate(bodies(args.workers * args.threads * 2, points))]
            burst(port, [(m, p, b.replace(b'"138', b'"139'), h) for m, p, b, h in warm], min(args.connections, 8))
            base_s, base = burst(port, [("GET", "/healthz", None, {})] * args.requests, args.connections)
            jobs = [("POST", "/api/v1/appeals", b, {**headers, "Idempotency-Key": f"bench-{i}"})
                    for i, b in enumerate(bodies(args.requests, points))]
            post_s, posted = burst(port, jobs, args.connections)
        finally:
            stop_server(server)

        statuses = [code for code, _b, _l in posted]
        created = Appeal.objects.filter(client_key__startswith="bench-")
        in_grid = created.filter(grid__isnull=False).count()

        def figures(label, seconds, results):
            lat = [r[2] * 1000 for r in results]
            return [label, str(len(results)), f"{seconds:.2f}", f"{len(results) / seconds:.0f}",
                    f"{percentile(lat, 50):.1f}", f"{percentile(lat, 95):.1f}", f"{percentile(lat, 99):.1f}"]

        base_rps, post_rps = args.requests / base_s, args.requests / post_s
        p99 = percentile([r[2] * 1000 for r in posted], 99)
        print(f"== appeal intake · {engine} · gunicorn {args.workers} workers × {args.threads} threads · "
              f"{args.connections} client connections")
        print(table(["requests", "n", "time s", "req/s", "p50 ms", "p95 ms", "p99 ms"],
                    [figures("GET /healthz (baseline)", base_s, base),
                     figures("POST /api/v1/appeals", post_s, posted)]))
        others = {code: statuses.count(code) for code in set(statuses) if code != 201}
        if others:
            sample = next(body for code, body, _l in posted if code != 201)
            print(f"non-201 answers {others}; first: {sample[:300]!r}")
        print(f"outcome: 201 × {statuses.count(201)}; appeals in the database {created.count()}, placed in a grid "
              f"{in_grid}")
        ratio = post_rps / base_rps
        print(f"req/s ratio to /healthz: {ratio:.2f} (goal ≥ {GOAL_RATIO}) · p99 {p99:.0f} ms "
              f"(goal ≤ {GOAL_P99_MS:.0f} ms)")
        correct = statuses.count(201) == args.requests == created.count() == in_grid
        met = ratio >= GOAL_RATIO and p99 <= GOAL_P99_MS
        connection.close()
    print("result:", ("PASS" if correct else "FAIL (wrong outcome)") + ("; goals met" if met else "; goals NOT met"))
    return 0 if correct else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL database instead of SQLite")
    parser.add_argument("--database", metavar="URL", help="PostgreSQL server to make the throwaway database on "
                        "(postgres://user@host:port; a database name in the URL is ignored)")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--streets", type=int, default=4)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "4")))
    parser.add_argument("--smoke", action="store_true", help="tiny run: 60 requests, 8 connections, 1 street")
    parser.add_argument("--keep", action="store_true", help="keep the temporary JICENG_VAR_DIR")
    args = parser.parse_args(argv)
    if args.database:
        parts = urlsplit(args.database)
        if parts.scheme not in ("postgres", "postgresql"):
            parser.error("--database takes a postgres:// URL")
        os.environ["JICENG_BENCH_PG"] = f"{parts.scheme}://{parts.netloc}"
        args.postgres = True
    if args.smoke:
        args.requests, args.connections, args.streets = 60, 8, 1
    if args.postgres and not postgres_reachable():
        print("PostgreSQL is not reachable; skipped.")
        return 3
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
