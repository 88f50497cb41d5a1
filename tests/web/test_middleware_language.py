"""app/web/middleware/language.py on a bare ASGI scope."""

import pytest
from asgi_calls import Endpoint, call, http_scope

from app.web.middleware.language import LanguageMiddleware


@pytest.mark.parametrize(
    ("query", "headers", "default", "expected"),
    [
        ("", [], "en", "en"),
        ("", [], "zh", "zh"),
        ("lang=zh", [("accept-language", "en")], "en", "zh"),
        ("lang=fr", [], "zh", "zh"),  # not a language of the app: ignored
        ("", [("cookie", "lang=zh")], "en", "zh"),
        ("lang=en", [("cookie", "lang=zh")], "zh", "en"),  # the query wins over the cookie
        ("", [("accept-language", "zh-CN,zh;q=0.9,en;q=0.8")], "en", "zh"),
        ("", [("accept-language", "fr, en;q=0.5, zh;q=0.4")], "zh", "en"),
        ("", [("accept-language", "de")], "zh", "zh"),
    ],
)
def test_the_language_reaches_the_app_in_its_state(query, headers, default, expected):
    app = Endpoint()
    call(
        LanguageMiddleware(app, default_language=default), http_scope(query=query, headers=headers)
    )
    assert app.seen[0]["state"]["lang"] == expected


def test_the_rest_of_the_state_is_kept():
    app = Endpoint()
    scope = {**http_scope(query="lang=zh"), "state": {"signed_in": True}}
    call(LanguageMiddleware(app, default_language="en"), scope)
    assert app.seen[0]["state"] == {"signed_in": True, "lang": "zh"}
