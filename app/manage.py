"""The manage capability: a secret token, separate from the share link, that lets its holder
rotate or expire the link (and, with later features, change or delete the assessment).

Made when an assessment is finished, shown once, stored only as a SHA-256 hash: the token is 256
random bits, so a fast hash is as safe as a password hash would be, and the table alone opens
nothing. When the team password is set, signed-in users may manage every assessment.
Transactions commit here.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from app import assessments
from app.db import Database
from app.models import Assessment, utcnow

TOKEN_BYTES = 32  # 256 random bits, 43 URL-safe characters
# How long a share link may live, in days; None: until rotated.
EXPIRY_DAYS = (7, 30, 90)


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()


def holds(assessment: Assessment | assessments.Stamp, manage_token: str | None) -> bool:
    """True when `manage_token` is this assessment's, compared in constant time."""
    if not manage_token or assessment.manage_token_hash is None:
        return False
    if not assessments.looks_like_token(manage_token):
        return False
    return hmac.compare_digest(hash_token(manage_token), assessment.manage_token_hash)


def authorize(
    db: Database, share_token: str, manage_token: str | None, *, signed_in: bool
) -> Assessment:
    """The finished assessment behind `share_token`, when the caller may manage it.

    Raises `assessments.NotFound` for an unknown, rotated or draft id, and for a missing or wrong
    manage token, alike. An expired link can still be managed (rotated, given a new expiry) by
    those who may: to everyone else it is unknown.
    """
    assessment = find(db, share_token)
    if not (signed_in or holds(assessment, manage_token)):
        raise assessments.NotFound(share_token)
    return assessment


def find(db: Database, share_token: str) -> Assessment:
    """The finished assessment behind a share link, expired or not; check who asks before use."""
    with db.read() as session:
        assessment = assessments._by_token(session, share_token, include_expired=True)
    if not assessment.is_finished:
        raise assessments.NotFound(share_token)
    return assessment


def rotate(db: Database, assessment: Assessment) -> Assessment:
    """A new share link; the old one answers 404 from the moment this commits, on every worker
    (pages are always looked up by their token, app/web/cache.py). An expiry still to come is
    kept; one that has passed is dropped, so the new link works."""
    with db.write() as session:
        row = session.get(Assessment, assessment.id, with_for_update=True)
        if row is None or row.share_token != assessment.share_token:
            raise assessments.NotFound(assessment.share_token)
        row.share_token = assessments.new_share_token()
        if assessments.link_expired(row):
            row.share_expires_at = None
    return row


def set_expiry(db: Database, assessment: Assessment, days: int | None) -> Assessment:
    """The share link stops working `days` from now (one of EXPIRY_DAYS), or never (None)."""
    if days is not None and days not in EXPIRY_DAYS:
        raise ValueError(days)
    with db.write() as session:
        row = session.get(Assessment, assessment.id, with_for_update=True)
        if row is None or row.share_token != assessment.share_token:
            raise assessments.NotFound(assessment.share_token)
        row.share_expires_at = None if days is None else utcnow() + timedelta(days=days)
    return row
