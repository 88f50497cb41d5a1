"""Alembic reads the database URL from the same Settings as the app."""

from logging.config import fileConfig
from typing import Literal

from alembic import context
from sqlalchemy.types import TypeDecorator

from app.db import create_db_engine
from app.models import Base, autogenerate_filter
from app.settings import get_settings

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def database_url() -> str:
    return config.attributes.get("database_url") or get_settings().database_url


def render_item(type_: str, obj: object, autogen_context) -> str | Literal[False]:
    """Autogenerate writes the app's column types (UTCDateTime) as the SQLAlchemy type they store,
    so a revision never imports the app's models: they change, a migration must not."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


def run_migrations_offline() -> None:
    context.configure(url=database_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_db_engine(database_url())
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            include_object=autogenerate_filter(connection.dialect.name),
            render_item=render_item,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
