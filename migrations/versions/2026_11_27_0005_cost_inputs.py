"""Cost inputs: the optional numbers of the cost step, stored with the assessment.

One nullable JSON column, `cost_inputs`, in the request shape of POST /api/v1/costs: requests per
day, tokens per request, the current and candidate models' prices, the one-time cost, the cost of
a wrong answer. The figures derived from them are computed on reading, so none are stored.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONDocument = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    # A nullable column with no default: an instant change on both SQLite and PostgreSQL.
    op.add_column("assessments", sa.Column("cost_inputs", JSONDocument, nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+), not batch mode: batch mode would rebuild the table on
    # SQLite and lose the history triggers of revision 0002.
    op.execute("ALTER TABLE assessments DROP COLUMN cost_inputs")
