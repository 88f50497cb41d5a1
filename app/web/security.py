"""Protections applied to every request and response, 404s and 500s included.

Cross-site writes are refused the way Go's CrossOriginProtection, Rails and Django do it:
browsers say where a request comes from in Sec-Fetch-Site (or, older ones, Origin), and
requests with neither header come from scripts, which cannot ride on a user's cookies.

Before anything reads them, headers are bounded (431), and the Host must be one this app is
known by (400), as Starlette's TrustedHostMiddleware does it: a page on another domain that
rebinds its name to this server's address then gets nothing. HEAD is answered wherever GET is.
"""

import ipaddress
import logging
from collections.abc import Iterable
from urllib.parse import urlsplit

import anyio
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.datastructures import Headers
from starlette.requests import ClientDisconnect, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.history import SearchTooSlow
from app.web import i18n
from app.web.errors import error_response
from app.web.logs import mask_tokens

log = logging.getLogger("app.errors")

# No header this app reads is longer than a few hundred bytes; browsers send a few KB in all.
MAX_HEADER_BYTES = 8 * 1024
MAX_HEADERS_BYTES = 32 * 1024
MAX_HEADERS = 100
LOOPBACK_NAMES = frozenset({"localhost"})
# Load balancers probe health by address, and the answer says nothing: no Host check there.
ANY_HOST_PATHS = frozenset({"/healthz", "/readyz"})
BUSY = (PoolTimeout, SearchTooSlow)
# The database refused or dropped the connection (it is down, restarting or unreachable).
DATABASE_DOWN = (OperationalError, InterfaceError)


def first_line(error: DBAPIError) -> str:
    """The driver's own message, first line only (it never holds the password)."""
    lines = str(error.orig or error).strip().splitlines()
    return lines[0][:200] if lines else type(error).__name__


RETRY_BUSY = "5"

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    )
)

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


def headers_too_large(raw: list[tuple[bytes, bytes]]) -> bool:
    if len(raw) > MAX_HEADERS:
        return True
    total = 0
    for name, value in raw:
        size = len(name) + len(value)
        if size > MAX_HEADER_BYTES:
            return True
        total += size
    return total > MAX_HEADERS_BYTES


def host_name(host_header: str) -> str:
    """The name in a Host header, without port, brackets or a final dot, in lower case."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    if host.count(":") == 1:
        host = host.rsplit(":", 1)[0]
    return host.rstrip(".")


class AllowedHosts:
    """Loopback names and addresses, and the configured names (`*.example.com` covers its
    subdomains; `*` turns the check off)."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = {*LOOPBACK_NAMES, *(host_name(name) for name in names if name and name != "*")}
        self.anything = "*" in names

    def __contains__(self, host: str) -> bool:
        if self.anything or host in self.names:
            return True
        if any(name.startswith("*.") and host.endswith(name[1:]) for name in self.names):
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False


class SecurityMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        default_language: str,
        max_body_bytes: int,
        trusted_origins: tuple[str, ...] = (),
        hsts: bool = False,
        allowed_hosts: Iterable[str] = ("*",),
        body_timeout: float = 15.0,
        upload_paths: frozenset[str] = frozenset(),
    ) -> None:
        self.app = app
        self.default_language = default_language
        self.max_body_bytes = max_body_bytes
        # Routes that stream file uploads: they enforce their own, larger limit as they read
        # (app/web/uploads.py), so that a refusal can say what the limit is.
        self.upload_paths = upload_paths
        self.trusted_origins = trusted_origins
        self.allowed_hosts = AllowedHosts(list(allowed_hosts))
        self.body_timeout = body_timeout
        self.headers = list(BASE_HEADERS)
        if hsts:
            self.headers.append(
                (b"strict-transport-security", b"max-age=63072000; includeSubDomains")
            )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        if head:
            # Answered as GET, body dropped: the same headers, including Content-Length.
            scope = {**scope, "method": "GET"}
        state = scope.setdefault("state", {})
        state["lang"] = self.default_language
        oversized = headers_too_large(scope["headers"])
        request = Request(scope)
        if not oversized:
            state["lang"] = i18n.negotiate(request, self.default_language)

        async def send_with_headers(message: Message) -> None:
            if head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                names = {name.lower() for name, _ in headers}
                extra = [(k, v) for k, v in self.headers if k not in names]
                # Pages say how they may be cached; those that don't are revalidated every time.
                if b"cache-control" not in names:
                    extra.append((b"cache-control", b"no-cache"))
                message["headers"] = [*headers, *extra]
            await send(message)

        if oversized:
            await self._refuse(scope, receive, send_with_headers, 431)
            return
        method = scope["method"]
        headers = request.headers
        if (
            scope["path"] not in ANY_HOST_PATHS
            and host_name(headers.get("host", "")) not in self.allowed_hosts
        ):
            log.warning(
                "refused Host %r on %s %s: not localhost, a loopback address, APP_PUBLIC_ORIGIN's "
                "host or one of APP_ALLOWED_HOSTS (add it there if users reach the app by that name)",
                host_name(headers.get("host", ""))[:100],
                method,
                mask_tokens(scope["path"]),
            )
            await self._refuse(scope, receive, send_with_headers, 400)
            return
        if method in ("TRACE", "TRACK", "CONNECT"):
            await self._refuse(scope, receive, send_with_headers, 405)
            return
        if is_cross_origin(method, headers, scope.get("scheme", "http"), self.trusted_origins):
            await self._refuse(scope, receive, send_with_headers, 403)
            return
        limit = None if scope["path"] in self.upload_paths else self.max_body_bytes
        length = headers.get("content-length")
        if (
            limit is not None
            and length is not None
            and (not length.isdigit() or int(length) > limit)
        ):
            await self._refuse(scope, receive, send_with_headers, 413)
            return

        received = 0
        body_done = False

        async def limited_receive() -> Message:
            nonlocal received, body_done
            if body_done:
                return await receive()
            # A client that sends its body a byte at a time holds a worker thread: not forever.
            with anyio.move_on_after(self.body_timeout) as waiting:
                message = await receive()
            if waiting.cancelled_caught:
                raise BodyTimeout()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if limit is not None and received > limit:
                    raise BodyTooLarge()
                body_done = not message.get("more_body", False)
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
        except BodyTimeout:
            log.info(
                "request body not received in %s s on %s %s",
                self.body_timeout,
                method,
                mask_tokens(scope.get("path", "")),
            )
            if not started:
                await self._refuse(scope, receive, send_with_headers, 408)
        except ClientDisconnect:
            # The client went away mid-request: nothing to answer, and nothing wrong with the app.
            log.info("client disconnected during %s %s", method, mask_tokens(scope.get("path", "")))
        except BUSY as busy:
            log.warning(
                "busy, answered 503 on %s %s: %s",
                method,
                mask_tokens(scope.get("path", "")),
                type(busy).__name__,
            )
            if not started:
                await self._refuse(
                    scope, receive, send_with_headers, 503, headers={"Retry-After": RETRY_BUSY}
                )
        except DATABASE_DOWN as down:
            # One line, not a traceback per request: the operator needs to know the database went
            # away, and /readyz says the same to the load balancer.
            log.error(
                "database unavailable, answered 503 on %s %s: %s",
                method,
                mask_tokens(scope.get("path", "")),
                first_line(down),
            )
            if not started:
                await self._refuse(
                    scope, receive, send_with_headers, 503, headers={"Retry-After": RETRY_BUSY}
                )
        except Exception:
            # Handled here, inside this middleware, so that the 500 page carries the same headers.
            log.exception("unhandled error on %s %s", method, mask_tokens(scope.get("path", "")))
            if not started:
                await self._refuse(scope, receive, send_with_headers, 500)

    async def _refuse(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        status: int,
        headers: dict[str, str] | None = None,
    ) -> None:
        response = error_response(Request(scope, receive), status)
        if headers:
            response.headers.update(headers)
        await response(scope, receive, send)


class BodyTooLarge(Exception):
    pass


class BodyTimeout(Exception):
    pass
