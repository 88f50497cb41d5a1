"""Time the eval-run check on 100,000 cases in every format, and the API on the largest CSV run.

Run: .venv/bin/python bench/bench_evals.py   (or `make bench-evals`)
Target (issue 24): 100,000 cases checked in under 2 s median. Each format's file is generated
once (tests/eval_files.py: the shapes promptfoo, openai/evals and Inspect write), then checked
REPEAT times (`app.evals.check`: reading, counting, the Wilson interval, cases to tell each
target); a second pass checks the same run against an earlier one (the McNemar step). Then
`POST /api/v1/evals/check` uploads the 100,000-case CSV (about 4.5 MB) through the whole app.
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
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
# A comma-separated subset of tests/eval_files.FORMATS (default: all of them).
ONLY = [f for f in os.environ.get("BENCH_FORMATS", "").split(",") if f]


def median_seconds(action) -> tuple[float, float]:
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def main() -> None:
    print(f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs")
    print(f"{CASES:,} cases, median and best of {REPEAT}\n")
    rows = eval_files.outcomes(CASES, seed=1)
    earlier = eval_files.outcomes(CASES, seed=2)
    print(f"{'format':<22}{'size':>10}{'one run':>12}{'best':>9}{'with earlier':>14}")
    for fmt in ONLY or eval_files.FORMATS:
        data = eval_files.build(fmt, rows)
        before = eval_files.build(fmt, earlier)
        one, best = median_seconds(lambda d=data: evals.check([("run", d)]))
        two, _ = median_seconds(lambda d=data, b=before: evals.check([("old", b), ("run", d)]))
        size = f"{len(data) / 1e6:.1f} MB"
        print(f"{fmt:<22}{size:>10}{one:>11.2f}s{best:>8.2f}s{two:>13.2f}s")

    from starlette.testclient import TestClient

    from app.main import create_app
    from app.settings import Settings
    from tests.conftest import migrate

    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{directory}/bench.db"
        migrate(url)
        app = create_app(Settings(database_url=url))
        data = eval_files.build("csv", rows)
        with TestClient(app) as client:

            def post() -> None:
                response = client.post("/api/v1/evals/check", files={"file": ("run.csv", data)})
                assert response.status_code == 200, response.text
                assert response.json()["cases"] == CASES

            seconds, best = median_seconds(post)
        app.state.db.dispose()
    print(
        f"\nPOST /api/v1/evals/check, CSV {len(data) / 1e6:.1f} MB: {seconds:.2f}s median, {best:.2f}s best"
    )


if __name__ == "__main__":
    main()
