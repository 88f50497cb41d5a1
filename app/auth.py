"""Sign-in state kept in the database, so every worker and host agrees: the password throttle,
the server's own secret keys, and signed-in sessions. Transactions commit here."""

import hashlib
import ipaddress
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.db import Database
from app.models import AuthSession, AuthThrottle, ServerSecret, utcnow

WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class Rule:
    """How one kind of key slows guessing once `free` failures were counted in a window."""

    free: int
    # None: locked until the window ends. A number: each further attempt waits 1, 2, 4 ... seconds
    # after the last failure, up to this many.
    max_delay: float | None

    def wait(self, row: AuthThrottle, now: datetime) -> float:
        if row.failures < self.free:
            return 0.0
        if self.max_delay is None:
            return (row.window_started_at + WINDOW - now).total_seconds()
        delay = min(2.0 ** min(row.failures - self.free, 30), self.max_delay)
        return (row.last_failure_at + timedelta(seconds=delay) - now).total_seconds()


# One browser (address and user-agent) is stopped after 5 wrong passwords in 15 minutes; an
# address as a whole, or the account from everywhere, is only slowed down, so a colleague behind
# the same NAT, or the team while someone guesses from a botnet, still gets in after a short wait.
RULES = {
    "client": Rule(free=5, max_delay=None),
    "address": Rule(free=20, max_delay=300.0),
    "account": Rule(free=100, max_delay=60.0),
}


@dataclass(frozen=True)
class Refusal:
    """Why an attempt is refused: which kind of key, and seconds until the next is counted."""

    kind: str
    retry_after: int


def address_key(address: str) -> str:
    """IPv6 clients are counted by /64: one subscriber usually holds a whole /64."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def throttle_keys(address: str, user_agent: str) -> dict[str, str]:
    network = address_key(address)
    agent = hashlib.sha256(user_agent.encode("utf-8", "replace")).hexdigest()[:16]
    return {
        "client": f"client:{network} {agent}",
        "address": f"address:{network}",
        "account": "account",
    }


def _insert(session: Session):
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def locked_rows(session: Session, keys: Iterable[str], now: datetime) -> dict[str, AuthThrottle]:
    """The rows of `keys`, made if missing, locked in key order (so two attempts can't deadlock)."""
    keys = sorted(set(keys))
    session.execute(
        _insert(session)(AuthThrottle)
        .values(
            [
                {"key": key, "failures": 0, "window_started_at": now, "last_failure_at": now}
                for key in keys
            ]
        )
        .on_conflict_do_nothing(index_elements=["key"])
    )
    rows = session.scalars(
        select(AuthThrottle)
        .where(AuthThrottle.key.in_(keys))
        .order_by(AuthThrottle.key)
        .with_for_update()
    ).all()
    return {row.key: row for row in rows}


def admit(db: Database, keys: Mapping[str, str], now: datetime | None = None) -> Refusal | None:
    """Count one password attempt against each key before the password is checked, or refuse it.

    Counting first, under row locks, means that a thousand guesses sent at once are counted one
    after another: no more of them are checked than the rules allow. A refused attempt is not
    counted. `succeeded` takes the count back when the password was right.
    """
    now = now or utcnow()
    with db.write() as session:
        rows = locked_rows(session, keys.values(), now)
        refusals = []
        for kind, key in keys.items():
            row = rows[key]
            if now - row.window_started_at >= WINDOW:
                row.failures, row.window_started_at = 0, now
            wait = RULES[kind].wait(row, now)
            if wait > 0:
                refusals.append(Refusal(kind, max(1, int(wait + 0.999))))
        if refusals:
            return max(refusals, key=lambda r: r.retry_after)
        for row in rows.values():
            row.failures += 1
            row.last_failure_at = now
        if secrets.randbelow(64) == 0:
            session.execute(
                delete(AuthThrottle).where(
                    AuthThrottle.last_failure_at < now - 2 * WINDOW,
                    AuthThrottle.key.not_in(list(rows)),
                )
            )
    return None


def succeeded(db: Database, keys: Mapping[str, str]) -> None:
    """The password was right: the client starts afresh, and the attempt counts nowhere."""
    with db.write() as session:
        rows = locked_rows(session, keys.values(), utcnow())
        for kind, key in keys.items():
            if kind == "client":
                session.delete(rows[key])
            else:
                rows[key].failures = max(0, rows[key].failures - 1)


def server_secret(db: Database, name: str) -> str:
    """A random key made the first time it is asked for and kept: all workers get the same one."""
    with db.write() as session:
        session.execute(
            _insert(session)(ServerSecret)
            .values(name=name, value=secrets.token_urlsafe(48))
            .on_conflict_do_nothing(index_elements=["name"])
        )
        return session.scalars(select(ServerSecret.value).where(ServerSecret.name == name)).one()


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start_session(db: Database, lifetime: timedelta) -> str:
    session_id = secrets.token_urlsafe(32)
    now = utcnow()
    with db.write() as session:
        session.execute(delete(AuthSession).where(AuthSession.expires_at < now))
        session.add(AuthSession(id_hash=_hash(session_id), expires_at=now + lifetime))
    return session_id


def session_is_live(db: Database, session_id: str) -> bool:
    with db.read() as session:
        expires_at = session.scalar(
            select(AuthSession.expires_at).where(AuthSession.id_hash == _hash(session_id))
        )
    return expires_at is not None and expires_at > utcnow()


def end_session(db: Database, session_id: str) -> None:
    with db.write() as session:
        session.execute(delete(AuthSession).where(AuthSession.id_hash == _hash(session_id)))
