"""Revoke under caching (issue 12): rotate while the verdict sits in the render cache of every
worker of a 2-worker server, on SQLite and on PostgreSQL; the next request to every worker
answers 410. Which worker answered is read from the access log, which carries its process id.

One server per database serves the module's tests: each makes an assessment of its own and
reads only its own lines of the log, so none depends on what another did."""

import json
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text, update

from app.models import Assessment
from tests.e2e.live_server import live_server
from tests.helpers import REFUND_BOT, http_client
from tests.test_api import api_answers

# Real 2-worker uvicorn servers: in `make test`, not in the fast loop.
pytestmark = pytest.mark.slow

ACCESS = re.compile(r'^(\d+) .*"GET /a/(\S+) HTTP/1.1" (\d{3})$')


def log_config(path: Path, log: Path) -> Path:
    config = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"pid": {"format": "%(process)d %(message)s"}},
        "handlers": {
            "file": {"class": "logging.FileHandler", "filename": str(log), "formatter": "pid"}
        },
        "loggers": {"uvicorn.access": {"handlers": ["file"], "level": "INFO", "propagate": False}},
    }
    path.write_text(json.dumps(config))
    return path


def answers_by_worker(log: Path, token: str) -> dict[str, set[int]]:
    """The statuses each worker process answered for GET /a/<token> (masked: first four)."""
    seen: dict[str, set[int]] = defaultdict(set)
    for line in log.read_text().splitlines():
        match = ACCESS.match(line)
        if match and match.group(2) == f"{token[:4]}…":
            seen[match.group(1)].add(int(match.group(3)))
    return dict(seen)


def until_both_workers(base_url: str, token: str, log: Path, status: int) -> dict[str, set[int]]:
    """GET the verdict on fresh connections until two worker processes have answered it."""
    for _ in range(400):
        with http_client(base_url) as client:  # a new connection each time
            response = client.get(f"/a/{token}")
        assert response.status_code == status
        seen = answers_by_worker(log, token)
        if len(seen) == 2 and all(status in statuses for statuses in seen.values()):
            return seen
    pytest.fail(f"two workers never both answered: {answers_by_worker(log, token)}")


@dataclass
class Server:
    base_url: str
    database_url: str
    log: Path


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
)
def server(request, tmp_path_factory, sqlite_template) -> Server:
    """A 2-worker server whose access log records each line's process id."""
    workdir = tmp_path_factory.mktemp("server")
    if request.param == "sqlite":
        shutil.copyfile(sqlite_template, workdir / "wizard.db")
        database_url = f"sqlite:///{workdir / 'wizard.db'}"
    else:
        database_url = request.getfixturevalue("postgres_url")
        engine = create_engine(database_url)
        with engine.begin() as connection:
            connection.execute(
                text("TRUNCATE assessments, manage_keys, audit_events RESTART IDENTITY CASCADE")
            )
        engine.dispose()
    log = workdir / "access.log"
    config = log_config(workdir / "log.json", log)
    with live_server(
        workdir,
        database_url=database_url,
        workers=2,
        timeout=60,
        args=("--log-config", str(config)),
    ) as base_url:
        yield Server(base_url, database_url, log)


def create(server: Server) -> dict:
    with http_client(server.base_url) as client:
        return client.post(
            "/api/v1/assessments", json={"title": "Cached", "answers": api_answers(REFUND_BOT)}
        ).json()


def test_rotate_while_cached_in_two_workers_is_410_on_every_worker(server):
    base_url, log = server.base_url, server.log
    created = create(server)
    old = created["id"]
    # Both workers render the page and keep it in their render cache...
    warmed = until_both_workers(base_url, old, log, 200)
    assert all(statuses == {200} for statuses in warmed.values())
    with http_client(base_url) as client:
        rotated = client.post(
            f"/api/v1/assessments/{old}/rotate",
            headers={"X-Manage-Token": created["manage_token"]},
        )
    assert rotated.status_code == 200
    new = rotated.json()["id"]
    log.write_text("")
    # ...and from the next request on, each of them answers 410 Gone for the old link.
    after = until_both_workers(base_url, old, log, 410)
    assert set(after) == set(warmed)
    assert all(statuses == {410} for statuses in after.values())
    assert until_both_workers(base_url, new, log, 200)


def test_an_expired_link_is_410_on_every_worker(server):
    base_url, log = server.base_url, server.log
    token = create(server)["id"]
    until_both_workers(base_url, token, log, 200)
    engine = create_engine(server.database_url)
    with engine.begin() as connection:
        connection.execute(
            update(Assessment)
            .where(Assessment.share_token == token)
            .values(share_expires_at=datetime(2000, 1, 1, tzinfo=UTC))
        )
    engine.dispose()
    log.write_text("")
    until_both_workers(base_url, token, log, 410)
