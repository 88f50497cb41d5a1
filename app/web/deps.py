"""Request-scoped dependencies shared by the routes."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
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


def today(request: Request) -> date:
    """The day dated facts are judged on (a model's retirement, a provider's last day for new
    fine-tuning jobs): the app's clock, `app.state.today` (date.today; tests fix it)."""
    return request.app.state.today()


async def get_today(request: Request) -> date:
    return today(request)


DatabaseDep = Annotated[Database, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
LangDep = Annotated[str, Depends(get_lang)]
TodayDep = Annotated[date, Depends(get_today)]


def is_signed_in(request: Request) -> bool:
    """A signed-in session (or the team password as a Bearer token), when the password is set."""
    gate = request.app.state.gate
    if gate is None:
        return False
    if request.scope.get("state", {}).get("signed_in"):
        return True  # the access middleware checked it already
    cookie = request.cookies.get(SESSION_COOKIE)
    return bool(cookie) and gate.session_id(cookie) is not None


@dataclass(frozen=True)
class Managed:
    """A finished assessment and who manages it in this request."""

    assessment: Assessment
    actor: manage.Actor


def managed(
    request: Request,
    id: str,  # noqa: A002 - the API's name
    db: DatabaseDep,
    x_manage_token: Annotated[
        str | None,
        Header(description="A manage key of the decision (given when it was made, or invited)"),
    ] = None,
) -> Managed:
    assessment, actor = manage.authorize(db, id, x_manage_token, signed_in=is_signed_in(request))
    return Managed(assessment, actor)


# For API routes with a path parameter `id`: the finished assessment its caller may manage and
# who that is, or 404 exactly as for an unknown id (410 for a replaced link, whoever asks).
ManagerDep = Annotated[Managed, Depends(managed)]


def manager(
    request: Request, db: Database, assessment: Assessment | assessments.Stamp
) -> manage.Actor | None:
    """Who in this browser manages the assessment's decision: a key it holds (the manage cookie:
    it finished the first version or was given a key), or its session; None: nobody."""
    return manage.actor_for(
        db, assessment.decision_id, manage_tokens(request), signed_in=is_signed_in(request)
    )


def can_manage(request: Request, db: Database, assessment: Assessment | assessments.Stamp) -> bool:
    return manager(request, db, assessment) is not None


def owned_decisions(request: Request, db: Database) -> frozenset[int] | None:
    """The decisions this browser owns; None: all of them (signed in with the team password)."""
    if is_signed_in(request):
        return None
    return manage.owned_decisions(db, manage_tokens(request))


def managed_from_form(
    request: Request, db: Database, token: str, form: Mapping[str, str]
) -> Managed:
    """For HTML forms: the finished assessment and who manages it, when the browser may or the
    form carries a `manage_token` of its decision; otherwise 404, as for an unknown link."""
    assessment = manage.find(db, token)
    actor = manage.actor_for(
        db,
        assessment.decision_id,
        [form.get("manage_token"), *manage_tokens(request)],
        signed_in=is_signed_in(request),
    )
    if actor is None:
        raise HTTPException(404)
    manage.touch(db, actor)
    return Managed(assessment, actor)


# --- Drafts -------------------------------------------------------------------------------


class DraftFinished(Exception):
    """The draft asked for was finished: its link now shows the verdict (see errors.install)."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.token = token


def open_draft(token: str, db: DatabaseDep) -> Assessment:
    """The draft named by the path's `token`: 404 when there is none, a 303 to the verdict once
    it is finished, so wizard handlers only ever see an open draft."""
    draft = assessments.get(db, token)
    if draft.is_finished:
        raise DraftFinished(token)
    return draft


OpenDraftDep = Annotated[Assessment, Depends(open_draft)]


def client_address(request: Request) -> str:
    """The client's address as the proxy middleware settled it (see APP_TRUSTED_PROXIES)."""
    return request.client.host if request.client else "unknown"
