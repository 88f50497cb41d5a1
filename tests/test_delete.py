"""Deleting an assessment: nothing of it is left in any table, the history, search or the counts."""

from sqlalchemy import inspect, text

from app import assessments, comments
from tests.helpers import PRODUCT_SPECS, finish, html


def rows_per_table(app) -> dict[str, list[tuple]]:
    """Every row of every table (SQLite's FTS shadow tables included), read with SQL."""
    engine = app.state.db.engine
    tables = sorted(inspect(engine).get_table_names())
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            tables += [
                row[0]
                for row in connection.execute(
                    text(
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'assessments_search%'"
                    )
                )
                if row[0] not in tables
            ]
        return {
            table: [tuple(row) for row in connection.execute(text(f'SELECT * FROM "{table}"'))]
            for table in tables
        }


def assessment_id(app, token: str) -> int:
    return assessments.get(app.state.db, token).id


def comment_on(app, token: str, author: str) -> None:
    comments.add(app.state.db, token, comments.CommentIn(author, "a remark"), "192.0.2.1")


def test_a_deleted_assessment_leaves_no_row_in_any_table(client, app):
    before = rows_per_table(app)
    token = finish(client, title="Short-lived refund agent", team="Support")
    comment_on(app, token, "Ana")
    comment_on(app, token, "Bo")
    assert assessments.delete(app.state.db, assessment_id(app, token)) is True
    after = rows_per_table(app)
    # The counter row of its recommendation stays, at zero; the per-address throttle row holds
    # only the address's count, nothing of the assessment.
    counts = after.pop("assessment_counts")
    assert [(recommendation, finished) for recommendation, finished in counts] == [("fine_tune", 0)]
    before.pop("assessment_counts")
    throttle = after.pop("auth_throttle")
    assert [row[0] for row in throttle] == ["comment-address:192.0.2.1"]
    before.pop("auth_throttle")
    # SQLite's search index: the row is gone from the FTS table and its content; FTS5 records a
    # deletion in a new index segment (its _data and _idx blobs) and drops the old postings when
    # it merges segments, so those blobs are checked by searching instead.
    if app.state.db.engine.dialect.name == "sqlite":
        for shadow in ("assessments_search_data", "assessments_search_idx"):
            before.pop(shadow), after.pop(shadow)
        with app.state.db.engine.connect() as connection:
            for word in ("short", "lived", "refund", "support"):
                matches = connection.execute(
                    text("SELECT rowid FROM assessments_search WHERE assessments_search MATCH :q"),
                    {"q": f'"{word}"'},
                ).all()
                assert matches == []
    assert after == before
    assert after["comments"] == [] and after["assessments"] == []


def test_a_deleted_assessment_leaves_the_history_search_counts_and_api(client, app):
    kept = finish(client, title="Kept specs bot", answers=PRODUCT_SPECS)
    gone = finish(client, title="Gone refund agent")
    assessments.delete(app.state.db, assessment_id(app, gone))
    listing = client.get("/api/v1/assessments").json()
    assert [item["id"] for item in listing["items"]] == [kept]
    assert (listing["counts"]["fine_tune"], listing["counts"]["rag"]) == (0, 1)
    for q in ("refund", "gone", "agent"):
        assert client.get("/api/v1/assessments", params={"q": q}).json()["items"] == []
    assert [
        a.get_text(strip=True) for a in html(client.get("/assessments")).select(".row-title")
    ] == ["Kept specs bot"]
    assert client.get(f"/api/v1/assessments/{gone}").status_code == 404
    assert client.get(f"/a/{gone}/export.json").status_code == 404
    assert client.get(f"/api/v1/assessments/{kept}").status_code == 200


def test_a_cached_verdict_page_answers_404_once_deleted(client, app):
    token = finish(client)
    assert client.get(f"/a/{token}").status_code == 200
    assert client.get(f"/a/{token}").status_code == 200  # from the render cache
    assessments.delete(app.state.db, assessment_id(app, token))
    assert client.get(f"/a/{token}").status_code == 404


def test_a_revision_keeps_its_content_and_loses_only_the_link(client, app):
    original = finish(client, title="Original")
    response = client.post(f"/a/{original}/revise")
    draft = response.headers["location"].rstrip("/").split("/")[-2]
    assert assessments.get(app.state.db, draft).revised_from_id == assessment_id(app, original)
    assessments.delete(app.state.db, assessment_id(app, original))
    revision = assessments.get(app.state.db, draft)
    assert (revision.title, revision.revised_from_id) == ("Original", None)
    assert client.post(f"/d/{draft}/finish").status_code == 303
    page = html(client.get(f"/a/{draft}"))
    assert page.select_one("h1#verdict-title").get_text() == "Original"
    assert "Revised from" not in page.get_text()


def test_deleting_twice_is_harmless(client, app):
    ident = assessment_id(app, finish(client))
    assert assessments.delete(app.state.db, ident) is True
    assert assessments.delete(app.state.db, ident) is False
