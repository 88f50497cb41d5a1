"""The shared verdict page against /healthz on the same server, with wrk (issue 23, point 7).

Run:  .venv/bin/python bench/bench_http.py [--databases sqlite,postgresql] [--rounds 5]
          [--duration 10] [--connections 32] [--threads 2] [--seed 1000] [--more]

For each database it seeds `--seed` finished assessments and one more whose link is shared,
starts the app exactly as `make run` does (`python -m app.serve`: its uvicorn options, one
worker, the access log on, written to a file here), warms both URLs, then runs wrk on /healthz
and on the shared verdict page (`/a/<token>`, no cookies: a reader who was sent the link)
alternately, `--rounds` times each. It prints every run, the median requests/s of each URL, their
ratio, and PASS when the verdict page serves at least half of /healthz's throughput.

`--more` adds the history page and a step POST to the rotation, and the same server with
`--no-access-log`, and a bare Starlette /healthz (no middleware, no dependencies) for what the
app's stack costs: the other figures of README, "Performance".

Not a test: figures depend on the machine (here 2 cores shared with other work, so wrk and the
server compete). Read the ratios, which come from the same run, alternated so that a changing
load falls on both alike. Loopback only; every wrk run is bounded in time. Exit status 1 when a
database misses the goal or any request failed.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from starlette.applications import Starlette  # noqa: E402
from starlette.responses import JSONResponse  # noqa: E402
from starlette.routing import Route  # noqa: E402

from bench.uvicorn_process import SCRUBBED_ENV, Server  # noqa: E402

GOAL = 0.5
POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


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
        *(["-s", str(script)] if script else []),
        url,
    ]
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=args.duration + 30
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


class AppServer(Server):
    """`python -m app.serve --no-migrate`: the command, settings and uvicorn options of `make run`
    (HOST and PORT from the environment, as `make run PORT=...` passes them)."""

    def start(self, timeout: float = 60.0) -> float:
        import httpx2 as httpx

        env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
        env.update(
            DATABASE_URL=self.database_url,
            HOST="127.0.0.1",
            PORT=str(self.port),
            PYTHONUNBUFFERED="1",
        )
        started = time.monotonic()
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "app.serve", "--no-migrate", *self.extra_args],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        with httpx.Client(base_url=self.base_url, timeout=2.0) as client:
            while time.monotonic() < started + timeout:
                if self.process.poll() is not None:
                    raise RuntimeError(f"server exited:\n{self.log_tail()}")
                try:
                    if client.get("/healthz").status_code == 200:
                        return time.monotonic() - started
                except httpx.TransportError:
                    pass
                time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"server not healthy after {timeout:.0f} s:\n{self.log_tail()}")


def new_database(kind: str, workdir: Path) -> tuple[str, object]:
    """A fresh, empty database of that kind and how to drop it."""
    if kind == "sqlite":
        return f"sqlite:///{workdir / 'bench.db'}", lambda: None
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"bench_http_{os.getpid()}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    return url, drop


def prepare(url: str, seed_count: int) -> tuple[str, str, str]:
    """Migrated and seeded; the shared assessment's token, a draft's step path and its form."""
    from app import assessments, decision
    from app.db import Database
    from bench.seed import migrate, seed
    from tests.helpers import REFUND_BOT

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
    return finished.share_token, f"/d/{draft.share_token}/{step}", body


def check_page(base_url: str, path: str) -> None:
    """The URL under load really is the shared verdict page (200, the title, no cookie set)."""
    import httpx2 as httpx

    response = httpx.get(base_url + path, timeout=10)
    if response.status_code != 200 or "Refund agent" not in response.text:
        raise RuntimeError(f"{path} answered {response.status_code}, not the verdict page")


def warm(url: str, script: Path | None) -> None:
    """Render caches, pooled connections, the interpreter's own caches."""
    subprocess.run(
        ["wrk", "-t1", "-c4", "-d2s", *(["-s", str(script)] if script else []), url],
        capture_output=True,
        check=True,
        timeout=40,
    )


def measure(
    targets: dict[tuple[str, str], tuple[str, Path | None]], args: argparse.Namespace
) -> dict[tuple[str, str], list[dict[str, float]]]:
    """Every target in turn, round after round: what a shared machine's changing load does
    falls on all of them alike. Idle servers cost nothing."""
    for url, script in targets.values():
        warm(url, script)
    runs: dict[tuple[str, str], list[dict[str, float]]] = {key: [] for key in targets}
    for number in range(1, args.rounds + 1):
        for key, (url, script) in targets.items():
            result = wrk(url, args, script)
            runs[key].append(result)
            print(
                f"  round {number}  {key[1]:<14}{key[0]:<16}{result['rps']:>9,.0f} req/s"
                f"  p50 {result['p50']:>7.2f} ms"
                + (f"  {result['errors']:.0f} errors" if result["errors"] else ""),
                flush=True,
            )
    return runs


def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def bench_database(kind: str, args: argparse.Namespace) -> tuple[float, bool]:
    """The ratio of medians for one database, and whether every request succeeded."""
    workdir = Path(tempfile.mkdtemp(prefix="bench_http_"))
    url, drop = new_database(kind, workdir)
    started: list[Server] = []
    try:
        token, step_path, body = prepare(url, args.seed)
        script = workdir / "step.lua"
        script.write_text(STEP_LUA.format(body=body))
        log_path = workdir / "server.log"
        app = AppServer(url, log_path)
        started.append(app)
        app.start()
        check_page(app.base_url, f"/a/{token}")
        targets = {
            ("app", "/healthz"): (app.base_url + "/healthz", None),
            ("app", "verdict page"): (app.base_url + f"/a/{token}", None),
        }
        if args.more:
            targets[("app", "history page")] = (app.base_url + "/assessments", None)
            targets[("app", "step POST")] = (app.base_url + step_path, script)
            quiet = Server(url, log_path, extra_args=["--no-access-log"])
            bare = Server(url, log_path, target="bench.bench_http:bare_app")
            for server in (quiet, bare):
                started.append(server)
                server.start()
            for name in ("/healthz", "verdict page"):
                path = targets[("app", name)][0].removeprefix(app.base_url)
                targets[("--no-access-log", name)] = (quiet.base_url + path, None)
            targets[("bare Starlette", "/healthz")] = (bare.base_url + "/healthz", None)
        print(f"\n{kind}: {args.seed:,} finished assessments seeded, server {app.base_url}")
        runs = measure(targets, args)
    finally:
        for server in started:
            server.stop()
        if any("Traceback" in server.log_text() for server in started):
            print(started[0].log_tail(), file=sys.stderr)
        drop()
        shutil.rmtree(workdir, ignore_errors=True)

    medians = {key: median_of(value) for key, value in runs.items()}
    print(f"\n  {'endpoint':<16}{'server':<18}{'median req/s':>14}{'p50 ms':>9}{'p99 ms':>9}")
    for (server, name), m in medians.items():
        print(f"  {name:<16}{server:<18}{m['rps']:>14,.0f}{m['p50']:>9.2f}{m['p99']:>9.2f}")
    health, page = medians[("app", "/healthz")]["rps"], medians[("app", "verdict page")]["rps"]
    ratio = page / health
    pairs = [
        v["rps"] / h["rps"]
        for h, v in zip(runs[("app", "/healthz")], runs[("app", "verdict page")], strict=True)
    ]
    print(f"  ratios of the {len(pairs)} rounds: " + ", ".join(f"{r:.2f}" for r in pairs))
    if args.more:
        bare_rps = medians[("bare Starlette", "/healthz")]["rps"]
        print(f"  app's /healthz / bare Starlette /healthz: {health / bare_rps:.2f}x")
        for name in ("/healthz", "verdict page"):
            cost = 1 - medians[("app", name)]["rps"] / medians[("--no-access-log", name)]["rps"]
            print(f"  the access log costs {name} {cost:.0%} of its throughput")
    errors = sum(run["errors"] for value in runs.values() for run in value)
    verdict = "PASS" if ratio >= GOAL and not errors else "FAIL"
    print(
        f"  {kind}: verdict page {page:,.0f} req/s / /healthz {health:,.0f} req/s = "
        f"{ratio:.2f}x (goal >= {GOAL}x){f', {errors:.0f} failed requests' if errors else ''}"
        f"  {verdict}"
    )
    return ratio, not errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=5, help="wrk runs per URL, alternated")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1000, help="finished assessments to seed")
    parser.add_argument("--more", action="store_true", help="the README's other HTTP figures")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed (scripts/system_deps.sh wrk)", file=sys.stderr)
        return 2
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}: {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.1f}; wrk -t{args.threads} -c{args.connections} "
        f"-d{args.duration}s, {args.rounds} rounds alternated; `python -m app.serve` (one worker)"
    )
    results = {kind: bench_database(kind, args) for kind in args.databases.split(",")}
    print()
    for kind, (ratio, clean) in results.items():
        met = ratio >= GOAL and clean
        print(f"{kind:<11} {ratio:.2f}x of /healthz  {'PASS' if met else 'FAIL'}")
    return 0 if all(ratio >= GOAL and clean for ratio, clean in results.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
