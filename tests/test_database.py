"""SQLite runs with its durability settings, and writers take the lock before they read."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import event, text

from app import assessments
from app.db import Database
from app.models import Assessment


@pytest.fixture
def sqlite_db(database_url):
    if not database_url.startswith("sqlite"):
        pytest.fail("this fixture is only for the SQLite half of the suite")
    db = Database(database_url)
    yield db
    db.dispose()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_sqlite_pragmas(sqlite_db):
    with sqlite_db.read() as session:
        values = {
            name: session.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
        }
    assert values == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": 30000,
        "synchronous": 2,
    }


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_writes_begin_immediate_and_reads_do_not(sqlite_db):
    statements = []
    event.listen(
        sqlite_db.engine,
        "before_cursor_execute",
        lambda conn, cursor, statement, *args: statements.append(statement),
    )
    draft = assessments.start_draft(sqlite_db, {"title": "t"})
    assert statements[0] == "BEGIN IMMEDIATE"
    statements.clear()
    assessments.get(sqlite_db, draft.share_token)
    assert statements[0] == "BEGIN"


@pytest.mark.storage
def test_timestamps_are_utc_on_both_backends(database_url):
    db = Database(database_url)
    draft = assessments.start_draft(db, {"title": "t"})
    stored = assessments.get(db, draft.share_token)
    assert stored.created_at.tzinfo is not None
    assert stored.created_at.utcoffset() == timedelta(0)
    assert abs(stored.created_at - datetime.now(UTC)) < timedelta(minutes=1)
    db.dispose()


@pytest.mark.storage
def test_naive_datetimes_are_refused(database_url):
    db = Database(database_url)
    with pytest.raises(Exception, match="naive datetime"):
        with db.write() as session:
            session.add(
                Assessment(
                    share_token="t" * 43,
                    title="t",
                    current_step="task",
                    created_at=datetime(2026, 1, 1),
                )
            )
    db.dispose()


@pytest.mark.storage
def test_offsets_are_converted_to_utc(database_url):
    db = Database(database_url)
    eastern = timezone(timedelta(hours=8))
    with db.write() as session:
        session.add(
            Assessment(
                share_token="u" * 43,
                title="t",
                current_step="task",
                created_at=datetime(2026, 1, 1, 8, 0, tzinfo=eastern),
            )
        )
    stored = assessments.get(db, "u" * 43)
    assert stored.created_at == datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
    db.dispose()


def test_share_tokens_are_long_random_and_url_safe(database_url):
    db = Database(database_url)
    tokens = {assessments.start_draft(db, {"title": "t"}).share_token for _ in range(20)}
    assert len(tokens) == 20
    assert all(len(t) == 43 and assessments.looks_like_token(t) for t in tokens)
    db.dispose()
