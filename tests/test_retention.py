"""Retention: finished assessments past APP_RETENTION_DAYS and drafts untouched for 30 days are
deleted, by `make purge` (python -m app.purge) and at start-up, with all that hangs on them."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from starlette.testclient import TestClient

from app import comments, purge
from app.main import create_app
from app.models import Assessment, Comment, utcnow
from app.settings import Settings
from tests.helpers import finish, start


def age(app, token: str, days: float, *, finished: bool = True) -> None:
    """Move an assessment's timestamps `days` into the past."""
    then = utcnow() - timedelta(days=days)
    values = {"created_at": then, "updated_at": then}
    if finished:
        values["finished_at"] = then
    with app.state.db.write() as session:
        session.execute(update(Assessment).where(Assessment.share_token == token).values(values))


def titles(app) -> list[str]:
    with app.state.db.read() as session:
        return list(session.scalars(select(Assessment.title).order_by(Assessment.id)))


def make_history(client, app) -> None:
    """Finished 400, 100 and 10 days ago; drafts last saved 31 and 29 days ago; one of today."""
    for title, days in (("Old", 400), ("Middle", 100), ("Recent", 10)):
        age(app, finish(client, title=title), days)
    for title, days in (("Abandoned draft", 31), ("Paused draft", 29)):
        age(app, start(client, title=title), days, finished=False)
    start(client, title="Fresh draft")


@pytest.mark.storage
def test_retention_deletes_finished_assessments_older_than_the_setting_and_stale_drafts(
    client, app
):
    make_history(client, app)
    report = purge.purge(app.state.db, 90)
    assert [row.title for row in report.finished] == ["Old", "Middle"]
    assert [row.title for row in report.drafts] == ["Abandoned draft"]
    assert titles(app) == ["Recent", "Paused draft", "Fresh draft"]
    assert client.get("/api/v1/assessments").json()["counts"]["fine_tune"] == 1


@pytest.mark.storage
def test_without_the_setting_only_stale_drafts_are_deleted(client, app):
    make_history(client, app)
    report = purge.purge(app.state.db, None)
    assert (report.finished, [row.title for row in report.drafts]) == ([], ["Abandoned draft"])
    assert titles(app) == ["Old", "Middle", "Recent", "Paused draft", "Fresh draft"]


@pytest.mark.storage
def test_a_purged_assessment_takes_its_comments_and_leaves_search_and_counts(client, app):
    token = finish(client, title="Purged refund agent")
    comments.add(app.state.db, token, comments.CommentIn("Ana", "old news"), "192.0.2.1")
    age(app, token, 40)
    purge.purge(app.state.db, 30)
    with app.state.db.read() as session:
        assert session.scalars(select(Comment)).all() == []
    listing = client.get("/api/v1/assessments", params={"q": "refund"}).json()
    assert (listing["items"], listing["counts"]["fine_tune"]) == ([], 0)
    assert client.get(f"/api/v1/assessments/{token}").status_code == 404
    assert client.get(f"/a/{token}").status_code == 404


def test_the_command_prints_what_it_deleted(client, app, settings, capsys):
    make_history(client, app)
    with app.state.db.read() as session:
        ids = {
            title: ident
            for ident, title in session.execute(select(Assessment.id, Assessment.title))
        }
    assert purge.main(settings.model_copy(update={"retention_days": 200})) == 0
    day = (utcnow() - timedelta(days=400)).strftime("%Y-%m-%d")
    draft_day = (utcnow() - timedelta(days=31)).strftime("%Y-%m-%d")
    assert capsys.readouterr().out.splitlines() == [
        f"deleted finished #{ids['Old']} (finished {day}): Old",
        f"deleted draft #{ids['Abandoned draft']} (last saved {draft_day}): Abandoned draft",
        "1 finished assessment(s) deleted, retention: older than 200 days; "
        "1 draft(s) untouched for 30 days deleted.",
    ]
    assert purge.main(settings) == 0
    assert capsys.readouterr().out.splitlines() == [
        "0 finished assessment(s) deleted, retention: none (APP_RETENTION_DAYS is not set); "
        "0 draft(s) untouched for 30 days deleted."
    ]


def test_start_up_applies_retention(client, app, database_url):
    make_history(client, app)
    restarted = create_app(Settings(database_url=database_url, retention_days=50))
    try:
        with TestClient(restarted):
            pass
        assert titles(restarted) == ["Recent", "Paused draft", "Fresh draft"]
    finally:
        restarted.state.db.dispose()


def test_the_setting_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("APP_RETENTION_DAYS", "365")
    assert Settings().retention_days == 365
    monkeypatch.delenv("APP_RETENTION_DAYS")
    assert Settings().retention_days is None
