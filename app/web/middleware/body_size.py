"""Bodies are bounded (413): by their Content-Length before the app runs, and as they stream in,
for a body that says nothing or says less than it sends."""

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.errors import refuse
from app.web.middleware import StartedSend


class BodyTooLarge(Exception):
    pass


class BodySizeMiddleware:
    def __init__(
        self, app: ASGIApp, *, max_body_bytes: int, upload_paths: frozenset[str] = frozenset()
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        # Routes that stream file uploads: they enforce their own, larger limit as they read
        # (app/web/uploads.py), so that a refusal can say what the limit is.
        self.upload_paths = upload_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.upload_paths:
            await self.app(scope, receive, send)
            return
        limit = self.max_body_bytes
        length = Headers(scope=scope).get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await refuse(scope, receive, send, 413)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge()
            return message

        watched = StartedSend(send)
        try:
            await self.app(scope, limited_receive, watched)
        except BodyTooLarge:
            if not watched.started:
                await refuse(scope, receive, send, 413)
