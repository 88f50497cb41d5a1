"""The team's own eval run, measured and attached to its assessment.

Issue 24's eval-run check reads a promptfoo, openai/evals, Inspect or CSV run and computes the
baseline: cases, passes, errors, accuracy and its Wilson interval, and, over several runs of
prompt versions, whether prompting has plateaued. Two nullable JSON columns (JSONB on
PostgreSQL), never the file:

- `eval_run`: the summary the team attached; it answers `baseline_accuracy` and
  `baseline_sample_size` as measured.
- `eval_check`: the summary of the last check made from a draft, under a random id, until the
  team attaches it (or checks another file). Attaching copies what the server computed, so no
  number posted by a client is ever stored as measured.

Revision ID: 0041
Revises: 0031
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0041"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, not batch mode: rebuilding the table on SQLite would drop 0002's triggers.
def upgrade() -> None:
    json_type = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    op.add_column("assessments", sa.Column("eval_run", json_type, nullable=True))
    op.add_column("assessments", sa.Column("eval_check", json_type, nullable=True))


def downgrade() -> None:
    op.drop_column("assessments", "eval_check")
    op.drop_column("assessments", "eval_run")
