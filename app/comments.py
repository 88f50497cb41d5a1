"""Comments on a finished assessment: validate, throttle, add, list, delete. Transactions commit here.

Anyone with the share link may comment under a display name, so the limits are what keeps a
thread readable and the table small: a short name, a few paragraphs at most, and a few comments
a minute from one address (counted in the `auth_throttle` table, under keys of their own) and on
one assessment (counted from its comments), in the database, so every worker and host agrees.
"""

import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete as sa_delete
from sqlalchemy import func, select

from app import auth
from app.assessments import MetaError, NotFound, _by_token, clean_text
from app.db import Database
from app.models import Assessment, AuthThrottle, Comment, utcnow

LIMITS = {"author": 80, "text": 2000}
MULTILINE_FIELDS = frozenset({"text"})
WINDOW = timedelta(minutes=1)
# Enough for a lively discussion, too few for a script to bury one.
PER_ADDRESS = 10
PER_ASSESSMENT = 30
MAX_ID = 2**31 - 1  # ids are 32-bit integers on both backends


class Throttled(Exception):
    """Too many comments in the window; `retry_after` seconds until the next is accepted."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


@dataclass(frozen=True)
class CommentIn:
    author: str
    text: str


def validate(raw: Mapping[str, object]) -> tuple[CommentIn | None, list[MetaError]]:
    """A comment as stored (control characters handled as in titles and notes, surrounding space
    trimmed), or the problems with it: required, too_long, not_text."""
    values: dict[str, str] = {}
    errors: list[MetaError] = []
    for field, limit in LIMITS.items():
        value = clean_text(raw.get(field, ""), multiline=field in MULTILINE_FIELDS)
        if value is None:
            errors.append(MetaError(field, "not_text"))
            continue
        value = value.strip()
        if not value:
            errors.append(MetaError(field, f"{field}_required", limit))
        elif len(value) > limit:
            errors.append(MetaError(field, "too_long", limit))
        else:
            values[field] = value
    if errors:
        return None, errors
    return CommentIn(**values), []


def _finished(session, token: str) -> Assessment:
    # Locked (PostgreSQL; SQLite serializes writers anyway): comments on one assessment are
    # counted one after another, so a burst cannot slip past the per-assessment limit.
    assessment = _by_token(session, token, for_update=True)
    if not assessment.is_finished:
        raise NotFound(token)
    return assessment


def address_key(address: str) -> str:
    return f"comment-address:{auth.address_key(address)}"


def _address_wait(session, address: str, now: datetime) -> float:
    """Count one comment from `address`, or say how long it must wait (the count untouched)."""
    key = address_key(address)
    # The sign-in throttle's table and row locking, under a key of its own: the count is shared
    # by every worker. `failures` counts comments here.
    row = auth.locked_rows(session, [key], now)[key]
    if now - row.window_started_at >= WINDOW:
        row.failures, row.window_started_at = 0, now
    if row.failures >= PER_ADDRESS:
        return (row.window_started_at + WINDOW - now).total_seconds()
    row.failures += 1
    row.last_failure_at = now
    if secrets.randbelow(64) == 0:
        session.execute(
            sa_delete(AuthThrottle).where(
                AuthThrottle.key.startswith("comment-address:", autoescape=True),
                AuthThrottle.last_failure_at < now - 2 * WINDOW,
            )
        )
    return 0.0


def _assessment_wait(session, assessment_id: int, now: datetime) -> float:
    """Counted from the comments themselves, so nothing is left behind when they are deleted."""
    recent = session.scalars(
        select(Comment.created_at)
        .where(Comment.assessment_id == assessment_id, Comment.created_at > now - WINDOW)
        .order_by(Comment.created_at)
    ).all()
    if len(recent) < PER_ASSESSMENT:
        return 0.0
    return (recent[-PER_ASSESSMENT] + WINDOW - now).total_seconds()


def add(
    db: Database, token: str, comment: CommentIn, address: str, now: datetime | None = None
) -> Comment:
    """Store a validated comment on the finished assessment behind `token`.

    Raises NotFound, or Throttled (nothing stored, nothing counted)."""
    now = now or utcnow()
    with db.write() as session:
        assessment = _finished(session, token)
        wait = _assessment_wait(session, assessment.id, now) or _address_wait(session, address, now)
        if wait > 0:
            # Raised inside the transaction, which rolls it back: nothing is counted.
            raise Throttled(max(1, math.ceil(wait)))
        stored = Comment(
            assessment_id=assessment.id, author=comment.author, text=comment.text, created_at=now
        )
        session.add(stored)
        # A change to what the verdict page shows: cached renderings stop matching.
        assessment.updated_at = now
    return stored


PAGE_SIZE = 50


@dataclass(frozen=True)
class CommentPage:
    """Up to PAGE_SIZE comments, oldest first; `earlier` is the `before` of the page before it
    (None on the oldest page); `total` counts all the assessment's comments."""

    items: list[Comment]
    earlier: int | None
    total: int


def page(db: Database, assessment_id: int, before: int | None = None) -> CommentPage:
    """The newest PAGE_SIZE comments, or with `before` (a comment id) the PAGE_SIZE before it:
    one indexed range read (ix_comments_assessment), whatever the number of comments."""
    condition = [Comment.assessment_id == assessment_id]
    if before is not None:
        condition.append(Comment.id < before)
    with db.read() as session:
        newest_first = list(
            session.scalars(
                select(Comment).where(*condition).order_by(Comment.id.desc()).limit(PAGE_SIZE + 1)
            )
        )
        total = session.scalar(
            select(func.count()).select_from(Comment).where(Comment.assessment_id == assessment_id)
        )
    items = newest_first[:PAGE_SIZE][::-1]
    earlier = items[0].id if len(newest_first) > PAGE_SIZE else None
    return CommentPage(items, earlier, total or 0)


def count(db: Database, assessment_id: int) -> int:
    with db.read() as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(Comment)
                .where(Comment.assessment_id == assessment_id)
            )
            or 0
        )


def listing(db: Database, assessment_id: int) -> list[Comment]:
    """An assessment's comments, oldest first."""
    with db.read() as session:
        return list(
            session.scalars(
                select(Comment).where(Comment.assessment_id == assessment_id).order_by(Comment.id)
            )
        )


def delete(db: Database, assessment_id: int, comment_id: int) -> None:
    """Delete one comment of the assessment; NotFound when it has no such comment."""
    if not 1 <= comment_id <= MAX_ID:
        raise NotFound(str(comment_id))
    with db.write() as session:
        comment = session.scalars(
            select(Comment).where(Comment.id == comment_id, Comment.assessment_id == assessment_id)
        ).one_or_none()
        if comment is None:
            raise NotFound(str(comment_id))
        session.delete(comment)
        assessment = session.get(Assessment, assessment_id)
        if assessment is not None:
            assessment.updated_at = utcnow()
