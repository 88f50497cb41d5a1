"""Retention: delete finished assessments older than APP_RETENTION_DAYS, and abandoned drafts.

Run by `make purge` (`python -m app.purge`, which prints what it deleted) and at every start-up
(app/main.py). Rows are deleted as `assessments.delete` deletes one, so comments, search entries
and counts go the same way as when an owner deletes an assessment.
"""

import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from app.db import Database
from app.models import Assessment, AuditEvent, ManageKey, utcnow
from app.settings import Settings, get_settings

DRAFT_DAYS = 30  # a draft nobody touched for this long is abandoned
BATCH = 500  # rows per statement: short transactions, bounded parameter lists


@dataclass(frozen=True)
class Purged:
    """One deleted assessment, as the command reports it."""

    id: int
    title: str
    finished_at: datetime | None
    updated_at: datetime


@dataclass
class PurgeReport:
    finished: list[Purged] = field(default_factory=list)
    drafts: list[Purged] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.finished) + len(self.drafts)


def _expired(db: Database, condition) -> list[Purged]:
    with db.read() as session:
        rows = session.execute(
            select(Assessment.id, Assessment.title, Assessment.finished_at, Assessment.updated_at)
            .where(condition)
            .order_by(Assessment.id)
        ).all()
    return [Purged(*row) for row in rows]


def _delete(db: Database, found: list[Purged], condition) -> list[Purged]:
    """Delete what was found, if it still meets the condition (a draft saved in between stays)."""
    deleted: list[Purged] = []
    for start in range(0, len(found), BATCH):
        batch = {row.id: row for row in found[start : start + BATCH]}
        with db.write() as session:
            gone = session.scalars(
                delete(Assessment)
                .where(Assessment.id.in_(batch), condition)
                .returning(Assessment.id)
            ).all()
        deleted += [batch[ident] for ident in sorted(gone)]
    return deleted


def purge(db: Database, retention_days: int | None, now: datetime | None = None) -> PurgeReport:
    """Delete drafts untouched for DRAFT_DAYS and, when `retention_days` is set, assessments
    finished more than that many days ago."""
    now = now or utcnow()
    report = PurgeReport()
    if retention_days is not None:
        old = Assessment.finished_at < now - timedelta(days=retention_days)
        report.finished = _delete(db, _expired(db, old), old)
    abandoned = Assessment.finished_at.is_(None) & (
        Assessment.updated_at < now - timedelta(days=DRAFT_DAYS)
    )
    report.drafts = _delete(db, _expired(db, abandoned), abandoned)
    if report.total:
        _forget_empty_decisions(db)
    return report


def _forget_empty_decisions(db: Database) -> None:
    """The keys and audit trail of decisions with no version left go too, as when an owner
    deletes a decision's last version (app/assessments.py)."""
    versions = select(Assessment.id).where(Assessment.decision_id == ManageKey.decision_id)
    events = select(Assessment.id).where(Assessment.decision_id == AuditEvent.decision_id)
    with db.write() as session:
        session.execute(delete(ManageKey).where(~versions.exists()))
        session.execute(delete(AuditEvent).where(~events.exists()))


def describe(report: PurgeReport, retention_days: int | None) -> list[str]:
    """What the command prints: one line per deleted assessment, then the totals."""
    lines = [
        f"deleted finished #{row.id} (finished {row.finished_at:%Y-%m-%d}): {row.title}"
        for row in report.finished
    ]
    lines += [
        f"deleted draft #{row.id} (last saved {row.updated_at:%Y-%m-%d}): {row.title}"
        for row in report.drafts
    ]
    kept = (
        f"older than {retention_days} days"
        if retention_days is not None
        else "none (APP_RETENTION_DAYS is not set)"
    )
    lines.append(
        f"{len(report.finished)} finished assessment(s) deleted, retention: {kept}; "
        f"{len(report.drafts)} draft(s) untouched for {DRAFT_DAYS} days deleted."
    )
    return lines


def main(settings: Settings | None = None) -> int:
    settings = settings or get_settings()
    db = Database(settings.database_url)
    try:
        report = purge(db, settings.retention_days)
    finally:
        db.dispose()
    for line in describe(report, settings.retention_days):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
