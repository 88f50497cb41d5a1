"""Sign-in state kept in the database, so every worker and host agrees: the password throttle,
the server's own secret keys, and signed-in sessions. Transactions commit here."""

import hashlib
import ipaddress
import secrets
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.db import Database
from app.models import AuthSession, AuthThrottle, ServerSecret, utcnow

WINDOW = timedelta(minutes=15)
# Rows whose window has ended count nothing any more: the first password check (right or wrong)
# in each process, and then one at most this many seconds later, deletes them.
EXPIRY_INTERVAL = 60.0


@dataclass(frozen=True)
class Rule:
    """How one kind of key slows guessing once `free` failures were counted in a window."""

    free: int
    # None: locked until the window ends. A number: each further attempt waits 1, 2, 4 ... seconds
    # after the last failure, up to this many.
    max_delay: float | None

    def wait(self, row: AuthThrottle | None, now: datetime) -> float:
        if row is None or now - row.window_started_at >= WINDOW or row.failures < self.free:
            return 0.0
        if self.max_delay is None:
            return (row.window_started_at + WINDOW - now).total_seconds()
        delay = min(2.0 ** min(row.failures - self.free, 30), self.max_delay)
        return (row.last_failure_at + timedelta(seconds=delay) - now).total_seconds()


# OWASP's "device cookies" against lockout. A browser or API client that once signed in with the
# right password carries a signed device cookie (app/web/access.py): its own wrong passwords are
# counted under its own key, and nothing tried from elsewhere slows it down. Everyone else is an
# untrusted client, counted by address (an IPv6 /64), not by user-agent, so rotating user-agents
# makes no new rows. The password is compared first; only an attempt found wrong is counted, so
# requests still in flight never count, and the account-wide key never refuses the right password:
# it only answers further wrong ones with 429 and a Retry-After, for scripts to back off.
RULES = {
    "device": Rule(free=5, max_delay=None),
    "address": Rule(free=10, max_delay=None),
    "account": Rule(free=100, max_delay=60.0),
}


@dataclass(frozen=True)
class Refusal:
    """Why an attempt is refused: which kind of key, and seconds until the next is counted."""

    kind: str
    retry_after: int


def _refusal(kind: str, wait: float) -> Refusal:
    return Refusal(kind, max(1, int(wait + 0.999)))


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


def throttle_keys(address: str, device: str | None = None) -> dict[str, str]:
    """The keys an attempt is counted under: its device, when it carries a trusted device
    cookie, else its address and the account."""
    keys = {"address": f"address:{address_key(address)}", "account": "account"}
    if device:
        keys["device"] = f"device:{device[:64]}"
    return keys


def _insert(session: Session):
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def locked_rows(session: Session, keys: Iterable[str], now: datetime) -> dict[str, AuthThrottle]:
    """The rows of `keys`, made if missing, locked in key order (so two attempts can't deadlock).
    A row whose window has ended starts a new one."""
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
    for row in rows:
        if now - row.window_started_at >= WINDOW:
            row.failures, row.window_started_at = 0, now
    return {row.key: row for row in rows}


_expiry_lock = threading.Lock()
_next_expiry = 0.0


def expire(session: Session, now: datetime) -> int:
    """Delete every row whose window has ended: such a row counts nothing any more."""
    result = session.execute(
        delete(AuthThrottle).where(AuthThrottle.window_started_at <= now - WINDOW)
    )
    return result.rowcount or 0


def expire_now_and_then(db: Database, now: datetime) -> None:
    """`expire`, at most once per EXPIRY_INTERVAL seconds in this process."""
    global _next_expiry
    with _expiry_lock:
        if time.monotonic() < _next_expiry:
            return
        _next_expiry = time.monotonic() + EXPIRY_INTERVAL
    with db.write() as session:
        expire(session, now)


def decide(
    db: Database, keys: Mapping[str, str], right: bool, now: datetime | None = None
) -> Refusal | None:
    """Whether a password attempt, already compared with the password, may have its answer.

    A right password is only ever refused when it comes from an untrusted client at an address
    that is locked by its own wrong passwords; it is never counted and never writes a row. A
    wrong one is counted under row locks, so however many guesses arrive at once, no more of
    them get an answer (401) than the rules allow; the rest get 429 and are not counted.
    """
    now = now or utcnow()
    expire_now_and_then(db, now)
    device = keys.get("device")
    if right:
        wanted = [key for key in (device, keys["address"]) if key]
        with db.read() as session:
            rows = {
                row.key: row
                for row in session.scalars(select(AuthThrottle).where(AuthThrottle.key.in_(wanted)))
            }
        if device is not None and RULES["device"].wait(rows.get(device), now) <= 0:
            return None
        wait = RULES["address"].wait(rows.get(keys["address"]), now)
        return _refusal("address", wait) if wait > 0 else None
    with db.write() as session:
        if device is not None:
            row = locked_rows(session, [device], now)[device]
            if RULES["device"].wait(row, now) <= 0:
                row.failures += 1
                row.last_failure_at = now
                return None
            # A device past its own limit is one more untrusted client (OWASP).
        rows = locked_rows(session, [keys["address"], keys["account"]], now)
        address, account = rows[keys["address"]], rows[keys["account"]]
        wait = RULES["address"].wait(address, now)
        if wait > 0:
            return _refusal("address", wait)
        account_wait = RULES["account"].wait(account, now)
        for row in (address, account):
            row.failures += 1
            row.last_failure_at = now
        return _refusal("account", account_wait) if account_wait > 0 else None


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
