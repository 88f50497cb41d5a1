"""TRACE, TRACK and CONNECT are refused (405): this app has no use for them."""

from starlette.types import ASGIApp, Receive, Scope, Send

from app.web.errors import refuse

REFUSED_METHODS = frozenset({"TRACE", "TRACK", "CONNECT"})


class MethodMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in REFUSED_METHODS:
            await refuse(scope, receive, send, 405)
            return
        await self.app(scope, receive, send)
