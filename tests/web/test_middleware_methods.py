"""app/web/middleware/methods.py on a bare ASGI scope."""

import pytest
from asgi_calls import Endpoint, call, http_scope

from app.web.middleware.methods import MethodMiddleware


@pytest.mark.parametrize("method", ["TRACE", "TRACK", "CONNECT"])
def test_trace_track_and_connect_get_405(method):
    app = Endpoint()
    answer = call(MethodMiddleware(app), http_scope(method))
    assert answer.status == 405
    assert answer.json() == {"detail": "That method isn't allowed here"}
    assert app.seen == []


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_other_methods_reach_the_app(method):
    app = Endpoint()
    assert call(MethodMiddleware(app), http_scope(method)).status == 200
    assert len(app.seen) == 1
