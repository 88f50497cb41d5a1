"""app/web/middleware/head.py on a bare ASGI scope."""

from asgi_calls import Endpoint, call, http_scope

from app.web.middleware.head import HeadAsGetMiddleware


def test_head_is_answered_as_get_without_the_body():
    app = Endpoint(body=b"twelve bytes")
    answer = call(HeadAsGetMiddleware(app), http_scope("HEAD"))
    assert app.seen[0]["method"] == "GET"
    assert answer.status == 200
    assert answer.header("content-length") == "12"  # what GET would send
    assert answer.body == b""


def test_get_keeps_its_body_and_other_methods_are_untouched():
    answer = call(HeadAsGetMiddleware(Endpoint(body=b"page")), http_scope("GET"))
    assert answer.body == b"page"
    app = Endpoint()
    call(HeadAsGetMiddleware(app), http_scope("POST"))
    assert app.seen[0]["method"] == "POST"


def test_the_callers_scope_is_not_changed():
    scope = http_scope("HEAD")
    call(HeadAsGetMiddleware(Endpoint()), scope)
    assert scope["method"] == "HEAD"
