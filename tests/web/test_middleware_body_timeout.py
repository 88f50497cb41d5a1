"""app/web/middleware/body_timeout.py on a bare ASGI scope."""

import logging

import anyio
from asgi_calls import Endpoint, call, http_scope

from app.web.middleware.body_timeout import BodyTimeoutMiddleware

TIMEOUT = 0.05


def slow_body(delays: list[float]):
    """A receive that sends one byte after each delay, then the last (empty) chunk."""
    pending = list(delays)

    async def receive():
        if pending:
            await anyio.sleep(pending.pop(0))
            return {"type": "http.request", "body": b"x", "more_body": True}
        return {"type": "http.request", "body": b"", "more_body": False}

    return receive


def test_a_body_that_arrives_in_time_reaches_the_app():
    app = Endpoint()
    answer = call(
        BodyTimeoutMiddleware(app, body_timeout=TIMEOUT),
        http_scope("POST"),
        slow_body([0, 0.01, 0]),
    )
    assert answer.status == 200 and app.received == b"xxx"


def test_a_body_that_stalls_gets_408_and_an_info_line(caplog):
    app = Endpoint()
    with caplog.at_level(logging.INFO, logger="app.errors"):
        answer = call(
            BodyTimeoutMiddleware(app, body_timeout=TIMEOUT),
            http_scope("POST", path="/api/thing"),
            slow_body([0, 10]),
        )
    assert answer.status == 408
    assert answer.json() == {"detail": "That request took too long to arrive"}
    assert app.received == b"x"
    assert [r.getMessage() for r in caplog.records] == [
        f"request body not received in {TIMEOUT} s on POST /api/thing"
    ]


def test_waiting_for_a_disconnect_after_the_body_is_not_timed():
    async def streams_until_disconnect(scope, receive, send):
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 200, "headers": []})
        assert (await receive())["type"] == "http.disconnect"
        await send({"type": "http.response.body", "body": b"done"})

    messages = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive():
        if messages:
            return messages.pop(0)
        await anyio.sleep(TIMEOUT * 4)
        return {"type": "http.disconnect"}

    answer = call(
        BodyTimeoutMiddleware(streams_until_disconnect, body_timeout=TIMEOUT),
        http_scope("POST"),
        receive,
    )
    assert (answer.status, answer.body) == (200, b"done")
