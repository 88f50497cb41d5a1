"""app/web/middleware/header_limit.py on a bare ASGI scope."""

from asgi_calls import Endpoint, call, http_scope

from app.web import i18n
from app.web.errors import TITLES
from app.web.middleware.header_limit import HeaderLimitMiddleware

ENGLISH = "That request's headers are too large"


def limited(app, language="en"):
    return HeaderLimitMiddleware(app, default_language=language)


def test_up_to_the_bounds_the_request_goes_through():
    app = Endpoint()
    # 100 headers, one of 8 KiB (name + value), 32 KiB in all: each bound reached, none passed.
    headers = [("x-big", "v" * (8 * 1024 - 5))]
    headers += [(f"x-h{i:02d}", "v" * 243) for i in range(99)]
    assert len(headers) == 100
    answer = call(limited(app), http_scope(headers=headers))
    assert answer.status == 200 and len(app.seen) == 1


def test_one_header_too_many_is_refused_with_431():
    app = Endpoint()
    headers = [(f"x-h{i}", "1") for i in range(101)]
    answer = call(limited(app), http_scope(headers=headers))
    assert answer.status == 431
    assert answer.json() == {"detail": ENGLISH}
    assert app.seen == []


def test_one_header_a_byte_too_long_is_refused():
    answer = call(limited(Endpoint()), http_scope(headers=[("x-big", "v" * (8 * 1024 - 4))]))
    assert answer.status == 431


def test_32_kib_in_all_goes_through_and_a_byte_more_is_refused():
    headers = [(f"x-a{i}", "v" * (8 * 1024 - 4)) for i in range(4)]  # 4 x 8 KiB exactly
    assert call(limited(Endpoint()), http_scope(headers=headers)).status == 200
    headers.append(("x", ""))
    assert call(limited(Endpoint()), http_scope(headers=headers)).status == 431


def test_the_refusal_is_in_the_default_language_whatever_the_headers_ask():
    headers = [("accept-language", "en")] + [(f"x-h{i}", "1") for i in range(100)]
    answer = call(limited(Endpoint(), "zh"), http_scope(headers=headers))
    assert answer.status == 431
    assert answer.json() == {"detail": i18n.translate("zh", TITLES[431])}
    assert answer.json()["detail"] != ENGLISH
