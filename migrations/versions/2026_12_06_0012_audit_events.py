"""The audit trail of a decision: who changed what, when, and why (optionally).

One row per status change, acceptance of a proposed revision, rotation, expiry change, key
invited or revoked, and deletion. `actor_kind` is "key" (with the key's label) or "session"
(signed in with the team password). Rows belong to the decision, not to a version, so a deleted
version's deletion stays on record. The index serves a decision's trail in order.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONDocument = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("detail", JSONDocument, nullable=False),
        sa.Column("actor_kind", sa.String(length=10), nullable=False),
        sa.Column("actor_label", sa.String(length=80), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index("ix_audit_events_decision", "audit_events", ["decision_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_events_decision", table_name="audit_events")
    op.drop_table("audit_events")
