"""Benchmark: routing 10,000 points to their grids among 20,000 grid polygons (接诉即办 intake).

On a fresh database (SQLite, or a throwaway PostgreSQL database with ``--postgres``), after
``migrate``, it bulk-inserts (not timed) a synthetic district: ``--streets`` streets × ``--communities``
communities × ``--grids`` grids (20 × 50 × 20 = 20,000 grid polygons by default), each grid a slightly
irregular quadrilateral of a lattice, each community the hull of its grids. Then ``--points`` random
points over the district's box and a margin around it (about one in five falls outside every grid).

Timed, interleaved round-robin after a warm-up:

  service    ``routing.routing_index().locate(points)`` — the call intake makes: the cached in-memory
             index (with its freshness check) → grid, community, street and district of every point
  bare       ``shapely.STRtree(polygons).query(points, predicate="within")`` on the same polygons and
             points, the tree built beforehand (the baseline)

and, once, the build of the index from the database (what a process pays when the grids change).
The two answers are compared point by point. Goal: the service ≤ 1 s and within 3× of the bare query.

    .venv/bin/python bench/appeals_routing.py [--postgres] [--iterations 15]
    .venv/bin/python bench/appeals_routing.py --smoke      # 2,000 grids, 1,000 points
"""

from __future__ import annotations

import argparse
import random
import sys
import time

from _common import bench_environment, database_summary, django_setup, percentile, postgres_reachable, table

GOAL_SECONDS = 1.0
GOAL_RATIO = 3.0
LNG0, LAT0, CELL = 116.0, 39.6, 0.002  # grid lattice origin and cell size (degrees)


def quad(x: float, y: float, rng: random.Random) -> dict:
    """A lattice cell with its inner corners nudged (irregular, still non-overlapping)."""
    j = CELL * 0.15
    ring = [[x, y], [x + CELL, y + rng.uniform(0, j)], [x + CELL - rng.uniform(0, j), y + CELL],
            [x + rng.uniform(0, j), y + CELL - rng.uniform(0, j)]]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def build(args) -> tuple[list[dict], tuple[float, float, float, float]]:
    from django.db import connection

    from jiceng.core.models import Area
    from jiceng.core.paths import join
    from jiceng.core.services.areas import official_path

    rng = random.Random(311)
    rows: list[Area] = []

    def area(code, name, level, parent, path, depth, geometry=None):
        rows.append(Area(code=code, name=name, level=level, parent_id=parent, path=path, depth=depth,
                         geometry=geometry, pinyin=""))

    area("110000000000", "北京市", "province", None, official_path("110000000000", "province"), 1)
    area("110100000000", "市辖区", "city", "110000000000", official_path("110100000000", "city"), 2)
    area("110106000000", "丰台区", "district", "110100000000", official_path("110106000000", "district"), 3)
    grids: list[dict] = []
    per_row = args.communities * args.grids // 50 or 1  # cells per lattice row inside a street band
    for s in range(args.streets):
        street = f"110106{s + 1:03d}000"
        area(street, f"街道{s + 1}", "street", "110106000000", official_path(street, "street"), 4)
        for c in range(args.communities):
            community = f"110106{s + 1:03d}{c + 1:03d}"
            cells = []
            for g in range(args.grids):
                n = c * args.grids + g
                x = LNG0 + (n % per_row) * CELL
                y = LAT0 + (s * ((args.communities * args.grids) // per_row + 1) + n // per_row) * CELL
                geometry = quad(x, y, rng)
                cells.append((x, y))
                code = f"{community}G{g + 1}"
                grids.append(geometry)
                area(code, f"第{g + 1}网格", "grid", community,
                     join(official_path(community, "community"), f"G{g + 1}"), 6, geometry)
            xs, ys = [p[0] for p in cells], [p[1] for p in cells]
            hull = {"type": "Polygon", "coordinates": [[[min(xs), min(ys)], [max(xs) + CELL, min(ys)],
                                                        [max(xs) + CELL, max(ys) + CELL],
                                                        [min(xs), max(ys) + CELL], [min(xs), min(ys)]]]}
            area(community, f"社区{s + 1}-{c + 1}", "community", street, official_path(community, "community"), 5,
                 hull)
    Area.objects.bulk_create(rows, batch_size=2000)
    connection.close()
    from shapely.geometry import shape

    bounds = [shape(g).bounds for g in grids]
    box = (min(b[0] for b in bounds), min(b[1] for b in bounds), max(b[2] for b in bounds),
           max(b[3] for b in bounds))
    return grids, box


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--streets", type=int, default=20)
    parser.add_argument("--communities", type=int, default=50)
    parser.add_argument("--grids", type=int, default=20)
    parser.add_argument("--points", type=int, default=10_000)
    parser.add_argument("--iterations", type=int, default=15)
    args = parser.parse_args()
    if args.smoke:
        args.streets, args.communities, args.grids, args.points, args.iterations = 5, 20, 20, 1000, 3
    if args.postgres and not postgres_reachable():
        print("PostgreSQL not reachable: skipped")
        return 3
    with bench_environment(args.postgres, "bench-routing"):
        django_setup()
        import numpy as np
        import shapely
        from shapely.geometry import shape

        from jiceng.appeals import routing

        grids, (x0, y0, x1, y1) = build(args)
        rng = random.Random(12345)
        pad = (x1 - x0) * 0.02
        points = [(rng.uniform(x0 - pad, x1 + pad), rng.uniform(y0, y1)) for _ in range(args.points)]
        started = time.perf_counter()
        routing.routing_index()
        build_seconds = time.perf_counter() - started
        polygons = [shape(g) for g in grids]
        tree = shapely.STRtree(polygons)
        point_array = shapely.points(np.asarray(points))

        def service():
            return routing.routing_index().locate(points)

        def bare():
            return tree.query(point_array, predicate="within")

        service(), bare()  # warm-up
        timings: dict[str, list[float]] = {"service": [], "bare": []}
        for _ in range(args.iterations):
            for name, fn in (("service", service), ("bare", bare)):
                started = time.perf_counter()
                fn()
                timings[name].append(time.perf_counter() - started)
        found = service()
        inputs, hits = bare()
        bare_answer: dict[int, int] = {}
        for i, h in zip(inputs.tolist(), hits.tolist(), strict=True):
            bare_answer.setdefault(i, h)
        from jiceng.core.models import Area

        code_of = dict(Area.objects.filter(level="grid").values_list("pk", "code"))
        grid_codes = [r.code for r in Area.objects.filter(level="grid").order_by("pk")]
        mismatches = sum(1 for i, place in enumerate(found)
                         if (code_of.get(place.grid_id) if place and place.grid_id else None)
                         != (grid_codes[bare_answer[i]] if i in bare_answer else None))
        inside = sum(1 for p in found if p and p.grid_id)
        print(f"{database_summary()}: {len(polygons):,} grid polygons, {args.points:,} points "
              f"({inside:,} inside a grid); index built from the database in {build_seconds:.2f} s")
        rows = []
        for name in ("service", "bare"):
            values = timings[name]
            rows.append([name, f"{percentile(values, 50) * 1000:.1f}", f"{percentile(values, 95) * 1000:.1f}",
                         f"{max(values) * 1000:.1f}"])
        print(table(["", "p50 ms", "p95 ms", "max ms"], rows))
        service_p50, bare_p50 = percentile(timings["service"], 50), percentile(timings["bare"], 50)
        ratio = service_p50 / bare_p50
        print(f"service / bare (p50): {ratio:.2f}× (goal ≤ {GOAL_RATIO:.0f}×); "
              f"service p95 {percentile(timings['service'], 95):.3f} s (goal ≤ {GOAL_SECONDS:.0f} s); "
              f"answers differing from the bare query: {mismatches}")
        met = ratio <= GOAL_RATIO and percentile(timings["service"], 95) <= GOAL_SECONDS and not mismatches
        print("goal met" if met else "goal NOT met")
        return 0 if not mismatches else 1


if __name__ == "__main__":
    sys.exit(main())
