"""Sign-in throttle: an index to find the rows whose window has ended.

The throttle (app/auth.py) now deletes every row whose 15-minute window has ended, on the first
password check in each process and then about once a minute, whatever the check's outcome, so
the table holds at most one row per address that guessed wrong in the last 15 minutes. This
index keeps that delete from reading the whole table.

Revision ID: 0021
Revises: 0013
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_auth_throttle_window_started_at", "auth_throttle", ["window_started_at"])


def downgrade() -> None:
    op.drop_index("ix_auth_throttle_window_started_at", table_name="auth_throttle")
