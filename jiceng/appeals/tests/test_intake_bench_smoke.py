"""A tiny run of the intake benchmark (a real gunicorn), so that bench/appeals_intake.py keeps working as
the code changes. The figures of a smoke run mean nothing; `make bench` measures."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def test_intake_benchmark_smoke_run():
    env = {"PATH": "/usr/bin:/bin", "HOME": str(REPO)}
    result = subprocess.run([sys.executable, str(REPO / "bench" / "appeals_intake.py"), "--smoke"], cwd=REPO,
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "outcome: 201 × 60; appeals in the database 60, placed in a grid 60" in result.stdout
    assert "result: PASS" in result.stdout
