"""The API of a decision's owners: manage keys (invite, list, revoke), the audit trail, and
accepting a proposed revision. Every route takes a manage key of the decision as X-Manage-Token
(or the team password when it is set), and answers 404 without one, as for an unknown id."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from app import assessments, manage
from app.web.bodies import BodyProblem, CheckedBody, JSONBodyRoute, Problem, refuse
from app.web.deps import DatabaseDep, LangDep, ManagerDep
from app.web.export import full_record
from app.web.forms import problem
from app.web.routes.api import NOT_MANAGED, AssessmentOut, Problems, checked_reason

router = APIRouter(prefix="/api/v1", tags=["owners"], route_class=JSONBodyRoute)
NO_STORE = {"Cache-Control": "no-store"}


class KeyIn(CheckedBody):
    label: str = Field(
        min_length=1, max_length=manage.LABEL_LIMIT, description="Who the key is for, e.g. a name"
    )

    @classmethod
    def check(cls, body: dict[str, Any]) -> "KeyIn":
        unknown = [BodyProblem(key, "unknown_key_field") for key in body if key != "label"]
        if unknown:
            refuse(unknown)
        try:
            label = manage.clean_label(body.get("label"))
        except manage.InvalidLabel as invalid:
            refuse([BodyProblem("label", invalid.code, manage.LABEL_LIMIT)])
        return cls.model_construct(label=label)


class KeyOut(BaseModel):
    id: int
    label: str = Field(description="Empty for the key given when the decision was first finished")
    created_at: str
    last_used_at: str | None
    revoked_at: str | None


class NewKey(KeyOut):
    key: str = Field(
        description="The key itself (send it as X-Manage-Token). Given only in this answer and "
        "stored only as a hash: hand it to the co-owner."
    )


class Keys(BaseModel):
    items: list[KeyOut]


class Who(BaseModel):
    kind: str = Field(description='"key" or "session" (signed in with the team password)')
    label: str


class EventOut(BaseModel):
    action: str = Field(description=" | ".join(manage.ACTIONS))
    version: int | None
    detail: dict[str, Any]
    who: Who
    reason: str
    at: str


class Trail(BaseModel):
    items: list[EventOut] = Field(description="Newest first")


class AcceptIn(CheckedBody):
    reason: str | None = Field(None, max_length=manage.REASON_LIMIT)

    @classmethod
    def check(cls, body: dict[str, Any]) -> "AcceptIn":
        problems: list[Problem] = [
            BodyProblem(key, "unknown_accept_field") for key in body if key != "reason"
        ]
        reason = checked_reason(body, problems)
        if problems:
            refuse(problems)
        return cls.model_construct(reason=reason)


@router.post(
    "/assessments/{id}/keys",
    status_code=201,
    response_model=NewKey,
    responses={**NOT_MANAGED, 422: {"model": Problems, "description": "A missing or long label."}},
)
async def api_invite(
    request: Request, managed: ManagerDep, body: KeyIn, db: DatabaseDep, lang: LangDep
) -> Any:
    """A co-owner key for the decision (every version of it), with a label; the key is given
    only in this answer."""
    try:
        key, raw = await run_in_threadpool(
            manage.invite, db, managed.assessment, body.label, managed.actor
        )
    except manage.TooManyKeys:
        return JSONResponse({"detail": [problem("label", "too_many_keys", lang)]}, status_code=422)
    return JSONResponse({**manage.key_record(key), "key": raw}, status_code=201, headers=NO_STORE)


@router.get("/assessments/{id}/keys", response_model=Keys, responses=NOT_MANAGED)
def api_keys(managed: ManagerDep, db: DatabaseDep) -> Any:
    """The decision's keys, oldest first, revoked ones included; never the keys themselves."""
    return JSONResponse(
        {"items": [manage.key_record(k) for k in manage.keys(db, managed.assessment.decision_id)]},
        headers=NO_STORE,
    )


@router.delete("/assessments/{id}/keys/{key_id}", status_code=204, responses=NOT_MANAGED)
def api_revoke(managed: ManagerDep, key_id: int, db: DatabaseDep) -> Response:
    """Revoke one of the decision's keys: it manages nothing from now on (404 for a key of
    another decision)."""
    manage.revoke(db, managed.assessment, key_id, managed.actor)
    return Response(status_code=204)


@router.get("/assessments/{id}/audit", response_model=Trail, responses=NOT_MANAGED)
def api_audit(managed: ManagerDep, db: DatabaseDep) -> Any:
    """The decision's audit trail: who changed what, when, and why."""
    events = manage.trail(db, managed.assessment.decision_id)
    return JSONResponse(
        {"items": [manage.event_record(event) for event in events]}, headers=NO_STORE
    )


@router.post(
    "/assessments/{id}/accept",
    response_model=AssessmentOut,
    responses={
        **NOT_MANAGED,
        422: {"model": Problems, "description": "Not a proposed revision; nothing changed."},
    },
)
async def api_accept(
    request: Request, managed: ManagerDep, body: AcceptIn, db: DatabaseDep, lang: LangDep
) -> Any:
    """Accept a proposed revision: it supersedes the version it revises."""
    if not managed.assessment.is_proposal:
        return JSONResponse({"detail": [problem("id", "not_a_proposal", lang)]}, status_code=422)
    try:
        accepted = await run_in_threadpool(
            assessments.accept, db, managed.assessment, managed.actor, body.reason or ""
        )
    except assessments.NotAProposal:
        return JSONResponse({"detail": [problem("id", "not_a_proposal", lang)]}, status_code=422)
    record = await run_in_threadpool(full_record, request, db, accepted, lang, owner=True)
    return JSONResponse(record, headers=NO_STORE)
