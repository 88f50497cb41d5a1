"""Pages that are not about one assessment: home, "How we decide", language, health, robots."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from app import assessments, costs, decision, history
from app.web import i18n
from app.web.cookies import set_cookie
from app.web.deps import DatabaseDep, LangDep, owned_decisions
from app.web.drafts import draft_tokens
from app.web.templating import render

router = APIRouter(include_in_schema=False)
# The one non-API route that belongs in the OpenAPI document.
health_router = APIRouter(tags=["meta"])


@router.get("/", response_class=HTMLResponse)
def show_home(request: Request, db: DatabaseDep) -> Response:
    return render(
        request,
        "pages/home.html",
        {
            "recent": history.recent(db, limit=5),
            "drafts": assessments.drafts(db, draft_tokens(request)),
            "owned": owned_decisions(request, db),
        },
    )


@router.get("/how-we-decide", response_class=HTMLResponse)
def show_how_we_decide(request: Request) -> Response:
    return render(
        request,
        "pages/how_we_decide.html",
        {
            "guide": decision.how_we_decide(),
            "prices": costs.price_table(),
            "cost_thresholds": costs.THRESHOLDS,
        },
    )


def safe_next(target: str | None) -> str:
    """Only paths on this site, so the switcher can't be used as an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/lang/{code}")
def switch_language(
    request: Request, code: str, next: Annotated[str | None, Query()] = None
) -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    if code in i18n.LANGUAGES:
        set_cookie(request, response, i18n.LANG_COOKIE, code, max_age=365 * 24 * 3600)
    return response


@health_router.get("/healthz")
async def check_health() -> dict[str, str]:
    """200 while the app can answer; the rules version tells which engine is serving."""
    return {"status": "ok", "rules_version": decision.RULES_VERSION}


@router.get("/robots.txt", response_class=PlainTextResponse)
def show_robots() -> str:
    return "User-agent: *\nDisallow: /a/\nDisallow: /d/\nDisallow: /api/\n"


@router.get("/favicon.ico")
def show_favicon(request: Request) -> Response:
    return RedirectResponse(request.url_for("static", path="favicon.svg"), status_code=301)


@router.get("/docs", response_class=HTMLResponse)
def show_api_docs(request: Request, lang: LangDep) -> Response:
    return render(request, "pages/api_docs.html", {})
