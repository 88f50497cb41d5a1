"""app/web/middleware/cross_origin.py (and is_cross_origin) on a bare ASGI scope."""

import pytest
from asgi_calls import Endpoint, call, http_scope

from app.web.middleware.cross_origin import CrossOriginMiddleware

HOST = ("host", "wizard.example.org")


def answer_for(method, headers, trusted=(), scheme="http"):
    app = Endpoint()
    middleware = CrossOriginMiddleware(app, trusted_origins=trusted)
    answer = call(middleware, http_scope(method, headers=[HOST, *headers], scheme=scheme))
    return answer.status, len(app.seen)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_a_browsers_write_from_another_site_gets_403(method, site):
    assert answer_for(method, [("sec-fetch-site", site)]) == (403, 0)


@pytest.mark.parametrize("site", ["same-origin", "none"])
def test_a_write_from_this_site_or_typed_by_the_user_goes_through(site):
    assert answer_for("POST", [("sec-fetch-site", site)]) == (200, 1)


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
def test_safe_methods_go_through_from_anywhere(method):
    assert answer_for(method, [("sec-fetch-site", "cross-site")]) == (200, 1)


def test_sec_fetch_site_wins_over_origin():
    headers = [("sec-fetch-site", "cross-site"), ("origin", "http://wizard.example.org")]
    assert answer_for("POST", headers) == (403, 0)


@pytest.mark.parametrize(
    ("origin", "scheme", "expected"),
    [
        ("http://wizard.example.org", "http", (200, 1)),
        ("HTTP://Wizard.Example.Org", "http", (200, 1)),
        ("https://wizard.example.org", "http", (403, 0)),  # another scheme is another origin
        ("https://wizard.example.org", "https", (200, 1)),
        ("http://wizard.example.org:8080", "http", (403, 0)),
        ("http://evil.example", "http", (403, 0)),
        ("null", "http", (403, 0)),
    ],
)
def test_older_browsers_are_judged_by_origin(origin, scheme, expected):
    assert answer_for("POST", [("origin", origin)], scheme=scheme) == expected


def test_a_trusted_origin_may_write():
    trusted = ("https://wizard.example.org/",)  # APP_PUBLIC_ORIGIN behind a TLS proxy
    assert answer_for("POST", [("origin", "https://wizard.example.org")], trusted) == (200, 1)
    assert answer_for("POST", [("origin", "https://other.example")], trusted) == (403, 0)


def test_a_script_with_neither_header_goes_through():
    # It cannot ride on a user's cookies: the API's keys and the password protect it instead.
    assert answer_for("POST", []) == (200, 1)


def test_the_refusal_says_why():
    app = Endpoint()
    scope = http_scope("POST", headers=[HOST, ("sec-fetch-site", "cross-site")])
    answer = call(CrossOriginMiddleware(app), scope)
    assert answer.json() == {"detail": "That request was refused"}
