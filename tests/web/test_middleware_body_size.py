"""app/web/middleware/body_size.py on a bare ASGI scope."""

from asgi_calls import Endpoint, call, chunks, http_scope

from app.web.middleware.body_size import BodySizeMiddleware

LIMIT = 100
TOO_LARGE = {"detail": "That request is too large"}


def limited(app, upload_paths=frozenset()):
    return BodySizeMiddleware(app, max_body_bytes=LIMIT, upload_paths=upload_paths)


def post(length: str | None = None, path: str = "/api/thing"):
    headers = [] if length is None else [("content-length", length)]
    return http_scope("POST", path=path, headers=headers)


def test_a_body_up_to_the_limit_reaches_the_app_whole():
    app = Endpoint()
    answer = call(limited(app), post("100"), chunks(b"a" * 60, b"b" * 40))
    assert answer.status == 200
    assert app.received == b"a" * 60 + b"b" * 40


def test_a_declared_length_over_the_limit_is_refused_before_the_app_runs():
    app = Endpoint()
    answer = call(limited(app), post("101"), chunks(b"a" * 101))
    assert (answer.status, answer.json(), app.seen) == (413, TOO_LARGE, [])


def test_a_length_that_is_not_a_number_is_refused():
    for length in ("-1", "1e3", "ten", " 5"):
        assert call(limited(Endpoint()), post(length)).status == 413, length


def test_a_streamed_body_past_the_limit_is_refused_as_it_arrives():
    app = Endpoint()
    answer = call(limited(app), post(None), chunks(b"a" * 60, b"b" * 41, b"never read"))
    assert (answer.status, answer.json()) == (413, TOO_LARGE)
    assert app.received == b"a" * 60  # the chunk that passed the limit never reached it


def test_a_body_longer_than_its_declared_length_is_refused_too():
    answer = call(limited(Endpoint()), post("10"), chunks(b"a" * 50, b"a" * 51))
    assert answer.status == 413


def test_upload_routes_keep_their_own_limit():
    app = Endpoint()
    answer = call(
        limited(app, frozenset({"/datasets/check"})),
        post("5000", "/datasets/check"),
        chunks(b"x" * 5000),
    )
    assert answer.status == 200 and len(app.received) == 5000


def test_once_the_response_started_the_refusal_is_not_sent():
    async def answers_then_reads(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        while (await receive()).get("more_body"):
            pass

    answer = call(limited(answers_then_reads), post(None), chunks(b"a" * 60, b"b" * 60))
    assert [m["type"] for m in answer.messages] == ["http.response.start"]
