"""The application factory."""

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware

from app.db import Database
from app.settings import ROOT, Settings, get_settings
from app.web import errors, logs
from app.web.access import AccessMiddleware, Gate, Throttle
from app.web.cache import RenderCache
from app.web.progress import ProgressBoard
from app.web.routes import access, api, assessments, datasets, pages, wizard
from app.web.security import SecurityMiddleware
from app.web.static import VersionedStaticFiles

log = logging.getLogger("app")
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    logging.basicConfig(level=settings.log_level.upper())
    app = FastAPI(
        title="Fine-Tune Decision Wizard",
        summary="Should we fine-tune? Five steps of answers in, an explained verdict out.",
        version="1.0",
        docs_url=None,  # served by pages.py with local assets, so the CSP holds there too
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = Database(settings.database_url)
    app.state.verdict_cache = RenderCache()
    app.state.progress = ProgressBoard()
    app.state.gate = None
    if settings.access_password:
        app.state.gate = Gate(settings.access_password, settings.protect_share_links)
        app.state.throttle = Throttle()
        app.add_middleware(AccessMiddleware, gate=app.state.gate)
    elif settings.host not in LOOPBACK:
        log.warning("APP_ACCESS_PASSWORD is not set and the app listens on %s: anyone who can reach "
                    "it can read and change every assessment. See README, Security.", settings.host)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    # Added last, so it runs first: its headers reach every response, sign-in redirects included.
    app.add_middleware(
        SecurityMiddleware,
        default_language=settings.default_language,
        max_body_bytes=settings.max_body_bytes,
        trusted_origins=(settings.public_origin,) if settings.public_origin else (),
        hsts=settings.https,
        upload_paths=datasets.UPLOAD_PATHS,
    )
    logs.install()
    app.mount("/static", VersionedStaticFiles(directory=ROOT / "static"), name="static")
    app.include_router(pages.health_router)  # first: load balancers call it most
    for module in (pages, access, wizard, assessments, api, datasets):
        app.include_router(module.router)
    app.include_router(datasets.api_router)
    errors.install(app)
    app.openapi = partial(document_api, app, app.openapi)
    return app


def document_api(app: FastAPI, generate: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    if app.openapi_schema is None:
        api.add_body_schemas(generate())
    return app.openapi_schema


app = create_app()
