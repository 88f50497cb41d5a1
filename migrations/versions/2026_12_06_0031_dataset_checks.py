"""Dataset checks kept server-side for a day, so that a report has its own URL and attaching a
profile sends only the check's id (issue 19: a client can't post numbers of its own).

Revision ID: 0031
Revises: 0022
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0031"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    json_type = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    op.create_table(
        "dataset_checks",
        sa.Column("id", sa.String(43), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=True),
        sa.Column("profile", json_type, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name="fk_dataset_checks_assessment_id_assessments",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_dataset_checks"),
    )
    op.create_index("ix_dataset_checks_assessment_id", "dataset_checks", ["assessment_id"])
    op.create_index("ix_dataset_checks_expires_at", "dataset_checks", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_dataset_checks_expires_at", table_name="dataset_checks")
    op.drop_index("ix_dataset_checks_assessment_id", table_name="dataset_checks")
    op.drop_table("dataset_checks")
