"""Comments: anyone with the link adds one under a display name; limits, escaping, throttling."""

import math
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import comments
from app.models import AuthThrottle, Comment, utcnow
from tests.helpers import finish, html, start
from tests.test_api import create

NAUGHTY = [
    line
    for line in (Path(__file__).parent / "data" / "naughty_strings.txt")
    .read_text(encoding="utf-8")
    .splitlines()
    if line and not line.startswith("#")
]
XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "javascript:alert(1)",
    "</textarea><script>alert(1)</script>",
    "{{ 7*7 }}",
]


def stored_comments(app) -> int:
    with app.state.db.read() as session:
        return session.scalar(select(func.count()).select_from(Comment))


def listed(response) -> list[tuple[str, str]]:
    """(author, text) of each comment on a page or fragment, in order."""
    return [
        (
            item.select_one(".comment-author").get_text(),
            item.select_one(".comment-text").get_text(),
        )
        for item in html(response).select("#comments .comment-list > li")
    ]


def post(client, token: str, body, **headers):
    return client.post(f"/api/v1/assessments/{token}/comments", json=body, headers=headers)


@pytest.fixture
def token(client) -> str:
    return finish(client)


def test_a_comment_is_stored_returned_and_listed_in_the_json_and_on_the_page(client, token):
    response = post(client, token, {"author": "Ana", "text": "Agreed.\nLet's try prompting."})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "author", "text", "created_at"}
    assert (body["author"], body["text"]) == ("Ana", "Agreed.\nLet's try prompting.")
    record = client.get(f"/api/v1/assessments/{token}").json()
    assert record["comments"] == [body]
    assert client.get(f"/a/{token}/export.json").json()["comments"] == [body]
    page = client.get(f"/a/{token}")
    assert listed(page) == [("Ana", "Agreed.\nLet's try prompting.")]
    assert html(page).select_one("#comments-heading").get_text(" ", strip=True) == "Comments (1)"


@pytest.mark.storage
def test_comments_are_listed_oldest_first(client, token):
    for author in ("First", "Second", "Third"):
        assert post(client, token, {"author": author, "text": "x"}).status_code == 201
    assert [c["author"] for c in client.get(f"/api/v1/assessments/{token}").json()["comments"]] == [
        "First",
        "Second",
        "Third",
    ]


def test_a_new_assessment_has_no_comments(client, token):
    assert client.get(f"/api/v1/assessments/{token}").json()["comments"] == []
    page = html(client.get(f"/a/{token}"))
    assert page.select("#comments .comment-list li") == []
    assert page.select_one("#comments-heading").get_text(strip=True) == "Comments"


def test_the_limits_are_80_and_2000_characters_inclusive(client, token):
    response = post(client, token, {"author": "a" * 80, "text": "t" * 2000})
    assert response.status_code == 201
    assert (len(response.json()["author"]), len(response.json()["text"])) == (80, 2000)


@pytest.mark.parametrize(
    ("body", "problems"),
    [
        ({"author": "", "text": "hi"}, [("author", "author_required")]),
        ({"author": "  \t ", "text": "hi"}, [("author", "author_required")]),
        ({"author": "Ana", "text": "\n \n"}, [("text", "text_required")]),
        ({}, [("author", "author_required"), ("text", "text_required")]),
        ({"author": "a" * 81, "text": "hi"}, [("author", "too_long")]),
        ({"author": "Ana", "text": "t" * 2001}, [("text", "too_long")]),
        ({"author": "Ana", "text": "t" * 100_00}, [("text", "too_long")]),
        ({"author": 7, "text": ["x"]}, [("author", "not_text"), ("text", "not_text")]),
        ({"author": "Ana", "text": "nul\x00byte"}, [("text", "invalid_text")]),
        (
            {"author": "Ana", "text": "hi", "role": "owner"},
            [("role", "unknown_comment_field")],
        ),
        (["Ana", "hi"], [("body", "not_object")]),
    ],
)
def test_bad_comments_get_422_naming_each_field_and_nothing_is_stored(
    client, app, token, body, problems
):
    response = post(client, token, body)
    assert response.status_code == 422
    assert [(p["field"], p["code"]) for p in response.json()["detail"]] == problems
    assert stored_comments(app) == 0


def test_422_messages_say_the_limit_in_the_readers_language(client, token):
    response = post(client, token, {"author": "a" * 81, "text": "hi"}, **{"Accept-Language": "zh"})
    assert response.json()["detail"][0]["message"] == "请控制在 80 个字符以内。"
    response = post(client, token, {"author": "Ana", "text": ""})
    assert response.json()["detail"][0]["message"] == "Write a comment (up to 2000 characters)."


def test_invalid_json_gets_422(client, app, token):
    response = client.post(
        f"/api/v1/assessments/{token}/comments",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["code"] == "invalid_json"
    assert stored_comments(app) == 0


def test_control_characters_are_handled_like_titles_and_notes(client, token):
    response = post(
        client, token, {"author": "Ana\x1b[31m\tLee\x07", "text": "line one\r\nline\ttwo\x1b\x9b"}
    )
    assert response.status_code == 201
    assert (response.json()["author"], response.json()["text"]) == (
        "Ana[31m Lee",
        "line one\r\nline\ttwo",
    )


def test_unknown_and_unfinished_assessments_answer_404(client, app):
    draft = start(client)
    for token in ("x" * 43, draft, "not a token"):
        response = post(client, token, {"author": "Ana", "text": "hi"})
        assert (response.status_code, response.json()) == (404, {"detail": "Not found"})
        assert (
            client.post(f"/a/{token}/comments", data={"author": "A", "text": "b"}).status_code
            == 404
        )
    assert stored_comments(app) == 0


def test_xss_payloads_and_naughty_strings_come_back_escaped(client, token, monkeypatch):
    monkeypatch.setattr(comments, "PER_ADDRESS", 1000)
    monkeypatch.setattr(comments, "PER_ASSESSMENT", 1000)
    sent = XSS + NAUGHTY
    expected = []
    for text in sent:
        response = post(client, token, {"author": text[:80], "text": text})
        assert response.status_code == 201, (text, response.text)
        cleaned, errors = comments.validate({"author": text[:80], "text": text})
        assert errors == []
        expected.append((cleaned.author, cleaned.text))
        assert (response.json()["author"], response.json()["text"]) == expected[-1]
    page = client.get(f"/a/{token}")
    assert listed(page) == expected[-comments.PAGE_SIZE :]  # the newest page (tests/test_bounded)
    section = html(page).select_one("#comments")
    # Nothing typed became markup: no script, no element or attribute the payloads carry (the
    # one link is the page's own, to earlier comments).
    assert section.select("script, img, svg, iframe") == []
    assert [a["href"] for a in section.select("a")] == [
        f"/a/{token}/comments?before={section.select_one('ol.comment-list > li')['id'][8:]}"
    ]
    assert [
        attribute
        for element in section.find_all(True)
        for attribute in element.attrs
        if attribute.startswith("on")
    ] == []
    # Every page, the earlier ones too, lists them escaped.
    pages, link = [page], html(page).select_one("#comments-earlier a")
    while link is not None:
        pages.insert(0, client.get(link["href"]))
        link = html(pages[0]).select_one("#comments-earlier a")
    assert [item for p in pages for item in listed(p)] == expected
    assert all("<script>alert(1)</script>" not in p.text for p in pages)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[0].text
    assert [c["text"] for c in client.get(f"/api/v1/assessments/{token}").json()["comments"]] == [
        text for _, text in expected
    ]


# --- The form on the verdict page --------------------------------------------------------


def test_the_form_without_js_posts_and_redirects_back_to_the_comments(client, token):
    response = client.post(f"/a/{token}/comments", data={"author": "Bo", "text": "<b>Yes</b>"})
    assert (response.status_code, response.headers["location"]) == (
        303,
        f"http://testserver/a/{token}#comments",
    )
    page = client.get(f"/a/{token}")
    assert listed(page) == [("Bo", "<b>Yes</b>")]
    form = html(page).select_one("form.comment-form")
    assert form["action"] == f"http://testserver/a/{token}/comments"
    assert (form.select_one("#comment-author")["value"], form.select_one("#comment-text").text) == (
        "",
        "",
    )


def test_the_form_with_htmx_gets_the_comments_section_back(client, token):
    client.get(f"/a/{token}")
    response = client.post(
        f"/a/{token}/comments",
        data={"author": "Bo", "text": "Ship it"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    fragment = html(response)
    assert [el.name for el in fragment.find_all(recursive=False)] == ["section"]
    assert fragment.section["id"] == "comments"
    assert listed(response) == [("Bo", "Ship it")]
    assert fragment.select_one("#announcer").get_text() == "Your comment was added."
    assert "hx-request" in response.headers["vary"].lower()


def test_a_refused_comment_comes_back_in_the_form_with_its_errors(client, app, token):
    response = client.post(f"/a/{token}/comments", data={"author": "", "text": "x" * 2001})
    assert response.status_code == 422
    page = html(response)
    assert page.select_one("h1#verdict-title").get_text() == "Refund agent"
    assert page.select_one("#error-comment-author").get_text(" ", strip=True) == (
        "Error: Give a name your team will recognise (up to 80 characters)."
    )
    assert page.select_one("#error-comment-text").get_text(" ", strip=True) == (
        "Error: Keep this to 2000 characters or fewer."
    )
    assert page.select_one("#comment-text").text == "x" * 2001
    assert page.select_one("#comment-author")["aria-invalid"] == "true"
    htmx = client.post(
        f"/a/{token}/comments", data={"author": "Bo", "text": ""}, headers={"HX-Request": "true"}
    )
    assert htmx.status_code == 422
    assert html(htmx).section["id"] == "comments"
    assert html(htmx).select_one("#comment-author")["value"] == "Bo"
    assert stored_comments(app) == 0


def test_the_form_in_chinese(client, token):
    client.cookies.set("lang", "zh")
    response = client.post(f"/a/{token}/comments", data={"author": "", "text": ""})
    page = html(response)
    assert page.select_one("#comments-heading").get_text(strip=True) == "评论"
    assert page.select_one("label[for=comment-author]").get_text() == "你的名字"
    assert page.select_one("#error-comment-text").get_text(" ", strip=True) == (
        "错误： 请写下评论（最多 2000 个字符）。"
    )


def test_a_new_comment_shows_on_a_page_that_was_cached(client, token):
    assert listed(client.get(f"/a/{token}")) == []
    client.get(f"/a/{token}/manage")  # the new manage key seen, the page is cached from now
    etag = client.get(f"/a/{token}").headers["etag"]
    post(client, token, {"author": "Ana", "text": "Cached no more"})
    again = client.get(f"/a/{token}", headers={"If-None-Match": etag})
    assert again.status_code == 200
    assert listed(again) == [("Ana", "Cached no more")]


# --- Throttle and cross-site protection --------------------------------------------------


def window_end(app, address: str = "testclient"):
    """When the address's one-minute window of comments closes, as the database counted it."""
    with app.state.db.read() as session:
        row = session.get(AuthThrottle, comments.address_key(address))
        return row.window_started_at + comments.WINDOW


def seconds_to(end, moment) -> int:
    return max(1, math.ceil((end - moment).total_seconds()))


@pytest.mark.storage
def test_one_address_gets_429_after_its_comments_per_minute(client, app, token):
    for n in range(comments.PER_ADDRESS):
        assert post(client, token, {"author": "Ana", "text": f"#{n}"}).status_code == 201
    before = utcnow()
    refused = post(client, token, {"author": "Ana", "text": "one more"})
    after = utcnow()
    assert refused.status_code == 429
    # Retry-After is the rest of the window, counted from the moment of the refusal.
    end = window_end(app)
    assert seconds_to(end, after) <= int(refused.headers["retry-after"]) <= seconds_to(end, before)
    assert refused.json() == {
        "detail": "Too many comments in a short time: wait a minute, then send yours again."
    }
    before = utcnow()
    form = client.post(f"/a/{token}/comments", data={"author": "Ana", "text": "and the form"})
    after = utcnow()
    assert form.status_code == 429
    assert seconds_to(end, after) <= int(form.headers["retry-after"]) <= seconds_to(end, before)
    assert html(form).select_one("#comment-problem").get_text() == (
        "Too many comments in a short time: wait a minute, then send yours again."
    )
    assert stored_comments(app) == comments.PER_ADDRESS


@pytest.mark.storage
def test_the_count_starts_afresh_after_a_minute(app, client, token):
    from datetime import timedelta

    from app.models import utcnow

    db = app.state.db
    then = utcnow() - timedelta(minutes=5)
    note = comments.CommentIn("Ana", "hi")
    for _ in range(comments.PER_ADDRESS):
        comments.add(db, token, note, "192.0.2.1", now=then)
    with pytest.raises(comments.Throttled):
        comments.add(db, token, note, "192.0.2.1", now=then)
    comments.add(db, token, note, "192.0.2.1")
    assert stored_comments(app) == comments.PER_ADDRESS + 1


@pytest.mark.storage
def test_one_assessment_takes_a_bounded_number_of_comments_from_many_addresses(app, client, token):
    db = app.state.db
    note = comments.CommentIn("Ana", "hi")
    start_at = utcnow()
    for n in range(comments.PER_ASSESSMENT):
        comments.add(db, token, note, f"198.51.100.{n}", now=start_at)
    with pytest.raises(comments.Throttled) as refused:
        comments.add(db, token, note, "203.0.113.9", now=start_at + timedelta(seconds=20.5))
    # The oldest of the last PER_ASSESSMENT comments leaves the window 39.5 s later: 40 s.
    assert refused.value.retry_after == 40
    other = finish(client, title="Another")
    comments.add(db, other, note, "203.0.113.9")
    assert stored_comments(app) == comments.PER_ASSESSMENT + 1


@pytest.mark.parametrize(
    "headers", [{"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}]
)
def test_cross_site_comment_posts_are_refused(client, app, token, headers):
    form = client.post(f"/a/{token}/comments", data={"author": "A", "text": "b"}, headers=headers)
    api = post(client, token, {"author": "A", "text": "b"}, **headers)
    assert (form.status_code, api.status_code) == (403, 403)
    assert stored_comments(app) == 0


@pytest.mark.storage
def test_stale_address_counts_are_swept_by_later_comments(app, client, token, monkeypatch):
    from datetime import timedelta

    from app.models import AuthThrottle, utcnow

    db = app.state.db
    note = comments.CommentIn("Ana", "hi")
    comments.add(db, token, note, "192.0.2.1", now=utcnow() - timedelta(hours=1))
    monkeypatch.setattr(comments.secrets, "randbelow", lambda n: 0)
    comments.add(db, token, note, "192.0.2.2")
    with db.read() as session:
        keys = session.scalars(select(AuthThrottle.key)).all()
    assert keys == ["comment-address:192.0.2.2"]


# --- Deleting comments: owners only --------------------------------------------------------


def test_the_api_deletes_a_comment_with_the_manage_token_only(client, app):
    created = create(client).json()
    token, manage_token = created["id"], created["manage_token"]
    first = post(client, token, {"author": "Ana", "text": "keep"}).json()
    second = post(client, token, {"author": "Bo", "text": "spam"}).json()
    other = create(client).json()
    foreign = post(client, other["id"], {"author": "Cy", "text": "elsewhere"}).json()
    url = f"/api/v1/assessments/{token}/comments"
    for headers in ({}, {"X-Manage-Token": other["manage_token"]}):
        refused = client.delete(f"{url}/{second['id']}", headers=headers)
        assert (refused.status_code, refused.json()) == (404, {"detail": "Not found"})
    owner = {"X-Manage-Token": manage_token}
    for missing in (foreign["id"], 999_999, 2**40, 0):
        assert client.delete(f"{url}/{missing}", headers=owner).status_code == 404
    response = client.delete(f"{url}/{second['id']}", headers=owner)
    assert (response.status_code, response.content) == (204, b"")
    assert client.get(f"/api/v1/assessments/{token}").json()["comments"] == [first]
    assert client.delete(f"{url}/{second['id']}", headers=owner).status_code == 404
    assert stored_comments(app) == 2


def test_the_owner_deletes_a_comment_from_the_page_with_and_without_js(client, app):
    token = finish(client)
    for text in ("one", "two", "three"):
        post(client, token, {"author": "Ana", "text": text})
    page = html(client.get(f"/a/{token}"))
    buttons = page.select("#comments .comment-list form button.comment-delete")
    assert [b.get_text(" ", strip=True) for b in buttons] == ["Delete the comment by Ana"] * 3
    forms = page.select("#comments .comment-list form")
    response = client.post(forms[0]["action"])
    assert (response.status_code, response.headers["location"]) == (
        303,
        f"http://testserver/a/{token}#comments",
    )
    fragment = client.post(forms[1]["action"], headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert listed(fragment) == [("Ana", "three")]
    assert html(fragment).select_one("#announcer").get_text() == "The comment was deleted."
    assert listed(client.get(f"/a/{token}")) == [("Ana", "three")]


def test_someone_with_only_the_link_sees_no_delete_button_and_gets_404(client, app):
    token = finish(client)
    comment = post(client, token, {"author": "Ana", "text": "mine"}).json()
    client.cookies.clear()
    page = html(client.get(f"/a/{token}"))
    assert page.select("#comments .comment-list form") == []
    response = client.post(f"/a/{token}/comments/{comment['id']}/delete")
    assert response.status_code == 404
    assert stored_comments(app) == 1


def test_a_throttled_comment_by_htmx_gets_the_section_back_with_the_reason(client, token):
    for n in range(comments.PER_ADDRESS):
        post(client, token, {"author": "Ana", "text": f"#{n}"})
    response = client.post(
        f"/a/{token}/comments",
        data={"author": "Ana", "text": "more"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 429
    assert html(response).section["id"] == "comments"
    assert html(response).select_one("#comment-text").text == "more"
    # htmx swaps a 429 in (base.html's responseHandling), so the reason shows without a reload.
    assert '{"code":"429","swap":true}' in client.get("/").text


def test_a_deleted_comment_leaves_a_page_that_was_cached(client):
    created = create(client).json()
    token = created["id"]
    comment = post(client, token, {"author": "Ana", "text": "Soon gone"}).json()
    etag = client.get(f"/a/{token}").headers["etag"]
    assert listed(client.get(f"/a/{token}")) == [("Ana", "Soon gone")]
    client.delete(
        f"/api/v1/assessments/{token}/comments/{comment['id']}",
        headers={"X-Manage-Token": created["manage_token"]},
    )
    again = client.get(f"/a/{token}", headers={"If-None-Match": etag})
    assert (again.status_code, listed(again)) == (200, [])
