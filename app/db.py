"""Engines and sessions. SQLite gets its durability PRAGMAs and explicit write transactions here."""

import contextlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=30000",
    "PRAGMA synchronous=FULL",
)


# SQLite calls the progress handler every this many virtual-machine instructions (~a millisecond).
PROGRESS_STEPS = 10_000


def create_db_engine(url: str, pool_timeout: float = 30.0) -> Engine:
    """`pool_timeout`: seconds to wait for a free connection before sqlalchemy's TimeoutError."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_timeout=pool_timeout)

    on_disk = bool(parsed.database) and parsed.database != ":memory:"
    if on_disk:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    # A file gets a pool of connections (with a bounded wait); memory, one per thread.
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False},
        **({"pool_timeout": pool_timeout} if on_disk else {}),
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Take transaction control away from the driver so that we decide how each one begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        # A deferred transaction that reads and then writes can fail with SQLITE_BUSY whatever
        # the busy_timeout, because it cannot upgrade its lock while another writer waits.
        # Writers therefore take the write lock up front.
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    """One engine, two kinds of transaction: `read()` for queries, `write()` for use cases that change data."""

    def __init__(self, url: str, pool_timeout: float = 30.0) -> None:
        self.engine = create_db_engine(url, pool_timeout)
        # SQLite has one writer at a time, and its busy handler polls with sleeps and is unfair:
        # under load a writer can starve past any timeout ("database is locked"). Queueing this
        # process's writers on a lock hands the database over in order; busy_timeout still
        # covers other processes (a second worker, a migration).
        self._write_lock = (
            threading.Lock() if self.engine.dialect.name == "sqlite" else contextlib.nullcontext()
        )
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(
            self.engine.execution_options(sqlite_immediate=True), expire_on_commit=False
        )

    @contextmanager
    def read(self, timeout: float | None = None) -> Iterator[Session]:
        """A read transaction; with `timeout`, its statements are stopped after that many seconds
        (PostgreSQL's statement_timeout; a progress-handler deadline on SQLite), and raise
        sqlalchemy's OperationalError."""
        with self._read() as session, session.begin():
            if timeout is None:
                yield session
                return
            if self.engine.dialect.name != "sqlite":
                session.execute(
                    text("SELECT set_config('statement_timeout', :ms, true)"),
                    {"ms": str(max(1, int(timeout * 1000)))},
                )
                yield session
                return
            raw = session.connection().connection.dbapi_connection
            deadline = time.monotonic() + timeout
            raw.set_progress_handler(lambda: time.monotonic() > deadline, PROGRESS_STEPS)
            try:
                yield session
            finally:
                raw.set_progress_handler(None, 0)

    @contextmanager
    def write(self) -> Iterator[Session]:
        with self._write_lock, self._write() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
