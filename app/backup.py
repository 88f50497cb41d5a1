"""Backups, restores and moves between databases: `python -m app.backup backup|restore|copy`.

SQLite is copied with its online backup API, page by page inside one read transaction, so a
backup taken while the app writes is consistent. PostgreSQL goes through `pg_dump` in its custom
format and back through `pg_restore`. `copy` moves every stored row from one database to another
(SQLite to PostgreSQL or back); run it again and it adds only what is missing.
"""

import argparse
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Table, create_engine, func, inspect, select, text
from sqlalchemy.engine import URL, Engine, make_url

from app.models import Base
from app.settings import ROOT, normalise_database_url

# Kept by triggers from the assessments (they fill themselves as rows arrive), or short-lived.
DERIVED_TABLES = frozenset({"assessment_counts", "auth_throttle"})
BATCH = 500


class BackupError(Exception):
    """Something a person can act on; printed as one line, never a traceback."""


def _url(database_url: str) -> URL:
    return make_url(normalise_database_url(database_url))


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up")
    return Path(url.database)


def _libpq_url(url: URL) -> str:
    """pg_dump takes a libpq URI: the driver name goes, the password stays in the URL it is given."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def default_backup_path(database_url: str, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    suffix = ".db" if _url(database_url).get_backend_name() == "sqlite" else ".dump"
    return ROOT / "backups" / f"wizard-{stamp}{suffix}"


def backup(database_url: str, destination: Path) -> Path:
    """Write a consistent copy of the database to `destination` (a new file) and return it."""
    url = _url(database_url)
    if destination.exists():
        raise BackupError(f"{destination} exists already: name a new file")
    destination.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        source = _sqlite_path(url)
        if not source.exists():
            raise BackupError(f"no SQLite database at {source}")
        with sqlite3.connect(source) as live, sqlite3.connect(destination) as copy:
            live.backup(copy)
        return destination
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={destination}", _libpq_url(url)])
    return destination


def restore(database_url: str, source: Path) -> None:
    """Replace the database's contents with a backup made by `backup`."""
    url = _url(database_url)
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(source) as backup_db:
            if backup_db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{source} is damaged (PRAGMA integrity_check failed)")
            tables = {r[0] for r in backup_db.execute("SELECT name FROM sqlite_master")}
            if "alembic_version" not in tables:
                raise BackupError(f"{source} is not a backup of this app (no alembic_version)")
            target = _sqlite_path(url)
            target.parent.mkdir(parents=True, exist_ok=True)
            # The backup API copies into the live file under its lock: running workers see either
            # the old database or the restored one, never a half-written file.
            with sqlite3.connect(target) as live:
                backup_db.backup(live)
        return
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={_libpq_url(url)}",
            str(source),
        ]
    )


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is not installed (Debian: apt-get install postgresql-client)"
        )
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{command[0]} failed: {last}")


@dataclass(frozen=True)
class Copied:
    table: str
    source: int  # rows in the source
    added: int  # rows this run inserted
    target: int  # rows in the target afterwards


def _engine(database_url: str) -> Engine:
    return create_engine(normalise_database_url(database_url))


def _revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def copy_database(from_url: str, to_url: str) -> list[Copied]:
    """Copy every stored row from one database to another at the same migration. Rows whose
    primary key the target has already are left as they are, so a second run adds nothing."""
    source, target = _engine(from_url), _engine(to_url)
    try:
        have, want = _revision(source), _revision(target)
        if have is None or have != want:
            raise BackupError(
                f"both databases must be at the same migration (source {have}, target {want}): "
                "run `alembic upgrade head` on each first"
            )
        tables = [t for t in Base.metadata.sorted_tables if t.name not in DERIVED_TABLES]
        report = [_copy_table(source, target, table) for table in tables]
        if target.dialect.name == "postgresql":
            _advance_sequences(target, tables)
        return report
    finally:
        source.dispose()
        target.dispose()


def _copy_table(source: Engine, target: Engine, table: Table) -> Copied:
    keys = list(table.primary_key.columns)
    order = keys  # ids ascend, so a revision follows the assessment it revises
    with target.connect() as connection:
        present = {tuple(row) for row in connection.execute(select(*keys))}
    added = 0
    with source.connect() as reading, target.begin() as writing:
        rows = reading.execution_options(yield_per=BATCH).execute(select(table).order_by(*order))
        total = 0
        batch: list[dict] = []
        for row in rows:
            total += 1
            mapping = dict(row._mapping)
            if tuple(mapping[k.name] for k in keys) in present:
                continue
            batch.append(mapping)
            if len(batch) == BATCH:
                writing.execute(table.insert(), batch)
                added += len(batch)
                batch = []
        if batch:
            writing.execute(table.insert(), batch)
            added += len(batch)
        after = writing.execute(select(func.count()).select_from(table)).scalar_one()
    if after < total:
        raise BackupError(f"{table.name}: the target has {after} rows after copying {total}")
    return Copied(table.name, total, added, after)


def _advance_sequences(engine: Engine, tables: Sequence[Table]) -> None:
    """Explicit ids do not move PostgreSQL's sequences; the next insert must not reuse one."""
    with engine.begin() as connection:
        for table in tables:
            keys = list(table.primary_key.columns)
            if len(keys) != 1 or not keys[0].autoincrement or keys[0].type.python_type is not int:
                continue
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{keys[0].name}'), "
                    f"GREATEST((SELECT MAX({keys[0].name}) FROM {table.name}), 1))"
                )
            )


def main(argv: Sequence[str] | None = None) -> int:
    from app.settings import get_settings

    parser = argparse.ArgumentParser(
        prog="python -m app.backup", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("backup", help="write a consistent copy of DATABASE_URL to a file")
    made.add_argument(
        "--out", type=Path, help="the file to write (default: backups/wizard-<UTC time>)"
    )
    back = commands.add_parser("restore", help="replace DATABASE_URL's contents with a backup file")
    back.add_argument("file", type=Path)
    moved = commands.add_parser("copy", help="copy every row from one database to another")
    moved.add_argument("--from", dest="from_url", required=True)
    moved.add_argument("--to", dest="to_url", required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "copy":
            for row in copy_database(args.from_url, args.to_url):
                print(
                    f"{row.table}: {row.source} in the source, {row.added} added, {row.target} now"
                )
            return 0
        url = get_settings().database_url
        if args.command == "backup":
            written = backup(url, args.out or default_backup_path(url))
            print(f"backup written to {written}")
        else:
            restore(url, args.file)
            print(f"restored from {args.file}")
        return 0
    except BackupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
