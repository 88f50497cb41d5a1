"""Insights: finished assessments counted by recommendation and by confidence, in total, per
month of finished_at and per team, under the history's filters.

Every count is a GROUP BY in the database (SQLite and PostgreSQL alike): no assessment is loaded
into Python, so the cost is one pass over the matching rows whatever their number. A search
(`q`) narrows the rows through the history's own search back ends (app/history.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app import decision, history
from app.assessments import _clean_query
from app.db import Database
from app.models import STATUSES, Assessment

CONFIDENCES = ("high", "medium", "low")
# Teams shown one by one; the others are counted together. Teams are free text, so their number
# has no bound, and a chart of a thousand bars informs nobody.
TEAM_LIMIT = 12

# The history's filters that narrow by equality: query name -> (column, accepted values). The web
# layer reads, validates and documents exactly these, so one more filter is one more entry here.
FILTERS: dict[str, tuple[ColumnElement, tuple[str, ...]]] = {
    "recommendation": (Assessment.recommendation, tuple(decision.APPROACHES)),
    "status": (Assessment.status, STATUSES),
}


@dataclass(frozen=True)
class Filters:
    q: str = ""
    # filter name (a key of FILTERS) -> the value asked for; absent or empty means "any"
    equal: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Tally:
    """How many, by recommendation and by confidence; every key present, zeros included."""

    recommendations: dict[str, int]
    confidences: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.recommendations.values())


@dataclass(frozen=True)
class Insights:
    overall: Tally
    # Oldest first, one entry per calendar month (UTC) from the first match to the last, gaps
    # included as zeros.
    months: list[tuple[date, Tally]]
    # Most assessments first (then by name), at most TEAM_LIMIT; "" is "no team given".
    teams: list[tuple[str, Tally]]
    # The teams past TEAM_LIMIT, together: how many teams, and their counts.
    other_team_count: int
    other_teams: Tally

    @property
    def total(self) -> int:
        return self.overall.total


def empty_tally() -> Tally:
    return Tally({key: 0 for key in decision.APPROACHES}, {key: 0 for key in CONFIDENCES})


def _tally(rows) -> Tally:
    """From (recommendation, confidence, count) rows."""
    tally = empty_tally()
    for recommendation, confidence, count in rows:
        if recommendation in tally.recommendations:
            tally.recommendations[recommendation] += count
        if confidence in tally.confidences:
            tally.confidences[confidence] += count
    return tally


def _minus(whole: Tally, parts: list[Tally]) -> Tally:
    return Tally(
        {k: v - sum(p.recommendations[k] for p in parts) for k, v in whole.recommendations.items()},
        {k: v - sum(p.confidences[k] for p in parts) for k, v in whole.confidences.items()},
    )


def _month_of(session: Session) -> ColumnElement[str]:
    """finished_at as "YYYY-MM", in UTC, computed by the database."""
    if session.get_bind().dialect.name == "sqlite":
        # Stored as UTC text ("2026-11-27 18:51:05.000000"): its first seven characters.
        return func.substr(Assessment.finished_at, 1, 7)
    return func.to_char(func.timezone("UTC", Assessment.finished_at), "YYYY-MM")


def _conditions(session: Session, filters: Filters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        Assessment.finished_at.is_not(None),
        Assessment.recommendation.is_not(None),
    ]
    for name, value in filters.equal.items():
        if value:
            conditions.append(FILTERS[name][0] == value)
    if filters.q:
        conditions.append(history.search_condition(session, filters.q))
    return conditions


def _grouped(statement: Select, *keys) -> Select:
    return statement.group_by(*keys, Assessment.recommendation, Assessment.confidence)


def insights(
    db: Database, filters: Filters | None = None, *, timeout: float | None = None
) -> Insights:
    """Counts of the finished assessments that match `filters`.

    A search is cleaned and bounded as the history's is; one with no letter or digit raises
    history.Unsearchable. With `timeout` (applied to every query, searching or not: counting
    all rows can take as long as a search), a query past it raises history.SearchTooSlow.
    """
    filters = filters or Filters()
    q = _clean_query(filters.q)[:200]
    if q and not history.is_searchable(q):
        raise history.Unsearchable(q)
    filters = Filters(q=q, equal=dict(filters.equal))
    try:
        with db.read(timeout=timeout) as session:
            return _insights(session, filters)
    except OperationalError as error:
        if history._is_cancelled(error):
            raise history.SearchTooSlow(q) from error
        raise


def _insights(session: Session, filters: Filters) -> Insights:
    where = _conditions(session, filters)
    count = func.count()
    month = _month_of(session).label("month")
    by_month: dict[str, list] = {}
    for key, recommendation, confidence, n in session.execute(
        _grouped(
            select(month, Assessment.recommendation, Assessment.confidence, count).where(*where),
            month,
        )
    ):
        by_month.setdefault(key, []).append((recommendation, confidence, n))
    months = [(when, _tally(by_month.get(f"{when:%Y-%m}", []))) for when in _month_range(by_month)]
    overall = _tally(row for rows in by_month.values() for row in rows)

    # The TEAM_LIMIT teams with most assessments, chosen by the database, then their counts by
    # verdict: a bounded number of rows however many teams there are; the rest are counted as
    # the difference from the overall counts. Names are ordered by code point on both databases.
    team = func.coalesce(Assessment.team, "")
    name_order = team.collate("C") if session.get_bind().dialect.name == "postgresql" else team
    top = [
        name
        for name, _ in session.execute(
            select(team, count)
            .where(*where)
            .group_by(team)
            .order_by(count.desc(), name_order)
            .limit(TEAM_LIMIT)
        )
    ]
    team_count = session.scalar(select(func.count(func.distinct(team))).where(*where)) or 0
    by_team: dict[str, list] = {name: [] for name in top}
    if top:
        for name, recommendation, confidence, n in session.execute(
            _grouped(
                select(team, Assessment.recommendation, Assessment.confidence, count).where(
                    *where, team.in_(top)
                ),
                team,
            )
        ):
            by_team[name].append((recommendation, confidence, n))
    teams = [(name, _tally(by_team[name])) for name in top]
    return Insights(
        overall=overall,
        months=months,
        teams=teams,
        other_team_count=team_count - len(teams),
        other_teams=_minus(overall, [tally for _, tally in teams]),
    )


def _month_range(keys) -> list[date]:
    if not keys:
        return []
    first, last = (date.fromisoformat(f"{key}-01") for key in (min(keys), max(keys)))
    months, when = [], first
    while when <= last:
        months.append(when)
        when = date(when.year + when.month // 12, when.month % 12 + 1, 1)
    return months
