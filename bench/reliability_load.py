"""R1: concurrent clients walk the whole wizard over HTTP against a real uvicorn.

Run: .venv/bin/python bench/reliability_load.py [--clients 32] [--seconds 60] [--database-url URL]

The database is migrated with Alembic, then `uvicorn app.main:app` starts as a subprocess with
the app's production defaults (SQLite file: WAL, synchronous=FULL, busy_timeout, BEGIN IMMEDIATE
for writes). Each client loops the way a browser without JavaScript does, following every 303:
GET /new, POST /new, then GET and POST each of the five steps, GET the review, POST finish, GET
the verdict. Runs already started when the time is up are completed.

Afterwards every acknowledged assessment (finish answered 303 to its verdict) is looked up in
the database: it must be finished, with the title, team and answers that were sent. The server
log is searched for "database is locked". The script prints completed assessments, requests,
p50/p99 latency, 5xx, lost and locked counts, and a last line `RESULT {json}`; it exits 1 when
anything was lost, any 5xx or transport error, unexpected status or "database is locked" occurred.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx2 as httpx  # noqa: E402
from sqlalchemy import create_engine, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from uvicorn_process import Server  # noqa: E402

from app import decision  # noqa: E402
from app.models import Assessment  # noqa: E402

LOCKED = re.compile(r"database is locked", re.IGNORECASE)
TRACEBACK = re.compile(r"^Traceback \(most recent call last\)", re.MULTILINE)
# Settings a developer's shell may carry that would change what "production defaults" means here.


# --- Database and server -------------------------------------------------------------------


def migrate(url: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["database_url"] = url
    config.attributes["configure_logging"] = False
    command.upgrade(config, "head")


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def integrity_check(path: Path) -> str:
    """PRAGMA integrity_check on its own connection; 'ok' when the file is sound."""
    connection = sqlite3.connect(path, timeout=30)
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
    finally:
        connection.close()
    return "; ".join(str(row[0]) for row in rows)


# --- Answers -------------------------------------------------------------------------------


def random_form_answers(rng: random.Random) -> dict[str, str]:
    """A complete, valid set of answers as a browser's form posts them (strings)."""
    answers: dict[str, str] = {}
    for key, question in decision.QUESTIONS.items():
        if question.kind == "integer":
            low, high = question.minimum or 0, question.maximum or 100
            answers[key] = "" if rng.random() < 0.3 else str(rng.randint(low, high))
        else:
            answers[key] = rng.choice(question.option_keys)
    return answers


def random_json_answers(rng: random.Random) -> dict[str, Any]:
    """A complete, valid set of answers as an API client sends them (null or int for numbers)."""
    answers: dict[str, Any] = {}
    for key, question in decision.QUESTIONS.items():
        if question.kind == "integer":
            low, high = question.minimum or 0, question.maximum or 100
            answers[key] = None if rng.random() < 0.3 else rng.randint(low, high)
        else:
            answers[key] = rng.choice(question.option_keys)
    return answers


def normalized(answers: dict[str, Any]) -> dict[str, Any]:
    """The answers as the app stores them once validated."""
    values, errors = decision.validate_answers(answers)
    assert not errors, errors
    return values


STEP_QUESTIONS = {step.key: [q.key for q in step.questions] for step in decision.STEPS}


# --- One wizard run ------------------------------------------------------------------------


class RunFailed(Exception):
    """A request of the run failed or answered what the wizard never answers; the run stops."""


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    transport_errors: Counter = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)
    acknowledged: dict[str, dict[str, Any]] = field(default_factory=dict)
    runs_started: int = 0
    runs_failed: int = 0
    run_seconds: list[float] = field(default_factory=list)

    def merge(self, other: Stats) -> None:
        for kind, values in other.latencies.items():
            self.latencies[kind].extend(values)
        self.statuses.update(other.statuses)
        self.transport_errors.update(other.transport_errors)
        self.unexpected.extend(other.unexpected)
        self.acknowledged.update(other.acknowledged)
        self.runs_started += other.runs_started
        self.runs_failed += other.runs_failed
        self.run_seconds.extend(other.run_seconds)


def call(
    client: httpx.Client, stats: Stats, kind: str, method: str, url: str, expect: int, **kwargs: Any
) -> httpx.Response:
    started = time.perf_counter()
    try:
        response = client.request(method, url, **kwargs)
    except httpx.TransportError as error:
        stats.transport_errors[type(error).__name__] += 1
        raise RunFailed(f"{kind}: {type(error).__name__}: {error}") from error
    stats.latencies[kind].append(time.perf_counter() - started)
    stats.statuses[response.status_code] += 1
    if response.status_code != expect:
        message = f"{kind} {method} {url} -> {response.status_code} (expected {expect})"
        if len(stats.unexpected) < 20:
            stats.unexpected.append(message + ": " + response.text[:300].replace("\n", " "))
        raise RunFailed(message)
    return response


def location_path(response: httpx.Response) -> str:
    return httpx.URL(response.headers["location"]).path


def wizard_run(
    client: httpx.Client, stats: Stats, rng: random.Random, title: str, team: str
) -> str:
    """One full run, browser-style; returns the share token once finish has been acknowledged."""
    answers = random_form_answers(rng)
    call(client, stats, "GET /new", "GET", "/new", 200)
    response = call(
        client, stats, "POST /new", "POST", "/new", 303, data={"title": title, "team": team}
    )
    page = location_path(response)
    match = re.fullmatch(r"/d/([A-Za-z0-9_-]+)/task", page)
    if not match:
        raise RunFailed(f"POST /new redirected to {page}")
    token = match.group(1)
    for step in decision.STEP_KEYS:
        call(client, stats, "GET step", "GET", page, 200)
        form = {key: answers[key] for key in STEP_QUESTIONS[step]}
        response = call(client, stats, "POST step", "POST", f"/d/{token}/{step}", 303, data=form)
        page = location_path(response)
    if page != f"/d/{token}/review":
        raise RunFailed(f"last step redirected to {page}")
    call(client, stats, "GET review", "GET", page, 200)
    response = call(client, stats, "POST finish", "POST", f"/d/{token}/finish", 303)
    if location_path(response) != f"/a/{token}":
        raise RunFailed(f"finish redirected to {location_path(response)}")
    # Acknowledged: the user has been sent to the verdict; from here on it must never be lost.
    stats.acknowledged[token] = {"title": title, "team": team, "answers": normalized(answers)}
    call(client, stats, "GET verdict", "GET", f"/a/{token}", 200)
    return token


def client_loop(base_url: str, number: int, deadline: float, seed: int, stats: Stats) -> None:
    rng = random.Random(seed * 1000 + number)
    with httpx.Client(base_url=base_url, follow_redirects=False, timeout=30.0) as client:
        run = 0
        while time.monotonic() < deadline:
            run += 1
            stats.runs_started += 1
            started = time.perf_counter()
            try:
                wizard_run(
                    client,
                    stats,
                    rng,
                    title=f"R1 load client {number:02d} run {run} 负载",
                    team=f"team-{number % 4}",
                )
                stats.run_seconds.append(time.perf_counter() - started)
            except RunFailed:
                stats.runs_failed += 1
                time.sleep(0.05)


# --- Verification --------------------------------------------------------------------------


def find_lost(database_url: str, acknowledged: dict[str, dict[str, Any]]) -> list[str]:
    """Acknowledged assessments that are missing, unfinished or different in the database."""
    problems: list[str] = []
    engine = create_engine(database_url)
    tokens = list(acknowledged)
    try:
        with Session(engine) as session:
            found: dict[str, Assessment] = {}
            for start in range(0, len(tokens), 500):
                chunk = tokens[start : start + 500]
                query = select(Assessment).where(Assessment.share_token.in_(chunk))
                found.update({row.share_token: row for row in session.scalars(query)})
            for token, sent in acknowledged.items():
                row = found.get(token)
                if row is None:
                    problems.append(f"{token[:8]}…: missing")
                elif row.finished_at is None or not row.verdict or not row.recommendation:
                    problems.append(f"{token[:8]}…: not finished")
                elif (row.title, row.team) != (sent["title"], sent["team"]):
                    problems.append(f"{token[:8]}…: stored {row.title!r}/{row.team!r}")
                elif row.answers != sent["answers"]:
                    problems.append(f"{token[:8]}…: stored answers {row.answers!r}")
                elif row.recommendation != decision.evaluate(sent["answers"]).recommendation:
                    problems.append(f"{token[:8]}…: recommendation {row.recommendation}")
    finally:
        engine.dispose()
    return problems


def report(server: Server, result: dict[str, Any], failed: bool) -> int:
    """The closing lines both scripts print, and their exit code."""
    if failed:
        print("FAILED; server log tail:\n" + server.log_tail())
    print("RESULT " + json.dumps(result), flush=True)
    return 1 if failed else 0


def clean_up(server: Server, workdir: Path, *, keep: bool) -> None:
    server.kill()
    if keep:
        print(f"kept {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


# --- Main ----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--database-url", help="default: a new SQLite file in a temporary folder")
    parser.add_argument("--seed", type=int, default=294)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="r1-load-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'wizard.db'}"
    path = sqlite_path(database_url)
    migrate(database_url)
    server = Server(database_url, workdir / "server.log")
    stats = Stats()
    failed = True
    try:
        boot = server.start()
        print(
            f"server up on {server.base_url} in {boot:.1f} s; database {database_url}", flush=True
        )
        load_before = os.getloadavg()[0]
        print(
            f"{args.clients} clients for {args.seconds:g} s "
            f"(machine load average {load_before:.1f}) …",
            flush=True,
        )
        per_client = [Stats() for _ in range(args.clients)]
        started = time.monotonic()
        deadline = started + args.seconds
        threads = [
            threading.Thread(
                target=client_loop,
                args=(server.base_url, n, deadline, args.seed, per_client[n]),
                daemon=True,
            )
            for n in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(args.seconds + 300)
        elapsed = time.monotonic() - started
        for part in per_client:
            stats.merge(part)
        alive = sum(thread.is_alive() for thread in threads)
        server.stop()

        log = server.log_text()
        locked = len(LOCKED.findall(log))
        tracebacks = len(TRACEBACK.findall(log))
        lost = find_lost(database_url, stats.acknowledged)
        integrity = integrity_check(path) if path else "n/a"
        all_latencies = [v for values in stats.latencies.values() for v in values]
        requests = sum(stats.statuses.values())
        server_errors = sum(n for status, n in stats.statuses.items() if status >= 500)
        transport_errors = sum(stats.transport_errors.values())
        result = {
            "clients": args.clients,
            "seconds": round(elapsed, 1),
            "completed": len(stats.acknowledged),
            "runs_started": stats.runs_started,
            "runs_failed": stats.runs_failed,
            "requests": requests,
            "requests_per_second": round(requests / elapsed, 1) if elapsed else 0,
            "p50_ms": ms(percentile(all_latencies, 0.50)),
            "p99_ms": ms(percentile(all_latencies, 0.99)),
            "max_ms": ms(max(all_latencies)) if all_latencies else None,
            "run_p50_ms": ms(percentile(stats.run_seconds, 0.50)),
            "run_p99_ms": ms(percentile(stats.run_seconds, 0.99)),
            "by_request": {
                kind: {
                    "count": len(values),
                    "p50_ms": ms(percentile(values, 0.5)),
                    "p99_ms": ms(percentile(values, 0.99)),
                }
                for kind, values in sorted(stats.latencies.items())
            },
            "statuses": {str(k): v for k, v in sorted(stats.statuses.items())},
            "server_errors_5xx": server_errors,
            "transport_errors": transport_errors,
            "unexpected_statuses": len(stats.unexpected),
            "lost": len(lost),
            "locked": locked,
            "server_tracebacks": tracebacks,
            "integrity_check": integrity,
            "hung_clients": alive,
            "load_average_before": round(load_before, 1),
            "load_average_after": round(os.getloadavg()[0], 1),
        }
        print(
            f"completed assessments: {result['completed']} ({stats.runs_started} runs started, "
            f"{stats.runs_failed} failed) in {result['seconds']} s"
        )
        print(
            f"requests: {requests} ({result['requests_per_second']}/s), "
            f"latency p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, "
            f"max {result['max_ms']} ms; "
            f"a whole run p50 {result['run_p50_ms']} ms, p99 {result['run_p99_ms']} ms"
        )
        for kind, figures in result["by_request"].items():
            print(
                f"  {kind:<12} {figures['count']:>7}  p50 {figures['p50_ms']:>8} ms  "
                f"p99 {figures['p99_ms']:>8} ms"
            )
        print(f"statuses: {result['statuses']}")
        print(
            f"5xx: {server_errors}, "
            f"transport errors: {transport_errors} {dict(stats.transport_errors)}, "
            f"unexpected statuses: {len(stats.unexpected)}"
        )
        print(
            f"lost: {len(lost)}, 'database is locked' (log lines): {locked}, "
            f"server tracebacks: {tracebacks}, "
            f"integrity_check: {integrity}"
        )
        for line in stats.unexpected[:10] + lost[:10]:
            print(f"  ! {line}")
        failed = bool(
            lost
            or server_errors
            or locked
            or transport_errors
            or stats.unexpected
            or tracebacks
            or alive
            or integrity not in ("ok", "n/a")
            or not stats.acknowledged
        )
        return report(server, result, failed)
    finally:
        clean_up(server, workdir, keep=args.keep or failed)


if __name__ == "__main__":
    sys.exit(main())
