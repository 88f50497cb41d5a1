"""The eval-run check: a page of its own (linked from the accuracy step) and the JSON API.

The files are read as they arrive and never stored (app/web/eval_uploads.py). A check made from a
draft keeps its summary with the draft under a random id (`eval_check`); the report's button
posts only that id, and attaching copies what the server computed into `eval_run` and the
accuracy step's answers. No number a client posts is ever stored as measured.
"""

from typing import Annotated, Any

import anyio
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from app import assessments, evals
from app.evals import messages
from app.models import Assessment
from app.web.deps import DatabaseDep, LangDep, SettingsDep
from app.web.eval_uploads import read_eval_upload
from app.web.routes.api import multipart_body
from app.web.routes.datasets import open_draft
from app.web.templating import render
from app.web.uploads import UploadProblem, megabytes

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1", tags=["evals"])

PAGE_PATH = "/evals/check"
API_PATH = "/api/v1/evals/check"
UPLOAD_PATHS = frozenset({PAGE_PATH, API_PATH})

FORMAT_LABELS = {
    "csv": "CSV",
    "promptfoo_json": "promptfoo JSON",
    "promptfoo_csv": "promptfoo CSV",
    "openai_evals": "openai/evals JSONL",
    "inspect": "Inspect JSON log",
}


# --- Schemas (OpenAPI) -------------------------------------------------------------------------


class Paired(BaseModel):
    both_pass: int
    only_new: int = Field(description="Cases only the newer run passed")
    only_old: int = Field(description="Cases only the older run passed")
    both_fail: int
    p_value: float = Field(
        description="Exact McNemar test, two-sided: 2 x P(X <= min(only_new, only_old)) for "
        "X ~ Binomial(only_new + only_old, 1/2), at most 1"
    )
    matched: int = Field(description="Cases graded in both runs, matched by id")
    with_error: int = Field(description="Matched cases left out: an error in either run")
    only_in_new: int
    only_in_old: int
    change: float | None = Field(description="Accuracy points gained on the matched cases")
    real: bool = Field(description="p_value < 0.05")
    direction: str = Field(description="better, worse or same")
    from_: int = Field(alias="from", description="Index in runs of the older run")
    to: int = Field(description="Index in runs of the newer run")


class OtherScorer(BaseModel):
    name: str
    accuracy: float | None = Field(description="Its accuracy in the log's results, 0-1")


class RunCounts(BaseModel):
    file_name: str
    format: str
    format_version: str | None
    name: str | None = Field(description="Task, eval or model, when the file says")
    scorer: str | None = Field(
        None, description="Inspect: the scorer counted (the first of results.scores)"
    )
    other_scorers: list[OtherScorer] = Field(
        default_factory=list, description="Inspect: the log's other scorers, not counted"
    )
    cases: int = Field(description="Cases; in an Inspect log, distinct samples (never epochs)")
    epochs: int = Field(
        1,
        description="Inspect: the most epochs a sample was run. Above 1, accuracy is the mean "
        "over graded samples of each one's share of passed epochs, passed counts the samples "
        "that passed in more than half of them, and an error is a sample that errored in all",
    )
    passed: int
    failed: int
    partial_as_fail: int = Field(
        0,
        description="Inspect: samples given partial credit (P, or a score strictly between 0 "
        "and 1), counted as a fail in that epoch: the accuracy and its Wilson interval count "
        "whole passes and fails",
    )
    errors: int = Field(description="Cases the model or grader failed to answer: not counted")
    graded: int = Field(description="cases - errors")
    accuracy: float = Field(description="passed / graded, 0-1")
    low: float = Field(description="95% Wilson interval, lower bound, 0-1")
    high: float = Field(description="95% Wilson interval, upper bound, 0-1")


class ToTell(BaseModel):
    target: int = Field(
        description="An accuracy target, percent (best_effort 85, high 95, critical 99)"
    )
    settled: bool = Field(description="The 95% interval already leaves the target out")
    cases_needed: int | None = Field(
        description="About how many cases at this accuracy would tell the target from it "
        "(rounded up to 2 significant figures: not always the fewest); null when settled, or when no number up to 100,000 would"
    )
    graded: int


class Failure(BaseModel):
    name: str
    count: int


class EvalReport(RunCounts):
    percent: int = Field(
        description="accuracy as the whole percent baseline_accuracy takes, rounded down"
    )
    to_tell: list[ToTell]
    failures: list[Failure] = Field(description="Failure categories or assertion names, most first")
    paired: Paired | None = Field(description="The latest run against the one before, or null")
    steps: list[Paired] = Field(description="Each consecutive pair of runs, oldest first")
    runs: list[RunCounts] = Field(description="Every run given, oldest first; the latest last")
    plateaued: bool | None = Field(
        description="True: two or more steps, none improves significantly, the last does not "
        "do better, and each had at least 6 discordant pairs (enough to reach p < 0.05); false: "
        "the last step improves significantly; null: no claim"
    )
    checked_at: str


class LineProblemOut(BaseModel):
    line: int | None = Field(description="Line of a text file (CSV, JSON Lines)")
    item: int | None = Field(description="Item of a JSON log (results[] or samples[]), from 1")
    code: str
    message: str


class FileProblem(BaseModel):
    field: str = "file"
    code: str
    message: str
    run: int | None = Field(None, description="Which run, from 1, oldest first, when several")
    file_name: str | None = None
    errors: list[LineProblemOut] = Field(default_factory=list)


class FileProblems(BaseModel):
    detail: list[FileProblem]


# --- Checking ----------------------------------------------------------------------------------


def problem_of(error: Exception, lang: str) -> tuple[int, FileProblem]:
    if isinstance(error, UploadProblem):
        detail = error.detail
        return error.status, FileProblem(
            code=error.code, message=messages.file_problem(error.code, lang, detail)
        )
    assert isinstance(error, evals.Unreadable)
    run = getattr(error, "run", None)
    name = getattr(error, "file_name", None)
    message = messages.file_problem(error.code, lang, error.detail, error.values)
    if run is not None:
        prefix = f"Run {run}" if lang == "en" else f"第 {run} 个运行结果"
        message = f"{prefix} ({name}): {message}" if name else f"{prefix}: {message}"
    lines = [
        LineProblemOut(
            line=p.line,
            item=p.item,
            code=p.code,
            message=messages.line_problem(p.code, lang, p.detail),
        )
        for p in error.problems
    ]
    runs = getattr(error, "runs", None)
    return 422, FileProblem(
        field="previous" if run is not None and runs and run < runs else "file",
        code=error.code,
        message=message,
        run=run,
        file_name=name,
        errors=lines,
    )


async def run_check(request: Request, max_bytes: int):
    """(upload, summary, None) or (None, None, the problem): never raises for bad input."""
    try:
        upload = await read_eval_upload(request, max_bytes=max_bytes)
        files = upload.files
        try:
            summary = await anyio.to_thread.run_sync(evals.check, files)
        except evals.Unreadable as error:
            error.runs = len(files)  # type: ignore[attr-defined]
            raise
    except (UploadProblem, evals.Unreadable) as error:
        return None, None, error
    summary["file_name"] = upload.latest[0] if upload.latest else ""
    return upload, summary, None


# --- API ---------------------------------------------------------------------------------------


@api_router.post(
    "/evals/check",
    response_model=EvalReport,
    responses={
        413: {
            "model": FileProblems,
            "description": "The files together are over APP_MAX_UPLOAD_BYTES",
        },
        422: {
            "model": FileProblems,
            "description": "A file can't be counted: the problem, named, with the first bad "
            "lines or items",
        },
    },
    openapi_extra=multipart_body(
        {
            "file": "The run: CSV (id + passed, or id + expected + actual), promptfoo JSON or "
            "CSV output, openai/evals JSONL log, or Inspect JSON log. The format is detected "
            "from the content.",
            "previous": "Earlier runs of the same cases (prompt versions), oldest first, up to "
            "four",
        },
        several={"previous": evals.MAX_RUNS - 1},
    ),
)
async def check_eval_run(request: Request, lang: LangDep, settings: SettingsDep) -> Any:
    """Count an eval run: cases, passes, errors (apart), accuracy and its 95% Wilson interval,
    how many cases would tell each accuracy target from it, failures by category or assertion;
    with earlier runs of the same cases, the exact McNemar test of each step and whether prompting
    has plateaued. The files are read as they arrive and never stored."""
    _, summary, error = await run_check(request, settings.max_upload_bytes)
    if error is not None:
        status, problem = problem_of(error, lang)
        return JSONResponse({"detail": [problem.model_dump()]}, status_code=status)
    return JSONResponse(summary, headers={"Cache-Control": "no-store"})


# --- Pages -------------------------------------------------------------------------------------


def render_check(
    request: Request, *, draft: Assessment | None, status_code: int = 200, **context: Any
) -> Response:
    return render(
        request,
        "evals/check.html",
        {
            "draft": draft,
            "report": None,
            "problem": None,
            "check_id": None,
            "FORMAT_LABELS": FORMAT_LABELS,
            "max_upload": megabytes(request.app.state.settings.max_upload_bytes),
            "max_runs": evals.MAX_RUNS,
            **context,
        },
        status_code=status_code,
        headers={"Cache-Control": "no-store"},
    )


@router.get(PAGE_PATH, response_class=HTMLResponse)
def show_eval_check(
    request: Request, db: DatabaseDep, draft: Annotated[str | None, Query(max_length=64)] = None
) -> Response:
    return render_check(request, draft=open_draft(db, draft))


@router.post(PAGE_PATH, response_class=HTMLResponse)
async def check_eval_page(
    request: Request, db: DatabaseDep, lang: LangDep, settings: SettingsDep
) -> Response:
    upload, summary, error = await run_check(request, settings.max_upload_bytes)
    if error is not None:
        status, problem = problem_of(error, lang)
        return render_check(request, draft=None, status_code=status, problem=problem)
    token = upload.fields.get("draft")
    check_id = (
        assessments.hold_eval_check(db, token, summary)
        if token and assessments.looks_like_token(token)
        else None
    )
    draft = open_draft(db, token) if check_id else None
    return render_check(request, draft=draft, report=summary, check_id=check_id)


@router.post("/d/{token}/accuracy/measured")
async def attach_eval_run(request: Request, token: str, db: DatabaseDep) -> Response:
    """Attach the check this draft holds: its id is all the form sends."""
    form = await request.form()
    check_id = form.get("check")
    if not assessments.looks_like_token(token):
        raise HTTPException(404)
    try:
        assessments.attach_eval_run(db, token, check_id if isinstance(check_id, str) else "")
    except assessments.AlreadyFinished:
        return RedirectResponse(str(request.url_for("show_verdict", token=token)), status_code=303)
    except assessments.OutOfOrder as out_of_order:
        return RedirectResponse(
            str(request.url_for("show_step", token=token, step=out_of_order.current_step)),
            status_code=303,
        )
    except assessments.StaleCheck:
        problem = FileProblem(
            field="check", code="stale", message=messages.file_problem("stale", request.state.lang)
        )
        return render_check(request, draft=open_draft(db, token), status_code=409, problem=problem)
    url = request.url_for("show_step", token=token, step=assessments.ACCURACY_STEP)
    return RedirectResponse(f"{url}#measured-baseline", status_code=303)
