"""A comment typed while signed out survives sign-in (issue 21, point 10).

With a team password, the comment form of a signed-out reader posts to /sign-in, carrying what
was typed (`comment_for`, `author`, `text`). The sign-in page keeps it in hidden fields however
many tries the password takes; once it is right, the draft is stored for an hour under the hash
of a random id, that id goes in an HttpOnly cookie, and the reader is sent back to the verdict
page, whose comment form shows the draft, ready to send. Taken once, then deleted.
"""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from starlette.requests import Request
from starlette.responses import Response

from app import comments
from app.assessments import clean_text, looks_like_token
from app.db import Database
from app.models import CommentDraft, utcnow
from app.web.cookies import delete_cookie, set_cookie

COOKIE = "comment_draft"
LIFETIME = timedelta(hours=1)


def _hash(draft_id: str) -> str:
    return hashlib.sha256(draft_id.encode()).hexdigest()


def carried(token: str, author: str, text: str) -> dict[str, str] | None:
    """The draft a sign-in form carries, bounded as a comment is; None when it carries none."""
    if not looks_like_token(token):
        return None
    author = (clean_text(author, multiline=False) or "")[: comments.LIMITS["author"]]
    text = (clean_text(text, multiline=True) or "")[: comments.LIMITS["text"]]
    return {"comment_for": token, "author": author, "text": text}


def keep(request: Request, response: Response, db: Database, draft: dict[str, str]) -> None:
    draft_id = secrets.token_urlsafe(32)
    now = utcnow()
    with db.write() as session:
        session.execute(delete(CommentDraft).where(CommentDraft.expires_at < now))
        session.add(
            CommentDraft(
                id_hash=_hash(draft_id),
                share_token=draft["comment_for"],
                author=draft["author"],
                text=draft["text"],
                expires_at=now + LIFETIME,
            )
        )
    set_cookie(request, response, COOKIE, draft_id, max_age=int(LIFETIME.total_seconds()))


def take(request: Request, db: Database, token: str) -> dict | None:
    """The comment form's contents kept for this page, or None; the draft is deleted."""
    draft_id = request.cookies.get(COOKIE)
    if not draft_id or len(draft_id) > 100:
        return None
    with db.write() as session:
        draft = session.scalars(
            select(CommentDraft).where(CommentDraft.id_hash == _hash(draft_id))
        ).one_or_none()
        if draft is None or draft.share_token != token:
            return None
        values = {"author": draft.author, "text": draft.text}
        fresh = draft.expires_at > utcnow()
        session.delete(draft)
    return {"values": values, "errors": {}, "problem": None} if fresh else None


def forget(request: Request, response: Response) -> None:
    delete_cookie(request, response, COOKIE)
