"""How the history page scales: p50 latency at 1k, 10k, 100k and 1M stored assessments.

Run:  .venv/bin/python bench/bench_history_scale.py [--backends sqlite,postgresql]
          [--sizes 1000,10000,100000,1000000] [--stop-after 100000] [--reps 200] [--http-reps 100]

For each backend it makes a database of its own (a SQLite file in a temporary folder; a
PostgreSQL database named bench_history_<pid> next to TEST_POSTGRES_URL's), migrates it, and
grows it with bench.seed to each size in turn. At each size it times the history queries
through the service function (`history.history`) and through HTTP (GET /assessments on
the full app: middleware, rendering), and measures storage per assessment. It prints one table
per backend and the 1M/1k ratios, then drops what it made.

The goal (issue "Throughput at the limit"): at 1M, each of the four main cases (first page,
later page by cursor, search, filter) answers in a p50 at most 2x its p50 at 1k.
Not a test: timings depend on the machine; run it on a quiet one and read ratios, which come
from the same run.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from app import history  # noqa: E402
from app.db import Database  # noqa: E402
from app.main import create_app  # noqa: E402
from app.settings import Settings  # noqa: E402
from bench.seed import SEED, migrate, seed  # noqa: E402

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SIZES = (1_000, 10_000, 100_000, 1_000_000)
CURSOR_DEPTH = 500  # "a later page": the page after the 500th newest assessment

# The four cases of the goal, then a few more that show the edges of the design.
MAIN = ("first page", "later page", "search", "filter")
CASES: dict[str, dict[str, str]] = {
    "first page": {},
    "later page": {},  # + cursor, filled in per size
    "search": {"q": "refund"},  # a product word in ~3% of titles
    "filter": {"recommendation": "fine_tune"},
    "search + filter": {"q": "support", "recommendation": "rag"},
    "search, rare": {"q": "kyc redaction"},  # ~0.2% of titles
    "search, no match": {"q": "zzqx"},
    "search, Chinese": {"q": "退款助手"},
    "search, 2 chars": {"q": "客服"},  # shorter than a trigram: the newest-10,000 window
}


def later_cursor(db: Database) -> str:
    cursor, seen = None, 0
    while seen < CURSOR_DEPTH:
        page = history.history(db, cursor=cursor, limit=100)
        seen += len(page.items)
        cursor = page.next_cursor
    assert cursor is not None
    return cursor


def storage(url: str, rows: int) -> dict[str, float]:
    engine = create_engine(url)
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            path = make_url(url).database
            total = os.path.getsize(path) + sum(
                os.path.getsize(path + suffix)
                for suffix in ("-wal",)
                if os.path.exists(path + suffix)
            )
            parts = {}
            try:
                parts = dict(
                    connection.execute(
                        text(
                            "SELECT CASE WHEN name LIKE 'assessments_search%' THEN 'search index'"
                            " WHEN name LIKE 'sqlite_autoindex%' OR name LIKE 'ix_%' THEN 'indexes'"
                            " ELSE 'table' END, sum(pgsize) FROM dbstat GROUP BY 1"
                        )
                    ).all()
                )
            except Exception:  # noqa: BLE001 - dbstat is optional in SQLite builds
                pass
        else:
            total = connection.execute(
                text(
                    "SELECT pg_total_relation_size('assessments') + pg_total_relation_size('assessment_counts')"
                )
            ).scalar()
            parts = dict(
                connection.execute(
                    text(
                        "SELECT 'heap', pg_relation_size('assessments') UNION ALL "
                        "SELECT 'toast', pg_total_relation_size('assessments') - pg_relation_size('assessments')"
                        " - pg_indexes_size('assessments') UNION ALL "
                        "SELECT 'btree indexes', sum(pg_relation_size(indexrelid)) FROM pg_index i"
                        " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam"
                        " WHERE indrelid = 'assessments'::regclass AND amname = 'btree' UNION ALL "
                        "SELECT 'trigram indexes', sum(pg_relation_size(indexrelid)) FROM pg_index i"
                        " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam"
                        " WHERE indrelid = 'assessments'::regclass AND amname = 'gin'"
                    )
                ).all()
            )
    engine.dispose()
    result = {"bytes per assessment": total / rows}
    result.update({f"  {name}": float(size or 0) / rows for name, size in parts.items()})
    return result


def snapshot(backend: str, url: str, size: int, workdir: Path, admin) -> str:
    """A frozen copy of the growing database at this size, so that all sizes can be timed
    side by side, interleaved, which cancels the drift of a shared, noisy machine."""
    if backend == "sqlite":
        engine = create_engine(url)
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        path = workdir / f"history_{size}.db"
        shutil.copyfile(make_url(url).database, path)
        return f"sqlite:///{path}"
    name = f"{make_url(url).database}_{size}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(url).database}"'))
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def run_backend(backend: str, sizes: list[int], reps: int, http_reps: int) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="bench_history_"))
    admin = (
        create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT") if backend != "sqlite" else None
    )
    if admin is None:
        url = f"sqlite:///{workdir / 'history.db'}"
    else:
        name = f"bench_history_{os.getpid()}"
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    results: dict = {"sizes": {}}
    snapshots: dict[int, str] = {}
    try:
        migrate(url)
        now = datetime.now(UTC)
        stored = 0
        for size in sizes:
            db = Database(url)
            started = time.perf_counter()
            added = seed(db, size - stored, rng_seed=SEED + stored, now=now)
            elapsed = time.perf_counter() - started
            db.dispose()
            stored += added
            if backend == "postgresql":
                engine = create_engine(url, isolation_level="AUTOCOMMIT")
                with engine.connect() as connection:
                    connection.execute(text("VACUUM ANALYZE assessments"))
                engine.dispose()
            snapshots[size] = (
                url if size == sizes[-1] else snapshot(backend, url, size, workdir, admin)
            )
            results["sizes"][size] = {
                "seed rows/s": added / elapsed,
                "storage": storage(url, size),
                "service": {},
                "http": {},
            }
            print(
                f"[{backend}] {size:>9,} rows: +{added:,} seeded at {added / elapsed:,.0f} rows/s, "
                f"{results['sizes'][size]['storage']['bytes per assessment']:,.0f} bytes each",
                flush=True,
            )
        # Time every size side by side: for each case, round after round over all sizes.
        dbs = {size: Database(snap) for size, snap in snapshots.items()}
        apps = {size: create_app(Settings(database_url=snap)) for size, snap in snapshots.items()}
        for name in ("httpx", "httpx2"):  # the test client's own log of each request
            logging.getLogger(name).setLevel(logging.WARNING)
        clients = {size: TestClient(app).__enter__() for size, app in apps.items()}
        cursors = {size: later_cursor(db) for size, db in dbs.items()}
        for name, params in CASES.items():

            def args(size: int, name: str = name, params: dict = params) -> dict[str, str]:
                extra = {"cursor": cursors[size]} if name == "later page" else {}
                return {**params, **extra}

            service = interleaved(
                {
                    size: (lambda size=size: history.history(dbs[size], **args(size)))
                    for size in sizes
                },
                reps,
            )
            http = interleaved(
                {
                    size: (
                        lambda size=size: checked(
                            clients[size].get("/assessments", params=args(size))
                        )
                    )
                    for size in sizes
                },
                http_reps,
            )
            for size in sizes:
                results["sizes"][size]["service"][name] = service[size]
                results["sizes"][size]["http"][name] = http[size]
            print(
                f"[{backend}] {name}: "
                + ", ".join(f"{size:,}: {service[size]:.2f}/{http[size]:.2f} ms" for size in sizes),
                flush=True,
            )
        for size in sizes:
            clients[size].__exit__(None, None, None)
            apps[size].state.db.dispose()
            dbs[size].dispose()
    finally:
        if admin is not None:
            with admin.connect() as connection:
                for snap in {url, *snapshots.values()}:
                    connection.execute(
                        text(f'DROP DATABASE IF EXISTS "{make_url(snap).database}" WITH (FORCE)')
                    )
            admin.dispose()
        shutil.rmtree(workdir, ignore_errors=True)
    return results


def checked(response) -> None:
    assert response.status_code == 200, response.status_code


def interleaved(calls: dict[int, Callable[[], object]], reps: int) -> dict[int, float]:
    """p50 in ms of each call, timed in turns so that load on the machine hits all alike."""
    for call in calls.values():
        for _ in range(3):
            call()
    timings: dict[int, list[float]] = {key: [] for key in calls}
    for _ in range(reps):
        for key, call in calls.items():
            started = time.perf_counter()
            call()
            timings[key].append(time.perf_counter() - started)
    return {key: statistics.median(values) * 1000 for key, values in timings.items()}


def report(backend: str, results: dict) -> None:
    sizes = sorted(results["sizes"])
    first, last = sizes[0], sizes[-1]
    head = "".join(f"{s:>10,}" for s in sizes)
    print(
        f"\n{backend}: p50 in ms, service function | HTTP GET /assessments (TestClient, full app)"
    )
    print(f"{'case':<18}{head} |{head} | ratio {last:,}/{first:,} service, http")
    for name in CASES:
        service = [results["sizes"][s]["service"][name] for s in sizes]
        http = [results["sizes"][s]["http"][name] for s in sizes]
        mark = "*" if name in MAIN else " "
        print(
            f"{mark}{name:<17}"
            + "".join(f"{v:>10.2f}" for v in service)
            + " |"
            + "".join(f"{v:>10.2f}" for v in http)
            + f" | {service[-1] / service[0]:5.2f}x, {http[-1] / http[0]:5.2f}x"
        )
    print(
        f"{'seed rows/s':<18}"
        + "".join(f"{results['sizes'][s]['seed rows/s']:>10,.0f}" for s in sizes)
    )
    for key in results["sizes"][last]["storage"]:
        print(
            f"{key:<18}"
            + "".join(f"{results['sizes'][s]['storage'].get(key, 0):>10,.0f}" for s in sizes)
        )
    print("* the four cases of the goal: ratio at most 2.00x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--stop-after", type=int, default=None, help="largest size to reach")
    parser.add_argument("--reps", type=int, default=200, help="repetitions per case (service)")
    parser.add_argument("--http-reps", type=int, default=100, help="repetitions per case (HTTP)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.stop_after:
        sizes = [s for s in sizes if s <= args.stop_after]
    everything = {}
    for backend in args.backends.split(","):
        everything[backend] = run_backend(backend, sizes, args.reps, args.http_reps)
    for backend, results in everything.items():
        report(backend, results)
    if args.json:
        args.json.write_text(json.dumps(everything, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
