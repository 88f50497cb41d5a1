"""R1 and R2, short: the reliability scripts in bench/ run as they do on demand, only smaller.

The full versions (32 clients for 60 s; 30 kills) are run by hand:
    .venv/bin/python bench/reliability_load.py
    .venv/bin/python bench/reliability_crash.py
Each exits non-zero on failure and ends its output with `RESULT {json}`.
"""

import json
import subprocess
import sys

import pytest

from app.settings import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.serial]  # load and kill -9 timings


def run_script(name: str, *args: str, timeout: float = 180) -> tuple[int, dict, str]:
    completed = subprocess.run(
        [sys.executable, str(ROOT / "bench" / name), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    output = completed.stdout + completed.stderr
    lines = [line for line in completed.stdout.splitlines() if line.startswith("RESULT ")]
    result = json.loads(lines[-1].removeprefix("RESULT ")) if lines else {}
    return completed.returncode, result, output


def test_r1_concurrent_wizard_runs_lose_nothing_and_never_fail(tmp_path):
    code, result, output = run_script(
        "reliability_load.py",
        "--clients",
        "8",
        "--seconds",
        "5",
        "--database-url",
        f"sqlite:///{tmp_path / 'wizard.db'}",
    )
    assert code == 0, output[-4000:]
    assert result["completed"] > 0
    assert result["lost"] == 0
    assert result["server_errors_5xx"] == 0
    assert result["locked"] == 0
    assert result["transport_errors"] == 0
    assert result["integrity_check"] == "ok"
    assert result["p50_ms"] > 0 and result["p99_ms"] >= result["p50_ms"]


def test_r2_kill_9_loses_no_acknowledged_assessment(tmp_path):
    code, result, output = run_script(
        "reliability_crash.py",
        "--kills",
        "3",
        "--max-delay",
        "1.0",
        "--database-url",
        f"sqlite:///{tmp_path / 'wizard.db'}",
    )
    assert code == 0, output[-4000:]
    assert result["kills"] == 3
    assert result["acknowledged"] > 0
    assert result["failures"] == 0
    assert result["server_errors_5xx"] == 0
    assert result["locked"] == 0
    assert result["integrity_checks"] >= 2 * 3
    assert result["verified_over_http"] >= result["acknowledged"]
