"""Migration 0006 (the manage token and the link expiry) runs up and down on both databases,
keeping the rows it finds."""

from alembic import command
from sqlalchemy import create_engine, inspect, text

from tests.test_migrations import alembic_config, empty_database  # noqa: F401 - a fixture

NEW_COLUMNS = {"manage_token_hash", "share_expires_at"}


def columns(url: str) -> set[str]:
    engine = create_engine(url)
    names = {c["name"] for c in inspect(engine).get_columns("assessments")}
    engine.dispose()
    return names


def test_0006_adds_and_drops_its_columns_and_keeps_rows(empty_database):  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "0005")
    assert columns(empty_database) & NEW_COLUMNS == set()
    engine = create_engine(empty_database)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO assessments (share_token, title, team, notes, answers, current_step,"
                " created_at, updated_at) VALUES ('t' || 'oken-before-0006-xx', 'Kept', '', '',"
                " '{}', 'task', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
    command.upgrade(config, "0006")
    assert NEW_COLUMNS <= columns(empty_database)
    with engine.connect() as connection:
        kept = connection.execute(
            text("SELECT title, manage_token_hash, share_expires_at FROM assessments")
        ).all()
    assert [tuple(r) for r in kept] == [("Kept", None, None)]
    command.downgrade(config, "0005")
    assert columns(empty_database) & NEW_COLUMNS == set()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT title FROM assessments")).scalars().all() == ["Kept"]
    engine.dispose()
    command.upgrade(config, "head")
    # At head the expiry stays; the per-version token moved to its decision (revision 0011).
    assert columns(empty_database) & NEW_COLUMNS == {"share_expires_at"}
