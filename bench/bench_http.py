"""Throughput at the limit: wrk against a real uvicorn, four endpoints in one run.

Run:  .venv/bin/python bench/bench_http.py [--duration 10] [--rounds 3] [--connections 32] [--threads 2]
          [--workers 1] [--seed 1000]

It seeds a SQLite database (bench.seed) and a draft, starts uvicorn as production does
(`make run`'s command: the app's own settings, access log on), warms every endpoint, then runs
wrk on /healthz, a verdict page, the history page and a step POST, one after the other. The
same is repeated with `--no-access-log`, and /healthz is also served by a bare Starlette app
(no middleware, no dependencies) to show what the app's stack costs. It prints requests/s,
p50 and p99 for each, and the goal's ratio: verdict page throughput / /healthz throughput,
which should be at least 50%.

Not a test: figures depend on the machine (here 2 shared cores, so wrk and the server compete).
Read the ratios, which come from the same run. Loopback only; every wrk run is bounded in time.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from starlette.applications import Starlette  # noqa: E402
from starlette.responses import JSONResponse  # noqa: E402
from starlette.routing import Route  # noqa: E402

from bench.uvicorn_process import Server  # noqa: E402


async def _bare_health(request):
    return JSONResponse({"status": "ok"})


# The floor: the same server and JSON answer, without the app's middleware and dependencies.
bare_app = Starlette(routes=[Route("/healthz", _bare_health)])

STEP_LUA = """
wrk.method = "POST"
wrk.body = "{body}"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
"""


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * UNITS[unit]


def wrk(url: str, args: argparse.Namespace, script: Path | None = None) -> dict[str, float]:
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--timeout",
        "5s",
        "--latency",
    ]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run(
        command + [url], capture_output=True, text=True, check=True, timeout=args.duration + 30
    ).stdout
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": to_ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)),
        "p99": to_ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)),
        "errors": 0.0,
    }
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    if non_2xx:
        result["errors"] += float(non_2xx.group(1))
    if socket_errors:
        result["errors"] += sum(float(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return result


def prepare(workdir: Path, seed_count: int) -> tuple[str, str, str, str]:
    """A seeded database, a finished token for the verdict page, a draft and a step to post."""
    from app import assessments, decision
    from app.db import Database
    from bench.seed import migrate, seed
    from tests.helpers import REFUND_BOT

    url = f"sqlite:///{workdir / 'bench.db'}"
    migrate(url)
    db = Database(url)
    seed(db, seed_count)
    answers = decision.validate_answers(REFUND_BOT)[0]
    finished = assessments.create_finished(
        db, {"title": "Refund agent", "team": "Support"}, answers
    )
    draft = assessments.start_draft(db, {"title": "Bench draft"}, answers)
    db.dispose()
    step = decision.STEP_KEYS[0]
    fields = [q for q in decision.QUESTIONS.values() if q.step == step]
    body = "&".join(f"{q.key}={answers[q.key]}" for q in fields if answers.get(q.key) is not None)
    return url, finished.share_token, f"/d/{draft.share_token}/{step}", body


def run_all(
    targets: dict[str, tuple[str, dict[str, tuple[str, Path | None]]]], args: argparse.Namespace
) -> dict[str, dict[str, dict[str, float]]]:
    """Every (server, endpoint) in turn, round after round, so that a shared machine's changing
    load falls on all alike; the median of the rounds is kept. Idle servers cost nothing."""
    for base, paths in targets.values():  # warm up: render caches, connections, the interpreter
        for path, script in paths.values():
            subprocess.run(
                [
                    "wrk",
                    "-t1",
                    "-c4",
                    "-d2s",
                    *(["-s", str(script)] if script else []),
                    base + path,
                ],
                capture_output=True,
                check=True,
                timeout=40,
            )
    rounds = {(label, name): [] for label, (_, paths) in targets.items() for name in paths}
    for _ in range(args.rounds):
        for label, (base, paths) in targets.items():
            for name, (path, script) in paths.items():
                rounds[label, name].append(wrk(base + path, args, script))
    results: dict[str, dict[str, dict[str, float]]] = {label: {} for label in targets}
    for (label, name), runs in rounds.items():
        results[label][name] = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="wrk runs per endpoint, interleaved")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--seed", type=int, default=1000, help="finished assessments to seed")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="bench_http_"))
    try:
        url, token, step_path, body = prepare(workdir, args.seed)
        script = workdir / "step.lua"
        script.write_text(STEP_LUA.format(body=body))
        log_path = workdir / "server.log"
        paths = {
            "/healthz": ("/healthz", None),
            "verdict page": (f"/a/{token}", None),
            "history page": ("/assessments", None),
            "step POST": (step_path, script),
        }
        print(
            f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s x {args.rounds} rounds, "
            f"uvicorn --workers {args.workers}, SQLite with {args.seed:,} finished assessments"
        )
        servers = {
            "access log on": ("app.main:app", True, paths),
            "--no-access-log": ("app.main:app", False, paths),
            "bare Starlette": ("bench.bench_http:bare_app", True, {"/healthz": ("/healthz", None)}),
        }
        started, targets = [], {}
        try:
            for label, (target, access_log, endpoints) in servers.items():
                # The access log goes where production sends it: the server's output, here a file.
                extra = [
                    "--workers",
                    str(args.workers),
                    *([] if access_log else ["--no-access-log"]),
                ]
                server = Server(url, log_path, target=target, extra_args=extra)
                started.append(server)
                server.start()
                targets[label] = (server.base_url, endpoints)
            runs = run_all(targets, args)
        finally:
            for server in started:
                server.stop()
        log_lines = sum(1 for _ in open(log_path, "rb"))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"\n{'endpoint':<16}{'setup':<18}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    for label, results in runs.items():
        for name, r in results.items():
            print(f"{name:<16}{label:<18}{r['rps']:>10,.0f}{r['p50']:>10.2f}{r['p99']:>10.2f}")
    production = runs["access log on"]
    quiet = runs["--no-access-log"]
    ratio = production["verdict page"]["rps"] / production["/healthz"]["rps"]
    print(f"\nverdict page / /healthz throughput: {ratio:.0%} (goal: at least 50%)")
    for name in paths:
        cost = 1 - production[name]["rps"] / quiet[name]["rps"]
        print(f"access log costs {name}: {cost:+.0%} of throughput")
    bare = runs["bare Starlette"]["/healthz"]["rps"]
    print(
        f"app stack (middleware, dependencies) on /healthz: {production['/healthz']['rps'] / bare:.0%}"
        f" of a bare Starlette app's throughput ({log_lines:,} log lines written)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
