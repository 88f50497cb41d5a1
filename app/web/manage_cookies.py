"""Manage tokens this browser holds, in an HttpOnly cookie (as app/web/drafts.py keeps drafts):
the browser that finished an assessment, or was given its token, can manage it from then on.

A second, short-lived cookie carries a token just made, so that the verdict page can show it
once and then drop it: the token never appears in a URL.
"""

from starlette.requests import Request
from starlette.responses import Response

from app.web.cookies import delete_cookie, set_cookie

COOKIE = "manage"
NEW_COOKIE = "manage_new"
KEEP = 20
NEW_SECONDS = 600


def manage_tokens(request: Request) -> list[str]:
    return [t for t in request.cookies.get(COOKIE, "").split(".") if t][:KEEP]


def remember_manage_token(request: Request, response: Response, token: str) -> None:
    tokens = [token, *(t for t in manage_tokens(request) if t != token)][:KEEP]
    set_cookie(request, response, COOKIE, ".".join(tokens), max_age=365 * 24 * 3600)


def announce_manage_token(request: Request, response: Response, token: str) -> None:
    """The verdict page shows this token once (new_manage_token, then forget_new_token)."""
    remember_manage_token(request, response, token)
    set_cookie(request, response, NEW_COOKIE, token, max_age=NEW_SECONDS)


def new_manage_token(request: Request) -> str | None:
    return request.cookies.get(NEW_COOKIE) or None


def forget_new_token(request: Request, response: Response) -> None:
    delete_cookie(request, response, NEW_COOKIE)
