"""A tiny run of the routing benchmark, so that bench/appeals_routing.py keeps working as the code changes.
The figures of a smoke run mean nothing; `make bench` measures."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def test_routing_benchmark_smoke_run():
    env = {"PATH": "/usr/bin:/bin", "HOME": str(REPO)}
    result = subprocess.run([sys.executable, str(REPO / "bench" / "appeals_routing.py"), "--smoke"], cwd=REPO,
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "answers differing from the bare query: 0" in result.stdout
