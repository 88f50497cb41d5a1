"""The dataset check: a page of its own (reachable from the data step) and the JSON API.

The upload is streamed into the check and never stored (app/web/uploads.py). For a draft, the
report offers the suggested answers: accepting them stores those answers in the draft's data
step and, only if the team ticks the box, the measured profile with the assessment.
"""

import csv
import io
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from app import assessments, datasets, decision
from app.datasets import messages, store
from app.datasets.schema import DatasetReport
from app.models import Assessment
from app.web.deps import DatabaseDep, LangDep, SettingsDep
from app.web.routes.api import multipart_body
from app.web.templating import render
from app.web.uploads import CheckSlots, UploadProblem, check_upload, megabytes, slots_of

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1", tags=["datasets"])

PAGE_PATH = "/datasets/check"
API_PATH = "/api/v1/datasets/check"
UPLOAD_PATHS = frozenset({PAGE_PATH, API_PATH})


class LineProblemOut(BaseModel):
    line: int
    code: str
    message: str


class FileProblem(BaseModel):
    field: str = "file"
    code: str
    message: str
    errors: list[LineProblemOut] = Field(
        default_factory=list, description="The first bad lines, when lines are to blame"
    )


class FileProblems(BaseModel):
    detail: list[FileProblem]


def context_limit_of(fields: dict[str, str]) -> int:
    value = fields.get("context_limit", "")
    return (
        int(value)
        if value.isdigit() and int(value) in datasets.CONTEXT_LIMITS
        else datasets.DEFAULT_CONTEXT_LIMIT
    )


def localized(profile: dict[str, Any], lang: str) -> dict[str, Any]:
    """The profile with its line problems and the facts behind each suggestion in words."""
    errors = [
        {**e, "message": messages.line_problem(e["code"], lang, e["detail"])}
        for e in profile["errors"]
    ]
    facts = {q: [fact.get(lang) for fact in datasets.facts(profile, q)] for q in datasets.QUESTIONS}
    return {**profile, "errors": errors, "facts": facts}


def problem_of(error: Exception, lang: str, max_bytes: int) -> tuple[int, FileProblem]:
    if isinstance(error, UploadProblem):
        return error.status, FileProblem(
            code=error.code, message=messages.file_problem(error.code, lang, error.detail)
        )
    assert isinstance(error, datasets.Unreadable)
    if isinstance(error, datasets.TooManyExamples):
        return 413, FileProblem(
            code=error.code, message=messages.file_problem(error.code, lang, error.detail)
        )
    lines = [
        LineProblemOut(
            line=e.line, code=e.code, message=messages.line_problem(e.code, lang, e.detail)
        )
        for e in error.lines[:20]
    ]
    return 422, FileProblem(
        code=error.code, errors=lines, message=messages.file_problem(error.code, lang, error.detail)
    )


async def run_check(request: Request, max_bytes: int, context_limit, progress=None):
    """(upload, None) or (None, the problem): never raises for bad input. At most
    APP_MAX_CONCURRENT_CHECKS run at once; another gets the "busy" problem (503)."""
    slots = slots_of(request)
    try:
        slots.take()
    except UploadProblem as busy:
        return None, busy
    try:
        upload = await check_upload(
            request,
            max_bytes=max_bytes,
            context_limit=context_limit,
            progress=progress,
            max_examples=request.app.state.settings.max_check_examples,
        )
    except (UploadProblem, datasets.Unreadable) as error:
        return None, error
    finally:
        slots.give_back()
    assert upload.profile is not None
    upload.profile["file_name"] = upload.file_name
    return upload, None


# --- API -------------------------------------------------------------------------------------


@api_router.post(
    "/datasets/check",
    response_model=DatasetReport,
    responses={
        413: {
            "model": FileProblems,
            "description": "The file is over APP_MAX_UPLOAD_BYTES (refused before it is "
            "read whole), or has more lines than APP_MAX_CHECK_EXAMPLES.",
        },
        422: {
            "model": FileProblems,
            "description": "The file can't be checked: the problem, "
            "named, with the first bad lines.",
        },
        503: {
            "model": FileProblems,
            "description": "APP_MAX_CONCURRENT_CHECKS checks are running; try again after "
            "Retry-After seconds.",
        },
    },
    openapi_extra=multipart_body(
        {
            "file": "JSONL (chat, prompt/completion, Alpaca, ShareGPT, text, preference pairs) "
            "or CSV with input and output columns",
            "eval_file": "Optional, after file: an eval set, checked for exact and near copies "
            "of training examples (leakage)",
        }
    ),
)
async def check_dataset(
    request: Request,
    lang: LangDep,
    settings: SettingsDep,
    db: DatabaseDep,
    context_limit: Annotated[
        int,
        Query(ge=1, le=10_000_000, description=("Count the examples longer than this many tokens")),
    ] = datasets.DEFAULT_CONTEXT_LIMIT,
) -> Any:
    """Check a sample of training data: counts, duplicates, diversity, lengths, labels, possible
    edge cases, and suggested answers to the data step. The file is read as it streams in and
    never stored; its profile (the counts, no example) is kept for a day under `id`, which
    POST /api/v1/assessments takes as `dataset_check` to attach it. Token counts use tiktoken's
    cl100k_base, approximate for other models."""
    upload, error = await run_check(request, settings.max_upload_bytes, lambda _: context_limit)
    if error is not None:
        status, problem = problem_of(error, lang, settings.max_upload_bytes)
        return JSONResponse(
            {"detail": [problem.model_dump()]}, status_code=status, headers=retry_after(status)
        )
    check_id = await run_in_threadpool(store.save, db, upload.profile, None)
    return JSONResponse(
        {**localized(upload.profile, lang), "id": check_id}, headers={"Cache-Control": "no-store"}
    )


# --- Pages -----------------------------------------------------------------------------------


def open_draft(db, token: str | None) -> Assessment | None:
    """The draft a check (of a dataset or of an eval run) was started from, if the token names
    one still open."""
    if not token:
        return None
    try:
        draft = assessments.get(db, token)
    except assessments.NotFound:
        return None
    return None if draft.is_finished else draft


def retry_after(status: int) -> dict[str, str]:
    return {"Retry-After": str(CheckSlots.RETRY_AFTER)} if status == 503 else {}


def render_check(
    request: Request,
    *,
    draft: Assessment | None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Response:
    return render(
        request,
        "datasets/check.html",
        {
            "draft": draft,
            "profile": None,
            "problem": None,
            "context_limits": datasets.CONTEXT_LIMITS,
            "context_limit": datasets.DEFAULT_CONTEXT_LIMIT,
            "max_upload": megabytes(request.app.state.settings.max_upload_bytes),
            **context,
        },
        status_code=status_code,
        headers={"Cache-Control": "no-store", **(headers or {})},
    )


@router.get(PAGE_PATH, response_class=HTMLResponse)
def show_dataset_check(request: Request) -> Response:
    return render_check(request, draft=None)


@router.get("/d/{token}/data/check", response_class=HTMLResponse)
def show_draft_dataset_check(request: Request, token: str, db: DatabaseDep) -> Response:
    """The check started from a draft's data step: the token is in the path (masked in logs),
    never in a query string."""
    draft = open_draft(db, token)
    if draft is None:
        return _not_a_draft(request, db, token)
    return render_check(request, draft=draft)


def _not_a_draft(request: Request, db, token: str) -> Response:
    if not assessments.looks_like_token(token):
        raise HTTPException(404)
    assessments.get(db, token)
    return RedirectResponse(str(request.url_for("show_verdict", token=token)), status_code=303)


@router.post(PAGE_PATH, response_class=HTMLResponse)
async def check_dataset_page(
    request: Request, db: DatabaseDep, lang: LangDep, settings: SettingsDep
) -> Response:
    """Check the upload, keep its profile server-side (store.KEEP), and send the browser to the
    report's own URL (POST, redirect, GET: reloading shows the report, not an empty form)."""
    board = request.app.state.progress
    progress_id: dict[str, str | None] = {"id": None}

    def limit_of(fields: dict[str, str]) -> int:
        progress_id["id"] = fields.get("progress")
        board.start(progress_id["id"])
        return context_limit_of(fields)

    def report(examples: int) -> None:
        reporter = board.reporter(progress_id["id"])
        if reporter is not None:
            reporter(examples)

    try:
        upload, error = await run_check(request, settings.max_upload_bytes, limit_of, report)
    finally:
        board.finish(progress_id["id"])
    if error is not None:
        status, problem = problem_of(error, lang, settings.max_upload_bytes)
        return render_check(
            request, draft=None, status_code=status, problem=problem, headers=retry_after(status)
        )
    draft = open_draft(db, upload.fields.get("draft"))
    check_id = store.save(db, upload.profile, draft.id if draft else None)
    if draft is not None:
        url = request.url_for(
            "show_draft_dataset_report", token=draft.share_token, check_id=check_id
        )
    else:
        url = request.url_for("show_dataset_report", check_id=check_id)
    lang = request.query_params.get("lang")
    query = f"?lang={lang}" if lang in ("en", "zh") else ""
    return RedirectResponse(f"{url}{query}", status_code=303)


def _stored(db, check_id: str):
    try:
        return store.load(db, check_id)
    except store.Gone:
        raise HTTPException(410) from None
    except LookupError:
        raise HTTPException(404) from None


def render_report(request: Request, check, draft: Assessment | None) -> Response:
    return render_check(
        request,
        draft=draft,
        profile=check.profile,
        check_id=check.id,
        context_limit=check.profile["context_limit"],
        expires_at=check.expires_at,
    )


@router.get("/datasets/checks/{check_id}", response_class=HTMLResponse)
def show_dataset_report(request: Request, check_id: str, db: DatabaseDep) -> Response:
    """A check's report, read back: without the draft's token, nothing to accept."""
    return render_report(request, _stored(db, check_id), None)


@router.get("/d/{token}/data/checks/{check_id}", response_class=HTMLResponse)
def show_draft_dataset_report(
    request: Request, token: str, check_id: str, db: DatabaseDep
) -> Response:
    draft = open_draft(db, token)
    if draft is None:
        return _not_a_draft(request, db, token)
    check = _stored(db, check_id)
    if check.assessment_id != draft.id:
        raise HTTPException(404)
    return render_report(request, check, draft)


@router.get("/datasets/progress/{check_id}")
def read_dataset_progress(request: Request, check_id: str) -> Response:
    read = request.app.state.progress.read(check_id)
    if read is None:
        raise HTTPException(404)
    return JSONResponse({"examples": read}, headers={"Cache-Control": "no-store"})


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


@router.post("/d/{token}/data/measured")
async def accept_dataset_answers(request: Request, token: str, db: DatabaseDep) -> Response:
    """Store the suggested answers (all, or the one whose button was pressed) in the draft; with
    the box ticked, attach the profile the server computed for this draft's check."""
    form = await _form(request)
    draft = open_draft(db, token)
    if draft is None:
        return _not_a_draft(request, db, token)
    try:
        check = store.load(db, form.get("check", ""))
        if check.assessment_id != draft.id:
            raise LookupError(check.id)
    except LookupError:  # unknown, expired (Gone) or another draft's: nothing is stored
        problem = FileProblem(code="check", message=messages.CHECK_UNKNOWN.get(request.state.lang))
        return render_check(request, draft=draft, status_code=422, problem=problem)
    profile = check.profile
    suggested = datasets.suggest(profile)
    chosen = form.get("accept", "all")
    answers = suggested if chosen == "all" else {k: v for k, v in suggested.items() if k == chosen}
    if not answers:
        raise HTTPException(400)
    attach = form.get("attach") == "1"
    try:
        assessments.accept_measured(db, token, answers, profile if attach else None)
    except assessments.AlreadyFinished:
        return RedirectResponse(str(request.url_for("show_verdict", token=token)), status_code=303)
    except assessments.OutOfOrder as out_of_order:
        return RedirectResponse(
            str(request.url_for("show_step", token=token, step=out_of_order.current_step)),
            status_code=303,
        )
    except decision.InvalidAnswers:
        raise HTTPException(400) from None
    url = request.url_for("show_step", token=token, step=assessments.DATA_STEP)
    return RedirectResponse(f"{url}#measured", status_code=303)


FINDINGS = ("bad_lines", "duplicates", "near_duplicates", "templates", "label_conflicts")


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: a leading =, +, - or @ would start a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def findings_rows(profile: dict[str, Any], kind: str, lang: str) -> list[list[object]]:
    if kind == "bad_lines":
        rows: list[list[object]] = [["line", "kind", "code", "problem", "snippet"]]
        for e in profile.get("errors", []):
            message = messages.line_problem(e["code"], lang, e.get("detail", ""))
            rows.append([e["line"], "error", e["code"], message, e.get("snippet", "")])
        for w in profile.get("warnings", []):
            message = messages.warning(w["code"], lang, w.get("detail", ""))
            rows.append([w["line"], "warning", w["code"], message, ""])
        return rows
    if kind in ("duplicates", "near_duplicates"):
        key = "duplicate_groups" if kind == "duplicates" else "near_duplicate_groups"
        rows = [["group", "line"]]
        for number, group in enumerate(profile.get(key, []), 1):
            rows.extend([number, line] for line in group)
        return rows
    if kind == "templates":
        rows = [["template", "line", "snippet"]]
        shown = {e["line"]: e["text"] for e in profile.get("template_examples", [])}
        words = profile.get("largest_template", {}).get("words", "")
        for cluster in profile.get("template_clusters", []):
            rows.extend([words, line, shown.get(line, "")] for line in cluster)
        return rows
    rows = [["line", "conflicting_line", "input_similarity"]]
    rows.extend(
        [c["lines"][0], c["lines"][1], c["similarity"]] for c in profile.get("label_conflicts", [])
    )
    return rows


@router.get("/datasets/checks/{check_id}/{kind}.csv")
def download_dataset_findings(
    request: Request, check_id: str, kind: str, db: DatabaseDep, lang: LangDep
) -> Response:
    """One list of findings as CSV (UTF-8 with a BOM, for spreadsheets), with line numbers."""
    if kind not in FINDINGS:
        raise HTTPException(404)
    check = _stored(db, check_id)
    out = io.StringIO()
    writer = csv.writer(out)
    for row in findings_rows(check.profile, kind, lang):
        writer.writerow([_cell(value) for value in row])
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{kind}.csv"',
            "Cache-Control": "no-store",
        },
    )
