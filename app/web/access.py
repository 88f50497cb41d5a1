"""Optional team access: with APP_ACCESS_PASSWORD set, a sign-in page guards the app.

Holding a share link is the permission to read that verdict, so reading share links stays open
unless APP_PROTECT_SHARE_LINKS says otherwise; anything that changes data needs sign-in.

Every way of presenting the password (the sign-in form, `Authorization: Bearer`) goes through
one throttle kept in the database (app/auth.py). Session cookies are signed with a random
server key (APP_SECRET_KEY, or one the app makes and keeps), name a session row that sign-out
deletes, and carry a fingerprint of the password, so a new password signs everyone out.
"""

import hashlib
import hmac
import threading
from datetime import timedelta
from enum import Enum

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from app import auth
from app.db import Database
from app.web.i18n import N_, translate

SESSION_COOKIE = "session"
SESSION_SECONDS = 30 * 24 * 3600
OPEN_PREFIXES = ("/static/", "/sign-in", "/lang/")
OPEN_PATHS = frozenset({"/healthz", "/readyz", "/robots.txt", "/favicon.ico"})
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Why an attempt was refused, by the kind of throttle key that refused it.
REFUSED = {
    "client": N_(
        "Too many wrong passwords from this browser. Try again in %(minutes)s minutes. "
        "Other browsers, even on your network, can still sign in."
    ),
    "address": N_(
        "Many wrong passwords came from your network, so sign-ins from it are slowed "
        "down. Wait %(seconds)s seconds and try again."
    ),
    "account": N_(
        "Many wrong passwords were tried recently, so sign-ins are slowed down for "
        "everyone. Wait %(seconds)s seconds and try again."
    ),
}


def refusal_message(lang: str, refusal: auth.Refusal) -> str:
    return translate(lang, REFUSED[refusal.kind]) % {
        "minutes": (refusal.retry_after + 59) // 60,
        "seconds": refusal.retry_after,
    }


class Check(Enum):
    RIGHT = "right"
    WRONG = "wrong"
    REFUSED = "refused"


def client_keys(request: Request) -> dict[str, str]:
    address = request.client.host if request.client else "unknown"
    return auth.throttle_keys(address, request.headers.get("user-agent", ""))


class Gate:
    def __init__(
        self, db: Database, password: str, protect_share_links: bool, secret_key: str | None = None
    ) -> None:
        self.db = db
        self._password = password.encode()
        self._secret_key = secret_key
        self._serializer: URLSafeTimedSerializer | None = None
        self._lock = threading.Lock()
        self.protect_share_links = protect_share_links

    def _key(self) -> str:
        with self._lock:
            if self._secret_key is None:
                self._secret_key = auth.server_secret(self.db, "session")
            return self._secret_key

    def _signer(self) -> URLSafeTimedSerializer:
        if self._serializer is None:
            self._serializer = URLSafeTimedSerializer(self._key(), salt="session")
        return self._serializer

    def _fingerprint(self) -> str:
        """Changes with the password; useless for guessing it without the server's key."""
        return hmac.new(
            self._key().encode(), b"password\x00" + self._password, hashlib.sha256
        ).hexdigest()[:32]

    def check_password(
        self, attempt: str, keys: dict[str, str]
    ) -> tuple[Check, auth.Refusal | None]:
        """The one door for a password, whatever carries it: counted by the throttle first."""
        refusal = auth.admit(self.db, keys)
        if refusal is not None:
            return Check.REFUSED, refusal
        if hmac.compare_digest(attempt.encode("utf-8", "replace"), self._password):
            auth.succeeded(self.db, keys)
            return Check.RIGHT, None
        return Check.WRONG, None

    def new_session(self) -> str:
        session_id = auth.start_session(self.db, timedelta(seconds=SESSION_SECONDS))
        return self._signer().dumps({"sid": session_id, "pw": self._fingerprint()})

    def session_id(self, cookie: str | None) -> str | None:
        """The live session a cookie names, or None (forged, expired, signed out, old password)."""
        if not cookie:
            return None
        try:
            payload = self._signer().loads(cookie, max_age=SESSION_SECONDS)
        except BadSignature:
            return None
        if (
            not isinstance(payload, dict)
            or not isinstance(payload.get("sid"), str)
            or not hmac.compare_digest(str(payload.get("pw", "")), self._fingerprint())
        ):
            return None
        return payload["sid"] if auth.session_is_live(self.db, payload["sid"]) else None

    def end_session(self, cookie: str | None) -> None:
        session_id = self.session_id(cookie)
        if session_id is not None:
            auth.end_session(self.db, session_id)

    def is_open(self, method: str, path: str) -> bool:
        if method not in READ_METHODS:
            return path == "/sign-in"
        if path in OPEN_PATHS or path.startswith(OPEN_PREFIXES):
            return True
        return path.startswith("/a/") and not self.protect_share_links


class AccessMiddleware:
    def __init__(self, app: ASGIApp, *, gate: Gate) -> None:
        self.app = app
        self.gate = gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.gate.is_open(scope["method"], scope["path"]):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie and await run_in_threadpool(self.gate.session_id, cookie):
            # Read by app/web/deps.py: signed-in users may manage every assessment.
            scope.setdefault("state", {})["signed_in"] = True
            await self.app(scope, receive, send)
            return
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer":
            check, refusal = await run_in_threadpool(
                self.gate.check_password, token.strip(), client_keys(request)
            )
            if check is Check.RIGHT:
                scope.setdefault("state", {})["signed_in"] = True
                await self.app(scope, receive, send)
                return
            if refusal is not None:
                lang = scope.get("state", {}).get("lang", "en")
                response = JSONResponse(
                    {"detail": refusal_message(lang, refusal)},
                    status_code=429,
                    headers={"Retry-After": str(refusal.retry_after)},
                )
                await response(scope, receive, send)
                return
        if scope["path"].startswith("/api/"):
            response = JSONResponse(
                {"detail": "Sign-in required: send Authorization: Bearer <password>."},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        else:
            target = scope["path"] + (f"?{request.url.query}" if request.url.query else "")
            response = RedirectResponse(
                str(request.url_for("show_sign_in").include_query_params(next=target)),
                status_code=303,
            )
        await response(scope, receive, send)
