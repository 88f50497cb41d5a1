"""`make run` (python -m app.serve): what stops it says so in one line, and .env is read."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from app import serve
from app.settings import ROOT


def run_serve(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'wizard.db'}",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "app.serve", *args],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_busy_port_is_one_line_naming_it(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_serve(tmp_path, HOST="127.0.0.1", PORT=str(port))
    assert done.returncode == 1
    assert done.stderr == (
        f"error: port {port} on 127.0.0.1 is in use: stop what listens there "
        f"(ss -ltnp 'sport = :{port}') or choose another, e.g. make run PORT={port + 1}\n"
    )
    # Checked before migrating: nothing was created.
    assert not (tmp_path / "wizard.db").exists()


def test_an_unreachable_database_is_one_line_without_its_password(tmp_path: Path) -> None:
    done = run_serve(
        tmp_path,
        "--migrate-only",
        DATABASE_URL="postgres://wizard:hunter2-secret@127.0.0.1:9/wizard",
    )
    assert done.returncode == 1
    assert done.stderr.startswith(
        "error: cannot reach the database at 127.0.0.1:9/wizard (DATABASE_URL): "
    )
    assert done.stderr.count("\n") == 1
    assert "hunter2" not in done.stderr + done.stdout


def test_a_bad_setting_is_one_line_naming_the_variable(tmp_path: Path) -> None:
    done = run_serve(tmp_path, APP_LOG_LEVEL="verbose")
    assert done.returncode == 1
    assert done.stderr == (
        "error: invalid setting APP_LOG_LEVEL='verbose': "
        "Input should be 'debug', 'info', 'warning' or 'error'\n"
    )


def test_migrate_only_creates_the_database_and_reads_dotenv(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"DATABASE_URL=sqlite:///{tmp_path / 'from-dotenv.db'}\n")
    environment = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "app.serve", "--migrate-only"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "from-dotenv.db").stat().st_size > 0


@pytest.mark.parametrize("level", ["WARNING", " Warning ", "warning"])
def test_log_levels_in_any_case(level: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_LOG_LEVEL", level)
    assert serve.load_settings().log_level == "warning"


def test_where_names_host_port_and_database_only() -> None:
    assert serve.where("postgresql+psycopg://u:pw@db.internal/wizard") == "db.internal:5432/wizard"
    assert serve.where("sqlite:////data/wizard.db") == "/data/wizard.db"
