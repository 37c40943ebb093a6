"""Benchmark: a burst of booking requests against a real server ("手慢无": the lunch-hour quota gone
in seconds).

On a fresh database (SQLite in a temporary JICENG_VAR_DIR, or a throwaway PostgreSQL database with
``--postgres``), after ``migrate``, it builds (not timed) one center with one session of ``--places``
places (waitlist on) and ``--requests`` residents with a token each, then starts gunicorn as
``bin/run`` does (``--workers`` × ``--threads``, gthread) and, from ``--connections`` client threads
each holding a keep-alive connection:

  baseline  the same number of ``GET /healthz`` (one ``SELECT 1`` and one small query)
  bookings  ``POST /api/v1/activities/{id}/sessions/{sid}/bookings``, one per resident, all at once

It prints the time to answer all, requests per second and their ratio to the baseline (goal ≥ 0.3×),
p50/p99 latency (goal p99 ≤ 300 ms), and checks the outcome in the database: confirmed = places,
overbookings = 0, waitlist positions 1..n without gaps or duplicates, nobody twice.

    .venv/bin/python bench/bookings.py [--postgres] [--requests 1000] [--places 50] [--connections 64]
    .venv/bin/python bench/bookings.py --smoke        # 120 requests, 10 places, 16 connections
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from _common import REPO, bench_environment, database_summary, django_setup, percentile, postgres_reachable, table

GOAL_RATIO = 0.3
GOAL_P99_MS = 300.0


def build(args):
    """One center, one session of ``args.places`` places, ``args.requests`` residents with tokens."""
    from django.utils import timezone

    from jiceng.centers.models import Center, Resident, ResidentToken
    from jiceng.centers.services import activities
    from jiceng.centers.services.otp import TOKEN_PREFIX
    from jiceng.core.models import Area
    from jiceng.core.scope import system_actor
    from jiceng.core.services.areas import official_path

    area = Area.objects.create(code="110106015000", name="马家堡街道", level="street", depth=4,
                               path=official_path("110106015000", "street"))
    center = Center.objects.create(name="马家堡街道党群服务中心", level="street", area=area)
    starts = timezone.localtime(timezone.now() + timedelta(days=2)).replace(hour=12, minute=0, second=0, microsecond=0)
    activity = activities.activity_create(system_actor("bench"), data=activities.ActivityInput(
        center=center, title="午间'驿'小时", starts_at=starts, ends_at=starts + timedelta(hours=1),
        capacity=args.places))
    people = []
    for n in range(args.requests):
        r = Resident(name=f"居民{n}")
        r.set_phone(f"138{n:08d}")
        people.append(r)
    Resident.objects.bulk_create(people, batch_size=2000)
    residents = list(Resident.objects.order_by("pk"))
    raws = [TOKEN_PREFIX + secrets.token_urlsafe(24) for _ in residents]
    expires = timezone.now() + timedelta(days=1)
    ResidentToken.objects.bulk_create([ResidentToken(resident=r, digest=hashlib.sha256(raw.encode()).hexdigest(),
                                                     expires_at=expires) for r, raw in zip(residents, raws,
                                                                                          strict=True)],
                                      batch_size=2000)
    return activity, activity.sessions.get(), raws


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, args) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [str(gunicorn), "jiceng.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
         "--threads", str(args.threads), "--worker-class", "gthread", "--log-level", "warning",
         "--backlog", "2048"],
        cwd=REPO, env={**os.environ, "JICENG_LOG_LEVEL": "WARNING"}, start_new_session=True)
    for _ in range(200):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.1)
    stop_server(proc)
    raise SystemExit("gunicorn did not answer /healthz")


def stop_server(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def burst(port: int, jobs: list[tuple[str, str, bytes | None, dict]], connections: int):
    """Send ``jobs`` (method, path, body, headers) from ``connections`` keep-alive connections released
    together. Returns (seconds, [(status, body, latency_s)])."""
    results: list = [None] * len(jobs)
    cursor = iter(range(len(jobs)))
    lock = threading.Lock()
    gate = threading.Barrier(connections + 1)

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        gate.wait()
        while True:
            with lock:
                i = next(cursor, None)
            if i is None:
                break
            method, path, body, headers = jobs[i]
            started = time.perf_counter()
            for attempt in range(2):  # a keep-alive connection the server closed is opened again once
                try:
                    conn.request(method, path, body=body, headers=headers)
                    response = conn.getresponse()
                    data = response.read()
                    break
                except (http.client.HTTPException, OSError):
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                    if attempt:
                        raise
            results[i] = (response.status, data, time.perf_counter() - started)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    gate.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - started, results


def run(args) -> int:
    with bench_environment(args.postgres, "jiceng-bench-bookings", keep=args.keep):
        django_setup(migrate=True)
        from django.db import connection

        from jiceng.centers.models import Booking

        engine = database_summary()
        activity, session, tokens = build(args)
        connection.close()
        port = free_port()
        server = start_server(port, args)
        try:
            burst(port, [("GET", "/healthz", None, {})] * 50, min(args.connections, 8))  # warm-up
            base_s, base = burst(port, [("GET", "/healthz", None, {})] * args.requests, args.connections)
            path = f"/api/v1/activities/{activity.pk}/sessions/{session.pk}/bookings"
            book_s, booked = burst(port, [("POST", path, None, {"Authorization": f"Bearer {t}"}) for t in tokens],
                                   args.connections)
        finally:
            stop_server(server)

        statuses = [code for code, _body, _lat in booked]
        bodies = [json.loads(body) for _code, body, _lat in booked]
        positions = sorted(b["position"] for code, b in zip(statuses, bodies, strict=True) if code == 202)
        rows = Booking.objects.filter(session=session)
        confirmed = rows.filter(status="confirmed").count()
        session.refresh_from_db()
        overbooked = max(confirmed - args.places, 0, session.confirmed - args.places)
        distinct = rows.values("resident").distinct().count()
        errors = sum(code >= 500 or code not in (201, 202) for code in statuses)
        gapless = positions == list(range(1, args.requests - args.places + 1))

        def figures(label, seconds, results):
            lat = [r[2] * 1000 for r in results]
            return [label, str(len(results)), f"{seconds:.2f}", f"{len(results) / seconds:.0f}",
                    f"{percentile(lat, 50):.1f}", f"{percentile(lat, 99):.1f}"]

        base_rps, book_rps = args.requests / base_s, args.requests / book_s
        book_p99 = percentile([r[2] * 1000 for r in booked], 99)
        print(f"== booking burst · {engine} · gunicorn {args.workers} workers × {args.threads} threads · "
              f"{args.connections} client connections")
        print(table(["requests", "n", "time to answer all s", "req/s", "p50 ms", "p99 ms"],
                    [figures("GET /healthz (baseline)", base_s, base), figures("POST …/bookings", book_s, booked)]))
        print(f"outcome: 201 confirmed {statuses.count(201)}, 202 waitlisted {statuses.count(202)}, other {errors}; "
              f"in the database: confirmed {confirmed} (places {args.places}), overbookings {overbooked}, "
              f"bookings {rows.count()} by {distinct} people, waitlist positions 1..{len(positions)} "
              f"{'without gaps or duplicates' if gapless else 'BROKEN'}")
        ratio = book_rps / base_rps
        correct = confirmed == args.places and overbooked == 0 and errors == 0 and gapless and distinct == rows.count()
        print(f"req/s ratio to /healthz: {ratio:.2f} (goal ≥ {GOAL_RATIO}) · p99 {book_p99:.0f} ms "
              f"(goal ≤ {GOAL_P99_MS:.0f} ms)")
        met = ratio >= GOAL_RATIO and book_p99 <= GOAL_P99_MS
        connection.close()
    print("result:", ("PASS" if correct else "FAIL (wrong outcome)") + ("; goals met" if met else "; goals NOT met"))
    return 0 if correct else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL database instead of SQLite")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--places", type=int, default=50)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "4")))
    parser.add_argument("--smoke", action="store_true", help="tiny run: 120 requests, 10 places, 16 connections")
    parser.add_argument("--keep", action="store_true", help="keep the temporary JICENG_VAR_DIR")
    args = parser.parse_args(argv)
    if args.smoke:
        args.requests, args.places, args.connections = 120, 10, 16
    if args.postgres and not postgres_reachable():
        print("PostgreSQL is not reachable; skipped.")
        return 3
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
