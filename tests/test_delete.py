"""Deleting an assessment: nothing of it is left in any table, the history, search or the counts."""

import pytest
from sqlalchemy import inspect, text

from app import assessments, comments
from tests.helpers import PRODUCT_SPECS, finish, html
from tests.test_api import create


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


@pytest.mark.storage
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


@pytest.mark.storage
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


@pytest.mark.storage
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
    # Still the second version of the decision, but with nothing left to link back to.
    assert page.select_one("h1#verdict-title").get_text(" ", strip=True) == "Original v2"
    assert "Revised from" not in page.get_text()


def test_deleting_twice_is_harmless(client, app):
    ident = assessment_id(app, finish(client))
    assert assessments.delete(app.state.db, ident) is True
    assert assessments.delete(app.state.db, ident) is False


# --- Through the API and the pages, owners only ------------------------------------------------


def count_rows(app, table: str) -> int:
    with app.state.db.engine.connect() as connection:
        return connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()


def test_the_api_deletes_with_the_manage_token_and_404s_without_it(client, app):
    created = create(client).json()
    token, manage_token = created["id"], created["manage_token"]
    post_comment = {"author": "Ana", "text": "hi"}
    assert (
        client.post(f"/api/v1/assessments/{token}/comments", json=post_comment).status_code == 201
    )
    other = create(client).json()
    for headers in ({}, {"X-Manage-Token": other["manage_token"]}, {"X-Manage-Token": "x" * 43}):
        refused = client.delete(f"/api/v1/assessments/{token}", headers=headers)
        assert (refused.status_code, refused.json()) == (404, {"detail": "Not found"})
    assert client.get(f"/api/v1/assessments/{token}").status_code == 200
    unknown = client.delete(
        f"/api/v1/assessments/{'u' * 43}", headers={"X-Manage-Token": manage_token}
    )
    assert unknown.status_code == 404
    response = client.delete(
        f"/api/v1/assessments/{token}", headers={"X-Manage-Token": manage_token}
    )
    assert (response.status_code, response.content) == (204, b"")
    assert client.get(f"/api/v1/assessments/{token}").status_code == 404
    assert (count_rows(app, "assessments"), count_rows(app, "comments")) == (1, 0)
    again = client.delete(f"/api/v1/assessments/{token}", headers={"X-Manage-Token": manage_token})
    assert again.status_code == 404


def test_the_owner_deletes_through_a_confirmation_page_without_js(client, app):
    token = finish(client, title="Pasted by mistake")
    comment_on(app, token, "Ana")
    comment_on(app, token, "Bo")
    verdict = html(client.get(f"/a/{token}"))
    link = verdict.select_one(".danger-zone a[role=button]")
    assert (link["href"], link.get_text()) == (f"http://testserver/a/{token}/delete", "Delete…")
    page = html(client.get(link["href"]))
    assert page.select_one("h1").get_text() == "Delete “Pasted by mistake”?"
    assert "Its 2 comments go too." in page.select_one(".confirm-delete p:not(.eyebrow)").get_text()
    form = page.select_one("form[method=post]")
    assert form["action"] == f"http://testserver/a/{token}/delete"
    assert page.select_one(".confirm-delete a")["href"] == f"http://testserver/a/{token}"
    response = client.post(form["action"])
    assert (response.status_code, response.headers["location"]) == (
        303,
        "http://testserver/assessments?deleted=1",
    )
    history_page = html(client.get(response.headers["location"]))
    assert history_page.select_one("p.notice[role=status]").get_text() == (
        "The assessment was deleted, with its comments."
    )
    assert history_page.select(".row-title") == []
    assert client.get(f"/a/{token}").status_code == 404
    assert (count_rows(app, "assessments"), count_rows(app, "comments")) == (0, 0)


def test_someone_with_only_the_link_cannot_delete(client, app):
    token = finish(client)
    client.cookies.clear()
    verdict = html(client.get(f"/a/{token}"))
    assert verdict.select(".danger-zone") == []
    assert client.get(f"/a/{token}/delete").status_code == 404
    assert client.post(f"/a/{token}/delete").status_code == 404
    assert client.post(f"/a/{token}/delete", data={"manage_token": "x" * 43}).status_code == 404
    assert count_rows(app, "assessments") == 1


def test_the_manage_token_in_the_form_is_enough(client, app):
    created = create(client).json()
    response = client.post(
        f"/a/{created['id']}/delete", data={"manage_token": created["manage_token"]}
    )
    assert response.status_code == 303
    assert count_rows(app, "assessments") == 0


def test_a_cross_site_delete_is_refused(client, app):
    token = finish(client)
    response = client.post(f"/a/{token}/delete", headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert count_rows(app, "assessments") == 1


def test_the_confirmation_page_in_chinese(client, app):
    token = finish(client, title="误贴的评估")
    client.cookies.set("lang", "zh")
    page = html(client.get(f"/a/{token}/delete"))
    assert page.select_one("h1").get_text() == "删除“误贴的评估”？"
    assert page.select_one("button.danger").get_text() == "永久删除"
    assert page.select_one(".confirm-delete a").get_text() == "取消，保留它"
