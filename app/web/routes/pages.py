"""Pages that are not about one assessment: home, "How we decide", language, health, robots."""

import logging
from functools import lru_cache
from typing import Annotated
from urllib.parse import parse_qsl, urlencode

from alembic.config import Config
from alembic.script import ScriptDirectory
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app import assessments, costs, decision, history
from app.settings import ROOT
from app.web import i18n
from app.web.cookies import set_cookie
from app.web.deps import DatabaseDep, LangDep, owned_decisions
from app.web.drafts import draft_tokens
from app.web.templating import render

log = logging.getLogger(__name__)
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


def without_lang(target: str) -> str:
    """The page without its `lang` query parameter: it wins over the cookie, so a page opened
    as ?lang=en would come back in English from the switch to Chinese."""
    path, _, query = target.partition("?")
    if not query:
        return target
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "lang"]
    return f"{path}?{urlencode(kept)}" if kept else path


@router.get("/lang/{code}")
def switch_language(
    request: Request, code: str, next: Annotated[str | None, Query()] = None
) -> Response:
    response = RedirectResponse(without_lang(safe_next(next)), status_code=303)
    if code in i18n.LANGUAGES:
        set_cookie(request, response, i18n.LANG_COOKIE, code, max_age=365 * 24 * 3600)
    return response


@health_router.get("/healthz")
async def check_health() -> dict[str, str]:
    """200 while the app can answer; the rules version tells which engine is serving."""
    return {"status": "ok", "rules_version": decision.RULES_VERSION}


@lru_cache(maxsize=1)
def migration_heads() -> frozenset[str]:
    """The newest revisions this code expects, read once from migrations/."""
    config = Config(str(ROOT / "alembic.ini"))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


@health_router.get("/readyz", responses={503: {"description": "Not ready: see `reason`"}})
def check_ready(db: DatabaseDep) -> Response:
    """200 when the database answers and is at the migrations this code expects; else 503."""
    try:
        with db.read(timeout=2.0) as session:
            current = set(
                session.execute(text("SELECT version_num FROM alembic_version")).scalars()
            )
    except SQLAlchemyError as error:
        log.warning("not ready: the database did not answer (%s)", type(error).__name__)
        return JSONResponse({"status": "unavailable", "reason": "database"}, status_code=503)
    if current != migration_heads():
        return JSONResponse(
            {
                "status": "unavailable",
                "reason": "migrations",
                "database": sorted(current),
                "expected": sorted(migration_heads()),
            },
            status_code=503,
        )
    return JSONResponse({"status": "ready", "rules_version": decision.RULES_VERSION})


@router.get("/metrics")
def show_metrics(request: Request) -> Response:
    """Prometheus text format; there only when APP_METRICS is set or a password guards it."""
    settings = request.app.state.settings
    if not (settings.metrics or settings.access_password):
        raise HTTPException(status_code=404)
    return Response(request.app.state.metrics.render(), media_type=CONTENT_TYPE_LATEST)


@router.get("/robots.txt", response_class=PlainTextResponse)
def show_robots() -> str:
    return "User-agent: *\nDisallow: /a/\nDisallow: /d/\nDisallow: /api/\n"


@router.get("/favicon.ico")
def show_favicon(request: Request) -> Response:
    return RedirectResponse(request.url_for("static", path="favicon.svg"), status_code=301)


README_ADDRESS = "http://127.0.0.1:8000"


@lru_cache(maxsize=1)
def readme_api_example() -> str:
    """The README's first JSON API example, read from the README itself so the two can't drift."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("```sh\ncurl -s -X POST 'http") + len("```sh\n")
    return readme[start : readme.index("```", start)].rstrip()


@router.get("/docs", response_class=HTMLResponse)
def show_api_docs(request: Request, lang: LangDep) -> Response:
    base = str(request.base_url).rstrip("/")
    example = readme_api_example().replace(README_ADDRESS, base)
    return render(request, "pages/api_docs.html", {"example": example})
