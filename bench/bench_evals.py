"""Time the eval-run check on 100,000 cases in every format, in process and through the API.

Run: .venv/bin/python bench/bench_evals.py   (or `make bench-evals`)
Target (issue 24): 100,000 cases checked in under 2 s median. Each format's file is generated
once (tests/eval_files.py: the shapes promptfoo, openai/evals and Inspect write), then:

- in process, checked REPEAT times (`app.evals.check`: reading, counting, the Wilson interval,
  cases to tell each target): the median wall time, its ratio to the 2 s target, the median CPU
  time of this process (on a shared machine the wall time also holds the waits for a core), and
  the median of checking the same run against an earlier one (the McNemar step);
- through the app, `POST /api/v1/evals/check` with the file, REPEAT times: the median wall time,
  its ratio to the target, and the median CPU time (the in-process test client's too: it builds
  and sends the body). The upload limit is raised to 256 MB for this (the default,
  APP_MAX_UPLOAD_BYTES = 20 MB, refuses the larger 100,000-case logs with 413).

BENCH_REPEAT (default 5) and BENCH_FORMATS (default: all) narrow a run.
Not a test: timings depend on the machine and on whatever else runs on it.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("APP_ALLOWED_HOSTS", "testserver")

from app import evals  # noqa: E402
from tests import eval_files  # noqa: E402

CASES = 100_000
TARGET = 2.0  # seconds, median
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
UPLOAD_LIMIT = 256 * 1024 * 1024
# A comma-separated subset of tests/eval_files.FORMATS (default: all of them).
ONLY = [f for f in os.environ.get("BENCH_FORMATS", "").split(",") if f]


def medians(action) -> tuple[float, float]:
    """(median wall seconds, median CPU seconds of this process) over REPEAT runs."""
    walls, cpus = [], []
    for _ in range(REPEAT):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    print(f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{CASES:,} cases, medians of {REPEAT} runs; load average {load:.1f} at the start\n")
    formats = ONLY or list(eval_files.FORMATS)
    rows = eval_files.outcomes(CASES, seed=1)
    earlier = eval_files.outcomes(CASES, seed=2)
    files = {fmt: eval_files.build(fmt, rows) for fmt in formats}

    print("In process (app.evals.check)")
    header = f"{'format':<22}{'size':>9}{'median':>9}{'/ 2 s':>8}{'CPU':>8}{'with earlier':>14}"
    print(header)
    for fmt in formats:
        data = files[fmt]
        before = eval_files.build(fmt, earlier)
        one, cpu = medians(lambda d=data: evals.check([("run", d)]))
        two, _ = medians(lambda d=data, b=before: evals.check([("old", b), ("run", d)]))
        del before
        print(
            f"{fmt:<22}{len(data) / 1e6:>7.1f}MB{one:>8.2f}s{one / TARGET:>8.2f}"
            f"{cpu:>7.2f}s{two:>13.2f}s"
        )

    from starlette.testclient import TestClient

    from app.main import create_app
    from app.settings import Settings
    from tests.conftest import migrate

    print("\nThrough the app (POST /api/v1/evals/check)")
    print(f"{'format':<22}{'size':>9}{'median':>9}{'/ 2 s':>8}{'CPU':>8}")
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{directory}/bench.db"
        migrate(url)
        app = create_app(Settings(database_url=url, max_upload_bytes=UPLOAD_LIMIT))
        with TestClient(app) as client:
            for fmt in formats:
                data = files[fmt]

                def post(d=data) -> None:
                    response = client.post("/api/v1/evals/check", files={"file": ("run", d)})
                    assert response.status_code == 200, response.text[:300]
                    assert response.json()["cases"] == CASES

                seconds, cpu = medians(post)
                print(
                    f"{fmt:<22}{len(data) / 1e6:>7.1f}MB{seconds:>8.2f}s{seconds / TARGET:>8.2f}"
                    f"{cpu:>7.2f}s"
                )
        app.state.db.dispose()


if __name__ == "__main__":
    main()
