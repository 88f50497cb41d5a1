"""The application factory."""

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, FastAPI
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app import purge
from app.db import Database
from app.settings import ROOT, Settings, get_settings
from app.web import errors, logs, observability, url_paths
from app.web.access import AccessMiddleware, Gate
from app.web.cache import RenderCache, ShortCache
from app.web.cost_schemas import add_cost_schemas
from app.web.middleware.body_size import BodySizeMiddleware
from app.web.middleware.body_timeout import BodyTimeoutMiddleware
from app.web.middleware.cross_origin import CrossOriginMiddleware
from app.web.middleware.failures import FailureMiddleware
from app.web.middleware.head import HeadAsGetMiddleware
from app.web.middleware.header_limit import HeaderLimitMiddleware
from app.web.middleware.headers import SecurityHeadersMiddleware
from app.web.middleware.hosts import TrustedHostMiddleware
from app.web.middleware.language import LanguageMiddleware
from app.web.middleware.methods import MethodMiddleware
from app.web.progress import ProgressBoard
from app.web.routes import (
    access,
    api,
    assessments,
    comment_pages,
    costs,
    datasets,
    evals,
    insights,
    manage,
    owners,
    pages,
    training,
    verdict_tools,
    wizard,
)
from app.web.static import VersionedStaticFiles
from app.web.text_input import TextInputMiddleware

log = logging.getLogger("app")
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
# Characters below which the team password gets a warning at start (README, Security).
SHORT_PASSWORD = 20


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    logging.basicConfig(level=settings.log_level.upper())
    app = FastAPI(
        title="Fine-Tune Decision Wizard",
        summary="Should we fine-tune? Five steps of answers in, an explained verdict out.",
        version="1.0",
        docs_url=None,  # served by pages.py with local assets, so the CSP holds there too
        redoc_url=None,
        lifespan=purge_at_start_up,
    )
    app.state.settings = settings
    # The day dated facts are judged on (app/web/deps.py: today); tests replace it with a fixed day.
    app.state.today = date.today
    app.state.db = Database(settings.database_url, pool_timeout=settings.pool_timeout)
    app.state.verdict_cache = RenderCache(settings.page_cache_bytes)
    app.state.insights_cache = ShortCache(settings.insights_cache_seconds)
    app.state.progress = ProgressBoard()
    app.state.gate = None
    app.state.metrics = observability.Metrics()
    observe_state(app)
    # Innermost: text no database can store is refused before any route reads it.
    app.add_middleware(TextInputMiddleware)
    if settings.access_password:
        app.state.gate = Gate(
            app.state.db,
            settings.access_password,
            settings.protect_share_links,
            settings.secret_key,
            https=settings.https,
        )
        app.add_middleware(AccessMiddleware, gate=app.state.gate)
        if len(settings.access_password) < SHORT_PASSWORD:
            # The throttle counts by address (README, Security): a botnet of N addresses gets
            # 10 x N guesses per 15 minutes, so only a long password holds. Never logs it.
            log.warning(
                "APP_ACCESS_PASSWORD has %d characters: guessing from many addresses is slowed "
                "only per address, so use %d or more (a passphrase of 5 or more random words). "
                "See README, Security.",
                len(settings.access_password),
                SHORT_PASSWORD,
            )
    elif settings.host not in LOOPBACK:
        log.warning(
            "APP_ACCESS_PASSWORD is not set and the app listens on %s: anyone who can reach "
            "it can read and change every assessment. See README, Security.",
            settings.host,
        )
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    # Added after the others, so they run before them: their headers reach every response,
    # sign-in redirects included.
    for middleware, args, options in reversed(protections(settings)):
        app.add_middleware(middleware, *args, **options)
    # First of all: the client's address and scheme, from X-Forwarded-* only when the peer is a
    # proxy named in APP_TRUSTED_PROXIES (uvicorn runs with --no-proxy-headers, so this decides).
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxy_list)
    # Outermost: every answer, refusals included, is counted and carries its request id.
    app.add_middleware(observability.MetricsMiddleware, metrics=app.state.metrics)
    app.add_middleware(observability.RequestIdMiddleware)
    logs.install()
    app.mount("/static", VersionedStaticFiles(directory=ROOT / "static"), name="static")
    for router in ROUTERS:
        add_routes(app, router)
    errors.install(app)
    url_paths.install(app.router)
    app.openapi = partial(document_api, app, app.openapi)
    return app


# In the order they are tried: the health check first (load balancers call it most), then the
# shared verdict page.
ROUTERS = (
    pages.health_router,
    assessments.verdict_router,
    pages.router,
    access.router,
    wizard.router,
    assessments.router,
    manage.router,
    api.router,
    costs.router,
    datasets.router,
    evals.router,
    insights.router,
    training.router,
    verdict_tools.router,
    costs.api_router,
    datasets.api_router,
    evals.api_router,
    insights.api_router,
    owners.router,
    training.api_router,
    comment_pages.router,
)


def add_routes(app: FastAPI, router: APIRouter) -> None:
    """The router's routes, added to the app as they are. For a router included without a prefix,
    tags, dependencies or responses of the include's own, that is what `app.include_router` does,
    but FastAPI 0.16x's include_router analyses every route's parameters again for each app, at
    its first request: ~30 ms of CPU an app (each test makes one), against routes analysed once,
    when their module is imported. (So `app.dependency_overrides` would not reach them: nothing
    here overrides a dependency.) The OpenAPI document is the same, and `app.routes` lists the
    routes themselves rather than one opaque entry per router."""
    assert not (router.on_startup or router.on_shutdown), "startup handlers need include_router"
    app.router.routes.extend(router.routes)


@asynccontextmanager
async def purge_at_start_up(app: FastAPI) -> AsyncIterator[None]:
    """Retention applies from the moment the app starts, not only when `make purge` runs."""
    settings = app.state.settings
    try:
        report = await run_in_threadpool(purge.purge, app.state.db, settings.retention_days)
    except SQLAlchemyError as error:
        # A busy or briefly unreachable database must not stop the app from starting: the next
        # start, or `make purge`, deletes what this one could not.
        log.warning("retention skipped at start-up: %s", type(error).__name__)
        yield
        return
    if report.total:
        log.info(
            "retention: deleted %d finished assessment(s) and %d abandoned draft(s)",
            len(report.finished),
            len(report.drafts),
        )
    yield


def observe_state(app: FastAPI) -> None:
    """Gauges read when /metrics is scraped: the database pool, the dataset checks running."""
    pool = app.state.db.engine.pool
    metrics = app.state.metrics
    if hasattr(pool, "checkedout"):
        metrics.gauge(
            "wizard_db_pool_in_use", "Database connections lent out now.", pool.checkedout
        )
        metrics.gauge("wizard_db_pool_size", "Connections the pool keeps open.", pool.size)
    metrics.gauge(
        "wizard_dataset_checks_running",
        "Dataset checks reading an upload now.",
        lambda: getattr(app.state.progress, "running", 0),
    )


def protections(settings: Settings) -> list[Middleware]:
    """The protections every request passes, outermost first (app/web/middleware/__init__.py)."""
    language = settings.default_language
    return [
        Middleware(SecurityHeadersMiddleware, hsts=settings.https),
        Middleware(HeadAsGetMiddleware),
        Middleware(HeaderLimitMiddleware, default_language=language),
        Middleware(LanguageMiddleware, default_language=language),
        Middleware(FailureMiddleware),
        Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(settings)),
        Middleware(MethodMiddleware),
        Middleware(
            CrossOriginMiddleware,
            trusted_origins=(settings.public_origin,) if settings.public_origin else (),
        ),
        Middleware(
            BodySizeMiddleware,
            max_body_bytes=settings.max_body_bytes,
            upload_paths=datasets.UPLOAD_PATHS | evals.UPLOAD_PATHS,
        ),
        Middleware(BodyTimeoutMiddleware, body_timeout=settings.body_timeout),
    ]


def allowed_hosts(settings: Settings) -> list[str]:
    """APP_ALLOWED_HOSTS and the host of APP_PUBLIC_ORIGIN (loopback names are always allowed)."""
    hosts = settings.allowed_host_list
    if settings.public_origin:
        hosts.append(urlsplit(settings.public_origin).hostname or "")
    return hosts


def document_api(app: FastAPI, generate: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    if app.openapi_schema is None:
        document = generate()
        add_cost_schemas(document)
    return app.openapi_schema


app = create_app()
