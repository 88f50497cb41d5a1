"""Who owns a decision, and what owners do: manage keys, rotation, expiry, the audit trail.

A decision is every version of one assessment (`Assessment.decision_id`, the id of its first
version). Its owners hold one of its manage keys (`ManageKey`): the key made when the first
version was finished, shown once to whoever finished it, and the co-owner keys owners invite,
each with a label. A key manages every version, past and future; a revoked key manages nothing.
When the team password is set, signed-in users own every decision.

Keys are 256 random bits, stored only as a SHA-256 hash: a fast hash is as safe as a password
hash would be for such a secret, and the table alone opens nothing.

Every change an owner makes is recorded in the decision's audit trail (`AuditEvent`): who (the
key's label, or "signed-in session"), when, what, and an optional reason. Transactions commit here.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app import assessments
from app.db import Database
from app.models import Assessment, AuditEvent, ManageKey, ReplacedLink, utcnow
from app.ownership import REASON_LIMIT, SESSION, Actor, hash_token, new_token, record

# How long a share link may live, in days; None: until rotated.
EXPIRY_DAYS = (7, 30, 90)
LABEL_LIMIT = 80
# A key's last use is written at most this often, so an owner browsing writes little.
TOUCH_EVERY = timedelta(minutes=1)
# A decision has at most this many keys, revoked ones included: enough for any team.
MAX_KEYS = 50
ACTIONS = ("status", "accepted", "rotated", "expiry", "key_invited", "key_revoked", "deleted")


class TooManyKeys(ValueError):
    """The decision has MAX_KEYS keys already."""


class InvalidLabel(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _hashes(tokens: Iterable[str | None]) -> list[str]:
    return [hash_token(t) for t in tokens if t and assessments.looks_like_token(t)]


def key_for(
    db: Database, decision_id: int | None, tokens: Iterable[str | None]
) -> ManageKey | None:
    """The first unrevoked key of this decision among `tokens`, or None."""
    hashes = _hashes(tokens)
    if decision_id is None or not hashes:
        return None
    with db.read() as session:
        found = session.scalars(
            select(ManageKey).where(
                ManageKey.key_hash.in_(hashes),
                ManageKey.decision_id == decision_id,
                ManageKey.revoked_at.is_(None),
            )
        ).all()
    # Compared again in constant time: the lookup by hash is an index, not the check.
    by_hash = {key.key_hash: key for key in found}
    for digest in hashes:
        key = by_hash.get(digest)
        if key is not None and hmac.compare_digest(key.key_hash, digest):
            return key
    return None


def holds(db: Database, decision_id: int | None, token: str | None) -> bool:
    return key_for(db, decision_id, [token]) is not None


def actor_for(
    db: Database, decision_id: int | None, tokens: Iterable[str | None], *, signed_in: bool
) -> Actor | None:
    """Who may manage this decision among the caller's keys and session; None: nobody."""
    key = key_for(db, decision_id, tokens)
    if key is not None:
        return Actor("key", key.label, key.id)
    return SESSION if signed_in else None


def owned_decisions(db: Database, tokens: Iterable[str | None]) -> frozenset[int]:
    """The decisions these keys manage (for the history, which links only to those)."""
    hashes = _hashes(tokens)
    if not hashes:
        return frozenset()
    with db.read() as session:
        return frozenset(
            session.scalars(
                select(ManageKey.decision_id).where(
                    ManageKey.key_hash.in_(hashes), ManageKey.revoked_at.is_(None)
                )
            ).all()
        )


def touch(db: Database, actor: Actor) -> None:
    """Note a key's use (at most once a minute per key)."""
    if actor.key_id is None:
        return
    now = utcnow()
    with db.write() as session:
        session.execute(
            update(ManageKey)
            .where(
                ManageKey.id == actor.key_id,
                (ManageKey.last_used_at.is_(None)) | (ManageKey.last_used_at < now - TOUCH_EVERY),
            )
            .values(last_used_at=now)
        )


def authorize(
    db: Database, share_token: str, manage_token: str | None, *, signed_in: bool
) -> tuple[Assessment, Actor]:
    """The finished assessment behind `share_token`, and who manages it, when the caller may.

    Raises `assessments.NotFound` for an unknown or draft id and for a missing or wrong manage
    key alike (`assessments.Gone` for a replaced link, whoever asks). An expired link can still
    be managed (rotated, given a new expiry) by those who may.
    """
    assessment = find(db, share_token)
    actor = actor_for(db, assessment.decision_id, [manage_token], signed_in=signed_in)
    if actor is None:
        raise assessments.NotFound(share_token)
    touch(db, actor)
    return assessment, actor


def find(db: Database, share_token: str) -> Assessment:
    """The finished assessment behind a share link, expired or not; check who asks before use."""
    with db.read() as session:
        assessment = assessments._by_token(session, share_token, include_expired=True)
    if not assessment.is_finished:
        raise assessments.NotFound(share_token)
    return assessment


def clean_reason(value: object) -> str | None:
    """An optional reason as stored (one line, at most REASON_LIMIT), or None when unusable."""
    text = assessments.clean_text(value, multiline=False)
    if text is None or len(text.strip()) > REASON_LIMIT:
        return None
    return text.strip()


def _locked(session: Session, assessment: Assessment) -> Assessment:
    row = session.get(Assessment, assessment.id, with_for_update=True)
    if row is None or row.share_token != assessment.share_token:
        raise assessments.NotFound(assessment.share_token)
    return row


def rotate(db: Database, assessment: Assessment, actor: Actor, reason: str = "") -> Assessment:
    """A new share link; the old one answers 410 Gone from the moment this commits, on every
    worker (pages are always looked up by their token, app/web/cache.py). An expiry still to
    come is kept; one that has passed is dropped, so the new link works."""
    with db.write() as session:
        row = _locked(session, assessment)
        session.add(ReplacedLink(token_hash=hash_token(row.share_token), assessment_id=row.id))
        row.share_token = assessments.new_share_token()
        if assessments.link_expired(row):
            row.share_expires_at = None
        record(session, row, "rotated", actor, reason=reason)
    return row


def set_expiry(
    db: Database, assessment: Assessment, days: int | None, actor: Actor, reason: str = ""
) -> Assessment:
    """The share link stops working `days` from now (one of EXPIRY_DAYS), or never (None)."""
    if days is not None and days not in EXPIRY_DAYS:
        raise ValueError(days)
    with db.write() as session:
        row = _locked(session, assessment)
        row.share_expires_at = None if days is None else utcnow() + timedelta(days=days)
        record(session, row, "expiry", actor, {"days": days}, reason)
    return row


def clean_label(value: object) -> str:
    """A co-owner key's label as stored; raises InvalidLabel(required | too_long | not_text)."""
    text = assessments.clean_text(value, multiline=False)
    if text is None:
        raise InvalidLabel("not_text")
    text = text.strip()
    if not text:
        raise InvalidLabel("label_required")
    if len(text) > LABEL_LIMIT:
        raise InvalidLabel("too_long")
    return text


# The class of PostgreSQL advisory lock a decision's key count is taken under (any fixed number
# no other lock of this app uses; the decision's id is the second key).
KEYS_LOCK = 0x6B657973  # "keys"


def _lock_keys(session: Session, decision_id: int) -> None:
    """Serialise key changes of one decision: two versions lock different assessment rows, so
    without this two invites through them each count 49 keys and both insert. SQLite already
    serialises writers; PostgreSQL takes a lock held until the transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(KEYS_LOCK, decision_id)))


def invite(
    db: Database, assessment: Assessment, label: object, actor: Actor
) -> tuple[ManageKey, str]:
    """A new co-owner key for the decision, with its label; the raw key is returned once."""
    clean = clean_label(label)
    raw = new_token()
    with db.write() as session:
        row = _locked(session, assessment)
        if row.decision_id is None:  # bulk-seeded rows have none: the decision is named after it
            row.decision_id = row.id
        _lock_keys(session, row.decision_id)
        count = len(
            session.scalars(
                select(ManageKey.id).where(ManageKey.decision_id == row.decision_id)
            ).all()
        )
        if count >= MAX_KEYS:
            raise TooManyKeys(count)
        key = ManageKey(decision_id=row.decision_id, key_hash=hash_token(raw), label=clean)
        session.add(key)
        session.flush()
        record(session, row, "key_invited", actor, {"key_id": key.id, "label": clean})
    return key, raw


def revoke(db: Database, assessment: Assessment, key_id: int, actor: Actor) -> ManageKey:
    """Revoke one of the decision's keys (an owner may revoke any, their own too); revoking
    again changes nothing. Raises NotFound for a key of another decision or none."""
    with db.write() as session:
        row = _locked(session, assessment)
        key = session.get(ManageKey, key_id, with_for_update=True) if 0 < key_id < 2**31 else None
        if key is None or key.decision_id != row.decision_id:
            raise assessments.NotFound(str(key_id))
        if key.revoked_at is None:
            key.revoked_at = utcnow()
            record(session, row, "key_revoked", actor, {"key_id": key.id, "label": key.label})
    return key


def keys(db: Database, decision_id: int | None) -> list[ManageKey]:
    """The decision's keys, oldest first, revoked ones included."""
    with db.read() as session:
        return list(
            session.scalars(
                select(ManageKey).where(ManageKey.decision_id == decision_id).order_by(ManageKey.id)
            ).all()
        )


def trail(db: Database, decision_id: int | None, limit: int = 200) -> list[AuditEvent]:
    """The decision's audit trail, newest first (the newest `limit` events)."""
    with db.read() as session:
        return list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.decision_id == decision_id)
                .order_by(AuditEvent.id.desc())
                .limit(limit)
            ).all()
        )


def key_record(key: ManageKey) -> dict[str, Any]:
    """A key as the API lists it: never the key itself, which only its hash stands for."""
    return {
        "id": key.id,
        "label": key.label,
        "created_at": key.created_at.isoformat(),
        "last_used_at": key.last_used_at.isoformat() if key.last_used_at else None,
        "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
    }


def event_record(event: AuditEvent) -> dict[str, Any]:
    """An audit event as the API and the JSON record give it."""
    return {
        "action": event.action,
        "version": event.version,
        "detail": event.detail,
        "who": {"kind": event.actor_kind, "label": event.actor_label},
        "reason": event.reason,
        "at": event.created_at.isoformat(),
    }
