"""The manage view of a decision: its status, proposed revisions, share link (rotate, expiry),
its owners' keys and its audit trail. The verdict page links here for owners.

Who may: a browser holding one of the decision's manage keys (the one that finished its first
version, or one given a key), and signed-in users when the team password is set (app/web/deps.py).
Everyone else gets the same 404 as for an unknown link from every action; the view itself offers
them a field for a manage key, which answers a wrong key with an error on that field.
"""

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app import assessments, manage
from app.models import Assessment
from app.web.deps import (
    DatabaseDep,
    Managed,
    is_signed_in,
    managed_from_form,
    manager,
)
from app.web.forms import message
from app.web.manage_cookies import (
    forget_new_token,
    new_manage_token,
    remember_manage_token,
)
from app.web.routes.wizard import FormDep
from app.web.templating import render

router = APIRouter(include_in_schema=False)

PRIVATE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}
# The expiry form's choices: days, or "never".
NEVER = "never"
DONE = frozenset({"rotated", "expiry", "status", "accepted", "revoked"})


def share_url(request: Request, assessment: Assessment) -> str:
    return str(request.url_for("show_verdict", token=assessment.share_token))


def show_managed(
    request: Request,
    db,
    managed: Managed,
    *,
    done: str = "",
    error: str = "",
    field_errors: dict[str, str] | None = None,
    new_key: tuple[str, str] | None = None,
    first_key: str | None = None,
    status: int = 200,
) -> Response:
    assessment = managed.assessment
    original = assessments.revised_from(db, assessment)
    successor = assessments.superseded_by(db, assessment)
    context: dict[str, Any] = {
        "assessment": assessment,
        "allowed": True,
        "actor": managed.actor,
        "share_url": share_url(request, assessment),
        "expires_at": assessment.share_expires_at,
        "expired": assessments.link_expired(assessment),
        "expiry_days": manage.EXPIRY_DAYS,
        "never": NEVER,
        "keys": manage.keys(db, assessment.decision_id),
        "trail": manage.trail(db, assessment.decision_id),
        "proposals": assessments.proposals(db, assessment),
        "revised_from": original,
        "superseded_by": successor,
        "done": done,
        "error": error,
        "field_errors": field_errors or {},
        "new_key": new_key,
        "first_key": first_key,
        "signed_in": is_signed_in(request),
    }
    return render(request, "assessments/manage.html", context, status_code=status, headers=PRIVATE)


def show_unlock(
    request: Request, assessment: Assessment, *, error: str = "", status: int = 200
) -> Response:
    return render(
        request,
        "assessments/manage.html",
        {"assessment": assessment, "allowed": False, "unlock_error": error},
        status_code=status,
        headers=PRIVATE,
    )


def see_manage(request: Request, assessment: Assessment, done: str) -> RedirectResponse:
    url = request.url_for("show_manage", token=assessment.share_token).include_query_params(
        done=done
    )
    return RedirectResponse(str(url), status_code=303)


def reason_of(request: Request, form) -> str | None:
    return manage.clean_reason(form.get("reason", ""))


@router.get("/a/{token}/manage", response_class=HTMLResponse)
def show_manage(request: Request, token: str, db: DatabaseDep, done: str = "") -> Response:
    assessment = manage.find(db, token)
    actor = manager(request, db, assessment)
    if actor is None:
        # An expired link is gone to everyone but those who may manage it.
        if assessments.link_expired(assessment):
            raise HTTPException(410)
        return show_unlock(request, assessment)
    manage.touch(db, actor)
    first = new_manage_token(request)
    shown = first if first and manage.holds(db, assessment.decision_id, first) else None
    response = show_managed(
        request,
        db,
        Managed(assessment, actor),
        done=done if done in DONE else "",
        first_key=shown,
    )
    if shown:
        forget_new_token(request, response)
    return response


@router.post("/a/{token}/manage")
def unlock_manage(request: Request, token: str, db: DatabaseDep, form: FormDep) -> Response:
    """A manage key pasted into the form: this browser keeps it and may manage from now on. A
    wrong key gets an error on the field (nothing else is said about it)."""
    assessment = manage.find(db, token)
    typed = form.get("manage_token", "")
    if not manage.holds(db, assessment.decision_id, typed):
        if manager(request, db, assessment) is None and assessments.link_expired(assessment):
            raise HTTPException(410)
        return show_unlock(request, assessment, error="wrong_key", status=422)
    response = RedirectResponse(
        str(request.url_for("show_manage", token=assessment.share_token)), status_code=303
    )
    remember_manage_token(request, response, typed)
    return response


def _remember_typed(request: Request, response: Response, db, managed: Managed, form) -> Response:
    typed = form.get("manage_token")
    if typed and manage.holds(db, managed.assessment.decision_id, typed):
        remember_manage_token(request, response, typed)
    return response


@router.get("/a/{token}/rotate", response_class=HTMLResponse)
def confirm_rotate(request: Request, token: str, db: DatabaseDep) -> Response:
    """What rotating does, and the button that does it (owners only)."""
    assessment = manage.find(db, token)
    if manager(request, db, assessment) is None:
        raise HTTPException(410 if assessments.link_expired(assessment) else 404)
    return render(request, "assessments/rotate.html", {"assessment": assessment}, headers=PRIVATE)


@router.post("/a/{token}/rotate")
def rotate_share_link(request: Request, token: str, db: DatabaseDep, form: FormDep) -> Response:
    managed = managed_from_form(request, db, token, form)
    reason = reason_of(request, form)
    rotated = manage.rotate(db, managed.assessment, managed.actor, reason or "")
    return _remember_typed(request, see_manage(request, rotated, "rotated"), db, managed, form)


@router.post("/a/{token}/expiry")
def set_share_expiry(request: Request, token: str, db: DatabaseDep, form: FormDep) -> Response:
    managed = managed_from_form(request, db, token, form)
    choice = form.get("days", "")
    days = {str(d): d for d in manage.EXPIRY_DAYS}.get(choice)
    if days is None and choice != NEVER:
        return show_managed(request, db, managed, error="days", status=422)
    changed = manage.set_expiry(db, managed.assessment, days, managed.actor)
    return see_manage(request, changed, "expiry")


@router.post("/a/{token}/status")
def change_status(request: Request, token: str, db: DatabaseDep, form: FormDep) -> Response:
    """The status control of the manage view, with an optional reason for the audit trail."""
    managed = managed_from_form(request, db, token, form)
    lang = request.state.lang
    reason = reason_of(request, form)
    if reason is None:
        return show_managed(
            request,
            db,
            managed,
            field_errors={"reason": message("reason_too_long", lang)},
            status=422,
        )
    try:
        changed = assessments.set_status(
            db, managed.assessment.share_token, form.get("status"), managed.actor, reason
        )
    except assessments.InvalidStatus:
        raise HTTPException(422, message("invalid_status", lang)) from None
    return _remember_typed(request, see_manage(request, changed, "status"), db, managed, form)


@router.post("/a/{token}/accept")
def accept_revision(request: Request, token: str, db: DatabaseDep, form: FormDep) -> Response:
    """An owner accepts a proposed revision (this link's): it supersedes the version it revises."""
    managed = managed_from_form(request, db, token, form)
    reason = reason_of(request, form) or ""
    try:
        accepted = assessments.accept(db, managed.assessment, managed.actor, reason)
    except assessments.NotAProposal:
        return see_manage(request, managed.assessment, "accepted")
    return see_manage(request, accepted, "accepted")


@router.post("/a/{token}/keys")
def invite_owner(request: Request, token: str, db: DatabaseDep, form: FormDep) -> Response:
    """A co-owner key, labelled, shown once on the page this answers with (never in a URL)."""
    managed = managed_from_form(request, db, token, form)
    lang = request.state.lang
    try:
        key, raw = manage.invite(db, managed.assessment, form.get("label", ""), managed.actor)
    except manage.InvalidLabel as invalid:
        return show_managed(
            request,
            db,
            managed,
            field_errors={"label": message(invalid.code, lang, manage.LABEL_LIMIT)},
            status=422,
        )
    except manage.TooManyKeys:
        return show_managed(
            request, db, managed, field_errors={"label": message("too_many_keys", lang)}, status=422
        )
    return show_managed(request, db, managed, new_key=(key.label, raw))


@router.post("/a/{token}/keys/{key_id}/revoke")
def revoke_owner(
    request: Request, token: str, key_id: int, db: DatabaseDep, form: FormDep
) -> Response:
    managed = managed_from_form(request, db, token, form)
    manage.revoke(db, managed.assessment, key_id, managed.actor)
    if manager(request, db, managed.assessment) is None:
        # Revoked the key this browser held: it no longer manages; back to the verdict.
        return RedirectResponse(
            str(request.url_for("show_verdict", token=managed.assessment.share_token)),
            status_code=303,
        )
    return see_manage(request, managed.assessment, "revoked")
