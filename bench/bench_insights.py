"""How fast the insights page answers over 100,000 finished assessments on SQLite.

Run:  .venv/bin/python bench/bench_insights.py [--database-url URL] [--count 100000]
          [--runs 5] [--requests 20]   (or `make bench-insights`)

Without --database-url it seeds a SQLite file in a temporary folder with bench.seed (about a
minute for 100,000) and deletes it afterwards; with one, it seeds only when the database holds
fewer finished assessments than --count. It then starts the app under uvicorn, as `make run` does,
and times GET /insights (unfiltered: every assessment counted), GET /api/v1/insights, and the page
filtered by recommendation and by a search, `--requests` times each per run, after one warm-up
request. It prints each run's p50 and the median of those p50s, per case.
Not a test: timings depend on the machine; run it on a quiet one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx2 as httpx  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from bench.uvicorn_process import ROOT, Server  # noqa: E402

CASES = {
    "/insights": "/insights",
    "/api/v1/insights": "/api/v1/insights",
    "/insights?recommendation=rag": "/insights?recommendation=rag",
    "/insights?q=support": "/insights?q=support",
}


def finished_count(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                text("SELECT count(*) FROM assessments WHERE finished_at IS NOT NULL")
            ).scalar_one()
    except Exception:  # noqa: BLE001 - no table yet: nothing seeded
        return 0
    finally:
        engine.dispose()


def seed(url: str, count: int) -> None:
    missing = count - finished_count(url)
    if missing > 0:
        print(f"seeding {missing:,} assessments into {url} ...", flush=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.seed",
                "--count",
                str(missing),
                "--database-url",
                url,
                "--migrate",
            ],
            cwd=ROOT,
            check=True,
        )
    else:
        subprocess.run(
            [sys.executable, "-m", "alembic", "upgrade", "head"],
            cwd=ROOT,
            check=True,
            env={**os.environ, "DATABASE_URL": url},
        )


def p50(client: httpx.Client, path: str, requests: int) -> float:
    assert client.get(path).status_code == 200, path  # warm-up, and a check
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: a new SQLite file, deleted afterwards")
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=20, help="requests per case and run")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench_insights_") as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'insights.db'}"
        seed(url, args.count)
        print(f"{finished_count(url):,} finished assessments", flush=True)
        server = Server(url, Path(folder) / "server.log")
        server.start()
        results: dict[str, list[float]] = {case: [] for case in CASES}
        try:
            with httpx.Client(base_url=server.base_url, timeout=60.0) as client:
                for run in range(args.runs):
                    for case, path in CASES.items():
                        results[case].append(p50(client, path, args.requests))
                    print(
                        f"run {run + 1}: "
                        + ", ".join(f"{c} {r[-1] * 1000:.0f} ms" for c, r in results.items()),
                        flush=True,
                    )
        finally:
            server.stop()
    print(f"\np50 over {args.requests} requests, median of {args.runs} runs:")
    for case, values in results.items():
        print(
            f"  {case:32} {statistics.median(values) * 1000:7.1f} ms  (runs: "
            + ", ".join(f"{v * 1000:.0f}" for v in values)
            + ")"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
