"""Dataset checks kept server-side for a limited time (KEEP), bound to the draft they were
started from: the report's URL reads one back, attaching copies its profile into the draft.
The profile is cleaned of NUL and other control characters before it reaches the database."""

import re
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select

from app.db import Database
from app.models import DatasetCheck, utcnow

KEEP = timedelta(hours=24)
ID = re.compile(r"[A-Za-z0-9_-]{32}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


class Gone(LookupError):
    """The check existed but its time ran out (410)."""


def clean(value: Any) -> Any:
    """The value with control characters (NUL among them) and lone surrogates removed from every
    string, keys included: PostgreSQL refuses NUL in JSON, and none belongs in a report."""
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    return value


def save(db: Database, profile: dict[str, Any], assessment_id: int | None) -> str:
    check_id = secrets.token_urlsafe(24)
    now = utcnow()
    with db.write() as session:
        session.execute(delete(DatasetCheck).where(DatasetCheck.expires_at < now))
        session.add(
            DatasetCheck(
                id=check_id,
                assessment_id=assessment_id,
                profile=clean(profile),
                created_at=now,
                expires_at=now + KEEP,
            )
        )
    return check_id


def load(db: Database, check_id: str) -> DatasetCheck:
    """The check; LookupError if there is none, Gone once it has expired."""
    if not ID.fullmatch(check_id):
        raise LookupError(check_id)
    with db.read() as session:
        check = session.scalar(select(DatasetCheck).where(DatasetCheck.id == check_id))
    if check is None:
        raise LookupError(check_id)
    if check.expires_at <= utcnow():
        raise Gone(check_id)
    return check
