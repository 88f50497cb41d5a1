"""Comments: teammates' short notes on a finished assessment, under a display name.

One concern: discussing a verdict where it is shared. `comments` holds one row per note; its
foreign key deletes the notes with their assessment (ON DELETE CASCADE on both backends; SQLite
enforces it because every connection turns foreign_keys on, app/db.py). The index serves an
assessment's comments oldest first.

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_comments_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
    )
    op.create_index("ix_comments_assessment", "comments", ["assessment_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_comments_assessment", table_name="comments")
    op.drop_table("comments")
