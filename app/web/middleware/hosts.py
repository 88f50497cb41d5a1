"""The Host must be one this app is known by (400), as Starlette's TrustedHostMiddleware does it:
a page on another domain that rebinds its name to this server's address then gets nothing."""

import logging
from collections.abc import Iterable

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from app.web.errors import refuse
from app.web.logs import mask_tokens
from app.web.security import ANY_HOST_PATHS, AllowedHosts, host_name

log = logging.getLogger("app.errors")


class TrustedHostMiddleware:
    def __init__(self, app: ASGIApp, *, allowed_hosts: Iterable[str] = ("*",)) -> None:
        self.app = app
        self.allowed_hosts = AllowedHosts(list(allowed_hosts))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in ANY_HOST_PATHS:
            await self.app(scope, receive, send)
            return
        host = host_name(Headers(scope=scope).get("host", ""))
        if host in self.allowed_hosts:
            await self.app(scope, receive, send)
            return
        log.warning(
            "refused Host %r on %s %s: not localhost, a loopback address, APP_PUBLIC_ORIGIN's "
            "host or one of APP_ALLOWED_HOSTS (add it there if users reach the app by that name)",
            host[:100],
            scope["method"],
            mask_tokens(scope["path"]),
        )
        await refuse(scope, receive, send, 400)
