"""Text no database can store is refused at the door, for every form and every query string.

A NUL character, or bytes that are not UTF-8 (such as a lone UTF-16 surrogate encoded as
%ED%A0%80), in a form field or a query parameter get a 422 that says so, before any route reads
them: PostgreSQL refuses NUL in text, and the rest would be stored as replacement characters.
JSON bodies are checked by their one parser (app/web/bodies.py, `parse_json`) so that the
API's 422 names the problem in its usual shape. Multipart bodies (file uploads) are streamed by
their own routes and checked there.
"""

from urllib.parse import unquote_to_bytes

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web import i18n
from app.web.errors import TITLES, wants_json
from app.web.i18n import N_
from app.web.templating import render

FORM_TYPE = "application/x-www-form-urlencoded"
UNSTORABLE = N_(
    "The form or address holds a character that cannot be stored: a NUL character, or bytes "
    "that are not UTF-8 text. Remove it and send again; nothing was saved."
)


def storable(encoded: bytes) -> bool:
    """True when every name and value of a URL-encoded string is UTF-8 text without NUL."""
    for pair in encoded.split(b"&"):
        for part in pair.split(b"=", 1):
            raw = unquote_to_bytes(part.replace(b"+", b" "))
            if b"\x00" in raw:
                return False
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return False
    return True


class TextInputMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not storable(scope.get("query_string", b"")):
            await self._refuse(scope, receive, send, "query")
            return
        content_type = Request(scope).headers.get("content-type", "")
        if scope["method"] == "GET" or not content_type.lower().startswith(FORM_TYPE):
            await self.app(scope, receive, send)
            return
        # A URL-encoded form is small (the security middleware bounds every body): read it
        # whole, check it, then hand the same bytes on.
        chunks = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message], receive), send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if not storable(body):
            await self._refuse(scope, receive, send, "body")
            return
        await self.app(scope, _replay([{"type": "http.request", "body": body}], receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, field: str) -> None:
        request = Request(scope, receive)
        lang = scope.get("state", {}).get("lang", "en")
        explanation = i18n.translate(lang, UNSTORABLE)
        if wants_json(request):
            response = JSONResponse(
                {"detail": [{"field": field, "code": "invalid_text", "message": explanation}]},
                status_code=422,
            )
        else:
            response = render(
                request,
                "errors/error.html",
                {
                    "status": 422,
                    "title": i18n.translate(lang, TITLES[422]),
                    "explanation": explanation,
                },
                status_code=422,
            )
        await response(scope, receive, send)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    async def replayed() -> Message:
        if messages:
            return messages.pop(0)
        return await receive()

    return replayed
