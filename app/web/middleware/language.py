"""The reader's language, `request.state.lang`: the query's `lang`, the cookie, Accept-Language."""

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from app.web import i18n


class LanguageMiddleware:
    def __init__(self, app: ASGIApp, *, default_language: str) -> None:
        self.app = app
        self.default_language = default_language

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            language = i18n.negotiate(Request(scope), self.default_language)
            scope.setdefault("state", {})["lang"] = language
        await self.app(scope, receive, send)
