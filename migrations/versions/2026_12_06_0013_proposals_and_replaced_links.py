"""Proposed revisions, and links a rotation replaced.

`assessments.is_proposal`: a revision finished by someone who does not own the decision waits
for an owner to accept it before it supersedes the original. Existing revisions were all
finished under the old rule and stay accepted (false). `replaced_links` keeps the sha256 of each
share token a rotation replaced, so the old link answers 410 Gone; its rows go with their
assessment (ON DELETE CASCADE), so a deleted assessment's links answer 404.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "assessments",
        sa.Column("is_proposal", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "replaced_links",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_replaced_links_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_replaced_links")),
    )
    op.create_index("ix_replaced_links_assessment_id", "replaced_links", ["assessment_id"])


def downgrade() -> None:
    op.drop_index("ix_replaced_links_assessment_id", table_name="replaced_links")
    op.drop_table("replaced_links")
    # Plain DROP COLUMN, not batch mode, which would lose the history triggers of revision 0002.
    op.execute("ALTER TABLE assessments DROP COLUMN is_proposal")
