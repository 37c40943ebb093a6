"""A tiny run of the roll import benchmark, so that bench/import_members.py keeps working as the code
changes. The figures of a smoke run mean nothing; `make bench` measures."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def test_import_members_benchmark_smoke_run():
    env = {"PATH": "/usr/bin:/bin", "HOME": str(REPO)}
    result = subprocess.run([sys.executable, str(REPO / "bench" / "import_members.py"), "--rows", "300"], cwd=REPO,
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "'good': 300, 'bad': 0, 'created': 300} -> ok" in result.stdout
    assert "result: PASS" in result.stdout
