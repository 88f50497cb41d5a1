"""Protections applied to every request and response, 404s and 500s included.

Cross-site writes are refused the way Go's CrossOriginProtection, Rails and Django do it:
browsers say where a request comes from in Sec-Fetch-Site (or, older ones, Origin), and
requests with neither header come from scripts, which cannot ride on a user's cookies.
"""

import logging
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web import i18n
from app.web.errors import error_response
from app.web.logs import mask_tokens

log = logging.getLogger("app.errors")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
))

BASE_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    # `no-referrer` would blank Origin on form posts, which the cross-origin check relies on.
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def is_cross_origin(method: str, headers: Headers, scheme: str, trusted: Iterable[str]) -> bool:
    """True when a browser sent an unsafe request from another site."""
    if method in SAFE_METHODS:
        return False
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = headers.get("origin")
    if origin is None:
        return False
    host = headers.get("host", "")
    allowed = {f"{scheme}://{host}".lower(), *(o.lower().rstrip("/") for o in trusted)}
    return origin.lower() not in allowed


class SecurityMiddleware:
    def __init__(self, app: ASGIApp, *, default_language: str, max_body_bytes: int,
                 trusted_origins: tuple[str, ...] = (), hsts: bool = False,
                 upload_paths: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.default_language = default_language
        self.max_body_bytes = max_body_bytes
        # Routes that stream file uploads: they enforce their own, larger limit as they read
        # (app/web/uploads.py), so that a refusal can say what the limit is.
        self.upload_paths = upload_paths
        self.trusted_origins = trusted_origins
        self.headers = list(BASE_HEADERS)
        if hsts:
            self.headers.append((b"strict-transport-security", b"max-age=63072000; includeSubDomains"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        lang = i18n.negotiate(request, self.default_language)
        scope.setdefault("state", {})["lang"] = lang

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                names = {name.lower() for name, _ in headers}
                extra = [(k, v) for k, v in self.headers if k not in names]
                # Pages say how they may be cached; those that don't are revalidated every time.
                if b"cache-control" not in names:
                    extra.append((b"cache-control", b"no-cache"))
                message["headers"] = [*headers, *extra]
            await send(message)

        method = scope["method"]
        headers = request.headers
        if method in ("TRACE", "TRACK", "CONNECT"):
            await self._refuse(scope, receive, send_with_headers, 405)
            return
        if is_cross_origin(method, headers, scope.get("scheme", "http"), self.trusted_origins):
            await self._refuse(scope, receive, send_with_headers, 403)
            return
        limit = None if scope["path"] in self.upload_paths else self.max_body_bytes
        length = headers.get("content-length")
        if limit is not None and length is not None and (not length.isdigit() or int(length) > limit):
            await self._refuse(scope, receive, send_with_headers, 413)
            return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if limit is not None and received > limit:
                    raise BodyTooLarge()
            return message

        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send_with_headers(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(scope, receive, send_with_headers, 413)
        except Exception:
            # Handled here, inside this middleware, so that the 500 page carries the same headers.
            log.exception("unhandled error on %s %s", method, mask_tokens(scope.get("path", "")))
            if not started:
                await self._refuse(scope, receive, send_with_headers, 500)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, status: int) -> None:
        response = error_response(Request(scope, receive), status)
        await response(scope, receive, send)


class BodyTooLarge(Exception):
    pass
