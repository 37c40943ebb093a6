"""A tiny run of each benchmark, so that bench/ keeps working as the code changes. The figures of a
smoke run mean nothing; `make bench` measures."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
BEIJING = REPO / "jiceng" / "core" / "data" / "divisions" / "beijing"


def run(script: str, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(REPO)}
    return subprocess.run([sys.executable, str(REPO / "bench" / script), *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(("script", "args"), [
    ("import_divisions.py", ["--smoke", "--data", str(BEIJING)]),
    ("scoped_orgs.py", ["--smoke", "--data", str(BEIJING)]),
])
def test_benchmark_smoke_run(script, args):
    result = run(script, *args)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "result:" in result.stdout
