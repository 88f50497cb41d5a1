"""Create the assessments table.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONDocument = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UTC_TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("share_token", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("team", sa.String(length=100), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("answers", JSONDocument, nullable=False),
        sa.Column("current_step", sa.String(length=20), nullable=False),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("updated_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("finished_at", UTC_TIMESTAMP, nullable=True),
        sa.Column("recommendation", sa.String(length=32), nullable=True),
        sa.Column("confidence", sa.String(length=10), nullable=True),
        sa.Column("verdict", JSONDocument, nullable=True),
        sa.Column("rules_version", sa.String(length=40), nullable=True),
        sa.Column("revised_from_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["revised_from_id"],
            ["assessments.id"],
            name=op.f("fk_assessments_revised_from_id_assessments"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
        sa.UniqueConstraint("share_token", name=op.f("uq_assessments_share_token")),
    )
    op.create_index("ix_assessments_finished", "assessments", ["finished_at", "id"])
    op.create_index(
        "ix_assessments_recommendation_finished",
        "assessments",
        ["recommendation", "finished_at", "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_assessments_recommendation_finished", table_name="assessments")
    op.drop_index("ix_assessments_finished", table_name="assessments")
    op.drop_table("assessments")
