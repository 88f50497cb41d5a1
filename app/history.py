"""The history: finished assessments newest first, keyset pages, search on both back ends,
counts by recommendation, and bulk seeding. Read-only but for `bulk_create_finished`."""

import base64
import binascii
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Integer,
    Text,
    and_,
    bindparam,
    column,
    func,
    insert,
    or_,
    select,
    text,
    tuple_,
)
from sqlalchemy import cast as sa_cast
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, defer

from app import decision
from app.assessments import REVIEW, _clean_query, new_share_token
from app.db import Database
from app.models import SQLITE_SEARCH_TABLE, Assessment, AssessmentCount, utcnow


class InvalidCursor(ValueError):
    """The pagination cursor was not made by this app."""


class Unsearchable(ValueError):
    """A search with no letter or digit: no index can serve it, and it would match little."""


class SearchTooSlow(RuntimeError):
    """A search ran past its deadline and was stopped by the database."""


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
    status: str | None = None,
    cursor: str | None = None,
    limit: int = 20,
    timeout: float | None = None,
) -> HistoryPage:
    """Finished assessments, newest first, by keyset pagination on (finished_at, id).

    Each query walks an index in order and stops after a bounded number of rows, so that a page
    costs about the same with a thousand stored assessments as with a million:

    * No search: `ix_assessments_finished`, or `ix_assessments_recommendation_finished` with a
      filter. Counts come from `assessment_counts`, which triggers keep exact.
    * A `status` narrows the items and the counts alike: the counts are those of that status,
      by recommendation, counted from `ix_assessments_status_recommendation` (a count that grows
      with the assessments of that status, unlike the trigger-kept table).
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
        return _history(db, q, recommendation, status, cursor, limit, timeout)
    except OperationalError as error:
        if _is_cancelled(error):
            raise SearchTooSlow(q) from error
        raise


def _history(
    db: Database,
    q: str,
    recommendation: str | None,
    status: str | None,
    cursor: str | None,
    limit: int,
    timeout: float | None,
) -> HistoryPage:
    with db.read(timeout=timeout if q else None) as session:
        if not q:
            conditions = [Assessment.finished_at.is_not(None)]
            if status:
                conditions.append(Assessment.status == status)
                counts, capped = _status_counts(session, status), False
            else:
                counts, capped = _all_counts(session), False
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
            matches = search(session, q, status)
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


def _status_counts(session: Session, status: str) -> dict[str, int]:
    return _tally(
        session.execute(
            select(Assessment.recommendation, func.count())
            .where(Assessment.status == status, Assessment.finished_at.is_not(None))
            .group_by(Assessment.recommendation)
        )
    )


def _capped_tally(recommendations: Sequence[str]) -> tuple[dict[str, int], bool]:
    """Recommendations of the newest SEARCH_COUNT_LIMIT + 1 matches: the extra one says "more"."""
    capped = len(recommendations) > SEARCH_COUNT_LIMIT
    return _tally(Counter(recommendations[:SEARCH_COUNT_LIMIT]).items()), capped


def search_condition(session: Session, q: str):
    """A condition on `assessments`: the finished rows the search `q` (already cleaned) matches,
    through the same back end, indexes and short-query window as the history's search."""
    if session.get_bind().dialect.name == "sqlite":
        return _SqliteSearch(session, q, None).condition()
    return _SqlSearch(session, q, None).condition()


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

    def __init__(self, session: Session, q: str, status: str | None) -> None:
        self.session = session
        self.conditions = [Assessment.finished_at.is_not(None), _search_filter(_escape_like(q))]
        if status:
            self.conditions.append(Assessment.status == status)
        if not TRIGRAM_WORD.search(q):
            newest = select(Assessment.finished_at, Assessment.id).where(
                Assessment.finished_at.is_not(None)
            )
            edge = session.execute(_newest_first(newest, 1).offset(SHORT_SEARCH_WINDOW - 1)).first()
            if edge is not None:
                self.conditions.append(tuple_(Assessment.finished_at, Assessment.id) >= tuple(edge))

    def condition(self):
        return and_(*self.conditions)

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

    def __init__(self, session: Session, q: str, status: str | None) -> None:
        self.session = session
        self._match(session, q)
        if status:
            # The search table keeps no status: each candidate's is read from its row.
            self.where.append(
                f"EXISTS (SELECT 1 FROM assessments WHERE assessments.id = "
                f"{SQLITE_SEARCH_TABLE}.rowid % {ORDER_KEY_ID_SPAN} AND assessments.status = :status)"
            )
            self.params["status"] = status

    def _match(self, session: Session, q: str) -> None:
        if len(q) >= SEARCH_MIN_TRIGRAM:
            self.where, self.params = (
                [f"{SQLITE_SEARCH_TABLE} MATCH :phrase"],
                {"phrase": _fts_phrase(q)},
            )
            if len(q) > SEARCH_MAX_PHRASE:
                # instr, not LIKE: a plain substring test, which a crafted pattern can't slow down.
                self.where.append("(instr(lower(title), :lowered) OR instr(lower(team), :lowered))")
                self.params["lowered"] = q.lower()
            return
        # Too short for a trigram: read the newest rows of the table itself and filter them.
        edge = session.execute(
            text(
                f"SELECT rowid FROM {SQLITE_SEARCH_TABLE} ORDER BY rowid DESC LIMIT 1 OFFSET :skip"
            ),
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

    def condition(self):
        matches = (
            text(
                f"SELECT rowid % {ORDER_KEY_ID_SPAN} AS id FROM {SQLITE_SEARCH_TABLE}"
                f" WHERE {' AND '.join(self.where)}"
            )
            .bindparams(**self.params)
            .columns(column("id", Integer))
            .subquery()
        )
        return Assessment.id.in_(select(matches.c.id))

    def recommendations(self, n: int) -> list[str]:
        return list(
            self.session.execute(
                text(
                    f"SELECT recommendation FROM {SQLITE_SEARCH_TABLE} WHERE {' AND '.join(self.where)}"
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
                    f"SELECT rowid % {ORDER_KEY_ID_SPAN} FROM {SQLITE_SEARCH_TABLE} WHERE {' AND '.join(where)}"
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
