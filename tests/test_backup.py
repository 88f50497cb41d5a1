"""Backups, restores and the copy between databases, on the real SQLite and PostgreSQL."""

import shutil
import uuid
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from starlette.testclient import TestClient

from app import backup
from app.main import create_app
from app.models import Base
from app.settings import ROOT, Settings
from tests.conftest import POSTGRES_URL, migrate
from tests.helpers import PRODUCT_SPECS, finish

COPIED = [t for t in Base.metadata.sorted_tables if t.name not in backup.DERIVED_TABLES]


def rows(url: str) -> dict[str, list[tuple]]:
    """Every stored row of every table the app keeps, in primary-key order, as plain tuples."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table.name: [
                    tuple(row)
                    for row in connection.execute(
                        select(table).order_by(*table.primary_key.columns)
                    )
                ]
                for table in COPIED
            }
    finally:
        engine.dispose()


def fill(url: str, count: int = 3) -> list[str]:
    """Finished assessments with a comment each, made through the app as a user would."""
    app = create_app(Settings(database_url=url))
    tokens = []
    with TestClient(app, follow_redirects=False) as client:
        for number in range(count):
            answers = PRODUCT_SPECS if number % 2 else None
            token = finish(
                client, title=f"Decision {number}", **({"answers": answers} if answers else {})
            )
            response = client.post(
                f"/api/v1/assessments/{token}/comments",
                json={"author": "Ana", "text": f"Looked at it ({number})"},
            )
            assert response.status_code == 201, response.text
            tokens.append(token)
    app.state.db.dispose()
    return tokens


@pytest.fixture
def fresh_postgres() -> str:
    """A migrated PostgreSQL database of its own, dropped afterwards."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"wizard_backup_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    migrate(url)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def fresh_sqlite(tmp_path: Path, sqlite_template: Path, name: str = "copy.db") -> str:
    path = tmp_path / name
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.mark.storage
def test_backup_then_restore_gives_back_every_row(database_url: str, tmp_path: Path) -> None:
    fill(database_url)
    before = rows(database_url)
    assert len(before["assessments"]) == 3 and len(before["comments"]) == 3
    written = backup.backup(database_url, tmp_path / "wizard.backup")
    assert written.stat().st_size > 0

    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM assessments"))
    engine.dispose()
    assert rows(database_url)["assessments"] == []

    backup.restore(database_url, written)
    assert rows(database_url) == before


@pytest.mark.storage
def test_a_backup_never_overwrites_a_file(database_url: str, tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("keep me")
    with pytest.raises(backup.BackupError, match="exists already"):
        backup.backup(database_url, target)
    assert target.read_text() == "keep me"


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path, sqlite_template: Path) -> None:
    url = fresh_sqlite(tmp_path, sqlite_template)
    stranger = tmp_path / "other.db"
    import sqlite3

    with sqlite3.connect(stranger) as connection:
        connection.execute("CREATE TABLE t (x)")
    with pytest.raises(backup.BackupError, match="not a backup of this app"):
        backup.restore(url, stranger)


@pytest.mark.postgresql
def test_copy_sqlite_to_postgresql_and_back(
    tmp_path: Path, sqlite_template: Path, fresh_postgres: str
) -> None:
    source = fresh_sqlite(tmp_path, sqlite_template, "source.db")
    fill(source, count=5)
    expected = rows(source)

    report = {r.table: r for r in backup.copy_database(source, fresh_postgres)}
    assert report["assessments"].source == 5 and report["assessments"].added == 5
    assert report["comments"].added == 5
    assert rows(fresh_postgres) == expected

    again = backup.copy_database(source, fresh_postgres)
    assert [r.added for r in again] == [0] * len(again)
    assert rows(fresh_postgres) == expected

    # The copy is a working database: the history counts (kept by triggers) and a new
    # assessment gets an id after the copied ones.
    app = create_app(Settings(database_url=fresh_postgres))
    with TestClient(app, follow_redirects=False) as client:
        listing = client.get("/api/v1/assessments").json()
        assert sum(listing["counts"].values()) == 5
        assert len(listing["items"]) == 5
        finish(client, title="After the move")
    app.state.db.dispose()
    engine = create_engine(fresh_postgres)
    with engine.connect() as connection:
        assert (
            connection.execute(
                select(func.max(text("id"))).select_from(text("assessments"))
            ).scalar()
            == 6
        )
    engine.dispose()

    back = fresh_sqlite(tmp_path, sqlite_template, "back.db")
    backup.copy_database(fresh_postgres, back)
    assert rows(back)["comments"] == rows(fresh_postgres)["comments"]
    assert len(rows(back)["assessments"]) == 6


def test_copy_refuses_databases_at_different_migrations(
    tmp_path: Path, sqlite_template: Path
) -> None:
    source = fresh_sqlite(tmp_path, sqlite_template, "source.db")
    behind = fresh_sqlite(tmp_path, sqlite_template, "behind.db")
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["database_url"] = behind
    config.attributes["configure_logging"] = False
    command.downgrade(config, "-1")
    with pytest.raises(backup.BackupError, match="same migration"):
        backup.copy_database(source, behind)


def test_cli_prints_one_line_errors(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    code = backup.main(["restore", str(tmp_path / "missing.db")])
    assert code == 1
    err = capsys.readouterr().err
    assert err == f"error: no backup file at {tmp_path / 'missing.db'}\n"
