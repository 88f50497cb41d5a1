"""Migration 0007 (decision status and versions) up and down, on SQLite and PostgreSQL, with rows
already stored: existing assessments become proposed, revisions get their numbers, and going
back leaves the rows and the history's triggers as they were."""

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from tests.test_migrations import alembic_config, empty_database  # noqa: F401 - a fixture

ROW = (
    "INSERT INTO assessments (id, share_token, title, team, notes, answers, current_step, "
    "created_at, updated_at, finished_at, recommendation, revised_from_id) VALUES "
    "(:id, :token, :title, '', '', '{}', 'review', :at, :at, :at, 'rag', :parent)"
)


def previous_revision(config) -> str:
    return ScriptDirectory.from_config(config).get_revision("0007").down_revision


def insert_line(engine) -> None:
    """An original, its revision, and the revision's revision, as stored before 0007."""
    with engine.begin() as connection:
        for ident, parent in ((1, None), (2, 1), (3, 2), (4, None)):
            connection.execute(
                text(ROW),
                {
                    "id": ident,
                    "token": f"token-{ident:02d}-" + "x" * 30,
                    "title": f"T{ident}",
                    "at": f"2026-11-0{ident} 10:00:00+00:00",
                    "parent": parent,
                },
            )


def test_upgrade_makes_existing_rows_proposed_and_numbers_revisions(empty_database):  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, previous_revision(config))
    engine = create_engine(empty_database)
    insert_line(engine)
    command.upgrade(config, "0007")
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, status, version FROM assessments ORDER BY id")
        ).all()
    assert [tuple(r) for r in rows] == [
        (1, "proposed", 1),
        (2, "proposed", 2),
        (3, "proposed", 3),
        (4, "proposed", 1),
    ]
    indexes = {i["name"]: i["column_names"] for i in inspect(engine).get_indexes("assessments")}
    assert indexes["ix_assessments_status_recommendation"] == [
        "status",
        "recommendation",
        "finished_at",
        "id",
    ]
    assert indexes["ix_assessments_revised_from_id"] == ["revised_from_id"]
    # The database itself refuses a status that is not one of the four.
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("UPDATE assessments SET status = 'done' WHERE id = 1"))
    engine.dispose()


def test_downgrade_removes_the_columns_and_keeps_rows_and_counts(empty_database):  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "0007")
    engine = create_engine(empty_database)
    insert_line(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE assessments SET status = 'accepted' WHERE id = 4"))
    command.downgrade(config, previous_revision(config))
    columns = {c["name"] for c in inspect(engine).get_columns("assessments")}
    assert {"status", "version"} & columns == set()
    index_names = {i["name"] for i in inspect(engine).get_indexes("assessments")}
    assert {n for n in index_names if "status" in n or "revised_from" in n} == set()
    with engine.begin() as connection:
        assert connection.execute(text("SELECT count(*) FROM assessments")).scalar() == 4
        # The history's counting triggers survived the plain ALTER TABLEs.
        connection.execute(
            text(ROW),
            {
                "id": 5,
                "token": "token-05-" + "x" * 30,
                "title": "T5",
                "at": "2026-11-05 10:00:00+00:00",
                "parent": None,
            },
        )
        finished = connection.execute(
            text("SELECT finished FROM assessment_counts WHERE recommendation = 'rag'")
        ).scalar()
    assert finished == 5
    command.upgrade(config, "0007")
    engine.dispose()
