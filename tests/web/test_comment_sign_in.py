"""Issue 21, point 10: with a team password, a signed-out reader is told that commenting needs
sign-in, and signing in brings them back to the page with their comment still typed.
On SQLite and PostgreSQL."""

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from app.main import create_app
from app.models import Comment, CommentDraft
from app.settings import Settings
from tests.helpers import REFUND_BOT, html

PASSWORD = "correct horse"
TEXT = "我们先试 RAG：<b>不</b>要急着微调。\nSecond line & more."


@pytest.fixture
def guarded(database_url):
    app = create_app(Settings(database_url=database_url, access_password=PASSWORD))
    with TestClient(app, follow_redirects=False) as client:
        created = client.post(
            "/api/v1/assessments",
            headers={"Authorization": f"Bearer {PASSWORD}"},
            json={"title": "Refunds", "answers": {**REFUND_BOT, "baseline_accuracy": 95}},
        ).json()
        client.cookies.clear()
        yield app, client, created["id"]
    app.state.db.dispose()


def rows(app, model) -> int:
    with app.state.db.read() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_signed_out_the_page_says_sign_in_is_needed(guarded):
    _, client, token = guarded
    page = html(client.get(f"/a/{token}"))
    assert page.select_one("#comments .muted").get_text() == (
        "No comments yet. Your team can add them after signing in."
    )
    assert page.select_one("#comment-sign-in-needed").get_text() == (
        "Sign-in is needed to comment: this app has a team password. Write your comment, then "
        "sign in; you come back here with it as typed."
    )
    form = page.select_one("form.comment-form")
    assert (form["action"], form.get("data-hx-post")) == ("/sign-in", None)
    hidden = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    assert hidden == {"next": f"/a/{token}#comment-form", "comment_for": token}
    assert form.select_one("button[type=submit]").get_text() == "Sign in to comment"
    zh = html(client.get(f"/a/{token}", headers={"Accept-Language": "zh-CN"}))
    assert zh.select_one("form.comment-form button[type=submit]").get_text() == "登录后评论"


def test_signing_in_returns_to_the_page_with_the_comment_still_typed(guarded):
    app, client, token = guarded
    page = html(client.get(f"/a/{token}"))
    form = page.select_one("form.comment-form")
    typed = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    typed |= {"author": "Ana", "text": TEXT}
    sign_in = client.post(form["action"], data=typed)
    assert sign_in.status_code == 200
    sign_in_page = html(sign_in)
    assert sign_in_page.select_one("#draft-kept") is not None
    carried = {i["name"]: i["value"] for i in sign_in_page.select("form input[type=hidden]")}
    assert carried == {
        "next": f"/a/{token}#comment-form",
        "comment_for": token,
        "author": "Ana",
        "text": TEXT,
    }
    # A wrong password first: the comment is still carried.
    wrong = client.post("/sign-in", data={**carried, "password": "nope"})
    assert wrong.status_code == 401
    assert {i["name"]: i["value"] for i in html(wrong).select("form input[type=hidden]")} == carried
    right = client.post("/sign-in", data={**carried, "password": PASSWORD})
    assert right.status_code == 303
    assert right.headers["location"] == f"/a/{token}#comment-form"
    assert rows(app, CommentDraft) == 1 and rows(app, Comment) == 0
    back = html(client.get(f"/a/{token}"))
    assert back.select_one("#comment-author")["value"] == "Ana"
    assert back.select_one("#comment-text").get_text() == TEXT
    # Signed in now: the form posts the comment itself.
    form = back.select_one("form.comment-form")
    assert form["action"].endswith(f"/a/{token}/comments")
    assert rows(app, CommentDraft) == 0 and "comment_draft" not in client.cookies
    # Taken once: the next view has an empty form again.
    assert html(client.get(f"/a/{token}")).select_one("#comment-text").get_text() == ""
    posted = client.post(form["action"], data={"author": "Ana", "text": TEXT})
    assert posted.status_code == 303
    assert rows(app, Comment) == 1


def test_a_draft_is_only_given_back_on_its_own_page(guarded):
    app, client, token = guarded
    other = client.post(
        "/api/v1/assessments",
        headers={"Authorization": f"Bearer {PASSWORD}"},
        json={"title": "Other", "answers": {**REFUND_BOT, "baseline_accuracy": 95}},
    ).json()["id"]
    client.cookies.clear()
    client.post(
        "/sign-in",
        data={
            "comment_for": token,
            "author": "Ana",
            "text": "hello",
            "password": PASSWORD,
            "next": f"/a/{token}",
        },
    )
    page = html(client.get(f"/a/{other}"))
    assert page.select_one("#comment-text").get_text() == ""
    assert html(client.get(f"/a/{token}")).select_one("#comment-text").get_text() == "hello"
