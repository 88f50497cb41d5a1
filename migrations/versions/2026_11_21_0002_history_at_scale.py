"""History at scale: verdict counts kept by triggers, and an index for searching title and team.

One concern: the history page must answer as fast with a million finished assessments as with a
thousand. Two things in it grew with the table, and this revision gives each an index:

* Counts by recommendation. `assessment_counts` holds one row per recommendation with the number
  of finished assessments; triggers on `assessments` keep it exact for every write path (the
  service layer, bulk seeding, hand-written SQL, deletes, TRUNCATE on PostgreSQL).
* Substring search in title and team (`%q%`), which no B-tree can serve.
  - PostgreSQL: pg_trgm GIN indexes on lower(title) and lower(team), finished rows only, for
    rare words; for common ones, `ix_assessments_history` (finished_at, id) INCLUDE
    (recommendation, title, team), walked newest first without reading the table.
    pg_trgm is a trusted contrib extension (PostgreSQL 13+): a database owner may create it.
  - SQLite: an FTS5 table with the trigram tokenizer (SQLite 3.34+), filled by triggers, that
    also keeps each row's recommendation. Its rowid is an ordering key, unixepoch(finished_at) * 2**31 + id, so the index
    itself hands out matches newest first and a LIMIT stops the walk early, however many rows
    match. The key is unique because it contains the id (ids are 32-bit integers).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

import sqlite3
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Keep in step with app/assessments.py (SEARCH_TABLE, ORDER_KEY_ID_SPAN).
SEARCH_TABLE = "assessments_search"
KEY = "(CAST(strftime('%s', {row}.finished_at) AS INTEGER) * 2147483648 + {row}.id)"

SQLITE_TRIGGERS = {
    # Each keeps both the counts and the search index in step with a finished assessment.
    "assessments_history_insert": f"""
        CREATE TRIGGER assessments_history_insert AFTER INSERT ON assessments
        WHEN NEW.finished_at IS NOT NULL AND NEW.recommendation IS NOT NULL
        BEGIN
            INSERT INTO assessment_counts (recommendation, finished) VALUES (NEW.recommendation, 1)
            ON CONFLICT (recommendation) DO UPDATE SET finished = finished + 1;
            INSERT INTO {SEARCH_TABLE} (rowid, title, team, recommendation)
            VALUES ({KEY.format(row="NEW")}, NEW.title, NEW.team, NEW.recommendation);
        END""",
    "assessments_history_update": f"""
        CREATE TRIGGER assessments_history_update
        AFTER UPDATE OF finished_at, recommendation, title, team, id ON assessments
        WHEN OLD.finished_at IS NOT NEW.finished_at OR OLD.recommendation IS NOT NEW.recommendation
          OR OLD.title IS NOT NEW.title OR OLD.team IS NOT NEW.team OR OLD.id IS NOT NEW.id
        BEGIN
            UPDATE assessment_counts SET finished = finished - 1
            WHERE recommendation = OLD.recommendation AND OLD.finished_at IS NOT NULL;
            DELETE FROM {SEARCH_TABLE} WHERE rowid = {KEY.format(row="OLD")}
            AND OLD.finished_at IS NOT NULL AND OLD.recommendation IS NOT NULL;
            INSERT INTO assessment_counts (recommendation, finished)
            SELECT NEW.recommendation, 1
            WHERE NEW.finished_at IS NOT NULL AND NEW.recommendation IS NOT NULL
            ON CONFLICT (recommendation) DO UPDATE SET finished = finished + 1;
            INSERT INTO {SEARCH_TABLE} (rowid, title, team, recommendation)
            SELECT {KEY.format(row="NEW")}, NEW.title, NEW.team, NEW.recommendation
            WHERE NEW.finished_at IS NOT NULL AND NEW.recommendation IS NOT NULL;
        END""",
    "assessments_history_delete": f"""
        CREATE TRIGGER assessments_history_delete AFTER DELETE ON assessments
        WHEN OLD.finished_at IS NOT NULL AND OLD.recommendation IS NOT NULL
        BEGIN
            UPDATE assessment_counts SET finished = finished - 1
            WHERE recommendation = OLD.recommendation;
            DELETE FROM {SEARCH_TABLE} WHERE rowid = {KEY.format(row="OLD")};
        END""",
}

# PostgreSQL: statement-level triggers with transition tables, so that a bulk insert of 10,000
# rows updates each counter row once, not 10,000 times.
POSTGRES_FUNCTION = """
CREATE FUNCTION assessment_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM assessment_counts;
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO assessment_counts AS c (recommendation, finished)
        SELECT recommendation, count(*) FROM new_rows
        WHERE finished_at IS NOT NULL AND recommendation IS NOT NULL
        GROUP BY recommendation
        ON CONFLICT (recommendation) DO UPDATE SET finished = c.finished + EXCLUDED.finished;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO assessment_counts AS c (recommendation, finished)
        SELECT recommendation, -count(*) FROM old_rows
        WHERE finished_at IS NOT NULL AND recommendation IS NOT NULL
        GROUP BY recommendation
        ON CONFLICT (recommendation) DO UPDATE SET finished = c.finished + EXCLUDED.finished;
    ELSE
        INSERT INTO assessment_counts AS c (recommendation, finished)
        SELECT recommendation, sum(delta) FROM (
            SELECT recommendation, 1 AS delta FROM new_rows
            WHERE finished_at IS NOT NULL AND recommendation IS NOT NULL
            UNION ALL
            SELECT recommendation, -1 FROM old_rows
            WHERE finished_at IS NOT NULL AND recommendation IS NOT NULL
        ) AS changes
        GROUP BY recommendation
        HAVING sum(delta) <> 0
        ON CONFLICT (recommendation) DO UPDATE SET finished = c.finished + EXCLUDED.finished;
    END IF;
    RETURN NULL;
END
$$
"""

POSTGRES_TRIGGERS = {
    "assessment_counts_insert": "AFTER INSERT ON assessments REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT",
    "assessment_counts_update": "AFTER UPDATE ON assessments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT",
    "assessment_counts_delete": "AFTER DELETE ON assessments REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT",
    # TRUNCATE ... CASCADE does not reach a table without a foreign key: empty it here.
    "assessment_counts_truncate": "AFTER TRUNCATE ON assessments FOR EACH STATEMENT",
}

TRIGRAM_INDEXES = {"ix_assessments_title_trgm": "title", "ix_assessments_team_trgm": "team"}

BACKFILL_COUNTS = """
INSERT INTO assessment_counts (recommendation, finished)
SELECT recommendation, count(*) FROM assessments
WHERE finished_at IS NOT NULL AND recommendation IS NOT NULL
GROUP BY recommendation
"""


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "assessment_counts",
        sa.Column("recommendation", sa.String(length=32), nullable=False),
        sa.Column("finished", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("recommendation", name=op.f("pk_assessment_counts")),
    )
    op.execute(BACKFILL_COUNTS)
    if dialect == "sqlite":
        _upgrade_sqlite()
    elif dialect == "postgresql":
        _upgrade_postgresql()
    else:  # pragma: no cover - the app supports these two
        raise NotImplementedError(f"history indexes for {dialect}")


def _upgrade_sqlite() -> None:
    if sqlite3.sqlite_version_info < (3, 34, 0):
        raise RuntimeError(
            f"SQLite {sqlite3.sqlite_version} lacks FTS5's trigram tokenizer; 3.34+ needed"
        )
    # With its own copy of title, team and recommendation (some 60 bytes a row, in time order):
    # counting the newest matches by recommendation then never reads the big assessments rows.
    op.execute(
        f"CREATE VIRTUAL TABLE {SEARCH_TABLE} USING fts5("
        "title, team, recommendation UNINDEXED, columnsize=0, tokenize='trigram')"
    )
    op.execute(
        f"INSERT INTO {SEARCH_TABLE} (rowid, title, team, recommendation) "
        f"SELECT {KEY.format(row='assessments')}, title, team, recommendation FROM assessments "
        "WHERE finished_at IS NOT NULL AND recommendation IS NOT NULL"
    )
    for ddl in SQLITE_TRIGGERS.values():
        op.execute(ddl)


def _upgrade_postgresql() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # Newest first with what a search filters on and counts: an index-only walk, which never
    # touches the wide heap rows (the JSON answers live there).
    op.create_index(
        "ix_assessments_history",
        "assessments",
        ["finished_at", "id"],
        postgresql_include=["recommendation", "title", "team"],
        postgresql_where=sa.text("finished_at IS NOT NULL"),
    )
    for name, column in TRIGRAM_INDEXES.items():
        op.create_index(
            name,
            "assessments",
            [sa.text(f"lower({column}) gin_trgm_ops")],
            postgresql_using="gin",
            postgresql_where=sa.text("finished_at IS NOT NULL"),
        )
    if op.get_bind().dialect.server_version_info >= (14,):
        # How common a word is decides between the two plans above; without statistics on the
        # expressions PostgreSQL guesses (a fixed 0.5%) and reads 30,000 rows for a common word.
        for column in TRIGRAM_INDEXES.values():
            op.execute(
                f"CREATE STATISTICS IF NOT EXISTS st_assessments_lower_{column} "
                f"ON (lower({column})) FROM assessments"
            )
        op.execute("ANALYZE assessments")
    op.execute(POSTGRES_FUNCTION)
    for name, when in POSTGRES_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {when} EXECUTE FUNCTION assessment_counts_apply()")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"DROP TABLE IF EXISTS {SEARCH_TABLE}")
    elif dialect == "postgresql":
        for name in POSTGRES_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON assessments")
        op.execute("DROP FUNCTION IF EXISTS assessment_counts_apply()")
        for column in TRIGRAM_INDEXES.values():
            op.execute(f"DROP STATISTICS IF EXISTS st_assessments_lower_{column}")
        for name in (*TRIGRAM_INDEXES, "ix_assessments_history"):
            op.drop_index(name, table_name="assessments")
        # pg_trgm stays: other objects in the database may use it, and it costs nothing idle.
    op.drop_table("assessment_counts")
