"""Decision status and versions: an assessment as an architecture decision record (issue 12).

One concern: a finished assessment gets a status, proposed (every existing row), accepted,
rejected or superseded, and a place in its line of revisions.

* `status`: a short text with a CHECK on the four values, NOT NULL with a server default, so
  adding it is one ALTER TABLE on both back ends (no table rebuild, which on SQLite would drop the
  history triggers of revision 0002).
* `version`: 1 for an original; a finished revision is one more than the version it supersedes.
  Existing revisions are numbered along `revised_from_id`.
* No column for "superseded by": it is the newest finished revision whose `revised_from_id` is
  this one, found through a new index on `revised_from_id` (a second, mirrored foreign key could
  not be added to SQLite without rebuilding the table, and could disagree with the first).
* Two indexes serve the history filtered by status: newest first, and by recommendation (which
  also counts a status's assessments by recommendation from the index alone).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Keep in step with app/models.py (STATUSES).
STATUS_CHECK = "status IN ('proposed', 'accepted', 'rejected', 'superseded')"
INDEXES = {
    "ix_assessments_revised_from_id": ["revised_from_id"],
    "ix_assessments_status_finished": ["status", "finished_at", "id"],
    "ix_assessments_status_recommendation": ["status", "recommendation", "finished_at", "id"],
}
# Depth along revised_from_id: an original is 1, its revision 2, and so on.
NUMBER_REVISIONS = """
WITH RECURSIVE line (id, depth) AS (
    SELECT id, 1 FROM assessments WHERE revised_from_id IS NULL
    UNION ALL
    SELECT a.id, line.depth + 1 FROM assessments a JOIN line ON a.revised_from_id = line.id
)
UPDATE assessments SET version = (SELECT depth FROM line WHERE line.id = assessments.id)
WHERE revised_from_id IS NOT NULL AND id IN (SELECT id FROM line)
"""


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        # SQLite adds a constraint only with its column, inline.
        op.execute(
            "ALTER TABLE assessments ADD COLUMN status VARCHAR(12) DEFAULT 'proposed' NOT NULL "
            f"CONSTRAINT ck_assessments_status CHECK ({STATUS_CHECK})"
        )
    else:
        op.add_column(
            "assessments",
            sa.Column("status", sa.String(12), server_default="proposed", nullable=False),
        )
        op.create_check_constraint("status", "assessments", STATUS_CHECK)
    op.add_column(
        "assessments", sa.Column("version", sa.Integer(), server_default="1", nullable=False)
    )
    op.execute(NUMBER_REVISIONS)
    for name, columns in INDEXES.items():
        op.create_index(name, "assessments", columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="assessments")
    # Plain DROP COLUMN (SQLite 3.35+), as in 0005: batch mode would lose 0002's triggers.
    for column in ("version", "status"):
        op.execute(f"ALTER TABLE assessments DROP COLUMN {column}")
