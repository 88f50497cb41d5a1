"""Request-scoped dependencies shared by the routes."""

from collections.abc import Mapping
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request

from app import assessments, manage
from app.db import Database
from app.models import Assessment
from app.settings import Settings
from app.web.access import SESSION_COOKIE
from app.web.manage_cookies import manage_tokens


# Async, so that these trivial lookups run on the event loop rather than hopping to a thread.
async def get_db(request: Request) -> Database:
    return request.app.state.db


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_lang(request: Request) -> str:
    return request.state.lang


DatabaseDep = Annotated[Database, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
LangDep = Annotated[str, Depends(get_lang)]


def is_signed_in(request: Request) -> bool:
    """A signed-in session (or the team password as a Bearer token), when the password is set."""
    gate = request.app.state.gate
    if gate is None:
        return False
    if request.scope.get("state", {}).get("signed_in"):
        return True  # the access middleware checked it already
    cookie = request.cookies.get(SESSION_COOKIE)
    return bool(cookie) and gate.session_id(cookie) is not None


def managed_assessment(
    request: Request,
    id: str,  # noqa: A002 - the API's name
    db: DatabaseDep,
    x_manage_token: Annotated[
        str | None, Header(description="The manage token returned when the assessment was made")
    ] = None,
) -> Assessment:
    try:
        return manage.authorize(db, id, x_manage_token, signed_in=is_signed_in(request))
    except assessments.NotFound:
        raise HTTPException(404, "Not found") from None


# For API routes with a path parameter `id`: the finished assessment its caller may manage, or
# 404 exactly as for an unknown id.
ManagedDep = Annotated[Assessment, Depends(managed_assessment)]


def can_manage(request: Request, db: Database, assessment: Assessment | assessments.Stamp) -> bool:
    """This browser finished it or was given its token (the manage cookie), or is signed in."""
    if any(manage.holds(assessment, token) for token in manage_tokens(request)):
        return True
    return is_signed_in(request)


def managed_from_form(
    request: Request, db: Database, token: str, form: Mapping[str, str]
) -> Assessment:
    """For HTML forms: the finished assessment, when the browser may manage it or the form
    carries its `manage_token`; otherwise 404, as for an unknown link."""
    try:
        assessment = manage.find(db, token)
    except assessments.NotFound:
        raise HTTPException(404) from None
    if manage.holds(assessment, form.get("manage_token")) or can_manage(request, db, assessment):
        return assessment
    raise HTTPException(404)


# --- Drafts -------------------------------------------------------------------------------


class DraftFinished(Exception):
    """The draft asked for was finished: its link now shows the verdict (see errors.install)."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.token = token


def open_draft(token: str, db: DatabaseDep) -> Assessment:
    """The draft named by the path's `token`: 404 when there is none, a 303 to the verdict once
    it is finished, so wizard handlers only ever see an open draft."""
    try:
        draft = assessments.get(db, token)
    except assessments.NotFound:
        raise HTTPException(404) from None
    if draft.is_finished:
        raise DraftFinished(token)
    return draft


OpenDraftDep = Annotated[Assessment, Depends(open_draft)]


def client_address(request: Request) -> str:
    """The client's address as the proxy middleware settled it (see APP_TRUSTED_PROXIES)."""
    return request.client.host if request.client else "unknown"
