"""app/web/middleware/failures.py on a bare ASGI scope."""

import logging

import pytest
from asgi_calls import Endpoint, call, http_scope
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.requests import ClientDisconnect

from app.history import SearchTooSlow
from app.web.middleware.failures import FailureMiddleware

A_TOKEN = "Zm9v" + "x" * 39  # a share token's shape: 43 URL-safe characters
JSON = [("accept", "application/json")]


def failing(error: BaseException, read_body: bool = True) -> FailureMiddleware:
    return FailureMiddleware(Endpoint(read_body=read_body, fail_with=error))


def test_a_request_that_succeeds_is_passed_through():
    answer = call(FailureMiddleware(Endpoint(body=b"fine")), http_scope())
    assert (answer.status, answer.body) == (200, b"fine")


@pytest.mark.parametrize("error", [PoolTimeout("pool"), SearchTooSlow()])
def test_busy_answers_503_with_retry_after_and_one_warning(error, caplog):
    with caplog.at_level(logging.INFO, logger="app.errors"):
        answer = call(failing(error), http_scope(path=f"/a/{A_TOKEN}", headers=JSON))
    assert answer.status == 503
    assert answer.header("retry-after") == "5"
    assert answer.json() == {"detail": "Busy right now"}
    [record] = caplog.records
    assert record.levelname == "WARNING"
    assert record.getMessage() == f"busy, answered 503 on GET /a/Zm9v…: {type(error).__name__}"
    assert A_TOKEN not in record.getMessage()


def test_database_down_answers_503_with_one_line_naming_the_drivers_message(caplog):
    down = OperationalError("SELECT 1", {}, Exception("connection refused\nis the server running?"))
    with caplog.at_level(logging.INFO, logger="app.errors"):
        answer = call(failing(down), http_scope(method="POST", path="/api/thing"))
    assert answer.status == 503 and answer.header("retry-after") == "5"
    [record] = caplog.records
    assert (record.levelname, record.exc_info) == ("ERROR", None)
    assert record.getMessage() == (
        "database unavailable, answered 503 on POST /api/thing: connection refused"
    )


def test_anything_else_answers_500_and_logs_the_traceback(caplog):
    with caplog.at_level(logging.INFO, logger="app.errors"):
        answer = call(failing(ZeroDivisionError("x")), http_scope(path="/api/thing"))
    assert answer.status == 500
    assert answer.json() == {"detail": "Something went wrong on our side"}
    [record] = caplog.records
    assert record.getMessage() == "unhandled error on GET /api/thing"
    assert record.exc_info[0] is ZeroDivisionError


def test_a_client_that_went_away_gets_nothing_and_one_info_line(caplog):
    with caplog.at_level(logging.INFO, logger="app.errors"):
        answer = call(failing(ClientDisconnect()), http_scope(method="POST"))
    assert answer.messages == []
    [record] = caplog.records
    assert (record.levelname, record.getMessage()) == (
        "INFO",
        "client disconnected during POST /api/thing",
    )


def test_after_the_response_started_nothing_more_is_sent(caplog):
    async def half_way(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        raise ZeroDivisionError

    with caplog.at_level(logging.INFO, logger="app.errors"):
        answer = call(FailureMiddleware(half_way), http_scope())
    assert [m["type"] for m in answer.messages] == ["http.response.start"]
    assert answer.status == 200
    assert [r.getMessage() for r in caplog.records] == ["unhandled error on GET /api/thing"]
