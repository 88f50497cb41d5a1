"""Who acts on a decision, its manage keys as stored, and its audit trail's lines.

What both app/assessments.py (finishing, accepting, status changes and deletion write the trail)
and app/manage.py (keys, rotation, expiry) need, kept apart so neither imports the other.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.models import Assessment, AuditEvent, ManageKey

TOKEN_BYTES = 32  # 256 random bits, 43 URL-safe characters
REASON_LIMIT = 500


@dataclass(frozen=True)
class Actor:
    """Who acts on a decision: a key's holder (`label`, empty for the key made at finishing)
    or a signed-in session."""

    kind: str  # "key" | "session"
    label: str = ""
    key_id: int | None = None


SESSION = Actor("session")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()


def first_key(session: Session, decision_id: int) -> str:
    """The key made when a decision's first version is finished: returned raw, to show once."""
    raw = new_token()
    session.add(ManageKey(decision_id=decision_id, key_hash=hash_token(raw), label=""))
    return raw


def record(
    session: Session,
    assessment: Assessment,
    action: str,
    actor: Actor,
    detail: Mapping[str, Any] | None = None,
    reason: str = "",
) -> None:
    """One line of the decision's audit trail, in the caller's transaction."""
    session.add(
        AuditEvent(
            decision_id=assessment.decision_id
            if assessment.decision_id is not None
            else assessment.id,
            version=assessment.version,
            action=action,
            detail=dict(detail or {}),
            actor_kind=actor.kind,
            actor_label=actor.label,
            reason=reason[:REASON_LIMIT],
        )
    )
