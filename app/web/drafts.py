"""The "your drafts" list lives in a cookie: the share tokens of drafts started in this browser."""

from starlette.requests import Request
from starlette.responses import Response

from app.web.cookies import delete_cookie, set_cookie

COOKIE = "drafts"
KEEP = 10


def draft_tokens(request: Request) -> list[str]:
    return [t for t in request.cookies.get(COOKIE, "").split(".") if t][:KEEP]


def remember_draft(request: Request, response: Response, token: str) -> None:
    tokens = [token, *(t for t in draft_tokens(request) if t != token)][:KEEP]
    _store(request, response, tokens)


def forget_draft(request: Request, response: Response, token: str) -> None:
    tokens = draft_tokens(request)
    if token in tokens:
        _store(request, response, [t for t in tokens if t != token])


def _store(request: Request, response: Response, tokens: list[str]) -> None:
    if tokens:
        set_cookie(request, response, COOKIE, ".".join(tokens), max_age=90 * 24 * 3600)
    else:
        delete_cookie(request, response, COOKIE)
