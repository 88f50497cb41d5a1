"""What the app raises becomes an answer and one log line: 503 when the database is busy or down,
nothing for a client that went away, 500 (logged with its traceback) for anything else.

Handled here, inside the security headers and the language, so that these pages carry both."""

import logging

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Receive, Scope, Send

from app.web.errors import refuse
from app.web.logs import mask_tokens
from app.web.middleware import StartedSend
from app.web.security import BUSY, DATABASE_DOWN, RETRY_BUSY, first_line

log = logging.getLogger("app.errors")


class FailureMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], mask_tokens(scope.get("path", ""))
        watched = StartedSend(send)
        try:
            await self.app(scope, receive, watched)
        except ClientDisconnect:
            # The client went away mid-request: nothing to answer, and nothing wrong with the app.
            log.info("client disconnected during %s %s", method, path)
        except BUSY as busy:
            log.warning("busy, answered 503 on %s %s: %s", method, path, type(busy).__name__)
            if not watched.started:
                await refuse(scope, receive, send, 503, headers={"Retry-After": RETRY_BUSY})
        except DATABASE_DOWN as down:
            # One line, not a traceback per request: the operator needs to know the database went
            # away, and /readyz says the same to the load balancer.
            log.error(
                "database unavailable, answered 503 on %s %s: %s", method, path, first_line(down)
            )
            if not watched.started:
                await refuse(scope, receive, send, 503, headers={"Retry-After": RETRY_BUSY})
        except Exception:
            log.exception("unhandled error on %s %s", method, path)
            if not watched.started:
                await refuse(scope, receive, send, 500)
