"""What a shared verdict page costs the database, and the shared link lookup behind it (issue 23,
point 7): from a warm render cache a reader's request makes exactly one query (the link's), on
one pooled connection; requests for a link that arrive while its lookup runs share the next
lookup, never the running one, so no request is answered from a query older than itself."""

import asyncio
import threading
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from app import assessments
from app.web.verdict_cache import LinkCheck
from tests.helpers import run_apart
from tests.test_api import create


@contextmanager
def database_calls(app):
    """Every statement the app's engine sends (its text) and every pool checkout ("checkout")."""
    calls: list[str] = []
    engine = app.state.db.engine

    def statement(conn, cursor, text, parameters, context, executemany) -> None:
        calls.append(" ".join(text.split()))

    def checkout(*_) -> None:
        calls.append("checkout")

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine.pool, "checkout", checkout)
    try:
        yield calls
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine.pool, "checkout", checkout)


def is_link_lookup(text: str) -> bool:
    """The stamp query: columns of assessments (no documents), by share token, one statement."""
    return (
        text.startswith("SELECT assessments.id, assessments.share_token, assessments.updated_at")
        and "FROM assessments" in text
        and "WHERE assessments.share_token = " in text
        and "assessments.answers" not in text
        and "assessments.verdict" not in text
    )


def on_sqlite(app) -> bool:
    return app.state.db.engine.dialect.name == "sqlite"


def test_a_reader_from_a_warm_cache_costs_one_query(client, app):
    created = create(client).json()
    client.cookies.clear()  # a reader who was sent the link: no manage key, no session
    path = f"/a/{created['id']}"
    first = client.get(path)
    assert first.status_code == 200
    assert len(app.state.verdict_cache) == 1
    with database_calls(app) as calls:
        again = client.get(path)
    assert again.status_code == 200 and again.content == first.content
    assert len(app.state.verdict_cache) == 1  # a hit: nothing rendered
    # SQLite's transactions are begun by the app itself (app/db.py); PostgreSQL's driver sends
    # no BEGIN for an autocommit connection, so its statement is the query alone.
    expected_prefix = ["checkout", "BEGIN"] if on_sqlite(app) else ["checkout"]
    assert calls[:-1] == expected_prefix, calls
    assert is_link_lookup(calls[-1]), calls[-1]


def test_a_revalidation_from_a_warm_cache_costs_one_query(client, app):
    created = create(client).json()
    client.cookies.clear()
    path = f"/a/{created['id']}"
    etag = client.get(path).headers["etag"]
    with database_calls(app) as calls:
        response = client.get(path, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert [c for c in calls if c not in ("checkout", "BEGIN")] == calls[-1:]
    assert calls.count("checkout") == 1 and is_link_lookup(calls[-1])


def test_an_owner_from_a_warm_cache_costs_the_link_and_the_key(client, app):
    created = create(client).json()
    client.cookies.clear()
    client.cookies.set("manage", created["manage_token"])  # as the browser that made it keeps
    path = f"/a/{created['id']}"
    client.get(path)
    with database_calls(app) as calls:
        page = client.get(path)
    assert page.status_code == 200 and b"manage-link" in page.content
    queries = [c for c in calls if c not in ("checkout", "BEGIN")]
    assert len(queries) == 2, queries
    assert is_link_lookup(queries[0])
    assert queries[1].startswith("SELECT manage_keys.") and "key_hash IN" in queries[1]


def test_a_rotated_link_answers_410_from_the_next_request_with_the_page_cached(client, app):
    created = create(client).json()
    token, headers = created["id"], {"X-Manage-Token": created["manage_token"]}
    client.cookies.clear()
    assert client.get(f"/a/{token}").status_code == 200
    assert client.get(f"/a/{token}").status_code == 200  # cached
    rotated = client.post(f"/api/v1/assessments/{token}/rotate", headers=headers)
    assert rotated.status_code == 200
    client.cookies.clear()
    with database_calls(app) as calls:
        gone = client.get(f"/a/{token}")
    assert gone.status_code == 410
    assert is_link_lookup([c for c in calls if c not in ("checkout", "BEGIN")][0])
    assert client.get(f"/a/{rotated.json()['id']}").status_code == 200
    assert client.get("/a/" + "x" * 22).status_code == 404


# --- The shared lookup, on its own: a lookup that waits on the test, so that requests can be
# made to arrive while it runs.


class Lookups:
    """A stand-in for the database: each lookup returns the version current when it *began*
    (as a query's snapshot does) and waits until the test lets it finish."""

    def __init__(self) -> None:
        self.version = 1
        self.began: list[int] = []
        self.release = threading.Semaphore(0)

    def __call__(self, db: object, token: str) -> object:
        seen = self.version
        self.began.append(seen)
        if not self.release.acquire(timeout=10):  # a test that forgot one fails, not hangs
            raise TimeoutError("lookup never released")
        if token == "missing":
            raise assessments.NotFound(token)
        if token == "broken":
            raise RuntimeError("database unreachable")
        return (token, seen)


async def settle() -> None:
    """Until the event loop has nothing left to do but wait for the lookup thread."""
    for _ in range(20):
        await asyncio.sleep(0)


async def until(predicate) -> None:
    for _ in range(2000):
        if predicate():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("never happened")


def test_requests_arriving_during_a_lookup_get_the_next_one():
    lookups = Lookups()
    check = LinkCheck(lookups, assessments.NotFound)

    async def scenario() -> None:
        first = asyncio.create_task(check("db", "tok"))
        await until(lambda: lookups.began == [1])
        # A write commits while the first lookup runs; then two more requests arrive.
        lookups.version = 2
        later = [asyncio.create_task(check("db", "tok")) for _ in range(2)]
        await settle()
        assert lookups.began == [1]  # they wait: one lookup of a link at a time
        lookups.release.release()
        assert await first == ("tok", 1)
        await until(lambda: lookups.began == [1, 2])
        # The second lookup began after they arrived: it sees the write, and serves both.
        lookups.release.release()
        assert [await task for task in later] == [("tok", 2), ("tok", 2)]
        assert lookups.began == [1, 2]
        assert check.in_flight() == 0

    run_apart(scenario)


def test_other_links_and_databases_are_looked_up_apart():
    lookups = Lookups()
    check = LinkCheck(lookups, assessments.NotFound)

    async def scenario() -> None:
        tasks = [
            asyncio.create_task(check(db, token))
            for db, token in (("a", "tok"), ("a", "other"), ("b", "tok"))
        ]
        await until(lambda: len(lookups.began) == 3)
        for _ in tasks:
            lookups.release.release()
        assert [await task for task in tasks] == [("tok", 1), ("other", 1), ("tok", 1)]
        assert check.in_flight() == 0

    run_apart(scenario)


def test_not_found_is_each_requests_answer_and_other_errors_are_raised_in_each():
    lookups = Lookups()
    check = LinkCheck(lookups, assessments.NotFound)

    async def scenario() -> None:
        first = asyncio.create_task(check("db", "missing"))
        await until(lambda: len(lookups.began) == 1)
        waiting = [asyncio.create_task(check("db", "missing")) for _ in range(2)]
        await settle()
        lookups.release.release()
        lookups.release.release()
        answers = [await first, *[await task for task in waiting]]
        assert all(type(answer) is assessments.NotFound for answer in answers)
        assert len(lookups.began) == 2

        broken = asyncio.create_task(check("db", "broken"))
        await until(lambda: len(lookups.began) == 3)
        also_broken = asyncio.create_task(check("db", "broken"))
        await settle()
        lookups.release.release()
        await until(lambda: len(lookups.began) == 4)
        lookups.release.release()
        for task in (broken, also_broken):
            with pytest.raises(RuntimeError, match="database unreachable"):
                await task
        assert check.in_flight() == 0

    run_apart(scenario)


def test_a_request_that_goes_away_does_not_cancel_the_lookup_of_the_others():
    lookups = Lookups()
    check = LinkCheck(lookups, assessments.NotFound)

    async def scenario() -> None:
        running = asyncio.create_task(check("db", "tok"))
        await until(lambda: len(lookups.began) == 1)
        gone, stays = (asyncio.create_task(check("db", "tok")) for _ in range(2))
        await settle()
        gone.cancel()  # its client went away while both waited for the next lookup
        await settle()
        lookups.release.release()
        assert await running == ("tok", 1)
        await until(lambda: len(lookups.began) == 2)
        lookups.release.release()
        assert await stays == ("tok", 1)
        assert gone.cancelled()
        assert check.in_flight() == 0

    run_apart(scenario)
