"""The application factory."""

import logging

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app.db import Database
from app.settings import ROOT, Settings, get_settings
from app.web import errors
from app.web.routes import api, assessments, pages, wizard
from app.web.security import SecurityMiddleware


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
    app.add_middleware(
        SecurityMiddleware,
        default_language=settings.default_language,
        max_body_bytes=settings.max_body_bytes,
    )
    app.mount("/static", StaticFiles(directory=ROOT / "static"), name="static")
    for module in (pages, wizard, assessments, api):
        app.include_router(module.router)
    app.include_router(pages.health_router)
    errors.install(app)
    return app


app = create_app()
