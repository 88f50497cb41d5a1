"""Request-scoped dependencies shared by the routes."""

from typing import Annotated

from fastapi import Depends, Request

from app.db import Database
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
