"""A real uvicorn on a fresh SQLite file, and the system Chromium: shared by the e2e suite and
scripts/screenshots.py, so both drive the app the way a user's browser does."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config

ROOT = Path(__file__).resolve().parents[2]

# Flags for a browser in a container: no sandbox (no user namespaces), no GPU, and nothing that
# phones home, so a run needs no network and never waits on one.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL_HINT = "Install it with `apt-get install -y chromium` (Debian/Ubuntu) or set CHROMIUM_PATH."
SHELL_INSTALL_HINT = (
    "Install it with `apt-get install -y chromium-headless-shell` (Debian/Ubuntu) or set "
    "CHROMIUM_PATH to a Chromium."
)


def find_chromium(*, headless_shell: bool = False) -> str | None:
    """CHROMIUM_PATH, else /usr/bin/chromium, else whatever `chromium` is on PATH.

    With `headless_shell`, Chromium's headless build comes first (Debian's
    chromium-headless-shell): the same Blink, V8 and fonts as the browser without its desktop
    shell, and what Playwright itself runs for headless tests. The browser tests use it: the whole
    e2e suite took 201 s there against 351 s in the full browser, run back to back on two workers."""
    candidates = [os.environ.get("CHROMIUM_PATH")]
    if headless_shell:
        candidates.append(shutil.which("chromium-headless-shell"))
    candidates.append("/usr/bin/chromium")
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


def migrate(database_url: str) -> None:
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["database_url"] = database_url
    config.attributes["configure_logging"] = False
    command.upgrade(config, "head")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(base_url: str, process: subprocess.Popen, log_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.05)
    raise RuntimeError(f"uvicorn gave no /healthz within {timeout}s:\n{log_path.read_text()}")


@contextmanager
def live_server(
    workdir: Path,
    *,
    database_url: str | None = None,
    workers: int = 1,
    timeout: float = 20.0,
    env: dict[str, str] | None = None,
    args: tuple[str, ...] = (),
) -> Iterator[str]:
    """Serve the app on a free loopback port and give its URL: by default on a new, migrated
    SQLite file in `workdir`, or on `database_url`, which must already be migrated. `env` adds
    settings (APP_...) and `args` uvicorn flags; the server's output goes to
    `workdir`/uvicorn-<port>.log."""
    if database_url is None:
        database_url = f"sqlite:///{workdir / 'wizard.db'}"
        migrate(database_url)
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "APP_LOG_LEVEL": "warning", **(env or {})}
    log_path = workdir / f"uvicorn-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "app.main:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--no-proxy-headers",
                *args,
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base_url, process, log_path, timeout)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
