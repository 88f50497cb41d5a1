"""Optional team access: with APP_ACCESS_PASSWORD set, a sign-in page guards the app.

Holding a share link is the permission to read that verdict, so share links stay open unless
APP_PROTECT_SHARE_LINKS says otherwise. The session cookie is signed with a key derived from the
password, so changing the password signs everyone out, and every worker agrees without a
separate secret.
"""

import hashlib
import hmac
import time
from collections import deque

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

SESSION_COOKIE = "session"
SESSION_SECONDS = 30 * 24 * 3600
OPEN_PREFIXES = ("/static/", "/sign-in", "/lang/")
OPEN_PATHS = frozenset({"/healthz", "/robots.txt", "/favicon.ico"})


class Gate:
    def __init__(self, password: str, protect_share_links: bool) -> None:
        self._password = password.encode()
        key = hashlib.sha256(b"finetune-wizard session\x00" + self._password).hexdigest()
        self._signer = URLSafeTimedSerializer(key, salt="session")
        self.protect_share_links = protect_share_links

    def password_matches(self, attempt: str) -> bool:
        return hmac.compare_digest(attempt.encode(), self._password)

    def new_session(self) -> str:
        return self._signer.dumps({"ok": True})

    def is_signed_in(self, request: Request) -> bool:
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie:
            try:
                self._signer.loads(cookie, max_age=SESSION_SECONDS)
                return True
            except BadSignature:
                pass
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and self.password_matches(token.strip())

    def is_open(self, path: str) -> bool:
        if path in OPEN_PATHS or path.startswith(OPEN_PREFIXES):
            return True
        return path.startswith("/a/") and not self.protect_share_links


class Throttle:
    """At most `limit` failed sign-ins per client in `window` seconds."""

    def __init__(self, limit: int = 5, window: float = 15 * 60) -> None:
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque[float]] = {}

    def retry_after(self, client: str) -> int:
        failures = self._recent(client)
        if len(failures) < self.limit:
            return 0
        return max(1, int(failures[0] + self.window - time.monotonic()))

    def fail(self, client: str) -> None:
        self._recent(client).append(time.monotonic())

    def _recent(self, client: str) -> deque[float]:
        failures = self._failures.setdefault(client, deque())
        while failures and failures[0] < time.monotonic() - self.window:
            failures.popleft()
        return failures


class AccessMiddleware:
    def __init__(self, app: ASGIApp, *, gate: Gate) -> None:
        self.app = app
        self.gate = gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.gate.is_open(scope["path"]):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if self.gate.is_signed_in(request):
            await self.app(scope, receive, send)
            return
        if scope["path"].startswith("/api/"):
            response = JSONResponse({"detail": "Sign-in required: send Authorization: Bearer <password>."},
                                    status_code=401, headers={"WWW-Authenticate": "Bearer"})
        else:
            target = scope["path"] + (f"?{request.url.query}" if request.url.query else "")
            response = RedirectResponse(
                str(request.url_for("show_sign_in").include_query_params(next=target)), status_code=303)
        await response(scope, receive, send)
