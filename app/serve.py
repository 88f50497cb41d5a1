"""Start the app as `make run` and the Docker image do: `python -m app.serve [--migrate-only]`.

One place reads the settings (environment and `.env`), checks what would otherwise fail later with
a traceback (a bad setting, a busy port, an unreachable database), migrates, and starts uvicorn with
the hardened flags (README, "Hardened deployment"). Every failure is one line on stderr and exit 1.
"""

import argparse
import errno
import logging.config
import socket
import sys
from collections.abc import Sequence

from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from app.settings import ROOT, Settings
from app.web.observability import log_config

# uvicorn's options for the app; the Dockerfile runs this module too, so they are the same there.
UVICORN_OPTIONS = {
    "proxy_headers": False,
    "http": "h11",
    "h11_max_incomplete_event_size": 32 * 1024,
    "timeout_keep_alive": 5,
}


class StartError(Exception):
    """Why the app cannot start, in one line a person can act on."""


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        problems = []
        for item in error.errors():
            name = str(item["loc"][0])  # the environment variable (the field's alias)
            field = Settings.model_fields.get(name)
            name = (field.validation_alias if field else None) or name
            problems.append(f"{name}={item.get('input')!r}: {item['msg']}")
        raise StartError("invalid setting " + "; ".join(problems)) from None


def where(database_url: str) -> str:
    """The database's address for a message: host, port and name, never the password."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    return f"{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


def check_port(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise StartError(
                    f"port {port} on {host} is in use: stop what listens there "
                    f"(ss -ltnp 'sport = :{port}') or choose another, e.g. make run PORT={port + 1}"
                ) from None
            raise StartError(f"cannot listen on {host}:{port}: {error.strerror}") from None


def migrate(settings: Settings) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["database_url"] = settings.database_url
    config.attributes["configure_logging"] = False  # main() set logging up, in APP_LOG_FORMAT
    try:
        command.upgrade(config, "head")
    except SQLAlchemyError as error:
        detail = str(getattr(error, "orig", None) or error).strip().splitlines()
        raise StartError(
            f"cannot reach the database at {where(settings.database_url)} (DATABASE_URL): "
            f"{detail[0] if detail else type(error).__name__}"
        ) from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.serve", description=__doc__.split("\n")[0])
    parser.add_argument("--migrate-only", action="store_true", help="migrate, then exit")
    parser.add_argument("--no-migrate", action="store_true", help="start without migrating")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--limit-concurrency", type=int, default=None)
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        logging.config.dictConfig(log_config(settings.log_level, settings.log_format))
        if not args.migrate_only:
            check_port(settings.host, settings.port)
        if not args.no_migrate:
            migrate(settings)
        if args.migrate_only:
            return 0
    except StartError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1

    import uvicorn

    uvicorn.run(
        "app.main:app",
        host=settings.host,
        port=settings.port,
        workers=args.workers,
        limit_concurrency=args.limit_concurrency,
        log_level=settings.log_level,
        log_config=log_config(settings.log_level, settings.log_format),
        **UVICORN_OPTIONS,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
