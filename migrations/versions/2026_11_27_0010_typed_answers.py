"""Typed answers: what a person typed into a step that did not validate, kept until fixed.

Leaving a step (Back, the progress bar, the language switch) saves the valid answers and keeps
the invalid ones here, as typed, so the step shows them again with their errors. One nullable
JSON column, a flat mapping of form field name to the text typed.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONDocument = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    # A nullable column with no default: an instant change on both SQLite and PostgreSQL.
    op.add_column("assessments", sa.Column("typed_answers", JSONDocument, nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN, not batch mode, which would lose the history triggers of revision 0002.
    op.execute("ALTER TABLE assessments DROP COLUMN typed_answers")
