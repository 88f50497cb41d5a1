"""Use cases: start a draft, save a step, finish, revise, look up, search. Transactions commit here."""

import base64
import binascii
import secrets
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, tuple_
from sqlalchemy.orm import Session

from app import decision
from app.db import Database
from app.models import Assessment, utcnow

FIRST_STEP = decision.STEP_KEYS[0]
REVIEW = "review"
# A draft's progress runs through the steps, then to the review page.
PROGRESS = (*decision.STEP_KEYS, REVIEW)

META_LIMITS = {"title": 200, "team": 100, "notes": 5000}
TOKEN_BYTES = 32  # 256 random bits, 43 URL-safe characters


class NotFound(LookupError):
    """No assessment has that token, or it is not in the state the caller needs."""


class AlreadyFinished(NotFound):
    """The draft was finished: its answers are frozen, and its link now shows the verdict."""


class OutOfOrder(ValueError):
    """A step was posted before the steps in front of it were answered."""

    def __init__(self, current_step: str) -> None:
        super().__init__(current_step)
        self.current_step = current_step


class Incomplete(ValueError):
    """A draft cannot be finished yet: some answers are missing or no longer valid."""

    def __init__(self, errors: list[decision.FieldError]) -> None:
        super().__init__(", ".join(e.field for e in errors))
        self.errors = errors
        first = errors[0].field
        self.step = decision.QUESTIONS[first].step if first in decision.QUESTIONS else FIRST_STEP


class InvalidCursor(ValueError):
    """The pagination cursor was not made by this app."""


@dataclass(frozen=True)
class MetaError:
    """A problem with title, team or notes; the web layer turns `code` into words."""

    field: str
    code: str  # "required" | "too_long" | "not_text"
    limit: int | None = None


def new_share_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def looks_like_token(value: str) -> bool:
    """Cheap shape check, so malformed links are refused without touching the database."""
    return 16 <= len(value) <= 64 and all(c.isascii() and (c.isalnum() or c in "-_") for c in value)


def _clean_text(value: str, *, multiline: bool) -> str:
    # Drop control characters (CR/LF too, unless the field is multi-line) so nothing the
    # user types can split a log line or hide in the page.
    kept = []
    for char in value:
        if char in "\n\t" and multiline:
            kept.append(char)
        elif unicodedata.category(char) in ("Cc", "Cs"):
            continue
        else:
            kept.append(char)
    text = "".join(kept).replace("\r\n", "\n")
    return text.strip()


def validate_meta(raw: Mapping[str, object]) -> tuple[dict[str, str], list[MetaError]]:
    meta: dict[str, str] = {}
    errors: list[MetaError] = []
    for field, limit in META_LIMITS.items():
        value = raw.get(field, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors.append(MetaError(field, "not_text"))
            continue
        text = _clean_text(value, multiline=field == "notes")
        if field == "title" and not text:
            errors.append(MetaError(field, "required"))
        elif len(text) > limit:
            errors.append(MetaError(field, "too_long", limit))
        else:
            meta[field] = text
    return meta, errors


def _by_token(session: Session, token: str) -> Assessment:
    if not looks_like_token(token):
        raise NotFound(token)
    assessment = session.scalars(
        select(Assessment).where(Assessment.share_token == token)
    ).one_or_none()
    if assessment is None:
        raise NotFound(token)
    return assessment


def get(db: Database, token: str) -> Assessment:
    with db.read() as session:
        return _by_token(session, token)


def get_finished(db: Database, token: str) -> Assessment:
    assessment = get(db, token)
    if not assessment.is_finished:
        raise NotFound(token)
    return assessment


def start_draft(db: Database, meta: Mapping[str, str], answers: Mapping[str, Any] | None = None,
                revised_from_id: int | None = None, step: str = FIRST_STEP) -> Assessment:
    assessment = Assessment(
        share_token=new_share_token(),
        title=meta["title"],
        team=meta.get("team", ""),
        notes=meta.get("notes", ""),
        answers=dict(answers or {}),
        current_step=step,
        revised_from_id=revised_from_id,
    )
    with db.write() as session:
        session.add(assessment)
    return assessment


def furthest(a: str, b: str) -> str:
    return a if PROGRESS.index(a) >= PROGRESS.index(b) else b


def next_step(step: str) -> str:
    return PROGRESS[PROGRESS.index(step) + 1]


def previous_step(step: str) -> str | None:
    index = PROGRESS.index(step)
    return PROGRESS[index - 1] if index > 0 else None


def save_step(db: Database, token: str, step: str, raw: Mapping[str, object], *,
              partial: bool = False) -> tuple[Assessment, list[decision.FieldError]]:
    """Validate one step's answers and store them. Nothing is stored when any answer is invalid.

    With `partial` (going Back), the valid answers are kept and the rest are left as they were,
    so moving around the wizard never loses what was typed.
    """
    answers, errors = decision.validate_answers(raw, steps=[step])
    with db.write() as session:
        assessment = _by_token(session, token)
        if assessment.is_finished:
            raise AlreadyFinished(token)
        if PROGRESS.index(step) > PROGRESS.index(assessment.current_step):
            raise OutOfOrder(assessment.current_step)
        if errors and not partial:
            return assessment, errors
        failed = {e.field for e in errors}
        given = {k: v for k, v in answers.items() if k not in failed and (k in raw or not partial)}
        assessment.answers = {**assessment.answers, **given}
        if not errors:
            assessment.current_step = furthest(assessment.current_step, next_step(step))
    return assessment, errors if not partial else []


def update_meta(db: Database, token: str, meta: Mapping[str, str]) -> Assessment:
    with db.write() as session:
        assessment = _by_token(session, token)
        if assessment.is_finished:
            raise AlreadyFinished(token)
        assessment.title = meta["title"]
        assessment.team = meta.get("team", "")
        assessment.notes = meta.get("notes", "")
    return assessment


def _judge(assessment: Assessment, answers: Mapping[str, Any]) -> None:
    verdict = decision.evaluate(answers)
    assessment.answers = dict(answers)
    assessment.verdict = verdict.to_snapshot()
    assessment.recommendation = verdict.recommendation
    assessment.confidence = verdict.confidence
    assessment.rules_version = verdict.rules_version
    assessment.current_step = REVIEW
    assessment.finished_at = utcnow()


def finish(db: Database, token: str) -> Assessment:
    with db.write() as session:
        assessment = _by_token(session, token)
        if assessment.is_finished:
            return assessment
        answers, errors = decision.validate_answers(assessment.answers)
        if errors:
            raise Incomplete(errors)
        _judge(assessment, answers)
    return assessment


def create_finished(db: Database, meta: Mapping[str, str], answers: Mapping[str, Any]) -> Assessment:
    """The API's one-shot path: already validated meta and answers, judged and stored at once."""
    assessment = Assessment(share_token=new_share_token(), title=meta["title"],
                            team=meta.get("team", ""), notes=meta.get("notes", ""),
                            answers={}, current_step=REVIEW)
    _judge(assessment, answers)
    with db.write() as session:
        session.add(assessment)
    return assessment


def revise(db: Database, token: str) -> Assessment:
    """A new draft, pre-filled from a finished assessment, which itself stays as it was."""
    original = get_finished(db, token)
    meta = {"title": original.title, "team": original.team, "notes": original.notes}
    return start_draft(db, meta, original.answers, revised_from_id=original.id, step=REVIEW)


def drafts(db: Database, tokens: Sequence[str]) -> list[Assessment]:
    wanted = [t for t in tokens if looks_like_token(t)]
    if not wanted:
        return []
    with db.read() as session:
        rows = session.scalars(
            select(Assessment).where(
                Assessment.share_token.in_(wanted), Assessment.finished_at.is_(None)
            )
        ).all()
    order = {token: i for i, token in enumerate(wanted)}
    return sorted(rows, key=lambda a: order[a.share_token])


def revised_from(db: Database, assessment: Assessment) -> Assessment | None:
    if assessment.revised_from_id is None:
        return None
    with db.read() as session:
        return session.get(Assessment, assessment.revised_from_id)


# --- History -------------------------------------------------------------------------------

@dataclass(frozen=True)
class HistoryPage:
    items: list[Assessment]
    next_cursor: str | None
    counts: dict[str, int]
    total: int


def encode_cursor(assessment: Assessment) -> str:
    assert assessment.finished_at is not None
    raw = f"{assessment.finished_at.isoformat()}|{assessment.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        when, _, ident = base64.urlsafe_b64decode(padded.encode()).decode().partition("|")
        finished_at = datetime.fromisoformat(when)
        if finished_at.tzinfo is None:
            raise ValueError("naive")
        return finished_at, int(ident)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidCursor(cursor) from exc


def _search_filter(q: str):
    pattern = f"%{q.lower()}%"
    return or_(func.lower(Assessment.title).like(pattern, escape="\\"),
               func.lower(Assessment.team).like(pattern, escape="\\"))


def _escape_like(q: str) -> str:
    return q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def history(db: Database, *, q: str = "", recommendation: str | None = None,
            cursor: str | None = None, limit: int = 20) -> HistoryPage:
    """Finished assessments, newest first, by keyset pagination on (finished_at, id)."""
    q = _clean_text(q, multiline=False)[:200]
    conditions = [Assessment.finished_at.is_not(None)]
    if q:
        conditions.append(_search_filter(_escape_like(q)))
    with db.read() as session:
        count_rows = session.execute(
            select(Assessment.recommendation, func.count())
            .where(*conditions)
            .group_by(Assessment.recommendation)
        ).all()
        counts = {key: 0 for key in decision.APPROACHES}
        counts.update({rec: n for rec, n in count_rows if rec in counts})
        if recommendation:
            conditions.append(Assessment.recommendation == recommendation)
        if cursor:
            finished_at, ident = decode_cursor(cursor)
            conditions.append(tuple_(Assessment.finished_at, Assessment.id) < (finished_at, ident))
        rows = list(session.scalars(
            select(Assessment)
            .where(*conditions)
            .order_by(Assessment.finished_at.desc(), Assessment.id.desc())
            .limit(limit + 1)
        ))
    more = len(rows) > limit
    items = rows[:limit]
    return HistoryPage(
        items=items,
        next_cursor=encode_cursor(items[-1]) if more else None,
        counts=counts,
        total=sum(counts.values()),
    )


def recent(db: Database, limit: int = 5) -> list[Assessment]:
    return history(db, limit=limit).items


def current_recommendation(assessment: Assessment) -> str | None:
    """What today's rules would recommend for these answers, when that differs from the verdict."""
    if assessment.rules_version == decision.RULES_VERSION:
        return None
    answers, errors = decision.validate_answers(assessment.answers)
    if errors:
        return None
    now = decision.evaluate(answers).recommendation
    return now if now != assessment.recommendation else None
