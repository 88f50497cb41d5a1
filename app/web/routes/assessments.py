"""A finished assessment: the verdict page, its exports, Revise; and the history of all of them."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from app import assessments, decision, history
from app.models import STATUSES, Assessment
from app.web.deps import DatabaseDep, LangDep, SettingsDep
from app.web.drafts import remember_draft
from app.web.export import (
    chat_summary,
    content_disposition,
    full_record,
    verdict_markdown,
)
from app.web.forms import message
from app.web.templating import render

router = APIRouter(include_in_schema=False)

PRIVATE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}


def load_finished(db, token: str) -> Assessment:
    try:
        return assessments.get_finished(db, token)
    except assessments.NotFound:
        raise HTTPException(404) from None


@router.get("/a/{token}", response_class=HTMLResponse)
async def show_verdict(request: Request, token: str, db: DatabaseDep, lang: LangDep) -> Response:
    # A finished verdict never changes, so its page is rendered once per language and host. Its
    # status and successor can: the row's stamp, read on every request, is part of the key, so a
    # page cached before a status change (on any worker) is never served after it.
    cache = request.app.state.verdict_cache
    stamp = await run_in_threadpool(assessments.page_stamp, db, token)
    if stamp is None:
        raise HTTPException(404)
    key = (token, stamp, lang, str(request.base_url), "session" in request.cookies)
    page = cache.get(key)
    if page is None:
        rendered = await run_in_threadpool(render_verdict, request, token, db, lang)
        if not isinstance(rendered, bytes):
            return rendered
        page = cache.put(key, rendered)
    headers = {**PRIVATE, "ETag": page.etag, "Vary": "Accept-Language, Cookie"}
    if page.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return HTMLResponse(page.body, headers=headers)


def render_verdict(request: Request, token: str, db, lang: str) -> bytes | Response:
    try:
        assessment = assessments.get(db, token)
    except assessments.NotFound:
        raise HTTPException(404) from None
    if not assessment.is_finished:
        return RedirectResponse(request.url_for("resume_draft", token=token), status_code=303)
    share_url = str(request.url_for("show_verdict", token=token))
    return render(
        request,
        "assessments/verdict.html",
        {
            "assessment": assessment,
            "verdict": decision.localize(assessment.verdict, lang),
            "rules_now": assessments.current_recommendation(assessment),
            "revised_from": assessments.revised_from(db, assessment),
            "superseded_by": assessments.superseded_by(db, assessment),
            "share_url": share_url,
            "chat_summary": chat_summary(assessment, lang, share_url),
        },
    ).body


@router.get("/a/{token}/export.md")
def export_markdown(request: Request, token: str, db: DatabaseDep, lang: LangDep) -> Response:
    assessment = load_finished(db, token)
    url = str(request.url_for("show_verdict", token=token))
    return Response(
        verdict_markdown(assessment, lang, url),
        media_type="text/markdown; charset=utf-8",
        headers={**PRIVATE, "Content-Disposition": content_disposition(assessment.title, "md")},
    )


@router.get("/a/{token}/export.json")
def export_json(request: Request, token: str, db: DatabaseDep, lang: LangDep) -> Response:
    assessment = load_finished(db, token)
    return JSONResponse(
        full_record(request, db, assessment, lang),
        headers={**PRIVATE, "Content-Disposition": content_disposition(assessment.title, "json")},
    )


@router.post("/a/{token}/revise")
def revise_assessment(request: Request, token: str, db: DatabaseDep) -> Response:
    try:
        draft = assessments.revise(db, token)
    except assessments.NotFound:
        raise HTTPException(404) from None
    response = RedirectResponse(
        request.url_for("show_review", token=draft.share_token), status_code=303
    )
    remember_draft(request, response, draft.share_token)
    return response


@router.get("/assessments", response_class=HTMLResponse)
def show_history(
    request: Request,
    db: DatabaseDep,
    lang: LangDep,
    settings: SettingsDep,
    q: Annotated[str, Query(max_length=200)] = "",
    recommendation: Annotated[str, Query()] = "",
    status: Annotated[str, Query()] = "",
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    if recommendation and recommendation not in decision.APPROACHES:
        recommendation = ""
    status_filter = status if status in STATUSES else ""
    problem, code = None, 200
    try:
        page = history.history(
            db,
            q=q,
            recommendation=recommendation or None,
            status=status_filter or None,
            cursor=cursor,
            timeout=settings.search_timeout,
        )
    except history.InvalidCursor:
        raise HTTPException(400) from None
    except history.Unsearchable:
        page, problem, code = history.EMPTY_HISTORY, message("unsearchable", lang), 422
    return render(
        request,
        "assessments/history.html",
        {
            "page": page,
            "q": q,
            "recommendation": recommendation,
            "status_filter": status_filter,
            "cursor": cursor,
            "problem": problem,
        },
        block="results",
        status_code=code,
        headers={"Cache-Control": "no-store"},
    )
