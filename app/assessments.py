"""Use cases: start a draft, save a step, finish, revise, look up, search. Transactions commit here."""

import base64
import binascii
import json
import re
import secrets
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Text, bindparam, func, insert, or_, select, text, tuple_
from sqlalchemy import cast as sa_cast
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, defer

from app import costs, datasets, decision
from app.db import Database
from app.models import Assessment, AssessmentCount, utcnow

FIRST_STEP = decision.STEP_KEYS[0]
REVIEW = "review"
# A draft's progress runs through the steps, then to the review page.
PROGRESS = (*decision.STEP_KEYS, REVIEW)

META_LIMITS = {"title": 200, "team": 100, "notes": 5000}
MULTILINE_FIELDS = frozenset({"notes"})
# Control characters (C0, DEL, C1): a line break or tab becomes a space in a one-line field, the
# rest (ESC, BEL, ...) go; in a multi-line field, line breaks and tabs stay.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SPACING = frozenset("\t\n\r\x0b\x0c\x85")
# The cost step's optional numbers are posted with its answers, each field named "costs.<path>".
COST_FORM_PREFIX = "costs."
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


class Unsearchable(ValueError):
    """A search with no letter or digit: no index can serve it, and it would match little."""


class SearchTooSlow(RuntimeError):
    """A search ran past its deadline and was stopped by the database."""


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


def _clean_query(value: str) -> str:
    """A search as typed, less control characters and surrounding space, which match nothing."""
    return "".join(c for c in value if unicodedata.category(c) not in ("Cc", "Cs")).strip()


def _without_controls(value: str, *, multiline: bool) -> str:
    def replace(match: re.Match[str]) -> str:
        char = match.group()
        if multiline and char in "\t\n\r":
            return char
        return " " if char in _SPACING else ""

    return _CONTROLS.sub(replace, value)


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
        # What no database can store as text is refused: NUL, and halves of UTF-16 surrogate
        # pairs. Other control characters are dropped, but notes keep their line breaks and tabs.
        if "\x00" in value or any("\ud800" <= char <= "\udfff" for char in value):
            errors.append(MetaError(field, "not_text"))
            continue
        value = _without_controls(value, multiline=field in MULTILINE_FIELDS)
        if field == "title" and not value.strip():
            errors.append(MetaError(field, "required"))
        elif len(value) > limit:
            errors.append(MetaError(field, "too_long", limit))
        else:
            meta[field] = value
    return meta, errors


def _by_token(session: Session, token: str, *, for_update: bool = False) -> Assessment:
    """With `for_update`, the row stays locked until the transaction ends (PostgreSQL; SQLite's
    writers are serialized anyway), so a step saved while the draft is being finished waits, then
    sees it finished: a finished assessment never changes."""
    if not looks_like_token(token):
        raise NotFound(token)
    statement = select(Assessment).where(Assessment.share_token == token)
    if for_update:
        statement = statement.with_for_update()
    assessment = session.scalars(statement).one_or_none()
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


def start_draft(
    db: Database,
    meta: Mapping[str, str],
    answers: Mapping[str, Any] | None = None,
    revised_from_id: int | None = None,
    step: str = FIRST_STEP,
    cost_inputs: Mapping[str, Any] | None = None,
    data_profile: dict[str, Any] | None = None,
) -> Assessment:
    assessment = Assessment(
        share_token=new_share_token(),
        title=meta["title"],
        team=meta.get("team", ""),
        notes=meta.get("notes", ""),
        answers=dict(answers or {}),
        current_step=step,
        revised_from_id=revised_from_id,
        cost_inputs=dict(cost_inputs) if cost_inputs else None,
        data_profile=data_profile,
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


StepError = decision.FieldError | costs.CostError


def _draft_reaching(session: Session, token: str, step: str) -> Assessment:
    """A draft that may take answers for `step`: still open, and with the steps before answered."""
    assessment = _by_token(session, token, for_update=True)
    if assessment.is_finished:
        raise AlreadyFinished(token)
    if PROGRESS.index(step) > PROGRESS.index(assessment.current_step):
        raise OutOfOrder(assessment.current_step)
    return assessment


def save_step(
    db: Database,
    token: str,
    step: str,
    raw: Mapping[str, object],
    *,
    partial: bool = False,
    cost_form: Mapping[str, str] | None = None,
) -> tuple[Assessment, list[StepError]]:
    """Validate one step's answers and store them. Nothing is stored when any answer is invalid.

    With `partial` (going Back), the valid answers are kept and the rest are left as they were,
    so moving around the wizard never loses what was typed.

    `cost_form` is the optional numbers part of the cost step, its fields named "costs.<path>";
    given, it is validated with the answers and replaces the stored cost inputs (an untouched
    form clears them). Not given, the stored cost inputs stay as they are.
    """
    answers, errors = decision.validate_answers(raw, steps=[step])
    cost_inputs: costs.CostInputs | None = None
    cost_errors: list[costs.CostError] = []
    if cost_form is not None and not costs.form_is_empty(cost_form, prefix=COST_FORM_PREFIX):
        cost_inputs, cost_errors = costs.parse_form(
            cost_form, costs.price_table(), prefix=COST_FORM_PREFIX
        )
    all_errors: list[StepError] = [*errors, *cost_errors]
    with db.write() as session:
        assessment = _draft_reaching(session, token, step)
        if all_errors and not partial:
            return assessment, all_errors
        failed = {e.field for e in errors}
        given = {k: v for k, v in answers.items() if k not in failed and (k in raw or not partial)}
        assessment.answers = {**assessment.answers, **given}
        if cost_form is not None and not cost_errors:
            assessment.cost_inputs = costs.inputs_to_dict(cost_inputs) if cost_inputs else None
        if not all_errors:
            assessment.current_step = furthest(assessment.current_step, next_step(step))
    return assessment, all_errors if not partial else []


DATA_STEP = "data"


def accept_measured(
    db: Database, token: str, answers: Mapping[str, str], profile: dict[str, Any] | None = None
) -> Assessment:
    """Store answers a dataset check suggested in a draft's data step; with `profile`, attach
    what was measured too. All or nothing: an invalid answer stores nothing (InvalidAnswers)."""
    valid, errors = decision.validate_answers(answers, steps=[DATA_STEP])
    errors = [e for e in errors if e.field in answers]
    if errors:
        raise decision.InvalidAnswers(errors)
    with db.write() as session:
        assessment = _draft_reaching(session, token, DATA_STEP)
        assessment.answers = {**assessment.answers, **{key: valid[key] for key in answers}}
        if profile is not None:
            assessment.data_profile = profile
    return assessment


def update_meta(db: Database, token: str, meta: Mapping[str, str]) -> Assessment:
    with db.write() as session:
        assessment = _by_token(session, token, for_update=True)
        if assessment.is_finished:
            raise AlreadyFinished(token)
        assessment.title = meta["title"]
        assessment.team = meta.get("team", "")
        assessment.notes = meta.get("notes", "")
    return assessment


def evidence_of(assessment: Assessment, answers: Mapping[str, Any]) -> decision.Evidence:
    """What the assessment measured besides its answers: the cost numbers, the dataset check."""
    cost = None
    if assessment.cost_inputs:
        inputs, _ = costs.parse_costs(assessment.cost_inputs)
        if inputs is not None:
            fact = costs.saving_fact(costs.compute(inputs))
            cost = decision.CostEvidence(fact.key, fact.sentence)
    measured = {}
    if assessment.data_profile:
        for question in datasets.QUESTIONS:
            fact = datasets.measured_fact(assessment.data_profile, question, answers.get(question))
            if fact is not None:
                measured[question] = fact
    return decision.Evidence(cost=cost, measured=measured)


def _judge(assessment: Assessment, answers: Mapping[str, Any]) -> None:
    verdict = decision.evaluate(answers, evidence_of(assessment, answers))
    assessment.answers = dict(answers)
    assessment.verdict = verdict.to_snapshot()
    assessment.recommendation = verdict.recommendation
    assessment.confidence = verdict.confidence
    assessment.rules_version = verdict.rules_version
    assessment.current_step = REVIEW
    assessment.finished_at = utcnow()


def finish(db: Database, token: str) -> Assessment:
    with db.write() as session:
        assessment = _by_token(session, token, for_update=True)
        if assessment.is_finished:
            return assessment
        if assessment.current_step != REVIEW:
            raise OutOfOrder(assessment.current_step)
        answers, errors = decision.validate_answers(assessment.answers)
        if errors:
            raise Incomplete(errors)
        _judge(assessment, answers)
    return assessment


def create_finished(
    db: Database,
    meta: Mapping[str, str],
    answers: Mapping[str, Any],
    cost_inputs: costs.CostInputs | None = None,
) -> Assessment:
    """The API's one-shot path: already validated meta, answers and cost inputs, judged and stored
    at once."""
    assessment = Assessment(
        share_token=new_share_token(),
        title=meta["title"],
        team=meta.get("team", ""),
        notes=meta.get("notes", ""),
        answers={},
        current_step=REVIEW,
        cost_inputs=costs.inputs_to_dict(cost_inputs) if cost_inputs else None,
    )
    _judge(assessment, answers)
    with db.write() as session:
        session.add(assessment)
    return assessment


@dataclass(frozen=True)
class FinishedItem:
    """One assessment for `bulk_create_finished`: meta and answers already validated."""

    title: str
    answers: Mapping[str, Any]
    team: str = ""
    notes: str = ""
    finished_at: datetime | None = None  # default: now
    started_at: datetime | None = None  # default: finished_at


def bulk_create_finished(
    db: Database, items: Iterable[FinishedItem], *, batch_size: int = 2_000
) -> int:
    """Judge and store many finished assessments at once (seeding, imports); returns how many.

    Each distinct answer set is evaluated once and its verdict serialized once; rows go in
    with one multi-row INSERT per batch, one transaction per batch. The database's triggers
    keep the history's counts and search index in step, as for any other write.
    """
    judged: dict[str, tuple[str, decision.Verdict, str]] = {}
    table = Assessment.__table__
    as_json = (
        (lambda name: sa_cast(bindparam(name, type_=Text()), JSONB()))
        if db.engine.dialect.name == "postgresql"
        else (lambda name: bindparam(name, type_=Text()))
    )
    statement = insert(table).values(
        share_token=bindparam("share_token"),
        title=bindparam("title"),
        team=bindparam("team"),
        notes=bindparam("notes"),
        answers=as_json("answers_json"),
        current_step=REVIEW,
        created_at=bindparam("created_at"),
        updated_at=bindparam("finished_at"),
        finished_at=bindparam("finished_at"),
        recommendation=bindparam("recommendation"),
        confidence=bindparam("confidence"),
        verdict=as_json("verdict_json"),
        rules_version=bindparam("rules_version"),
    )
    stored = 0
    batch: list[dict[str, Any]] = []
    for item in items:
        # Serialized as SQLAlchemy's JSON type would, so bulk rows look like any others.
        key = json.dumps(dict(item.answers), sort_keys=True)
        if key not in judged:
            verdict = decision.evaluate(item.answers)
            judged[key] = (
                json.dumps(dict(item.answers)),
                verdict,
                json.dumps(verdict.to_snapshot()),
            )
        answers_json, verdict, verdict_json = judged[key]
        finished_at = item.finished_at or utcnow()
        batch.append(
            {
                "share_token": new_share_token(),
                "title": item.title,
                "team": item.team,
                "notes": item.notes,
                "answers_json": answers_json,
                "created_at": item.started_at or finished_at,
                "finished_at": finished_at,
                "recommendation": verdict.recommendation,
                "confidence": verdict.confidence,
                "verdict_json": verdict_json,
                "rules_version": verdict.rules_version,
            }
        )
        if len(batch) >= batch_size:
            stored += _insert_batch(db, statement, batch)
            batch = []
    if batch:
        stored += _insert_batch(db, statement, batch)
    return stored


def _insert_batch(db: Database, statement, rows: list[dict[str, Any]]) -> int:
    with db.write() as session:
        if db.engine.dialect.name == "postgresql":
            # RETURNING makes SQLAlchemy send multi-row INSERTs (1,000 rows a statement) rather
            # than one statement a row, and the counting trigger then runs once per 1,000.
            session.execute(statement.returning(Assessment.__table__.c.id), rows).all()
        else:
            session.execute(statement, rows)
    return len(rows)


def revise(db: Database, token: str) -> Assessment:
    """A new draft, pre-filled from a finished assessment, which itself stays as it was."""
    original = get_finished(db, token)
    meta = {"title": original.title, "team": original.team, "notes": original.notes}
    return start_draft(
        db,
        meta,
        original.answers,
        revised_from_id=original.id,
        step=REVIEW,
        cost_inputs=original.cost_inputs,
        data_profile=original.data_profile,
    )


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
    # True when a search matched more than SEARCH_COUNT_LIMIT assessments: `counts` and `total`
    # then cover the SEARCH_COUNT_LIMIT newest matches only (show them as "1,000+").
    counts_capped: bool = False


EMPTY_HISTORY = HistoryPage(
    items=[], next_cursor=None, counts={key: 0 for key in decision.APPROACHES}, total=0
)


def encode_cursor(assessment: Assessment) -> str:
    assert assessment.finished_at is not None
    raw = f"{assessment.finished_at.isoformat()}|{assessment.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


CURSOR_ID = re.compile(r"[1-9][0-9]{0,9}")
MAX_ID = 2**31 - 1  # the id column is a 32-bit integer on both backends


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """The (finished_at, id) a cursor stands for; anything this app did not make is refused."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        when, _, ident = base64.urlsafe_b64decode(padded.encode()).decode().partition("|")
        finished_at = datetime.fromisoformat(when)
        if finished_at.tzinfo is None or not CURSOR_ID.fullmatch(ident) or int(ident) > MAX_ID:
            raise ValueError("not a cursor")
        return finished_at.astimezone(UTC), int(ident)
    except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidCursor(cursor) from exc


# Search: substrings of title or team, case-insensitively, through trigram indexes (migration
# 0002): pg_trgm GIN indexes on PostgreSQL, an FTS5 trigram table on SQLite.
SEARCH_MIN_TRIGRAM = 3
# pg_trgm makes trigrams from words (runs of letters and digits) only: a query needs a word of
# three or more to be served by its indexes ("!!!", "a-b" have none).
TRIGRAM_WORD = re.compile(r"[^\W_]{3,}")
# An FTS5 phrase costs, in every candidate row, a position list per trigram: against crafted
# titles (20,000 of "abab…") a 200-character phrase took 20 s, 32 characters 2.5 s, 8 characters
# 0.3 s. So a phrase is looked up by its first SEARCH_MAX_PHRASE characters, and the rest is
# checked on the candidates by a plain substring test (0.1 s for those 20,000).
SEARCH_MAX_PHRASE = 8
# A trigram index cannot answer a query of one or two characters ("%", "客服"). Those look
# through the SHORT_SEARCH_WINDOW newest finished assessments only, which bounds their cost.
SHORT_SEARCH_WINDOW = 10_000
# Counting every match costs as much as there are matches: counts stop at this many.
SEARCH_COUNT_LIMIT = 100
# SQLite's search table orders its rows by unixepoch(finished_at) * 2**31 + id (32-bit ids).
ORDER_KEY_ID_SPAN = 2**31
SEARCH_TABLE = "assessments_search"
_ORDER_KEY_SQL = "CAST(strftime('%s', :finished_at) AS INTEGER) * 2147483648 + :id"
# Only what a history row shows is loaded: answers, verdict and notes stay in the database.
_LIST_ONLY = tuple(
    defer(field, raiseload=True)
    for field in (Assessment.answers, Assessment.verdict, Assessment.notes, Assessment.cost_inputs)
)


def _search_filter(q: str):
    """`q` already escaped for LIKE. Same expressions as the pg_trgm indexes, so they serve it."""
    pattern = f"%{q.lower()}%"
    return or_(
        func.lower(Assessment.title).like(pattern, escape="\\"),
        func.lower(Assessment.team).like(pattern, escape="\\"),
    )


def _escape_like(q: str) -> str:
    return q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_phrase(q: str) -> str:
    """An FTS5 query: `q` as one literal phrase of trigrams, in the title or in the team."""
    return '{title team} : "' + q[:SEARCH_MAX_PHRASE].replace('"', '""') + '"'


def is_searchable(q: str) -> bool:
    """True when a (cleaned) search has a letter or digit to look for."""
    return any(c.isalnum() for c in q)


def _is_cancelled(error: OperationalError) -> bool:
    """The database stopped the statement at its deadline (see Database.read's timeout)."""
    return getattr(error.orig, "sqlstate", None) == "57014" or "interrupted" in str(error.orig)


def _newest_first(statement, limit: int):
    return statement.order_by(Assessment.finished_at.desc(), Assessment.id.desc()).limit(limit)


def history(
    db: Database,
    *,
    q: str = "",
    recommendation: str | None = None,
    cursor: str | None = None,
    limit: int = 20,
    timeout: float | None = None,
) -> HistoryPage:
    """Finished assessments, newest first, by keyset pagination on (finished_at, id).

    Each query walks an index in order and stops after a bounded number of rows, so that a page
    costs about the same with a thousand stored assessments as with a million:

    * No search: `ix_assessments_finished`, or `ix_assessments_recommendation_finished` with a
      filter. Counts come from `assessment_counts`, which triggers keep exact.
    * Search (a substring of title or team, any case): on SQLite the FTS5 trigram table, whose
      rowid is a time-ordered key, so matches come newest first (to the second, then by id);
      on PostgreSQL, per the planner, the pg_trgm indexes (few matches) or a newest-first walk
      of the covering `ix_assessments_history` (many matches).
      Queries without a word of 3 letters or digits, which no pg_trgm trigram can serve (and on
      SQLite, queries of 1-2 characters), look through the SHORT_SEARCH_WINDOW newest finished
      assessments only; queries with no letter or digit at all raise Unsearchable.
    * With `timeout`, the database stops the queries after that many seconds: SearchTooSlow.
    * Counts for a search are exact up to SEARCH_COUNT_LIMIT matches. Past that, `counts_capped`
      is set and the counts are those of the SEARCH_COUNT_LIMIT newest matches: lower bounds,
      to be shown as "100+".

    Items carry what a list shows; their answers, verdict and notes are not loaded (use `get`).
    """
    q = _clean_query(q)[:200]
    if q and not is_searchable(q):
        raise Unsearchable(q)
    try:
        return _history(db, q, recommendation, cursor, limit, timeout)
    except OperationalError as error:
        if _is_cancelled(error):
            raise SearchTooSlow(q) from error
        raise


def _history(
    db: Database,
    q: str,
    recommendation: str | None,
    cursor: str | None,
    limit: int,
    timeout: float | None,
) -> HistoryPage:
    with db.read(timeout=timeout if q else None) as session:
        if not q:
            counts, capped = _all_counts(session), False
            conditions = [Assessment.finished_at.is_not(None)]
            if recommendation:
                conditions.append(Assessment.recommendation == recommendation)
            if cursor:
                finished_at, ident = decode_cursor(cursor)
                conditions.append(
                    tuple_(Assessment.finished_at, Assessment.id) < (finished_at, ident)
                )
            rows = list(
                session.scalars(
                    _newest_first(
                        select(Assessment).options(*_LIST_ONLY).where(*conditions), limit + 1
                    )
                )
            )
        else:
            search = _SqliteSearch if session.get_bind().dialect.name == "sqlite" else _SqlSearch
            matches = search(session, q)
            counts, capped = _capped_tally(matches.recommendations(SEARCH_COUNT_LIMIT + 1))
            rows = _by_ids(session, matches.ids(recommendation, cursor, limit + 1))
    more = len(rows) > limit
    items = rows[:limit]
    return HistoryPage(
        items=items,
        next_cursor=encode_cursor(items[-1]) if more else None,
        counts=counts,
        total=sum(counts.values()),
        counts_capped=capped,
    )


def _tally(rows) -> dict[str, int]:
    counts = {key: 0 for key in decision.APPROACHES}
    counts.update({rec: n for rec, n in rows if rec in counts})
    return counts


def _all_counts(session: Session) -> dict[str, int]:
    return _tally(session.execute(select(AssessmentCount.recommendation, AssessmentCount.finished)))


def _capped_tally(recommendations: Sequence[str]) -> tuple[dict[str, int], bool]:
    """Recommendations of the newest SEARCH_COUNT_LIMIT + 1 matches: the extra one says "more"."""
    capped = len(recommendations) > SEARCH_COUNT_LIMIT
    return _tally(Counter(recommendations[:SEARCH_COUNT_LIMIT]).items()), capped


def _by_ids(session: Session, ids: Sequence[int]) -> list[Assessment]:
    if not ids:
        return []
    found = {
        a.id: a
        for a in session.scalars(
            select(Assessment).options(*_LIST_ONLY).where(Assessment.id.in_(ids))
        )
    }
    return [found[i] for i in ids if i in found]


class _SqlSearch:
    """PostgreSQL (and any backend without FTS5): LIKE on lower(title) / lower(team)."""

    def __init__(self, session: Session, q: str) -> None:
        self.session = session
        self.conditions = [Assessment.finished_at.is_not(None), _search_filter(_escape_like(q))]
        if not TRIGRAM_WORD.search(q):
            newest = select(Assessment.finished_at, Assessment.id).where(
                Assessment.finished_at.is_not(None)
            )
            edge = session.execute(_newest_first(newest, 1).offset(SHORT_SEARCH_WINDOW - 1)).first()
            if edge is not None:
                self.conditions.append(tuple_(Assessment.finished_at, Assessment.id) >= tuple(edge))

    def recommendations(self, n: int) -> list[str]:
        return list(
            self.session.scalars(
                _newest_first(select(Assessment.recommendation).where(*self.conditions), n)
            )
        )

    def ids(self, recommendation: str | None, cursor: str | None, n: int) -> list[int]:
        conditions = list(self.conditions)
        if recommendation:
            conditions.append(Assessment.recommendation == recommendation)
        if cursor:
            finished_at, ident = decode_cursor(cursor)
            conditions.append(tuple_(Assessment.finished_at, Assessment.id) < (finished_at, ident))
        return list(
            self.session.scalars(_newest_first(select(Assessment.id).where(*conditions), n))
        )


class _SqliteSearch:
    """SQLite: the FTS5 table `assessments_search` (rowid = time-ordered key; title, team and
    recommendation kept in it), so no query here reads the big `assessments` rows."""

    def __init__(self, session: Session, q: str) -> None:
        self.session = session
        if len(q) >= SEARCH_MIN_TRIGRAM:
            self.where, self.params = [f"{SEARCH_TABLE} MATCH :phrase"], {"phrase": _fts_phrase(q)}
            if len(q) > SEARCH_MAX_PHRASE:
                # instr, not LIKE: a plain substring test, which a crafted pattern can't slow down.
                self.where.append("(instr(lower(title), :lowered) OR instr(lower(team), :lowered))")
                self.params["lowered"] = q.lower()
            return
        # Too short for a trigram: read the newest rows of the table itself and filter them.
        edge = session.execute(
            text(f"SELECT rowid FROM {SEARCH_TABLE} ORDER BY rowid DESC LIMIT 1 OFFSET :skip"),
            {"skip": SHORT_SEARCH_WINDOW - 1},
        ).scalar()
        pattern = f"%{_escape_like(q).lower()}%"
        self.where = [
            "(lower(title) LIKE :pattern ESCAPE '\\' OR lower(team) LIKE :pattern ESCAPE '\\')"
        ]
        self.params = {"pattern": pattern}
        if edge is not None:
            self.where.append("rowid >= :edge")
            self.params["edge"] = edge

    def recommendations(self, n: int) -> list[str]:
        return list(
            self.session.execute(
                text(
                    f"SELECT recommendation FROM {SEARCH_TABLE} WHERE {' AND '.join(self.where)}"
                    " ORDER BY rowid DESC LIMIT :n"
                ),
                {**self.params, "n": n},
            ).scalars()
        )

    def ids(self, recommendation: str | None, cursor: str | None, n: int) -> list[int]:
        where, params = list(self.where), {**self.params, "n": n}
        if recommendation:
            where.append("recommendation = :recommendation")
            params["recommendation"] = recommendation
        if cursor:
            finished_at, ident = decode_cursor(cursor)
            # The key is computed by SQLite from the stored text, exactly as the triggers did.
            where.append(f"rowid < {_ORDER_KEY_SQL}")
            params.update(finished_at=_sqlite_datetime(finished_at), id=ident)
        return list(
            self.session.execute(
                text(
                    f"SELECT rowid % {ORDER_KEY_ID_SPAN} FROM {SEARCH_TABLE} WHERE {' AND '.join(where)}"
                    " ORDER BY rowid DESC LIMIT :n"
                ),
                params,
            ).scalars()
        )


def _sqlite_datetime(value: datetime) -> str:
    """The text SQLAlchemy stores for a UTC datetime on SQLite."""
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%d %H:%M:%S.") + f"{value.microsecond:06d}"


def recent(db: Database, limit: int = 5) -> list[Assessment]:
    return history(db, limit=limit).items


def stored_costs(assessment: Assessment) -> costs.CostInputs | None:
    """The stored numbers of the cost step, read back into inputs the formulas take."""
    if not assessment.cost_inputs:
        return None
    inputs, _ = costs.parse_costs(assessment.cost_inputs)
    return inputs


def current_recommendation(assessment: Assessment) -> str | None:
    """What today's rules would recommend for these answers, when that differs from the verdict."""
    if assessment.rules_version == decision.RULES_VERSION:
        return None
    answers, errors = decision.validate_answers(assessment.answers)
    if errors:
        return None
    now = decision.evaluate(answers, evidence_of(assessment, answers)).recommendation
    return now if now != assessment.recommendation else None
