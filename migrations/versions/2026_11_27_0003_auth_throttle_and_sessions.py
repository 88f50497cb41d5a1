"""Sign-in state that every worker shares: the password throttle, the session secret, sessions.

One concern: holding up against password guessing and stolen cookies when several workers or
hosts serve one database.

* `auth_throttle`: failed password presentations (sign-in form, bearer token) per client,
  per address and for the account, so a throttle can't be dodged by landing on another worker.
* `server_secrets`: random keys made once by the app (the cookie-signing key when
  APP_SECRET_KEY is not set), so cookies no longer derive from the password.
* `auth_sessions`: one row per signed-in browser; sign-out deletes it, which revokes the cookie.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "auth_throttle",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("last_failure_at", UTC_TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_auth_throttle")),
    )
    op.create_table(
        "server_secrets",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_server_secrets")),
    )
    op.create_table(
        "auth_sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", UTC_TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_auth_sessions")),
    )
    op.create_index(op.f("ix_auth_sessions_expires_at"), "auth_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_auth_sessions_expires_at"), table_name="auth_sessions")
    op.drop_table("auth_sessions")
    op.drop_table("server_secrets")
    op.drop_table("auth_throttle")
