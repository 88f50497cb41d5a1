"""R2: kill -9 the server at random moments while writers run; nothing acknowledged may be lost.

Run: .venv/bin/python bench/reliability_crash.py [--kills 30] [--writers 4] [--wizard-writers 1]

Writers post complete assessments to the JSON API (POST /api/v1/assessments) and remember, for
every 201, the id and the exact payload they sent; wizard writers walk the HTML wizard and
remember every finish that was answered with a 303 to the verdict. In each round the writers
write and the server (`uvicorn app.main:app` on a SQLite file with the production settings) is
killed with SIGKILL at a random moment 0.2-1.5 s in; requests in flight are cut off and the
writers wait for the next round. After each kill `PRAGMA integrity_check` must answer "ok" on a
copy of the files as the kill left them (so that the restarted server recovers the real crash
state itself), and again on the live file after the restart. After each restart every
acknowledged assessment is checked in the database (title, team, notes, answers, a verdict); the
ones acknowledged in the last round, and a sample of older ones, also through GET
/api/v1/assessments/{id}, which must return what was sent and the verdict first returned, with
created_at unchanged. At the end all of them are read once more through the API. Exits 1 on any
failure, with a last line `RESULT {json}`.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reliability_load import (  # noqa: E402
    LOCKED,
    TRACEBACK,
    RunFailed,
    Stats,
    clean_up,
    httpx,
    integrity_check,
    migrate,
    normalized,
    random_json_answers,
    report,
    sqlite_path,
    wizard_run,
)
from sqlalchemy import create_engine, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from uvicorn_process import Server  # noqa: E402

from app.decision import evaluate  # noqa: E402
from app.models import Assessment  # noqa: E402

# Text the app keeps as it is sent: it drops control characters from one-line fields (title,
# team) by design, so tabs appear only in the notes.
TEXT_POOL = (
    "Refund agent",
    "客服退款助手",
    "Ticket router",
    "Résumé parser",
    "Σύνοψη",
    "JSON 提取",
    "emoji 🚀 bot",
    "a/b & <c>",
    "quote \" and ' marks",
    "100% ; DROP TABLE x; --",
)
NOTES_POOL = (*TEXT_POOL, "tab\there", "línea ñ", "**markdown** _here_")


def random_text(rng: random.Random, words: int, multiline: bool = False) -> str:
    pool = NOTES_POOL if multiline else TEXT_POOL
    parts = [rng.choice(pool) for _ in range(words)]
    separator = "\n" if multiline else " "
    return separator.join(parts).strip()


@dataclass
class Acknowledged:
    payload: dict[str, Any]  # exactly what was sent (JSON API) or typed (wizard)
    answers: dict[str, Any]  # as the app stores them
    verdict: dict[str, Any] | None  # the verdict the 201 carried (None for wizard runs)
    source: str  # "api" | "wizard"
    created_at: str | None = None  # as first read back; must never change
    checked_over_http: int = 0


@dataclass
class Ledger:
    lock: threading.Lock = field(default_factory=threading.Lock)
    items: dict[str, Acknowledged] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    attempts: int = 0
    transport_errors: int = 0  # connection refused while the server was down, or cut by a kill
    interrupted: int = 0  # of those, requests that were sent and then cut off by a kill
    server_errors: int = 0

    def fail(self, message: str) -> None:
        with self.lock:
            self.failures.append(message)
        print(f"  ! {message}", flush=True)


def api_writer(
    base_url: str, ledger: Ledger, stop: threading.Event, go: threading.Event, seed: int
) -> None:
    rng = random.Random(seed)
    with httpx.Client(base_url=base_url, timeout=10.0) as client:
        while not stop.is_set():
            if not go.wait(0.1):
                continue
            payload = {
                "title": random_text(rng, rng.randint(1, 3)),
                "team": random_text(rng, 1) if rng.random() < 0.7 else "",
                "notes": random_text(rng, rng.randint(0, 6), multiline=True),
                "answers": random_json_answers(rng),
            }
            with ledger.lock:
                ledger.attempts += 1
            try:
                response = client.post("/api/v1/assessments", json=payload)
            except httpx.TransportError as error:
                # Not acknowledged: the server is down or died mid-request. It may or may not
                # have stored it; the client was never told, so nothing is promised.
                with ledger.lock:
                    ledger.transport_errors += 1
                    ledger.interrupted += not isinstance(error, httpx.ConnectError)
                time.sleep(0.02)
                continue
            if response.status_code >= 500:
                with ledger.lock:
                    ledger.server_errors += 1
                ledger.fail(
                    f"POST /api/v1/assessments -> {response.status_code}: {response.text[:200]}"
                )
                continue
            if response.status_code != 201:
                ledger.fail(
                    f"POST /api/v1/assessments -> {response.status_code}: {response.text[:200]}"
                )
                continue
            body = response.json()
            with ledger.lock:
                ledger.items[body["id"]] = Acknowledged(
                    payload=payload,
                    answers=normalized(payload["answers"]),
                    verdict=body["verdict"],
                    source="api",
                )


def wizard_writer(
    base_url: str, ledger: Ledger, stop: threading.Event, go: threading.Event, seed: int
) -> None:
    rng = random.Random(seed)
    run = 0
    while not stop.is_set():
        if not go.wait(0.1):
            continue
        run += 1
        stats = Stats()
        title, team = f"R2 wizard run {seed}-{run} {rng.choice(TEXT_POOL)}", "wizard"
        with httpx.Client(base_url=base_url, follow_redirects=False, timeout=10.0) as client:
            try:
                token = wizard_run(client, stats, rng, title=title, team=team)
            except RunFailed:
                token = None
        if stats.transport_errors:
            with ledger.lock:
                ledger.transport_errors += sum(stats.transport_errors.values())
        server_errors = sum(n for status, n in stats.statuses.items() if status >= 500)
        if server_errors:
            with ledger.lock:
                ledger.server_errors += server_errors
        for message in stats.unexpected:
            ledger.fail(f"wizard: {message}")
        # A finish acknowledged just before the kill still counts, even if the verdict GET failed.
        for acked, sent in stats.acknowledged.items():
            with ledger.lock:
                ledger.items[acked] = Acknowledged(
                    payload={"title": sent["title"], "team": sent["team"], "notes": ""},
                    answers=sent["answers"],
                    verdict=None,
                    source="wizard",
                )
        if token is None:
            time.sleep(0.02)


def check_in_database(database_url: str, items: dict[str, Acknowledged]) -> list[str]:
    problems: list[str] = []
    engine = create_engine(database_url)
    tokens = list(items)
    try:
        columns = (
            Assessment.share_token,
            Assessment.title,
            Assessment.team,
            Assessment.notes,
            Assessment.answers,
            Assessment.finished_at,
            Assessment.recommendation,
            Assessment.verdict.is_not(None).label("has_verdict"),
        )
        with Session(engine) as session:
            found: dict[str, Any] = {}
            for start in range(0, len(tokens), 500):
                rows = session.execute(
                    select(*columns).where(Assessment.share_token.in_(tokens[start : start + 500]))
                )
                found.update({row.share_token: row for row in rows})
        for token, ack in items.items():
            row = found.get(token)
            if row is None:
                problems.append(f"db: {ack.source} {token[:8]}… acknowledged but missing")
                continue
            stored = {"title": row.title, "team": row.team, "notes": row.notes}
            sent = {k: ack.payload.get(k, "") for k in ("title", "team", "notes")}
            if stored != sent:
                problems.append(f"db: {token[:8]}… stored {stored} != sent {sent}")
            elif row.answers != ack.answers:
                differing = sorted(
                    k
                    for k in {*row.answers, *ack.answers}
                    if row.answers.get(k) != ack.answers.get(k)
                )
                problems.append(f"db: {token[:8]}… answers differ in {differing}")
            elif row.finished_at is None or not row.has_verdict or not row.recommendation:
                problems.append(f"db: {token[:8]}… not finished or without a verdict")
            elif ack.verdict and row.recommendation != ack.verdict["recommendation"]:
                problems.append(
                    f"db: {token[:8]}… recommendation {row.recommendation} != "
                    f"{ack.verdict['recommendation']}"
                )
    finally:
        engine.dispose()
    return problems


def check_over_http(base_url: str, items: dict[str, Acknowledged], workers: int = 4) -> list[str]:
    problems: list[str] = []
    tokens = list(items)
    lock = threading.Lock()

    def work(part: list[str]) -> None:
        with httpx.Client(base_url=base_url, timeout=30.0) as client:
            for token in part:
                ack = items[token]
                try:
                    response = client.get(f"/api/v1/assessments/{token}")
                except httpx.TransportError as error:
                    found = [f"http: {token[:8]}… {type(error).__name__}"]
                else:
                    found = compare(token, ack, response)
                with lock:
                    problems.extend(found)

    threads = [threading.Thread(target=work, args=(tokens[i::workers],)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return problems


def compare(token: str, ack: Acknowledged, response: httpx.Response) -> list[str]:
    if response.status_code != 200:
        return [f"http: {ack.source} {token[:8]}… GET -> {response.status_code}"]
    record = response.json()
    problems = []
    for key in ("title", "team", "notes"):
        if record[key] != ack.payload.get(key, ""):
            problems.append(f"http: {token[:8]}… {key} {record[key]!r} != {ack.payload.get(key)!r}")
    if record["answers"] != ack.answers:
        differing = sorted(
            k
            for k in {*record["answers"], *ack.answers}
            if record["answers"].get(k) != ack.answers.get(k)
        )
        problems.append(f"http: {token[:8]}… answers differ in {differing}")
    verdict = record.get("verdict") or {}
    if not verdict.get("recommendation"):
        problems.append(f"http: {token[:8]}… no verdict")
    elif ack.verdict is not None and verdict != ack.verdict:
        problems.append(f"http: {token[:8]}… verdict differs from the one acknowledged")
    elif ack.verdict is None and verdict["recommendation"] != evaluate(ack.answers).recommendation:
        problems.append(
            f"http: {token[:8]}… recommendation {verdict['recommendation']} is not the engine's"
        )
    if ack.created_at is None:
        ack.created_at = record["created_at"]
    elif record["created_at"] != ack.created_at:
        problems.append(f"http: {token[:8]}… created_at {record['created_at']} != {ack.created_at}")
    ack.checked_over_http += 1
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=30)
    parser.add_argument("--writers", type=int, default=4, help="JSON API writer threads")
    parser.add_argument("--wizard-writers", type=int, default=1, help="HTML wizard writer threads")
    parser.add_argument("--min-delay", type=float, default=0.2)
    parser.add_argument("--max-delay", type=float, default=1.5)
    parser.add_argument(
        "--sample",
        type=int,
        default=100,
        help="older assessments re-read over HTTP after each restart",
    )
    parser.add_argument("--database-url", help="default: a new SQLite file in a temporary folder")
    parser.add_argument("--seed", type=int, default=294)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="r2-crash-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'wizard.db'}"
    path = sqlite_path(database_url)
    migrate(database_url)
    server = Server(database_url, workdir / "server.log")
    ledger = Ledger()
    stop = threading.Event()
    go = threading.Event()  # writers write while it is set: from each start until the kill
    threads = [
        threading.Thread(
            target=api_writer, args=(server.base_url, ledger, stop, go, args.seed + n), daemon=True
        )
        for n in range(args.writers)
    ]
    threads += [
        threading.Thread(
            target=wizard_writer,
            args=(server.base_url, ledger, stop, go, args.seed + 100 + n),
            daemon=True,
        )
        for n in range(args.wizard_writers)
    ]
    integrity_checks = 0
    verified_db = verified_http = 0
    kills = 0
    uptimes: list[float] = []
    boots: list[float] = []
    seen_before_restart: set[str] = set()
    failed = True

    def check_integrity(moment: str, crashed: bool = False) -> None:
        nonlocal integrity_checks
        if path is None:
            return
        if crashed:
            # Check a copy of the files as the kill left them (database and WAL, not the shared
            # memory index), so that the restarted server itself recovers from the crash state.
            copy = workdir / "crash-copy" / path.name
            copy.parent.mkdir(exist_ok=True)
            for suffix in ("", "-wal"):
                source = path.with_name(path.name + suffix)
                target = copy.with_name(copy.name + suffix)
                target.unlink(missing_ok=True)
                if source.exists():
                    shutil.copyfile(source, target)
            result = integrity_check(copy)
            shutil.rmtree(copy.parent, ignore_errors=True)
        else:
            result = integrity_check(path)
        integrity_checks += 1
        if result != "ok":
            ledger.fail(f"integrity_check {moment}: {result}")

    def verify(round_name: str, everything_over_http: bool = False) -> None:
        nonlocal verified_db, verified_http
        with ledger.lock:
            snapshot = dict(ledger.items)
        problems = check_in_database(database_url, snapshot)
        verified_db += len(snapshot)
        fresh = [t for t in snapshot if t not in seen_before_restart]
        older = [t for t in snapshot if t in seen_before_restart]
        chosen = older if everything_over_http else rng.sample(older, min(args.sample, len(older)))
        over_http = {t: snapshot[t] for t in fresh + chosen}
        problems += check_over_http(server.base_url, over_http)
        verified_http += len(over_http)
        seen_before_restart.update(snapshot)
        for problem in problems[:20]:
            ledger.fail(f"{round_name}: {problem}")
        if len(problems) > 20:
            ledger.fail(f"{round_name}: … and {len(problems) - 20} more")

    try:
        boots.append(server.start())
        for thread in threads:
            thread.start()
        for kill in range(1, args.kills + 1):
            go.set()
            delay = rng.uniform(args.min_delay, args.max_delay)
            time.sleep(delay)
            server.kill()
            go.clear()  # requests in flight fail; the writers wait for the next round
            kills += 1
            uptimes.append(delay)
            check_integrity(f"after kill {kill}, before restart", crashed=True)
            boots.append(server.start())
            check_integrity(f"after restart {kill}")
            verify(f"restart {kill}")
            with ledger.lock:
                total = len(ledger.items)
            print(
                f"kill {kill:>3}/{args.kills} {delay:.2f} s into the round; restarted in "
                f"{boots[-1]:.1f} s; {total} acknowledged so far; "
                f"failures {len(ledger.failures)}",
                flush=True,
            )
        stop.set()
        for thread in threads:
            thread.join(30)
        verify("final", everything_over_http=True)
        server.stop()
        check_integrity("at the end")

        log = server.log_text()
        locked = len(LOCKED.findall(log))
        tracebacks = len(TRACEBACK.findall(log))
        if locked:
            ledger.fail(f"'database is locked' {locked} times in the server log")
        if tracebacks:
            ledger.fail(f"{tracebacks} tracebacks in the server log")
        items = ledger.items
        integrity_failures = sum("integrity_check" in f for f in ledger.failures)
        never_read = [t for t, ack in items.items() if ack.checked_over_http == 0]
        if never_read:
            ledger.fail(f"{len(never_read)} acknowledged assessments were never read back")
        result = {
            "kills": kills,
            "acknowledged": len(items),
            "acknowledged_api": sum(a.source == "api" for a in items.values()),
            "acknowledged_wizard": sum(a.source == "wizard" for a in items.values()),
            "attempts": ledger.attempts,
            "transport_errors": ledger.transport_errors,
            "interrupted_by_kill": ledger.interrupted,
            "server_errors_5xx": ledger.server_errors,
            "verified_in_db": verified_db,
            "verified_over_http": verified_http,
            "integrity_checks": integrity_checks,
            "locked": locked,
            "median_boot_s": round(sorted(boots)[len(boots) // 2], 2) if boots else None,
            "failures": len(ledger.failures),
        }
        print(
            f"kills: {kills}; acknowledged: {len(items)} ({result['acknowledged_api']} API, "
            f"{result['acknowledged_wizard']} wizard) of {ledger.attempts} API attempts; "
            f"unacknowledged: {ledger.transport_errors} transport errors, of which "
            f"{ledger.interrupted} API requests were cut off in flight by a kill"
        )
        print(
            f"verified: {verified_db} checks in the database, {verified_http} over HTTP; "
            f"integrity_check ok {integrity_checks - integrity_failures}/{integrity_checks}; "
            f"5xx: {ledger.server_errors}; 'database is locked' (log lines): {locked}"
        )
        print(f"failures: {len(ledger.failures)}")
        for failure in ledger.failures[:20]:
            print(f"  ! {failure}")
        failed = bool(ledger.failures) or kills < args.kills or not items
        return report(server, result, failed)
    finally:
        stop.set()
        clean_up(server, workdir, keep=args.keep or failed)


if __name__ == "__main__":
    sys.exit(main())
