"""Security headers on every response, refusals and error pages included."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.security import BASE_HEADERS, HSTS_HEADER


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.headers = [*BASE_HEADERS, *([HSTS_HEADER] if hsts else [])]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

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

        await self.app(scope, receive, send_with_headers)
