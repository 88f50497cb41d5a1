"""The manage capability: a hash of each assessment's manage token, and a share link expiry.

Two nullable columns with no default, an instant change on both SQLite and PostgreSQL.
Assessments finished before this revision have no manage token: only signed-in users (when the
team password is set) can manage them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("assessments", sa.Column("manage_token_hash", sa.String(64), nullable=True))
    op.add_column(
        "assessments", sa.Column("share_expires_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+), not batch mode: batch mode would rebuild the table on
    # SQLite and lose the history triggers of revision 0002.
    op.execute("ALTER TABLE assessments DROP COLUMN share_expires_at")
    op.execute("ALTER TABLE assessments DROP COLUMN manage_token_hash")
