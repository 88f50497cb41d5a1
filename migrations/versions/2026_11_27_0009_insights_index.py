"""Insights: a covering index for counting finished assessments by month, verdict and team.

The insights page groups every finished assessment by month of finished_at, recommendation,
confidence and team. Those columns sit after the answers in each row, and the verdict (some
12 kB of JSON) after them: without this index each count reads the whole table, some 1.4 GB for
100,000 assessments. With it, SQLite and PostgreSQL read the index alone (about 5 MB).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FINISHED = sa.text("finished_at IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_assessments_insights",
        "assessments",
        ["recommendation", "confidence", "team", "finished_at"],
        sqlite_where=FINISHED,
        postgresql_where=FINISHED,
    )


def downgrade() -> None:
    op.drop_index("ix_assessments_insights", table_name="assessments")
