"""A tiny run of the dues benchmark, so that bench/dues.py keeps working as the code changes. The
figures of a smoke run mean nothing; `make bench` measures."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def test_dues_benchmark_smoke_run():
    env = {"PATH": "/usr/bin:/bin", "HOME": str(REPO)}
    tiny = ["--members", "2000", "--orgs", "200", "--districts", "2", "--streets", "2", "--communities", "5",
            "--branches", "2"]
    result = subprocess.run([sys.executable, str(REPO / "bench" / "dues.py"), *tiny], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "| fix    | service" in result.stdout and "| ledger | service" in result.stdout
    assert "result: goal" in result.stdout
