"""The reader's language, `request.state.lang`: the query's `lang`, the cookie, Accept-Language.

A page opened with `?lang=` (a link someone shared in Chinese) also keeps that language for the
pages after it: the HTML response sets the language cookie, as the switcher does, so the next
link or form does not fall back to the browser's language. JSON answers set nothing: an API
client asks for its language on each request."""

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web import i18n
from app.web.cookies import set_cookie

LANG_COOKIE_SECONDS = 365 * 24 * 3600


class LanguageMiddleware:
    def __init__(self, app: ASGIApp, *, default_language: str) -> None:
        self.app = app
        self.default_language = default_language

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        language = i18n.negotiate(request, self.default_language)
        scope.setdefault("state", {})["lang"] = language
        asked = request.query_params.get("lang")
        if (
            scope["method"] not in ("GET", "HEAD")
            or asked not in i18n.LANGUAGES
            or request.cookies.get(i18n.LANG_COOKIE) == asked
        ):
            await self.app(scope, receive, send)
            return

        async def keep_language(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                headers = MutableHeaders(scope=message)
                if headers.get("content-type", "").startswith("text/html"):
                    carrier = Response()
                    set_cookie(request, carrier, i18n.LANG_COOKIE, asked, LANG_COOKIE_SECONDS)
                    headers.append("set-cookie", carrier.headers["set-cookie"])
            await send(message)

        await self.app(scope, receive, keep_language)
