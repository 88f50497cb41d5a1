"""The verdict page's render cache cannot serve a wrong page: its key holds every input of the
page. Proved two ways: every write to an assessment's row moves the version in the key, and
after each kind of change a cached page is byte for byte what a fresh render gives."""

import dataclasses
import inspect
from datetime import datetime

import pytest
from sqlalchemy import JSON, delete, select
from starlette.testclient import TestClient

from app.main import create_app
from app.models import Assessment, UTCDateTime, utcnow
from app.web.cache import RenderCache
from app.web.routes.assessments import VerdictKey, render_verdict
from tests.test_api import create
from tests.test_manage import row

# What the key stands for, per input of render_verdict.
KEY_FIELDS = {
    "request": {"url", "session_cookie"},
    "assessment": {"assessment_id", "share_token", "version"},
    "neighbours": {"original", "successor"},
    "lang": {"lang"},
    "may_manage": {"may_manage"},
    # The comments it reads: adding or deleting one moves the row's updated_at (app/comments.py).
    "db": {"version"},
    # The day the cost card counts the days to a model's retirement from (the app's clock).
    "day": {"day"},
}
# Given only for pages that are never cached: the token shown once, a refused comment's form.
NEVER_CACHED = {"key_waiting", "comment_form", "status_code", "headers"}


def test_the_key_names_every_input_of_the_render():
    parameters = set(inspect.signature(render_verdict).parameters)
    assert parameters == set(KEY_FIELDS) | NEVER_CACHED
    assert {f.name for f in dataclasses.fields(VerdictKey)} == set().union(*KEY_FIELDS.values())


def changed_value(column, other_id: int) -> object:
    """A new value for any column of the assessments table, chosen by its type."""
    if column.foreign_keys:
        return other_id
    if column.key == "status":  # the database checks it is one of STATUSES
        return "accepted"
    if isinstance(column.type, JSON):
        return {"changed": column.key}
    if isinstance(column.type, UTCDateTime):
        return utcnow()
    python_type = column.type.python_type
    if python_type is bool:
        return True
    if python_type is str:
        return f"changed-{column.key}"[: column.type.length or 20]
    if python_type is datetime:
        return utcnow()
    if python_type is int:
        return 7
    raise AssertionError(f"no test value for column {column.key} ({python_type}): add one")


@pytest.mark.storage
def test_every_write_to_any_column_moves_the_version(client, app):
    first, second = create(client).json(), create(client).json()
    other_id = row(app, second["id"]).id
    assessment_id = row(app, first["id"]).id
    columns = [c for c in Assessment.__table__.columns if c.key not in ("id", "updated_at")]
    assert len(columns) >= 17
    for column in columns:
        with app.state.db.write() as session:
            before = session.get(Assessment, assessment_id).updated_at
        with app.state.db.write() as session:
            setattr(
                session.get(Assessment, assessment_id), column.key, changed_value(column, other_id)
            )
        with app.state.db.read() as session:
            after = session.get(Assessment, assessment_id).updated_at
        assert after > before, column.key


@pytest.fixture
def fresh(settings):
    """The same database, served without a render cache: what every page should be."""
    application = create_app(settings)
    application.state.verdict_cache = RenderCache(capacity_bytes=0)
    with TestClient(application, follow_redirects=False) as other:
        yield other
    application.state.db.dispose()


def finish_revision(client, token: str) -> str:
    draft = client.post(f"/a/{token}/revise").headers["location"].split("/")[-2]
    assert client.post(f"/d/{draft}/finish").status_code == 303
    return draft


def test_cached_pages_equal_fresh_renders_through_every_change(client, fresh, app):
    puts = []
    cache = app.state.verdict_cache
    original_put = cache.put
    cache.put = lambda key, body: puts.append(key) or original_put(key, body)

    def same(path: str, *, status: int = 200, manage_token: str | None = None, **options) -> bytes:
        for browser in (client, fresh):
            browser.cookies.clear()
            if manage_token:
                browser.cookies.set("manage", manage_token)
        cached = client.get(path, **options)
        expected = fresh.get(path, **options)
        assert (cached.status_code, expected.status_code) == (status, status), path
        assert cached.content == expected.content, path
        return cached.content

    created = create(client).json()
    original = created["id"]
    revision = finish_revision(client, original)
    client.cookies.clear()
    path = f"/a/{revision}"
    same(path)
    same(path)
    assert len(puts) == 1  # the second request was a cache hit
    headers = {"X-Manage-Token": created["manage_token"]}
    # The original it was revised from gets a new link: the revision links to the new one, for
    # owners only; a visitor's page names the version and links to none.
    rotated = client.post(f"/api/v1/assessments/{original}/rotate", headers=headers).json()["id"]
    page = same(path, manage_token=created["manage_token"])
    assert rotated.encode() in page and original.encode() not in page
    page = same(path)
    assert rotated.encode() not in page and original.encode() not in page
    assert b"Revised from" in page
    # Language, host, scheme and query each change the page.
    same(f"{path}?lang=zh")
    same(path, headers={"Accept-Language": "zh-CN"})
    same(path, headers={"Host": "localhost"})
    same(f"{path}?from=chat")
    # Whoever may manage it sees the controls, from their cookie: cached apart from visitors.
    manager = same(f"/a/{rotated}", manage_token=created["manage_token"])
    visitor = same(f"/a/{rotated}")
    assert b"manage-link" in manager and b"manage-link" not in visitor
    # An expiry set on the original: its link keeps working, for owners and visitors alike.
    client.put(f"/api/v1/assessments/{rotated}/expiry", json={"days": 30}, headers=headers)
    page = same(f"/a/{rotated}", manage_token=created["manage_token"])
    assert b"manage-link" in page
    same(f"/a/{rotated}")
    # Any other write to the row (a later feature's status, say) moves the version.
    with app.state.db.write() as session:
        session.scalars(
            select(Assessment).where(Assessment.share_token == revision)
        ).one().notes = "Written after finishing"
    page = same(path)
    assert b"Written after finishing" in page
    # The original is deleted: the revision no longer links to it.
    with app.state.db.write() as session:
        session.execute(delete(Assessment).where(Assessment.share_token == rotated))
    page = same(path)
    assert b"Revised from" not in page
    same(f"/a/{rotated}", status=404)
    assert len(set(puts)) == len(puts)  # every render was for a new key
