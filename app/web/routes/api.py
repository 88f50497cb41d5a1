"""The JSON API for scripts and integrations, as specified in QUESTIONNAIRE.md."""

from dataclasses import replace
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, create_model
from starlette.concurrency import run_in_threadpool

from app import assessments, comments, costs, decision, history, manage
from app.costs import CostInputs
from app.datasets import store
from app.models import STATUSES
from app.web.bodies import (
    MAX_JSON_DEPTH,  # noqa: F401 - where the limit was read before app/web/bodies.py held it
    BodyProblem,
    CheckedBody,
    JSONBodyRoute,
    Problem,
    refuse,
)
from app.web.cost_schemas import CostsIn, StoredCosts
from app.web.deps import (
    DatabaseDep,
    LangDep,
    ManagerDep,
    SettingsDep,
    client_address,
    is_signed_in,
    today,
)
from app.web.export import api_record, comment_record, full_record, verdict_path
from app.web.forms import problem
from app.web.manage_cookies import manage_tokens

router = APIRouter(prefix="/api/v1", tags=["assessments"], route_class=JSONBodyRoute)

BODY_FIELDS = {"title", "team", "notes", "answers", "costs", "dataset_check"}


def _answer_field(question: decision.Question) -> tuple[Any, Any]:
    description = question.label.en
    if question.kind == "integer":
        return (
            int | None,
            Field(None, ge=question.minimum, le=question.maximum, description=description),
        )
    options = tuple(option.key for option in question.options)
    if question.default is not None:
        return (
            Literal[options] | None,
            Field(  # type: ignore[valid-type]
                None,
                description=f"{description} Optional: omitted, it counts as {question.default!r}.",
            ),
        )
    if question.key in decision.NOT_APPLICABLE_WHEN:
        key, value = decision.NOT_APPLICABLE_WHEN[question.key]
        return (
            Literal[options] | None,
            Field(  # type: ignore[valid-type]
                None,
                description=f"{description} Required unless {key} is {value!r}, when it does not apply.",
            ),
        )
    return (Literal[options], Field(..., description=description))  # type: ignore[valid-type]


# Generated from the questionnaire, so the documented schema can't drift from what is accepted.
Answers = create_model(
    "Answers",
    __config__=ConfigDict(extra="forbid"),
    **{key: _answer_field(question) for key, question in decision.QUESTIONS.items()},
)


class AssessmentIn(CheckedBody):
    title: str = Field(min_length=1, max_length=assessments.META_LIMITS["title"])
    team: str | None = Field("", max_length=assessments.META_LIMITS["team"])
    notes: str | None = Field("", max_length=assessments.META_LIMITS["notes"])
    answers: Answers  # type: ignore[valid-type]
    costs: CostsIn | None = Field(
        None, description="The optional numbers of the cost step, as POST /api/v1/costs takes them."
    )
    dataset_check: str | None = Field(
        None,
        description="The `id` POST /api/v1/datasets/check returned (kept for a day): what it "
        "measured is attached, as the wizard's data step attaches a check. Preference pairs "
        "lead to preference tuning, and the training plan is sized from the measured tokens.",
    )
    # What the use case takes: the answers as the engine checked them, the cost inputs parsed.
    _answers: dict[str, Any] = PrivateAttr(default_factory=dict)
    _cost_inputs: CostInputs | None = PrivateAttr(None)

    @classmethod
    def check(cls, body: dict[str, Any]) -> "AssessmentIn":
        """The wizard's own checks (meta, answers, costs), each offending field named, in the
        order of the body's parts, with the engine's messages in both languages."""
        problems: list[Problem] = [
            BodyProblem(key, "unknown_field") for key in body if key not in BODY_FIELDS
        ]
        meta, meta_problems = assessments.validate_meta(body)
        problems += [BodyProblem(p.field, p.code, p.limit) for p in meta_problems]
        answers: dict[str, Any] = {}
        if not isinstance(body.get("answers"), dict):
            problems.append(BodyProblem("answers", "not_object"))
        else:
            answers, answer_errors = decision.validate_answers(body["answers"])
            problems += [replace(e, field=f"answers.{e.field}") for e in answer_errors]
        cost_inputs = None
        if body.get("costs") is not None:
            cost_inputs, cost_errors = costs.parse_costs(body["costs"], prefix="costs.")
            problems += cost_errors
        check = body.get("dataset_check")
        if check is not None and not isinstance(check, str):
            problems.append(BodyProblem("dataset_check", "not_text"))
        if problems:
            refuse(problems)
        checked = cls.model_construct(
            **meta, answers=Answers.model_construct(**answers), dataset_check=check
        )
        checked._answers, checked._cost_inputs = answers, cost_inputs
        return checked

    @property
    def meta(self) -> dict[str, str]:
        return {"title": self.title, "team": self.team or "", "notes": self.notes or ""}


class FieldProblem(BaseModel):
    field: str
    code: str
    message: str


class Problems(BaseModel):
    detail: list[FieldProblem]


class Created(BaseModel):
    id: str
    url: str
    verdict: dict[str, Any]
    manage_token: str = Field(
        description="The first manage key of this decision (send it as X-Manage-Token): it "
        "manages every version. Given only in this answer and stored only as a hash: keep it."
    )


Status = Literal[STATUSES]  # type: ignore[valid-type]


class RevisionLink(BaseModel):
    id: str | None = Field(description="Its share token: given to owners of the decision only")
    url: str | None = Field(description="Its page: given to owners of the decision only")
    version: int
    finished_at: str | None


class CommentOut(BaseModel):
    id: int
    author: str
    text: str
    created_at: str


class CommentIn(CheckedBody):
    author: str = Field(
        min_length=1, max_length=comments.LIMITS["author"], description="A display name"
    )
    text: str = Field(min_length=1, max_length=comments.LIMITS["text"])

    @classmethod
    def check(cls, body: dict[str, Any]) -> "CommentIn":
        problems: list[Problem] = [
            BodyProblem(key, "unknown_comment_field") for key in body if key not in comments.LIMITS
        ]
        comment, errors = comments.validate(body)
        problems += [BodyProblem(e.field, e.code, e.limit) for e in errors]
        if problems or comment is None:
            refuse(problems)
        return cls.model_construct(author=comment.author, text=comment.text)


class AssessmentOut(BaseModel):
    id: str
    url: str
    title: str
    team: str
    notes: str
    answers: dict[str, Any]
    verdict: dict[str, Any]
    costs: StoredCosts | None
    created_at: str
    finished_at: str | None
    data_profile: dict[str, Any] | None = Field(
        None, description="What a dataset check measured, when the team attached it"
    )
    eval_run: dict[str, Any] | None = Field(
        None,
        description="What an eval-run check measured (POST /api/v1/evals/check's summary), "
        "when the team attached it",
    )
    status: Status = Field(  # type: ignore[valid-type]
        description="As an architecture decision record's: proposed until changed; superseded "
        "as soon as a revision of it is finished"
    )
    version: int = Field(
        description="1 for an original; a revision is one more than the one it revises"
    )
    revised_from: RevisionLink | None = Field(description="The assessment this one revises")
    superseded_by: RevisionLink | None = Field(
        description="The newest finished revision of this one, which supersedes it"
    )
    comments: list[CommentOut] = Field(description="The team's comments, oldest first")
    is_proposal: bool = Field(
        description="A revision finished by someone who does not own the decision: it "
        "supersedes nothing until an owner accepts it"
    )
    proposals: list[RevisionLink] = Field(
        description="Proposed revisions of this version waiting for an owner, newest first"
    )
    audit: list[dict[str, Any]] | None = Field(
        None,
        description="The decision's audit trail, newest first (owners only; null for others): "
        '{"action", "version", "detail", "who": {"kind": "key" | "session", "label"}, '
        '"reason", "at"}',
    )
    plan: dict[str, Any] | None = Field(
        None, description="The training plan of a fine-tuning verdict (GET .../plan), else null"
    )


def checked_reason(body: dict[str, Any], problems: list[Problem]) -> str | None:
    """A body's optional reason, cleaned as the pages clean it (None, with a problem, if too long)."""
    reason = manage.clean_reason(body.get("reason") or "")
    if reason is None:
        problems.append(BodyProblem("reason", "reason_too_long"))
    return reason


class StatusIn(CheckedBody):
    status: Status  # type: ignore[valid-type]
    reason: str | None = Field(None, max_length=500, description="Kept in the audit trail")

    @classmethod
    def check(cls, body: dict[str, Any]) -> "StatusIn":
        problems: list[Problem] = [
            BodyProblem(key, "unknown_status_field")
            for key in body
            if key not in {"status", "reason"}
        ]
        if body.get("status") not in STATUSES:
            problems.append(BodyProblem("status", "invalid_status"))
        reason = checked_reason(body, problems)
        if problems:
            refuse(problems)
        return cls.model_construct(status=body["status"], reason=reason)


class Summary(BaseModel):
    id: str | None = Field(
        description="Its share token: null unless the caller owns the decision (an X-Manage-Token "
        "of it, or signed in with the team password)"
    )
    url: str | None
    title: str
    team: str
    recommendation: str
    confidence: str
    finished_at: str
    status: Status  # type: ignore[valid-type]
    version: int


class Listing(BaseModel):
    items: list[Summary]
    next_cursor: str | None
    counts: dict[str, int]
    counts_capped: bool = Field(
        description="True when a search matched so many assessments that "
        "`counts` cover only the newest of them"
    )


class SourceOut(BaseModel):
    author: str
    title: str
    year: int
    url: str


class PrincipleOut(BaseModel):
    key: str
    title: str
    statement: str
    invariant: int | None = Field(description="The hard invariant of the contract it keeps, if any")


class RuleOut(BaseModel):
    id: str
    principle: str = Field(description="Key of the principle the rule belongs to")
    condition: str = Field(description="When the rule applies, in words")
    scores: dict[str, int] = Field(description="Points the rule adds to each approach")
    exclude: list[str] = Field(description="Approaches the rule rules out, whatever their points")
    reason: str
    source: SourceOut = Field(description="The source that makes the rule's claim")
    more_sources: list[SourceOut]


class RulesOut(BaseModel):
    rules_version: str
    base_scores: dict[str, int] = Field(description="Every approach's starting points")
    principles: list[PrincipleOut]
    rules: list[RuleOut]


def unprocessable(problems: list[dict[str, str]]) -> JSONResponse:
    return JSONResponse({"detail": problems}, status_code=422)


def multipart_body(
    files: dict[str, str], *, several: dict[str, int] | None = None
) -> dict[str, Any]:
    """`openapi_extra` for an upload a route reads from the stream itself (the dataset and the
    eval-run checks): `files` are the binary fields, the first required, by their descriptions;
    `several` gives a field that may be sent up to that many times."""
    properties: dict[str, Any] = {}
    for name, description in files.items():
        binary = {"type": "string", "format": "binary"}
        if several and name in several:
            properties[name] = {"type": "array", "maxItems": several[name], "items": binary}
        else:
            properties[name] = dict(binary)
        properties[name]["description"] = description
    schema = {"type": "object", "required": [next(iter(files))], "properties": properties}
    return {
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": schema}}}
    }


@router.post(
    "/assessments",
    status_code=201,
    response_model=Created,
    responses={
        422: {"model": Problems, "description": "Each offending field, named; nothing stored."}
    },
)
async def create_assessment(
    request: Request, body: AssessmentIn, db: DatabaseDep, lang: LangDep
) -> Any:
    """Judge a complete set of answers and store it; the answer holds the share link and, once
    only, the manage token."""
    profile = None
    if body.dataset_check is not None:
        try:
            check = await run_in_threadpool(store.load, db, body.dataset_check)
            if check.assessment_id is not None:  # a draft's own check is the draft's to attach
                raise LookupError(check.id)
        except LookupError:  # unknown, expired (Gone) or a draft's: nothing is stored
            return JSONResponse(
                {"detail": [problem("dataset_check", "unknown_check", lang)]}, status_code=422
            )
        profile = check.profile
    assessment = await run_in_threadpool(
        assessments.create_finished, db, body.meta, body._answers, body._cost_inputs, profile
    )
    record = api_record(assessment, lang, verdict_path(request, assessment), today=today(request))
    return JSONResponse(
        {
            "id": record["id"],
            "url": record["url"],
            "verdict": record["verdict"],
            "manage_token": assessment.manage_token,
        },
        status_code=201,
        headers={"Location": record["url"], "Cache-Control": "no-store"},
    )


@router.get(
    "/assessments/{id}",
    response_model=AssessmentOut,
    responses={404: {"description": "No finished assessment has that id."}},
)
def read_assessment(request: Request, id: str, db: DatabaseDep, lang: LangDep) -> Any:  # noqa: A002 - the API's name
    """One finished assessment: title, team, notes, answers, verdict, timestamps, status and
    versions. Other versions' links (`id`, `url`) and the `audit` trail only for owners of the
    decision: send one of its manage keys as X-Manage-Token (or sign in). A replaced or expired
    link answers 410."""
    assessment = assessments.get_finished(db, id)
    owner = manage.actor_for(
        db,
        assessment.decision_id,
        [request.headers.get("x-manage-token"), *manage_tokens(request)],
        signed_in=is_signed_in(request),
    )
    return JSONResponse(
        full_record(request, db, assessment, lang, owner=owner is not None),
        headers={"Cache-Control": "no-store"},
    )


NOT_MANAGED = {
    404: {
        "description": "No finished assessment has that id, or X-Manage-Token is missing, wrong "
        "or revoked."
    },
    410: {"description": "The link was replaced by a rotation, or has expired."},
}


class Link(BaseModel):
    id: str = Field(description="The new share token")
    url: str


class ExpiryIn(CheckedBody):
    days: Literal[manage.EXPIRY_DAYS] | None = Field(  # type: ignore[valid-type]
        description="The share link stops working this many days from now; null: never"
    )

    otherwise = BodyProblem("days", "invalid_expiry")

    @classmethod
    def check(cls, body: dict[str, Any]) -> "ExpiryIn":
        days = body.get("days")
        if set(body) != {"days"} or (
            days is not None and (type(days) is not int or days not in manage.EXPIRY_DAYS)
        ):
            refuse([cls.otherwise])
        return cls.model_construct(days=days)


class Expiry(BaseModel):
    id: str
    url: str
    expires_at: str | None


@router.post("/assessments/{id}/rotate", response_model=Link, responses=NOT_MANAGED)
def rotate_link(request: Request, managed: ManagerDep, db: DatabaseDep) -> Any:
    """A new share link; the old one answers 410 Gone from now on, everywhere."""
    rotated = manage.rotate(db, managed.assessment, managed.actor)
    return JSONResponse(
        {"id": rotated.share_token, "url": verdict_path(request, rotated)},
        headers={"Cache-Control": "no-store"},
    )


@router.put(
    "/assessments/{id}/expiry",
    response_model=Expiry,
    responses={
        **NOT_MANAGED,
        422: {"model": Problems, "description": "days is not 7, 30, 90 or null."},
    },
)
async def set_link_expiry(
    request: Request, managed: ManagerDep, body: ExpiryIn, db: DatabaseDep
) -> Any:
    """When the share link stops working: 7, 30 or 90 days from now, or never (null)."""
    changed = await run_in_threadpool(
        manage.set_expiry, db, managed.assessment, body.days, managed.actor
    )
    expires_at = changed.share_expires_at
    return JSONResponse(
        {
            "id": changed.share_token,
            "url": verdict_path(request, changed),
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
        headers={"Cache-Control": "no-store"},
    )


@router.patch(
    "/assessments/{id}",
    response_model=AssessmentOut,
    responses={
        **NOT_MANAGED,
        422: {"model": Problems, "description": "Not a status; nothing changed."},
    },
)
async def update_assessment(
    request: Request, managed: ManagerDep, body: StatusIn, db: DatabaseDep, lang: LangDep
) -> Any:
    """Change the status (proposed, accepted, rejected, superseded) of a finished assessment.

    Finishing a revision supersedes the assessment it revises by itself; this sets any status,
    for decisions taken elsewhere or to reopen one."""
    changed = await run_in_threadpool(
        assessments.set_status,
        db,
        managed.assessment.share_token,
        body.status,
        managed.actor,
        body.reason or "",
    )
    record = await run_in_threadpool(full_record, request, db, changed, lang, owner=True)
    return JSONResponse(record, headers={"Cache-Control": "no-store"})


@router.delete("/assessments/{id}", status_code=204, responses=NOT_MANAGED)
def api_delete_assessment(managed: ManagerDep, db: DatabaseDep) -> Response:
    """Delete the assessment with its comments and attached data, from everywhere, for good
    (the deletion stays on the decision's audit trail)."""
    assessments.delete(db, managed.assessment.id, managed.actor)
    return Response(status_code=204)


@router.delete("/assessments/{id}/comments/{comment_id}", status_code=204, responses=NOT_MANAGED)
def api_delete_comment(managed: ManagerDep, comment_id: int, db: DatabaseDep) -> Response:
    """Delete one comment (owners of the decision only)."""
    comments.delete(db, managed.assessment.id, comment_id)
    return Response(status_code=204)


@router.post(
    "/assessments/{id}/comments",
    status_code=201,
    response_model=CommentOut,
    responses={
        404: {"description": "No finished assessment has that id."},
        422: {"model": Problems, "description": "Each offending field, named; nothing stored."},
        429: {"description": "Too many comments from this address or on this assessment."},
    },
)
async def create_comment(
    request: Request,
    id: str,  # noqa: A002 - the API's name
    body: CommentIn,
    db: DatabaseDep,
    lang: LangDep,
) -> Any:
    """Add a comment under a display name: anyone with the share link may."""
    comment = comments.CommentIn(author=body.author, text=body.text)
    try:
        stored = await run_in_threadpool(comments.add, db, id, comment, client_address(request))
    except comments.Throttled as throttled:
        return JSONResponse(
            {"detail": problem("body", "comment_throttled", lang)["message"]},
            status_code=429,
            headers={"Retry-After": str(throttled.retry_after)},
        )
    return JSONResponse(comment_record(stored), status_code=201)


@router.get(
    "/assessments",
    response_model=Listing,
    responses={
        422: {
            "model": Problems,
            "description": "A bad cursor or filter, or a search with no letter or digit.",
        },
        503: {"description": "The search took too long, or the server is busy."},
    },
)
def api_list_assessments(
    request: Request,
    db: DatabaseDep,
    lang: LangDep,
    settings: SettingsDep,
    q: Annotated[str, Query(max_length=200, description="Search in title and team")] = "",
    recommendation: Annotated[
        Literal[tuple(decision.APPROACHES)] | None, Query(description="Only this verdict")  # type: ignore[valid-type]
    ] = None,
    status: Annotated[
        Status | None,  # type: ignore[valid-type]
        Query(description="Only this status; `counts` then count this status only"),
    ] = None,
    cursor: Annotated[
        str | None, Query(max_length=200, description="next_cursor of the previous page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Any:
    """Finished assessments, newest first. Each item's `id` and `url` are null unless the caller
    owns its decision (a manage key of it as X-Manage-Token, or signed in with the team
    password): a rotated link can't be read off the list."""
    try:
        page = history.history(
            db,
            q=q,
            recommendation=recommendation,
            status=status,
            cursor=cursor,
            limit=limit,
            timeout=settings.search_timeout,
        )
    except history.InvalidCursor:
        return unprocessable([problem("cursor", "invalid_cursor", lang)])
    except history.Unsearchable:
        return unprocessable([problem("q", "unsearchable", lang)])
    # Share links only for decisions the caller owns: a rotated link can't be read off the list.
    owned = (
        None
        if is_signed_in(request)
        else manage.owned_decisions(
            db, [request.headers.get("x-manage-token"), *manage_tokens(request)]
        )
    )
    return {
        "items": [
            {
                "id": a.share_token if owned is None or a.decision_id in owned else None,
                "url": verdict_path(request, a)
                if owned is None or a.decision_id in owned
                else None,
                "title": a.title,
                "team": a.team,
                "recommendation": a.recommendation,
                "confidence": a.confidence,
                "finished_at": a.finished_at.isoformat(),
                "status": a.status,
                "version": a.version,
            }
            for a in page.items
        ],
        "next_cursor": page.next_cursor,
        "counts": page.counts,
        "counts_capped": page.counts_capped,
    }


@router.get("/rules", response_model=RulesOut, tags=["rules"])
def list_rules(lang: LangDep) -> Any:
    """Every rule the engine applies, with its points, vetoes and source: the data behind "How we decide"."""
    return decision.rules_document(lang)
