"""Sign in and out, when a team password is set."""

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.web import comment_drafts
from app.web.access import (
    DEVICE_COOKIE,
    DEVICE_SECONDS,
    SESSION_COOKIE,
    SESSION_SECONDS,
    Check,
    client_address,
    refusal_message,
)
from app.web.cookies import delete_cookie, set_cookie
from app.web.i18n import N_, translate
from app.web.routes.pages import safe_next
from app.web.templating import render

router = APIRouter(include_in_schema=False)

WRONG = N_("That password is not right.")


def gate_of(request: Request):
    gate = request.app.state.gate
    if gate is None:
        raise HTTPException(404)
    return gate


@router.get("/sign-in", response_class=HTMLResponse)
def show_sign_in(
    request: Request, next: Annotated[str | None, Query(max_length=2000)] = None
) -> Response:
    gate_of(request)
    return render(
        request, "pages/sign_in.html", {"next": safe_next(next), "error": None, "draft": None}
    )


@router.post("/sign-in")
def sign_in(
    request: Request,
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
    comment_for: Annotated[str, Form(max_length=100)] = "",
    author: Annotated[str, Form(max_length=1000)] = "",
    text: Annotated[str, Form(max_length=20000)] = "",
) -> Response:
    gate = gate_of(request)
    # A comment typed while signed out comes along, and is kept through every try.
    draft = comment_drafts.carried(comment_for, author, text) if comment_for else None
    if draft is not None and not password:
        return render(
            request, "pages/sign_in.html", {"next": safe_next(next), "error": None, "draft": draft}
        )
    device_cookie = request.cookies.get(DEVICE_COOKIE)
    check, refusal = gate.check_password(password, client_address(request), device_cookie)
    if refusal is not None:
        message = refusal_message(request.state.lang, refusal)
        return render(
            request,
            "pages/sign_in.html",
            {"next": safe_next(next), "error": message, "draft": draft},
            status_code=429,
            headers={"Retry-After": str(refusal.retry_after)},
        )
    if check is not Check.RIGHT:
        message = translate(request.state.lang, WRONG)
        return render(
            request,
            "pages/sign_in.html",
            {"next": safe_next(next), "error": message, "draft": draft},
            status_code=401,
        )
    response = RedirectResponse(safe_next(next), status_code=303)
    set_cookie(request, response, SESSION_COOKIE, gate.new_session(), max_age=SESSION_SECONDS)
    if gate.device_id(device_cookie) is None:
        set_cookie(request, response, DEVICE_COOKIE, gate.new_device(), max_age=DEVICE_SECONDS)
    if draft is not None:
        comment_drafts.keep(request, response, gate.db, draft)
    return response


@router.post("/sign-out")
def sign_out(request: Request) -> Response:
    gate_of(request).end_session(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse(request.url_for("show_sign_in").path, status_code=303)
    delete_cookie(request, response, SESSION_COOKIE)
    return response
