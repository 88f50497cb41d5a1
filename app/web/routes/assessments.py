"""A finished assessment: the verdict page, its exports, Revise; and the history of all of them."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from app import assessments, comments, decision, history, manage
from app.models import STATUSES, Assessment
from app.web import comment_drafts, htmx
from app.web.access import SESSION_COOKIE
from app.web.cache import Rendered
from app.web.deps import (
    DatabaseDep,
    LangDep,
    SettingsDep,
    can_manage,
    client_address,
    is_signed_in,
    managed_from_form,
    owned_decisions,
    today,
)
from app.web.drafts import remember_draft
from app.web.export import (
    chat_summary,
    content_disposition,
    full_record,
    verdict_markdown,
)
from app.web.forms import message, meta_errors
from app.web.i18n import N_, translate
from app.web.manage_cookies import COOKIE as MANAGE_COOKIE
from app.web.manage_cookies import NEW_COOKIE as NEW_MANAGE_COOKIE
from app.web.manage_cookies import new_manage_token
from app.web.routes.verdict_tools import what_if_change
from app.web.routes.wizard import FormDep
from app.web.templating import render
from app.web.verdict_cache import check_link, page_request, page_url

router = APIRouter(include_in_schema=False)

PRIVATE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}
COMMENT_ADDED = N_("Your comment was added.")
COMMENT_DELETED = N_("The comment was deleted.")


def load_finished(db, token: str) -> Assessment:
    return assessments.get_finished(db, token)


@dataclass(frozen=True, slots=True)
class VerdictKey:
    """Every input of a cached verdict page: two requests with equal keys get the same bytes.

    The assessment's row is represented by its id and `updated_at`, which every write to it
    moves (a rotated link changes `share_token` too); the original it was revised from by what
    the page shows of it. What else the page reads comes from the request: its language, its
    URL's parts (host and scheme make the share link; path and query the language links), whether
    a session cookie is there (the header offers Sign out), and whether this browser may manage
    the assessment. The day, too: the cost card counts the days to a model's retirement. Query parameters the page does not read (`?utm_source=`, `?cachebust=`) are
    not part of the key, and the page is rendered without them (`page_request`). Process-wide constants (rules version, templates) change only with a deploy.
    """

    assessment_id: int
    share_token: str
    version: datetime
    original: assessments.Neighbour | None
    successor: assessments.Neighbour | None
    lang: str
    url: tuple[object, ...]
    session_cookie: bool
    may_manage: bool
    day: date


# The shared page, on a router of its own that app/main.py includes first after /healthz: it is
# the page most requested, and routes are matched one after the other.
verdict_router = APIRouter(include_in_schema=False)


@verdict_router.get("/a/{token}", response_class=HTMLResponse)
async def show_verdict(request: Request) -> Response:
    # Always looked up, so a rotated or expired link answers 410 and a deleted one 404 at once
    # on every worker (one indexed query, begun after the request came: check_link); the render
    # cache then saves only the rendering, keyed by every input. A reader with none of the
    # cookies below is answered from it on the event loop, without a thread. The database,
    # language and token are read here rather than declared as dependencies: solving them
    # cost more than the rest of a cached answer.
    token: str = request.path_params["token"]
    db = request.app.state.db
    lang: str = request.state.lang
    found = await check_link(db, token)
    if isinstance(found, assessments.NotFound):
        raise found  # errors.py maps it: 404, or 410 for a replaced or expired link
    if not found.is_finished:
        return RedirectResponse(request.url_for("resume_draft", token=token), status_code=303)
    request = page_request(request)  # only the query parameters the page reads, on every path
    if any(request.cookies.get(name) for name in READER_COOKIES):
        return await run_in_threadpool(show_verdict_to, request, found, token, db, lang)
    # No manage key and no session to check: may manage only when the access middleware signed
    # the request in (the team password as a Bearer token), which needs no query.
    may_manage = is_signed_in(request)
    page = request.app.state.verdict_cache.get(
        verdict_key(request, found, (found.original, found.successor), lang, may_manage)
    )
    if page is None:
        page = await run_in_threadpool(render_and_keep, request, token, db, lang, may_manage)
    return cached_answer(request, page)


# Cookies that make a verdict request need the database to know who asks or what they left:
# manage keys, a key just made, a comment typed before signing in, a session to check.
READER_COOKIES = (MANAGE_COOKIE, NEW_MANAGE_COOKIE, comment_drafts.COOKIE, SESSION_COOKIE)


def show_verdict_to(
    request: Request, found: assessments.Stamp, token: str, db, lang: str
) -> Response:
    """The verdict page for a browser with cookies of its own (READER_COOKIES), in a thread."""
    new_token = new_manage_token(request)
    if new_token is not None and manage.holds(db, found.decision_id, new_token):
        # A key just made waits for this browser on the manage view (shown there once): the
        # page says so, never cached.
        assessment, *neighbours = load_with_neighbours(db, token)
        response = render_verdict(request, assessment, neighbours, lang, True, True, db=db)
        response.headers.update(VERDICT_HEADERS)
        return response
    may_manage = can_manage(request, db, found)
    if request.cookies.get(comment_drafts.COOKIE):
        # Back from signing in with a comment typed before: the form shows it, this once.
        draft = comment_drafts.take(request, db, token)
        if draft is not None:
            assessment, *neighbours = load_with_neighbours(db, token)
            response = render_verdict(
                request, assessment, neighbours, lang, may_manage, None, db=db, comment_form=draft
            )
            response.headers.update(VERDICT_HEADERS)
            comment_drafts.forget(request, response)
            return response
    cache = request.app.state.verdict_cache
    neighbours = (found.original, found.successor)
    page = cache.get(verdict_key(request, found, neighbours, lang, may_manage))
    if page is None:
        page = render_and_keep(request, token, db, lang, may_manage)
    return cached_answer(request, page)


VERDICT_HEADERS = {**PRIVATE, "Vary": "Accept-Language, Cookie"}


def render_and_keep(request: Request, token: str, db, lang: str, may_manage: bool) -> Rendered:
    """A cache miss: render the page and keep it."""
    assessment, *neighbours = load_with_neighbours(db, token)
    day = today(request)  # one day for the page and its key, should midnight pass meanwhile
    body = render_verdict(
        request, assessment, neighbours, lang, may_manage, False, db=db, day=day
    ).body
    # Keyed by what was rendered: a write since the lookup makes a newer page, which is then
    # filed under the newer version, never under the older one.
    return request.app.state.verdict_cache.put(
        verdict_key(request, assessment, neighbours, lang, may_manage, day), body
    )


def cached_answer(request: Request, page: Rendered) -> Response:
    headers = {**VERDICT_HEADERS, "ETag": page.etag}
    if page.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return HTMLResponse(page.body, headers=headers)


def load_with_neighbours(
    db, token: str
) -> tuple[Assessment, assessments.Neighbour | None, assessments.Neighbour | None]:
    return assessments.with_neighbours(db, token)


def verdict_key(
    request: Request,
    assessment: Assessment | assessments.Stamp,
    neighbours: Sequence[assessments.Neighbour | None],
    lang: str,
    may_manage: bool,
    day: date | None = None,
) -> VerdictKey:
    original, successor = neighbours
    return VerdictKey(
        assessment.id,
        assessment.share_token,
        assessment.updated_at,
        original,
        successor,
        lang,
        page_url(request),
        bool(request.cookies.get(SESSION_COOKIE)),
        may_manage,
        day or today(request),
    )


def render_verdict(
    request: Request,
    assessment: Assessment,
    neighbours: Sequence[assessments.Neighbour | None],
    lang: str,
    may_manage: bool,
    key_waiting: bool,
    *,
    db,
    comment_form: dict | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    day: date | None = None,
) -> Response:
    """The verdict page; a comment that was refused comes back in its form (`comment_form`).
    `day`: the day its dated facts are judged on (the app's clock when not given)."""
    share_url = str(request.url_for("show_verdict", token=assessment.share_token))
    return render(
        request,
        "assessments/verdict.html",
        {
            "assessment": assessment,
            "verdict": decision.localize(assessment.verdict, lang),
            "rules_now": assessments.current_recommendation(assessment),
            **record_context(assessment, *neighbours, may_manage, db=db),
            "share_url": share_url,
            "chat_summary": chat_summary(assessment, lang, share_url),
            "key_waiting": key_waiting,
            **comments_context(db, assessment, may_manage, comment_form),
            **({"today": day} if day is not None else {}),
        },
        status_code=status_code,
        headers=headers,
    )


def record_context(
    assessment: Assessment,
    original: assessments.Neighbour | None,
    successor: assessments.Neighbour | None,
    may_manage: bool,
    *,
    db,
) -> dict[str, Any]:
    """What templates/assessments/_record.html shows. Other versions' links only to owners:
    everyone else sees that they exist (their numbers), so a rotated link can't be learnt from
    a version whose link was not rotated."""
    return {
        "assessment": assessment,
        "revised_from": original,
        "superseded_by": successor,
        "proposals": assessments.proposals(db, assessment),
        "can_manage": may_manage,
    }


def comments_context(
    db, assessment: Assessment, owner: bool, comment_form: dict | None = None
) -> dict:
    newest = comments.page(db, assessment.id)
    return {
        "comments": newest.items,
        "comments_total": newest.total,
        "comments_earlier": newest.earlier,
        "comment_form": comment_form,
        "owner": owner,
    }


def comments_answer(
    request: Request,
    assessment: Assessment,
    db,
    lang: str,
    *,
    comment_form: dict | None = None,
    announcement: str = "",
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """After a comment was posted or deleted: for htmx, the comments section alone (the same
    partial the page includes); without JS, a refused comment gets the whole page back, and an
    accepted one a redirect to the page's comments."""
    owner = can_manage(request, db, assessment)
    if htmx.wants_fragment(request):
        response = render(
            request,
            "assessments/_comments.html",
            {
                "assessment": assessment,
                "fragment": True,
                "announcement": announcement,
                **comments_context(db, assessment, owner, comment_form),
            },
            status_code=status_code,
            headers={**PRIVATE, **(headers or {})},
        )
    elif comment_form is not None:
        _, original, successor = assessments.with_neighbours(db, assessment.share_token)
        response = render_verdict(
            request,
            assessment,
            (original, successor),
            lang,
            owner,
            False,
            db=db,
            comment_form=comment_form,
            status_code=status_code,
            headers={**PRIVATE, **(headers or {})},
        )
    else:
        url = request.url_for("show_verdict", token=assessment.share_token)
        return RedirectResponse(f"{url}#comments", status_code=303)
    response.headers["Vary"] = "HX-Request, Accept-Language, Cookie"
    return response


@router.post("/a/{token}/comments")
def add_comment(
    request: Request,
    token: str,
    db: DatabaseDep,
    lang: LangDep,
    author: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
) -> Response:
    assessment = load_finished(db, token)
    values = {"author": author, "text": text}
    comment, errors = comments.validate(values)
    if comment is None:
        form = {"values": values, "errors": meta_errors(errors, lang), "problem": None}
        return comments_answer(request, assessment, db, lang, comment_form=form, status_code=422)
    address = client_address(request)
    try:
        comments.add(db, token, comment, address)
    except comments.Throttled as throttled:
        form = {"values": values, "errors": {}, "problem": message("comment_throttled", lang)}
        return comments_answer(
            request,
            assessment,
            db,
            lang,
            comment_form=form,
            status_code=429,
            headers={"Retry-After": str(throttled.retry_after)},
        )
    return comments_answer(
        request, assessment, db, lang, announcement=translate(lang, COMMENT_ADDED)
    )


@router.post("/a/{token}/comments/{comment_id}/delete")
def delete_comment(
    request: Request, token: str, comment_id: int, db: DatabaseDep, lang: LangDep, form: FormDep
) -> Response:
    """For owners: one comment goes; anyone else gets the 404 of an unknown link."""
    assessment = managed_from_form(request, db, token, form).assessment
    comments.delete(db, assessment.id, comment_id)
    return comments_answer(
        request, assessment, db, lang, announcement=translate(lang, COMMENT_DELETED)
    )


@router.get("/a/{token}/delete", response_class=HTMLResponse)
def confirm_delete(request: Request, token: str, db: DatabaseDep) -> Response:
    """For owners: what deleting takes away, and the button that does it."""
    assessment = load_finished(db, token)
    if not can_manage(request, db, assessment):
        raise HTTPException(404)
    return render(
        request,
        "assessments/delete.html",
        {"assessment": assessment, "comment_count": comments.count(db, assessment.id)},
        headers=PRIVATE,
    )


@router.post("/a/{token}/delete")
def delete_assessment(request: Request, token: str, db: DatabaseDep, form: FormDep) -> Response:
    managed = managed_from_form(request, db, token, form)
    assessments.delete(
        db, managed.assessment.id, managed.actor, manage.clean_reason(form.get("reason")) or ""
    )
    url = request.url_for("show_history").include_query_params(deleted="1")
    return RedirectResponse(url, status_code=303)


@router.get("/a/{token}/export.md")
def export_markdown(request: Request, token: str, db: DatabaseDep, lang: LangDep) -> Response:
    assessment = load_finished(db, token)
    url = str(request.url_for("show_verdict", token=token))
    return Response(
        verdict_markdown(assessment, lang, url, today(request)),
        media_type="text/markdown; charset=utf-8",
        headers={**PRIVATE, "Content-Disposition": content_disposition(assessment.title, "md")},
    )


@router.get("/a/{token}/export.json")
def export_json(request: Request, token: str, db: DatabaseDep, lang: LangDep) -> Response:
    assessment = load_finished(db, token)
    return JSONResponse(
        full_record(request, db, assessment, lang, owner=can_manage(request, db, assessment)),
        headers={**PRIVATE, "Content-Disposition": content_disposition(assessment.title, "json")},
    )


@router.post("/a/{token}/revise")
def revise_assessment(request: Request, token: str, db: DatabaseDep, form: FormDep) -> Response:
    # From "what if": the one answer changed (q, v), when it is one of the question's answers.
    change = what_if_change(form)
    draft = assessments.revise(db, token, change)
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
    deleted: str = "",
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
            "deleted": deleted == "1",
            "owned": owned_decisions(request, db),
        },
        block="results",
        status_code=code,
        headers={"Cache-Control": "no-store"},
    )
