"""The checks and headers of the protections applied to every request and response, 404s and
500s included: pure functions and constants, used by the middlewares in app/web/middleware/
(one a concern; their order is in that package's docstring).

Cross-site writes are refused the way Go's CrossOriginProtection, Rails and Django do it:
browsers say where a request comes from in Sec-Fetch-Site (or, older ones, Origin), and
requests with neither header come from scripts, which cannot ride on a user's cookies.

Before anything reads them, headers are bounded (431), and the Host must be one this app is
known by (400), as Starlette's TrustedHostMiddleware does it: a page on another domain that
rebinds its name to this server's address then gets nothing. HEAD is answered wherever GET is.
"""

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.datastructures import Headers

from app.history import SearchTooSlow

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
# Sent only when the app is served over HTTPS (APP_HTTPS).
HSTS_HEADER = (b"strict-transport-security", b"max-age=63072000; includeSubDomains")


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
