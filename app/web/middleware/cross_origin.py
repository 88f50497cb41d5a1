"""Cross-site writes are refused (403) the way Go's CrossOriginProtection, Rails and Django do it:
browsers say where a request comes from in Sec-Fetch-Site (or, older ones, Origin), and requests
with neither header come from scripts, which cannot ride on a user's cookies."""

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from app.web.errors import refuse
from app.web.security import is_cross_origin


class CrossOriginMiddleware:
    def __init__(self, app: ASGIApp, *, trusted_origins: tuple[str, ...] = ()) -> None:
        self.app = app
        self.trusted_origins = trusted_origins

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and is_cross_origin(
            scope["method"],
            Headers(scope=scope),
            scope.get("scheme", "http"),
            self.trusted_origins,
        ):
            await refuse(scope, receive, send, 403)
            return
        await self.app(scope, receive, send)
