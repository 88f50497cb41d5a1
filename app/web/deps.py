"""Request-scoped dependencies shared by the routes."""

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from app import assessments
from app.db import Database
from app.models import Assessment
from app.settings import Settings


# Async, so that these trivial lookups run on the event loop rather than hopping to a thread.
async def get_db(request: Request) -> Database:
    return request.app.state.db


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_lang(request: Request) -> str:
    return request.state.lang


DatabaseDep = Annotated[Database, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
LangDep = Annotated[str, Depends(get_lang)]


# --- Drafts -------------------------------------------------------------------------------


class DraftFinished(Exception):
    """The draft asked for was finished: its link now shows the verdict (see errors.install)."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.token = token


def open_draft(token: str, db: DatabaseDep) -> Assessment:
    """The draft named by the path's `token`: 404 when there is none, a 303 to the verdict once
    it is finished, so wizard handlers only ever see an open draft."""
    try:
        draft = assessments.get(db, token)
    except assessments.NotFound:
        raise HTTPException(404) from None
    if draft.is_finished:
        raise DraftFinished(token)
    return draft


OpenDraftDep = Annotated[Assessment, Depends(open_draft)]
