"""The manage view of a finished assessment: rotate its share link, set when it expires.

Who may: the browser that finished it (or was given its manage token), and signed-in users
when the team password is set (app/web/deps.py). Everyone else gets the same 404 as for an
unknown link from every action; the view itself offers them a field for the manage token.
"""

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app import assessments, manage
from app.models import Assessment
from app.web.deps import DatabaseDep, can_manage, managed_from_form
from app.web.manage_cookies import remember_manage_token
from app.web.routes.wizard import FormDep
from app.web.templating import render

router = APIRouter(include_in_schema=False)

PRIVATE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}
# The expiry form's choices: days, or "never".
NEVER = "never"
DONE = frozenset({"rotated", "expiry"})


def manage_context(
    assessment: Assessment, allowed: bool, new_token: str | None = None, **extra: Any
) -> dict[str, Any]:
    """What templates/assessments/_manage.html shows."""
    return {
        "allowed": allowed,
        "new_token": new_token,
        "expires_at": assessment.share_expires_at,
        "expiry_days": manage.EXPIRY_DAYS,
        "never": NEVER,
        **extra,
    }


def show_managed(
    request: Request, assessment: Assessment, *, done: str = "", error: str = "", status: int = 200
) -> Response:
    return render(
        request,
        "assessments/manage.html",
        {
            "assessment": assessment,
            "manage": manage_context(assessment, True, done=done, error=error),
        },
        status_code=status,
        headers=PRIVATE,
    )


def see_manage(request: Request, assessment: Assessment, done: str) -> RedirectResponse:
    url = request.url_for("show_manage", token=assessment.share_token).include_query_params(
        done=done
    )
    return RedirectResponse(str(url), status_code=303)


@router.get("/a/{token}/manage", response_class=HTMLResponse)
def show_manage(request: Request, token: str, db: DatabaseDep, done: str = "") -> Response:
    try:
        assessment = manage.find(db, token)
    except assessments.NotFound:
        raise HTTPException(404) from None
    allowed = can_manage(request, db, assessment)
    # An expired link is unknown to everyone but those who may manage it.
    if not allowed and assessments.link_expired(assessment):
        raise HTTPException(404)
    if not allowed:
        return render(
            request,
            "assessments/manage.html",
            {"assessment": assessment, "manage": manage_context(assessment, False)},
            headers=PRIVATE,
        )
    return show_managed(request, assessment, done=done if done in DONE else "")


@router.post("/a/{token}/manage")
def unlock_manage(request: Request, token: str, db: DatabaseDep, form: FormDep) -> Response:
    """The manage token pasted into the form: this browser keeps it and may manage from now on."""
    assessment = managed_from_form(request, db, token, form)
    response = RedirectResponse(
        str(request.url_for("show_manage", token=assessment.share_token)), status_code=303
    )
    if manage.holds(assessment, form.get("manage_token")):
        remember_manage_token(request, response, form["manage_token"])
    return response


@router.post("/a/{token}/rotate")
def rotate_share_link(request: Request, token: str, db: DatabaseDep, form: FormDep) -> Response:
    assessment = managed_from_form(request, db, token, form)
    try:
        rotated = manage.rotate(db, assessment)
    except assessments.NotFound:
        raise HTTPException(404) from None
    response = see_manage(request, rotated, "rotated")
    if manage.holds(assessment, form.get("manage_token")):
        remember_manage_token(request, response, form["manage_token"])
    return response


@router.post("/a/{token}/expiry")
def set_share_expiry(request: Request, token: str, db: DatabaseDep, form: FormDep) -> Response:
    assessment = managed_from_form(request, db, token, form)
    choice = form.get("days", "")
    days = {str(d): d for d in manage.EXPIRY_DAYS}.get(choice)
    if days is None and choice != NEVER:
        return show_managed(request, assessment, error="days", status=422)
    try:
        changed = manage.set_expiry(db, assessment, days)
    except assessments.NotFound:
        raise HTTPException(404) from None
    return see_manage(request, changed, "expiry")
