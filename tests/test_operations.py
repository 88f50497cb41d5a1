"""What an operator relies on: readiness, a 503 (not a 500 and a traceback) when the database is
down, and database URLs as hosting panels write them."""

import logging
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from starlette.testclient import TestClient

from app.main import create_app
from app.settings import ROOT, Settings, normalise_database_url

# Nothing listens on port 9 (discard) here: connecting is refused at once.
UNREACHABLE = "postgresql+psycopg://wizard:s3cret-pw@127.0.0.1:9/wizard"


@pytest.mark.storage
def test_ready_when_the_database_is_at_the_newest_migration(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"


@pytest.mark.storage
def test_not_ready_when_a_migration_is_missing(database_url: str, settings: Settings) -> None:
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["database_url"] = database_url
    config.attributes["configure_logging"] = False
    command.downgrade(config, "-1")
    app = create_app(settings)
    try:
        with TestClient(app) as client:
            response = client.get("/readyz")
    finally:
        app.state.db.dispose()
        # The PostgreSQL database is shared by the tests of this run: put the migration back.
        command.upgrade(config, "head")
    assert response.status_code == 503
    body = response.json()
    assert body["reason"] == "migrations"
    assert body["database"] != body["expected"] and len(body["expected"]) == 1


def test_database_down_answers_503_with_one_log_line(caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(Settings(database_url=UNREACHABLE, pool_timeout=1.0))
    with TestClient(app, follow_redirects=False) as client:
        caplog.clear()
        with caplog.at_level(logging.INFO):
            page = client.get("/assessments")
            ready = client.get("/readyz")
            health = client.get("/healthz")
    app.state.db.dispose()
    assert page.status_code == 503
    assert page.headers["retry-after"] == "5"
    assert "Traceback" not in page.text
    assert ready.status_code == 503 and ready.json()["reason"] == "database"
    # The process is alive: liveness stays 200, readiness says why traffic should go elsewhere.
    assert health.status_code == 200
    errors = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.name for r in errors] == ["app.errors", "app.web.routes.pages"]
    assert (
        errors[0].getMessage().startswith("database unavailable, answered 503 on GET /assessments:")
    )
    assert all(r.exc_info is None for r in errors)
    assert all("s3cret-pw" not in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://u:p@db:5432/wizard", "postgresql+psycopg://u:p@db:5432/wizard"),
        ("postgresql://u@db/wizard", "postgresql+psycopg://u@db/wizard"),
        ("postgresql+psycopg://u@db/wizard", "postgresql+psycopg://u@db/wizard"),
        ("sqlite:///data/wizard.db", "sqlite:///data/wizard.db"),
    ],
)
def test_database_urls_as_hosting_panels_write_them(given: str, used: str) -> None:
    assert normalise_database_url(given) == used
    assert Settings(database_url=given).database_url == used


def test_make_clean_keeps_the_database() -> None:
    makefile = (ROOT / "Makefile").read_text()
    clean = makefile.split("\nclean:", 1)[1].split("\n\n", 1)[0]
    assert "rm -rf" in clean
    assert " data" not in clean.split("rm -rf", 1)[1].split("\n", 1)[0]


def test_sqlite_file_path_is_untouched_by_normalising(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert Settings(database_url=url).database_url == url


def test_a_refused_host_is_logged_naming_the_setting(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        response = client.get("/", headers={"Host": "wizard.example.org"})
    assert response.status_code == 400
    lines = [r.getMessage() for r in caplog.records if "refused Host" in r.getMessage()]
    assert lines == [
        "refused Host 'wizard.example.org' on GET /: not localhost, a loopback address, "
        "APP_PUBLIC_ORIGIN's host or one of APP_ALLOWED_HOSTS (add it there if users reach the "
        "app by that name)"
    ]


@pytest.mark.parametrize(
    ("password", "warned"),
    [
        ("correct horse", True),
        ("x" * 19, True),
        ("x" * 20, False),
        ("hat tuba lamp vine crow", False),
    ],
)
def test_a_short_team_password_is_warned_about_at_start_never_logged(
    database_url: str, caplog: pytest.LogCaptureFixture, password: str, warned: bool
) -> None:
    with caplog.at_level(logging.WARNING, logger="app"):
        app = create_app(Settings(database_url=database_url, access_password=password))
    app.state.db.dispose()
    said = [r.getMessage() for r in caplog.records if r.name == "app"]
    expected = (
        f"APP_ACCESS_PASSWORD has {len(password)} characters: guessing from many addresses is "
        "slowed only per address, so use 20 or more (a passphrase of 5 or more random words). "
        "See README, Security."
    )
    assert said == ([expected] if warned else [])
    assert all(password not in r.getMessage() for r in caplog.records)
