"""A client that sends its body a byte at a time holds a worker thread: not forever (408)."""

import logging

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.errors import refuse
from app.web.logs import mask_tokens
from app.web.middleware import StartedSend

log = logging.getLogger("app.errors")


class BodyTimeout(Exception):
    pass


class BodyTimeoutMiddleware:
    def __init__(self, app: ASGIApp, *, body_timeout: float = 15.0) -> None:
        self.app = app
        self.body_timeout = body_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body_done = False

        async def timed_receive() -> Message:
            nonlocal body_done
            if body_done:  # then the app waits for a disconnect, which may take any time
                return await receive()
            with anyio.move_on_after(self.body_timeout) as waiting:
                message = await receive()
            if waiting.cancelled_caught:
                raise BodyTimeout()
            if message["type"] == "http.request":
                body_done = not message.get("more_body", False)
            return message

        watched = StartedSend(send)
        try:
            await self.app(scope, timed_receive, watched)
        except BodyTimeout:
            log.info(
                "request body not received in %s s on %s %s",
                self.body_timeout,
                scope["method"],
                mask_tokens(scope.get("path", "")),
            )
            if not watched.started:
                await refuse(scope, receive, send, 408)
