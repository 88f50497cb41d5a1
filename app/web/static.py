"""Static files: versioned URLs (`?v=<content hash>`) may be cached for a year."""

from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send


class VersionedStaticFiles(StaticFiles):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        versioned = b"v=" in scope.get("query_string", b"")

        async def send_with_cache(message) -> None:
            if message["type"] == "http.response.start" and message["status"] in (200, 304):
                policy = (
                    b"public, max-age=31536000, immutable" if versioned else b"public, max-age=3600"
                )
                message["headers"] = [*message.get("headers", []), (b"cache-control", policy)]
            await send(message)

        await super().__call__(scope, receive, send_with_cache)
