"""Issue 21, point 9: text no database can store gets 422 on every route, the costs API has the
same limits as the others, the Markdown export renders user text as typed, and names carry no
invisible or direction-changing characters. On SQLite and PostgreSQL (the `client` fixture)."""

import json
import unicodedata

import pytest
from markdown_it import MarkdownIt
from sqlalchemy import func, select

from app.models import Assessment, Comment
from app.text import MAX_MARKS, tidy_name
from tests.helpers import REFUND_BOT, finish, html

API_ANSWERS = {**REFUND_BOT, "baseline_accuracy": 95}
LONE = '"\\ud800"'  # a JSON string escape for half a surrogate pair, as the review sent it
UNSTORABLE_JSON = [
    ("lone surrogate", LONE),
    ("lone low surrogate", '"ok \\udfff"'),
    ("NUL", '"a\\u0000b"'),
]


def rows(app, model) -> int:
    with app.state.db.read() as session:
        return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def made(client):
    created = client.post(
        "/api/v1/assessments", json={"title": "Base", "answers": API_ANSWERS}
    ).json()
    return created["id"], {"X-Manage-Token": created["manage_token"]}


def json_routes(id_: str) -> list[tuple[str, str, str, str]]:
    """Every route that reads a JSON body: a body with `{}` where a string goes, and the field
    the refusal names (the path to the string, or `body` when it is a name)."""
    answers = json.dumps(API_ANSWERS)
    return [
        ("POST", "/api/v1/assessments", '{"title": {}, "answers": ' + answers + "}", "title"),
        (
            "POST",
            "/api/v1/assessments",
            '{"title": "t", "team": {}, "answers": ' + answers + "}",
            "team",
        ),
        (
            "POST",
            "/api/v1/assessments",
            '{"title": "t", "answers": {"task_type": {}}}',
            "answers.task_type",
        ),
        ("POST", "/api/v1/assessments", '{{}: "t", "answers": ' + answers + "}", "body"),
        ("PATCH", f"/api/v1/assessments/{id_}", '{"status": {}}', "status"),
        ("PATCH", f"/api/v1/assessments/{id_}", '{{}: "accepted"}', "body"),
        ("PUT", f"/api/v1/assessments/{id_}/expiry", '{"days": {}}', "days"),
        ("PUT", f"/api/v1/assessments/{id_}/expiry", "{{}: 7}", "body"),
        ("POST", f"/api/v1/assessments/{id_}/comments", '{"author": {}, "text": "hi"}', "author"),
        ("POST", f"/api/v1/assessments/{id_}/comments", '{"author": "Ana", "text": [{}]}', "text"),
        ("POST", f"/api/v1/assessments/{id_}/comments", '{{}: "Ana", "text": "hi"}', "body"),
        ("POST", "/api/v1/costs", '{"current": {"model": {}}}', "current.model"),
        ("POST", "/api/v1/costs", "{{}: 1}", "body"),
    ]


@pytest.mark.storage
@pytest.mark.parametrize("name,bad", UNSTORABLE_JSON)
def test_unstorable_text_in_any_json_body_is_422_and_nothing_changes(client, app, made, name, bad):
    id_, manage = made
    before = client.get(f"/api/v1/assessments/{id_}").json()
    for method, path, template, field in json_routes(id_):
        body = template.replace("{}", bad)
        json.loads(body)  # valid JSON: the refusal is about the text, not the syntax
        response = client.request(
            method,
            path,
            content=body.encode(),
            headers={**manage, "Content-Type": "application/json"},
        )
        assert response.status_code == 422, (method, path, body, response.text)
        assert response.json()["detail"] == [
            {
                "field": field,
                "code": "invalid_text",
                "message": "This text cannot be stored: it holds a NUL character, or half of "
                "a UTF-16 surrogate pair (such as \\ud800 alone).",
            }
        ], (method, path)
    assert rows(app, Assessment) == 1 and rows(app, Comment) == 0
    assert client.get(f"/api/v1/assessments/{id_}").json() == before


def test_the_refusal_is_in_chinese_for_a_chinese_client(client, made):
    id_, _ = made
    response = client.post(
        f"/api/v1/assessments/{id_}/comments",
        content=('{"author": ' + LONE + ', "text": "x"}').encode(),
        headers={"Content-Type": "application/json", "Accept-Language": "zh-CN"},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["message"].startswith("无法存储这段文本")


@pytest.mark.storage
def test_a_valid_surrogate_pair_is_an_emoji_and_is_kept(client, made):
    id_, _ = made
    response = client.post(
        f"/api/v1/assessments/{id_}/comments",
        content=b'{"author": "Ana \\ud83d\\ude00", "text": "ok"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 201
    assert response.json()["author"] == "Ana \U0001f600"


def test_the_costs_api_has_the_depth_and_digit_limits_of_the_others(client):
    huge = client.post(
        "/api/v1/costs",
        content=b'{"requests_per_month": ' + b"9" * 5000 + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert huge.status_code == 422
    assert [p["code"] for p in huge.json()["detail"]] == ["number_too_large"]
    deep = client.post(
        "/api/v1/costs",
        content=b'{"a": ' + b"[" * 30000 + b"]" * 30000 + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert deep.status_code == 422
    assert [p["code"] for p in deep.json()["detail"]] == ["too_deep"]
    seventeen = client.post(
        "/api/v1/costs",
        content=b'{"a": ' + b"[" * 16 + b"]" * 16 + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert [p["code"] for p in seventeen.json()["detail"]] == ["too_deep"]


FORM_ROUTES = [
    ("/new", "title"),
    ("/sign-in", "password"),
    ("/costs", "current.model"),
    ("/a/{token}/comments", "author"),
    ("/a/{token}/status", "status"),
    ("/a/{token}/manage", "manage_token"),
    ("/a/{token}/revise", "title"),
    ("/d/{draft}/details", "title"),
    ("/d/{draft}/task", "task_type"),
]


@pytest.mark.storage
@pytest.mark.parametrize(
    "encoded",
    ["Ana%00", "%ED%A0%80", "ok%FF", "Ana&x%00=1"],
    ids=["NUL", "lone surrogate as bytes", "not UTF-8", "NUL in a name"],
)
def test_unstorable_text_in_any_form_or_query_is_422_with_a_page_that_says_so(client, app, encoded):
    token = finish(client)
    draft = client.post("/new", data={"title": "Draft"}).headers["location"].split("/")[2]
    before = rows(app, Assessment)
    for path, field in FORM_ROUTES:
        url = path.format(token=token, draft=draft)
        response = client.post(
            url,
            content=f"{field}={encoded}".encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert response.status_code == 422, (url, response.text[:200])
        page = html(response)
        assert page.select_one("h1").get_text() == "Some answers need another look"
        assert (
            page.select_one(".lead")
            .get_text()
            .startswith("The form or address holds a character that cannot be stored")
        )
    assert client.get(f"/history?q={encoded}").status_code == 422
    assert client.get(f"/api/v1/assessments?q={encoded}").json()["detail"][0]["code"] == (
        "invalid_text"
    )
    assert rows(app, Assessment) == before and rows(app, Comment) == 0


def test_the_refusal_page_is_in_chinese_too(client):
    response = client.post(
        "/new",
        content=b"title=%00",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept-Language": "zh-CN",
        },
    )
    assert response.status_code == 422
    assert (
        html(response).select_one(".lead").get_text().startswith("表单或地址中含有无法存储的字符")
    )


# --- Markdown export: user text renders as typed ---------------------------------------------

FORGERIES = [
    "Looks fine\n===",
    "Looks fine\n---",
    "# Recommendation: fine-tune",
    "> quoted by the CTO",
    "- [x] approved",
    "* item",
    "+ item",
    "1. first\n2) second",
    "```\ncode\n```",
    "~~~\ncode\n~~~",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "<script>alert(1)</script>",
    "<!-- hidden -->",
    "[click](https://evil.example)",
    "![img](https://evil.example/x.png)",
    "**bold** _em_ `code`",
    "&#35; entity &amp;",
    "<https://evil.example>",
]


def rendered_text_of(notes_md: str) -> tuple[str, set[str]]:
    """What a Markdown renderer shows for the notes section, and the kinds of tokens it made."""
    tokens = MarkdownIt("commonmark").enable("table").parse(notes_md)
    kinds = {token.type for token in tokens}
    shown = "\n".join(token.content for token in tokens if token.type == "inline")
    return shown, kinds


@pytest.mark.parametrize("notes", FORGERIES)
def test_markdown_export_renders_notes_as_typed(client, notes):
    created = client.post(
        "/api/v1/assessments", json={"title": "T", "notes": notes, "answers": API_ANSWERS}
    ).json()
    markdown = client.get(f"{created['url']}/export.md").text
    section = markdown.split("## Notes\n\n", 1)[1].split("\n\n", 1)[0]
    tokens = MarkdownIt("commonmark").enable("table").parse(section)
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"], notes
    children = tokens[1].children
    # Only text and soft line breaks: no heading, quote, list, code, table, HTML, link, emphasis.
    assert {child.type for child in children} <= {"text", "softbreak"}, notes
    shown = "".join("\n" if c.type == "softbreak" else c.content for c in children)
    assert shown == "\n".join(line.strip() for line in notes.splitlines()), notes


def test_markdown_export_headings_are_only_the_exports_own(client):
    created = client.post(
        "/api/v1/assessments",
        json={
            "title": "Plan",
            "team": "Ops",
            "notes": "Recommendation: fine-tune\n===\nsee above",
            "answers": API_ANSWERS,
        },
    ).json()
    markdown = client.get(f"{created['url']}/export.md").text
    tokens = MarkdownIt("commonmark").parse(markdown)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert "Recommendation: fine-tune" not in headings
    assert headings[0] == "Plan"
    assert "Notes" in headings


# --- Names and titles: no invisible or direction-changing characters ---------------------------


@pytest.mark.parametrize(
    "typed,stored",
    [
        ("Ana\u200b", "Ana"),
        ("\u200bAna", "Ana"),
        ("A\u2060na\ufeff", "Ana"),
        ("Ana\u00ad", "Ana"),
        ("invoice\u202egpj.exe", "invoicegpj.exe"),
        ("\u2067Ops\u2069 team", "Ops team"),
        ("Ana\u200e\u200f\u061c", "Ana"),
        ("Ana\u200d", "Ana"),
        ("\u200cAna", "Ana"),
        ("A\u200dna", "Ana"),
        # Kept where a script needs them: Persian, Devanagari, an emoji sequence.
        (
            "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
            "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
        ),
        ("\u0915\u094d\u200d\u0937", "\u0915\u094d\u200d\u0937"),
        ("\U0001f469\u200d\U0001f4bb dev", "\U0001f469\u200d\U0001f4bb dev"),
        # Decomposed accents are composed; Vietnamese keeps both of its marks.
        ("Jose\u0301", "Jos\u00e9"),
        ("Vie\u0323\u0302t", "Vi\u1ec7t"),
        ("Z" + "\u0336" * 40 + "oe", "Z" + "\u0336" * MAX_MARKS + "oe"),
        (
            "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
            "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
        ),
        ("中文团队", "中文团队"),
    ],
)
def test_tidy_name(typed, stored):
    assert tidy_name(typed) == stored
    assert tidy_name(stored) == stored  # idempotent


def test_tidy_name_never_leaves_a_long_run_of_marks():
    every_mark = "".join(
        chr(c) for c in range(0x300, 0x370) if unicodedata.category(chr(c)) == "Mn"
    )
    tidied = tidy_name("a" + every_mark * 3 + "b")
    run = 0
    for char in tidied:
        run = run + 1 if unicodedata.category(char) in ("Mn", "Me") else 0
        assert run <= MAX_MARKS


def test_names_titles_teams_and_authors_are_stored_tidy(client, app):
    created = client.post(
        "/api/v1/assessments",
        json={"title": "Plan\u200b\u202e", "team": "Ops\u2066", "answers": API_ANSWERS},
    ).json()
    record = client.get(f"/api/v1/assessments/{created['id']}").json()
    assert (record["title"], record["team"]) == ("Plan", "Ops")
    comment = client.post(
        f"/api/v1/assessments/{created['id']}/comments",
        json={"author": "Ana\u200b", "text": "keep \u200b in prose"},
    ).json()
    assert (comment["author"], comment["text"]) == ("Ana", "keep \u200b in prose")
    # A name of invisible characters alone is no name: refused as empty.
    empty = client.post(
        f"/api/v1/assessments/{created['id']}/comments",
        json={"author": "\u200b\u200d\u202e", "text": "x"},
    )
    assert empty.status_code == 422
    assert [p["code"] for p in empty.json()["detail"]] == ["author_required"]
    token = finish(client, title="Form\u200b title", team="\u202eTeam")
    page = html(client.get(f"/a/{token}"))
    assert page.select_one("h1").get_text(strip=True) == "Form title"
