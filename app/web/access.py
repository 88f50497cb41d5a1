"""Optional team access: with APP_ACCESS_PASSWORD set, a sign-in page guards the app.

Holding a share link is the permission to read that verdict, so reading share links stays open
unless APP_PROTECT_SHARE_LINKS says otherwise; anything that changes data needs sign-in.

Every way of presenting the password (the sign-in form, `Authorization: Bearer`) goes through
one throttle kept in the database (app/auth.py). Session cookies are signed with a random
server key (APP_SECRET_KEY, or one the app makes and keeps), name a session row that sign-out
deletes, and carry a fingerprint of the password, so a new password signs everyone out.

A right password, on the form or as a Bearer token, also earns the client a device cookie
(OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): a year-long signed random id,
tied to the password like the session cookie. Sign-out keeps it. A client that presents it is
counted under its own key and is not slowed by wrong passwords tried from anywhere else.
"""

import hashlib
import hmac
import secrets
import threading
from datetime import timedelta
from enum import Enum

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import auth
from app.db import Database
from app.web.i18n import N_, translate

SESSION_COOKIE = "session"
SESSION_SECONDS = 30 * 24 * 3600
DEVICE_COOKIE = "device"
DEVICE_SECONDS = 365 * 24 * 3600
OPEN_PREFIXES = ("/static/", "/sign-in", "/lang/")
OPEN_PATHS = frozenset({"/healthz", "/readyz", "/robots.txt", "/favicon.ico"})
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Why an attempt was refused, by the kind of throttle key that refused it.
REFUSED = {
    "address": N_(
        "Too many wrong passwords came from your network. Try again in %(minutes)s minutes. "
        "Browsers and clients that signed in here before can still sign in."
    ),
    "account": N_(
        "That password is not right. Many wrong passwords were tried recently, so further "
        "wrong ones are answered after %(seconds)s seconds; the right one is never refused."
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


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def device_cookie_header(value: str, secure: bool) -> bytes:
    """The Set-Cookie value for a device cookie, with the attributes of app/web/cookies.py."""
    response = Response()
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=DEVICE_SECONDS,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )
    return response.headers["set-cookie"].encode("latin-1")


class Gate:
    def __init__(
        self,
        db: Database,
        password: str,
        protect_share_links: bool,
        secret_key: str | None = None,
        https: bool = False,
    ) -> None:
        self.db = db
        self.https = https
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

    def _device_signer(self) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self._key(), salt="device")

    def new_device(self) -> str:
        """A device cookie's value: a random id, signed, tied to the current password."""
        return self._device_signer().dumps(
            {"d": secrets.token_urlsafe(16), "pw": self._fingerprint()}
        )

    def device_id(self, cookie: str | None) -> str | None:
        """The id a genuine device cookie for the current password carries, else None."""
        if not cookie or len(cookie) > 300:
            return None
        try:
            payload = self._device_signer().loads(cookie, max_age=DEVICE_SECONDS)
        except BadSignature:
            return None
        if (
            not isinstance(payload, dict)
            or not isinstance(payload.get("d"), str)
            or not hmac.compare_digest(str(payload.get("pw", "")), self._fingerprint())
        ):
            return None
        return payload["d"]

    def check_password(
        self, attempt: str, address: str, device_cookie: str | None = None
    ) -> tuple[Check, auth.Refusal | None]:
        """The one door for a password, whatever carries it. The password is compared first, in
        constant time; the throttle then says whether the answer may be given (app/auth.py)."""
        right = hmac.compare_digest(attempt.encode("utf-8", "replace"), self._password)
        keys = auth.throttle_keys(address, self.device_id(device_cookie))
        refusal = auth.decide(self.db, keys, right)
        if refusal is not None:
            return Check.REFUSED, refusal
        return (Check.RIGHT if right else Check.WRONG), None

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
            device_cookie = request.cookies.get(DEVICE_COOKIE)
            check, refusal = await run_in_threadpool(
                self.gate.check_password, token.strip(), client_address(request), device_cookie
            )
            if check is Check.RIGHT:
                scope.setdefault("state", {})["signed_in"] = True
                if await run_in_threadpool(self.gate.device_id, device_cookie):
                    await self.app(scope, receive, send)
                    return
                # An API client that keeps cookies is trusted from now on, like a browser.
                cookie = device_cookie_header(
                    await run_in_threadpool(self.gate.new_device),
                    secure=self.gate.https,
                )

                async def send_with_device(message: Message) -> None:
                    if message["type"] == "http.response.start":
                        message = {
                            **message,
                            "headers": [*message.get("headers", []), (b"set-cookie", cookie)],
                        }
                    await send(message)

                await self.app(scope, receive, send_with_device)
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
