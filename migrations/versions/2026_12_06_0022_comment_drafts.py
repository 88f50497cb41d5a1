"""Comment drafts: a comment typed while signed out is kept through sign-in.

With a team password, a signed-out reader who writes a comment is sent to sign in; the comment
travels with the sign-in form and, once the password is right, waits here (at most an hour,
under the SHA-256 of a random id held in an HttpOnly cookie) until the verdict page puts it back
in the comment form. Taken once; expired rows are deleted whenever a draft is stored.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "comment_drafts",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("share_token", sa.String(length=64), nullable=False),
        sa.Column("author", sa.String(length=80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_comment_drafts")),
    )
    op.create_index(op.f("ix_comment_drafts_expires_at"), "comment_drafts", ["expires_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_comment_drafts_expires_at"), table_name="comment_drafts")
    op.drop_table("comment_drafts")
