"""Headers are bounded (431) before anything reads them."""

from starlette.types import ASGIApp, Receive, Scope, Send

from app.web.errors import refuse
from app.web.security import headers_too_large


class HeaderLimitMiddleware:
    def __init__(self, app: ASGIApp, *, default_language: str) -> None:
        self.app = app
        self.default_language = default_language

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not headers_too_large(scope["headers"]):
            await self.app(scope, receive, send)
            return
        # In the default language: the headers that would choose another are the ones refused.
        scope.setdefault("state", {})["lang"] = self.default_language
        await refuse(scope, receive, send, 431)
