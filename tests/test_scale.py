"""History at scale: bulk seeding, counts kept by triggers, trigram search, and index use.

The timings live in bench/bench_history_scale.py; here, what makes them hold: each history
query is answered from an index (EXPLAIN says so), on SQLite and on PostgreSQL.
"""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select, text

from app import assessments, decision, history
from app.db import Database
from app.models import Assessment
from bench.seed import realistic_items, seed
from tests.helpers import PRODUCT_SPECS, REFUND_BOT

pytestmark = [pytest.mark.slow, pytest.mark.storage]

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


@pytest.fixture
def db(database_url):
    database = Database(database_url)
    yield database
    database.dispose()


def truth(db: Database, q: str = "") -> dict[str, int]:
    """Counts the slow way, for comparison."""
    conditions = [Assessment.finished_at.is_not(None)]
    if q:
        conditions.append(history._search_filter(history._escape_like(q)))
    with db.read() as session:
        rows = session.execute(
            select(Assessment.recommendation, func.count())
            .where(*conditions)
            .group_by(Assessment.recommendation)
        ).all()
    return {key: dict(rows).get(key, 0) for key in decision.APPROACHES}


def item(title: str, minutes_ago: int, answers=REFUND_BOT, team: str = "") -> history.FinishedItem:
    return history.FinishedItem(
        title=title,
        team=team,
        answers=decision.validate_answers(answers)[0],
        finished_at=NOW - timedelta(minutes=minutes_ago),
    )


def test_seeding_stores_valid_verdicts_in_bulk(db):
    assert seed(db, 300, rng_seed=7, batch_size=128, now=NOW) == 300
    with db.read() as session:
        rows = session.scalars(select(Assessment)).all()
    assert len(rows) == 300
    assert len({r.share_token for r in rows}) == 300
    for row in rows[:60]:
        answers, errors = decision.validate_answers(row.answers)
        assert errors == []
        assert row.verdict == decision.evaluate(answers).to_snapshot()
        assert (row.recommendation, row.confidence) == (
            row.verdict["recommendation"],
            row.verdict["confidence"],
        )
        assert row.rules_version == decision.RULES_VERSION
        assert NOW - timedelta(days=731) <= row.finished_at <= NOW
        assert row.created_at <= row.finished_at and row.current_step == assessments.REVIEW
    assert len({r.recommendation for r in rows}) >= 4  # realistic: not one verdict for all
    assert any(not r.title.isascii() for r in rows)  # some Chinese titles
    page = history.history(db)
    assert page.counts == truth(db) and page.total == 300


def test_seeding_is_reproducible():
    first = [(i.title, i.team, i.finished_at) for i in realistic_items(50, rng_seed=3, now=NOW)]
    again = [(i.title, i.team, i.finished_at) for i in realistic_items(50, rng_seed=3, now=NOW)]
    assert first == again


def test_counts_follow_every_kind_of_write(db):
    history.bulk_create_finished(db, [item("Bulk one", 5), item("Bulk two", 4, PRODUCT_SPECS)])
    assessments.create_finished(db, {"title": "One-shot"}, decision.validate_answers(REFUND_BOT)[0])
    draft = assessments.start_draft(
        db, {"title": "Draft"}, decision.validate_answers(PRODUCT_SPECS)[0], step=assessments.REVIEW
    )
    assert history.history(db).counts == truth(db)
    assessments.finish(db, draft.share_token)
    assert history.history(db).counts == truth(db)
    assert history.history(db).total == 4
    with db.write() as session:
        session.execute(text("DELETE FROM assessments WHERE title = 'Bulk one'"))
    assert history.history(db).counts == truth(db)
    assert history.history(db, q="bulk").counts == truth(db, "bulk")
    assert [a.title for a in history.history(db, q="bulk").items] == ["Bulk two"]


def test_search_is_newest_first_and_pages_by_cursor(db):
    history.bulk_create_finished(
        db, [item(f"Refund agent {n:02d}", 100 - n) for n in range(25)] + [item("Unrelated", 0)]
    )
    first = history.history(db, q="REFUND agent")
    assert [a.title for a in first.items] == [f"Refund agent {n:02d}" for n in range(24, 4, -1)]
    second = history.history(db, q="refund agent", cursor=first.next_cursor)
    assert [a.title for a in second.items] == [f"Refund agent {n:02d}" for n in range(4, -1, -1)]
    assert second.next_cursor is None
    assert first.total == 25 and not first.counts_capped
    filtered = history.history(db, q="agent", recommendation="rag")
    assert filtered.items == [] and filtered.counts == truth(db, "agent")


def test_search_finds_chinese_team_names_and_odd_characters(db):
    history.bulk_create_finished(
        db,
        [
            item("客服退款助手", 3, team="客服中心"),
            item("发票字段抽取", 2, team="财务"),
            item('Quote "this" OR that*', 1),
            item("50% off: a_b", 0),
        ],
    )
    assert [a.title for a in history.history(db, q="退款助手").items] == ["客服退款助手"]
    assert [a.title for a in history.history(db, q="客服中心").items] == ["客服退款助手"]
    assert [a.title for a in history.history(db, q='"this" or').items] == ['Quote "this" OR that*']
    assert [a.title for a in history.history(db, q="at*").items] == ['Quote "this" OR that*']
    assert [a.title for a in history.history(db, q="% o").items] == ["50% off: a_b"]
    assert history.history(db, q="a%b").items == []


def test_short_queries_search_the_newest_window(db, monkeypatch):
    """One or two characters cannot use a trigram index: they search the newest assessments only."""
    monkeypatch.setattr(history, "SHORT_SEARCH_WINDOW", 3)
    history.bulk_create_finished(
        db, [item("客服 old", 10), item("客服 a", 3), item("b", 2), item("客服 c", 1)]
    )
    page = history.history(db, q="客服")
    assert [a.title for a in page.items] == ["客服 c", "客服 a"]
    assert page.total == 2
    with pytest.raises(history.Unsearchable):  # no letter or digit: nothing to look for
        history.history(db, q="%")


def test_search_counts_stop_at_the_limit(db, monkeypatch):
    monkeypatch.setattr(history, "SEARCH_COUNT_LIMIT", 10)
    history.bulk_create_finished(
        db,
        [item(f"Refund bot {n}", n) for n in range(15)] + [item("Refund specs", 20, PRODUCT_SPECS)],
    )
    capped = history.history(db, q="refund")
    assert capped.counts_capped and capped.total == 10
    assert capped.counts["fine_tune"] == 10 and capped.counts["rag"] == 0  # the 10 newest
    assert len(capped.items) == 16  # the page itself is not capped
    exact = history.history(db, q="specs")
    assert not exact.counts_capped and exact.counts["rag"] == 1 and exact.total == 1


def test_list_items_do_not_load_the_verdict(db):
    history.bulk_create_finished(db, [item("Light", 1)])
    listed = history.history(db).items[0]
    assert (listed.title, listed.recommendation) == ("Light", "fine_tune")
    assert "verdict" not in listed.__dict__ and "answers" not in listed.__dict__


# --- Index use -----------------------------------------------------------------------------

CASES = {
    "first page": {},
    "later page": {"cursor": True},
    "search": {"q": "refund"},
    "rare search": {"q": "zzqx"},
    "filter": {"recommendation": "fine_tune"},
    "search, filter and cursor": {"q": "refund", "recommendation": "fine_tune", "cursor": True},
}


def statements_of(db: Database, **kwargs) -> list[tuple[str, object]]:
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        history.history(db, **kwargs)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return seen


def plans(db: Database, statements, *, sqlite: bool) -> list[str]:
    result = []
    with db.engine.connect() as connection:
        for statement, parameters in statements:
            prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
            rows = connection.exec_driver_sql(prefix + statement, parameters).all()
            result.append("\n".join(str(row[-1]) for row in rows))
    return result


FILLER = """
INSERT INTO assessments (share_token, title, team, notes, answers, current_step, created_at,
                         updated_at, finished_at, recommendation, confidence, verdict, rules_version)
SELECT 'filler-' || g, 'Filler ' || md5(g::text), 'Team ' || (g % 50), '', '{}', 'review', now(),
       now(), now() - g * interval '1 minute',
       (ARRAY['rag', 'fine_tune', 'prompt_engineering'])[1 + g % 3], 'high', '{}', 'r'
FROM generate_series(1, 10000) AS g
"""


def test_history_queries_use_indexes(db):
    """No query of the history reads the whole table or sorts it: each walks an index."""
    sqlite = db.engine.dialect.name == "sqlite"
    seed(db, 60, rng_seed=11, now=NOW)
    history.bulk_create_finished(db, [item(f"Refund agent {n}", n) for n in range(30)])
    if not sqlite:
        # PostgreSQL plans by statistics, and on a tiny table reading it all is right: give it
        # a table big enough to plan as in production (cheap rows, made in the database).
        with db.write() as session:
            session.execute(text(FILLER))
        with db.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE assessments")
            for index in ("ix_assessments_title_trgm", "ix_assessments_team_trgm"):
                # As autovacuum would: move GIN's pending list (fastupdate) into the index.
                connection.exec_driver_sql(f"SELECT gin_clean_pending_list('{index}'::regclass)")
    for case, params in CASES.items():
        kwargs = dict(params)
        if kwargs.pop("cursor", False):
            kwargs["cursor"] = history.history(db, limit=5, **kwargs).next_cursor
        explained = plans(db, statements_of(db, **kwargs), sqlite=sqlite)
        everything = f"{case}:\n" + "\n".join(explained)
        if sqlite:
            for line in everything.splitlines():
                if "SCAN" in line and "assessment_counts" not in line:
                    assert (
                        "USING INDEX" in line or "COVERING INDEX" in line or "VIRTUAL TABLE" in line
                    ), everything
            assert "TEMP B-TREE" not in everything, everything
            expected = {
                "first page": "ix_assessments_finished",
                "later page": "ix_assessments_finished",
                "filter": "ix_assessments_recommendation_finished",
            }.get(case, "VIRTUAL TABLE INDEX")
        else:
            assert "Seq Scan on assessments " not in everything, everything
            # PostgreSQL picks per query: a rare word is looked up in the trigram indexes, a
            # common one walks a time index newest first (LIMIT stops the walk early).
            if "q" in kwargs:
                assert (
                    "_trgm" in everything
                    or "Index Only Scan Backward using ix_assessments_history" in everything
                ), everything
                continue
            expected = {"filter": "ix_assessments_recommendation_finished"}.get(
                case, "ix_assessments_finished"
            )
            assert "Sort" not in explained[-1], everything
        assert expected in everything, everything
