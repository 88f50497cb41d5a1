"""Fixtures: every HTTP test runs on a fresh SQLite file; the tests marked `storage` (where the two
databases differ: search, locking and concurrency, migrations and triggers, constraints and
cascades, time and JSON types, backups and copies) run on a fresh PostgreSQL database as well.

`make test` runs everything. `make test-fast` leaves out the tests marked `postgresql`, `slow` and
`e2e` (pyproject.toml) and loads the Hypothesis profile "fast" registered here.
"""

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from starlette.testclient import TestClient

from app.main import create_app
from app.settings import ROOT, Settings

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# TestClient calls the app "testserver": a host name like any other, so it must be allowed.
os.environ.setdefault("APP_ALLOWED_HOSTS", "testserver")
# A handful of examples per property test (decision_cases.examples caps the explicit counts too).
hypothesis_settings.register_profile("fast", max_examples=10, deadline=None)
# No per-example deadline in the full suite either: a deadline is a timing assertion, and on a
# shared machine under load (two suites at once) the estimator's properties overran its 200 ms
# while testing nothing about speed. Speed is measured by the bench/ scripts.
hypothesis_settings.register_profile("full", deadline=None)
hypothesis_settings.load_profile("full")


def migrate(url: str | URL) -> None:
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["database_url"] = (
        str(url) if isinstance(url, str) else url.render_as_string(hide_password=False)
    )
    config.attributes["configure_logging"] = False
    command.upgrade(config, "head")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "wizard.db"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of its own for this test run, migrated once and dropped at the end."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        pytest.fail(
            f"PostgreSQL is part of the suite but is not reachable at {POSTGRES_URL}: {error.orig}. "
            "Start it, or point TEST_POSTGRES_URL at one.",
            pytrace=False,
        )
    name = f"wizard_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    migrate(url)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


BOTH_DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`database_url` is SQLite; a test marked `storage` gets PostgreSQL as a second run. A test
    (or fixture) that parametrises `database_url` itself is left alone."""
    if "database_url" not in metafunc.fixturenames:
        return
    if any(
        "database_url" in marker.args[0]
        for marker in metafunc.definition.iter_markers("parametrize")
    ):
        return
    storage = metafunc.definition.get_closest_marker("storage") is not None
    metafunc.parametrize("database_url", BOTH_DATABASES if storage else ["sqlite"], indirect=True)


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    return fresh_database(request.param, request, tmp_path, sqlite_template)


def fresh_database(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> str:
    """A migrated database with nothing in it: a copy of the SQLite template in `tmp_path`, or
    this run's PostgreSQL database emptied."""
    if kind == "sqlite":
        path = tmp_path / "wizard.db"
        shutil.copyfile(sqlite_template, path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_url")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "TRUNCATE assessments, auth_throttle, auth_sessions, manage_keys, audit_events,"
                " comment_drafts RESTART IDENTITY CASCADE"
            )
        )
    engine.dispose()
    return url


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url)


@pytest.fixture
def app(settings: Settings):
    application = create_app(settings)
    yield application
    application.state.db.dispose()


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client
