"""A tiny run of the stats benchmark (SQLite, 3,000 appeals), so that bench/appeals_stats.py keeps working
as the code changes. The figures of a smoke run mean nothing; the 5,000,000-appeal run on PostgreSQL measures."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def test_stats_benchmark_smoke_run():
    env = {"PATH": "/usr/bin:/bin", "HOME": str(REPO)}
    result = subprocess.run([sys.executable, str(REPO / "bench" / "appeals_stats.py"), "--smoke"], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "rollup equals raw per street: True" in result.stdout
    assert "three rates (rollup + live open)" in result.stdout and "result:" in result.stdout
