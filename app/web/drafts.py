"""The "your drafts" list lives in a cookie: the share tokens of drafts started in this browser."""

from starlette.requests import Request
from starlette.responses import Response

COOKIE = "drafts"
KEEP = 10


def draft_tokens(request: Request) -> list[str]:
    return [t for t in request.cookies.get(COOKIE, "").split(".") if t][:KEEP]


def remember_draft(request: Request, response: Response, token: str) -> None:
    tokens = [token, *(t for t in draft_tokens(request) if t != token)][:KEEP]
    _store(response, tokens)


def forget_draft(request: Request, response: Response, token: str) -> None:
    tokens = draft_tokens(request)
    if token in tokens:
        _store(response, [t for t in tokens if t != token])


def _store(response: Response, tokens: list[str]) -> None:
    if not tokens:
        response.delete_cookie(COOKIE, httponly=True, samesite="lax")
        return
    response.set_cookie(COOKIE, ".".join(tokens), max_age=90 * 24 * 3600, httponly=True,
                        samesite="lax")
