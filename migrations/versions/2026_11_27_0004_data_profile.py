"""The measured profile of a team's training data, attached to its assessment.

One concern: issue 10's dataset check measures a sample of training data (counts, duplicates,
diversity, lengths, labels). The profile, never the file, is kept with the assessment, and only
when the team chooses to attach it: a nullable JSON column (JSONB on PostgreSQL).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, not batch mode: rebuilding the table on SQLite would drop 0002's triggers.
def upgrade() -> None:
    json_type = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    op.add_column("assessments", sa.Column("data_profile", json_type, nullable=True))


def downgrade() -> None:
    op.drop_column("assessments", "data_profile")
