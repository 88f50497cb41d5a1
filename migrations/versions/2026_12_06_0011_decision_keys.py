"""One decision, one set of owners: manage keys belong to the decision, every version of it.

`assessments.decision_id` names the decision a version belongs to: the id of its first version
(the root of its `revised_from_id` chain), shared by all its revisions. `manage_keys` holds the
keys that manage a decision (sha256 only, a label, when made, last used, revoked). Every manage
token stored per version (`assessments.manage_token_hash`, revision 0006) moves to its
decision as a key: whoever held a token for any version manages every version from now on, and
no token is lost. The per-version column then goes.

Downgrade puts back, on each version, the oldest unrevoked key of its decision (the only
column there was), and drops the table: co-owner keys made since have nowhere to go.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("assessments", sa.Column("decision_id", sa.Integer(), nullable=True))
    op.create_index("ix_assessments_decision_id", "assessments", ["decision_id"])
    op.create_table(
        "manage_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_manage_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_manage_keys_key_hash")),
    )
    op.create_index("ix_manage_keys_decision", "manage_keys", ["decision_id", "id"])
    # Each version's decision: the root of its chain of revisions. Chains are a few versions
    # long, so this walks them a step at a time until every row has its decision.
    op.execute("UPDATE assessments SET decision_id = id WHERE revised_from_id IS NULL")
    while True:
        moved = op.get_bind().execute(
            sa.text(
                "UPDATE assessments SET decision_id = (SELECT parent.decision_id FROM assessments"
                " AS parent WHERE parent.id = assessments.revised_from_id)"
                " WHERE decision_id IS NULL AND revised_from_id IN"
                " (SELECT id FROM assessments WHERE decision_id IS NOT NULL)"
            )
        )
        if moved.rowcount == 0:
            break
    # A cycle can't be made by the app; should one exist, each of its rows stands alone.
    op.execute("UPDATE assessments SET decision_id = id WHERE decision_id IS NULL")
    # Every token, to its decision (oldest first, so the creator's key lists first).
    # (A token shared by versions, as a downgrade leaves them, becomes one key.)
    op.execute(
        "INSERT INTO manage_keys (decision_id, key_hash, label, created_at)"
        " SELECT decision_id, manage_token_hash, '', MIN(COALESCE(finished_at, created_at))"
        " FROM assessments WHERE manage_token_hash IS NOT NULL"
        " GROUP BY decision_id, manage_token_hash"
        " ORDER BY MIN(COALESCE(finished_at, created_at)), MIN(id)"
    )
    # Plain DROP COLUMN (SQLite 3.35+), not batch mode, which would rebuild the table on SQLite
    # and lose the history triggers of revision 0002.
    op.execute("ALTER TABLE assessments DROP COLUMN manage_token_hash")


def downgrade() -> None:
    op.add_column("assessments", sa.Column("manage_token_hash", sa.String(64), nullable=True))
    op.execute(
        "UPDATE assessments SET manage_token_hash = (SELECT k.key_hash FROM manage_keys AS k"
        " WHERE k.decision_id = assessments.decision_id AND k.revoked_at IS NULL"
        " ORDER BY k.created_at, k.id LIMIT 1) WHERE finished_at IS NOT NULL"
    )
    op.drop_index("ix_manage_keys_decision", table_name="manage_keys")
    op.drop_table("manage_keys")
    op.drop_index("ix_assessments_decision_id", table_name="assessments")
    op.execute("ALTER TABLE assessments DROP COLUMN decision_id")
