"""Revoke under caching (issue 12): rotate while the verdict sits in the render cache of every
worker of a 2-worker server, on SQLite and on PostgreSQL; the next request to every worker
answers 410. Which worker answered is read from the access log, which carries its process id."""

import json
import re
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import create_engine, text, update

from app.models import Assessment
from tests.e2e.live_server import live_server
from tests.helpers import REFUND_BOT
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
        response = httpx.get(f"{base_url}/a/{token}")
        assert response.status_code == status
        seen = answers_by_worker(log, token)
        if len(seen) == 2 and all(status in statuses for statuses in seen.values()):
            return seen
    pytest.fail(f"two workers never both answered: {answers_by_worker(log, token)}")


@pytest.fixture(params=["sqlite", "postgresql"])
def server_database(request, tmp_path):
    if request.param == "sqlite":
        return None  # live_server makes and migrates a SQLite file
    url = request.getfixturevalue("postgres_url")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text("TRUNCATE assessments, manage_keys, audit_events RESTART IDENTITY CASCADE")
        )
    engine.dispose()
    return url


def test_rotate_while_cached_in_two_workers_is_410_on_every_worker(server_database, tmp_path):
    log = tmp_path / "access.log"
    config = log_config(tmp_path / "log.json", log)
    with live_server(
        tmp_path,
        database_url=server_database,
        workers=2,
        timeout=60,
        args=("--log-config", str(config)),
    ) as base_url:
        created = httpx.post(
            f"{base_url}/api/v1/assessments",
            json={"title": "Cached", "answers": api_answers(REFUND_BOT)},
        ).json()
        old = created["id"]
        # Both workers render the page and keep it in their render cache...
        warmed = until_both_workers(base_url, old, log, 200)
        assert all(statuses == {200} for statuses in warmed.values())
        rotated = httpx.post(
            f"{base_url}/api/v1/assessments/{old}/rotate",
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


def test_an_expired_link_is_410_on_every_worker(server_database, tmp_path):
    log = tmp_path / "access.log"
    config = log_config(tmp_path / "log.json", log)
    with live_server(
        tmp_path,
        database_url=server_database,
        workers=2,
        timeout=60,
        args=("--log-config", str(config)),
    ) as base_url:
        created = httpx.post(
            f"{base_url}/api/v1/assessments",
            json={"title": "Cached", "answers": api_answers(REFUND_BOT)},
        ).json()
        token = created["id"]
        until_both_workers(base_url, token, log, 200)
        database_url = server_database or f"sqlite:///{tmp_path / 'wizard.db'}"
        engine = create_engine(database_url)
        with engine.begin() as connection:
            connection.execute(
                update(Assessment).values(share_expires_at=datetime(2000, 1, 1, tzinfo=UTC))
            )
        engine.dispose()
        log.write_text("")
        until_both_workers(base_url, token, log, 410)
