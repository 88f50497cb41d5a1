"""The stored assessment. Portable across SQLite and PostgreSQL, except the search indexes.

Searching title and team by substring needs a trigram index, and each backend has its own:
pg_trgm GIN indexes and a covering index on PostgreSQL (declared below, marked
`info={"only_on": "postgresql"}`; expression statistics too, in the migration only) and
an FTS5 table on SQLite (`assessments_search` and its shadow tables, created by migration 0002
and kept in step by triggers, so not modelled here). `autogenerate_filter` tells Alembic's
autogenerate (and so `alembic check`) to compare each backend with its own part only.
"""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    false,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, also on SQLite, which stores no offset."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use datetime.now(UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONDocument = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


# A finished assessment's status, as an architecture decision record's: every new one is proposed;
# finishing a revision supersedes the version before it (migration 0007).
STATUSES = ("proposed", "accepted", "rejected", "superseded")
DEFAULT_STATUS = "proposed"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Assessment(Base):
    """A draft while `finished_at` is empty; afterwards a frozen record of answers and verdict."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The capability in every link: random, URL-safe, never derived from `id`.
    share_token: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    team: Mapped[str] = mapped_column(String(100), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    answers: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    # The furthest step reached; a draft link resumes here.
    current_step: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recommendation: Mapped[str | None] = mapped_column(String(32))
    confidence: Mapped[str | None] = mapped_column(String(10))
    verdict: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    rules_version: Mapped[str | None] = mapped_column(String(40))
    # The optional numbers of the cost step (app/costs, the request shape of /api/v1/costs).
    cost_inputs: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    revised_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="SET NULL")
    )
    # What a dataset check measured (app/datasets), kept only when the team attaches it.
    data_profile: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    # An eval run's measured summary (app/evals), attached by the team; and the last check made
    # from a draft, held under a random id until attached (migration 0041).
    eval_run: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    eval_check: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    status: Mapped[str] = mapped_column(
        String(12), default=DEFAULT_STATUS, server_default=DEFAULT_STATUS
    )
    # 1 for an original; a finished revision is one more than the version it supersedes.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # The decision this is a version of: the id of its first version, shared by every revision
    # (no foreign key: the decision outlives a deleted first version). Its owners hold the
    # decision's manage keys (ManageKey, migration 0011).
    decision_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # A revision finished by someone who does not own the decision: shown on the original as a
    # proposed revision, superseding it only once an owner accepts it (migration 0013).
    is_proposal: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # After this moment the share link answers 404, as an unknown one does. Empty: never.
    share_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # The raw manage key, set only on the object that finishing or creating returned, so the
    # caller can hand it out once. Not a column: only its hash is stored (ManageKey).
    manage_token = None
    # Form fields typed into a draft's steps that did not validate ({field: text}), kept when the
    # person left the step so it shows them again with their errors; cleared once they are fixed.
    typed_answers: Mapped[dict[str, str] | None] = mapped_column(JSONDocument)

    __table_args__ = (
        CheckConstraint("status IN ('proposed', 'accepted', 'rejected', 'superseded')", "status"),
        # History: finished assessments, newest first, paged by (finished_at, id).
        Index("ix_assessments_finished", "finished_at", "id"),
        Index("ix_assessments_recommendation_finished", "recommendation", "finished_at", "id"),
        # "Superseded by": the newest finished revision of an assessment.
        Index("ix_assessments_revised_from_id", "revised_from_id"),
        # History by status, newest first; and by status and recommendation, which also counts
        # a status's assessments by recommendation from the index alone.
        Index("ix_assessments_status_finished", "status", "finished_at", "id"),
        Index(
            "ix_assessments_status_recommendation", "status", "recommendation", "finished_at", "id"
        ),
        # Insights: counts by month, verdict and team read this index, never the wide rows;
        # recommendation first, so that filtering by it uses this index too.
        Index(
            "ix_assessments_insights",
            "recommendation",
            "confidence",
            "team",
            "finished_at",
            sqlite_where=text("finished_at IS NOT NULL"),
            postgresql_where=text("finished_at IS NOT NULL"),
        ),
        # Search (PostgreSQL): newest first, filtering on the index alone (index-only scans)...
        Index(
            "ix_assessments_history",
            "finished_at",
            "id",
            postgresql_include=["recommendation", "title", "team"],
            postgresql_where=text("finished_at IS NOT NULL"),
            info={"only_on": "postgresql"},
        ),
        # ...and `lower(title) LIKE '%q%'` (the same for team) by trigrams, finished rows only.
        *(
            Index(
                f"ix_assessments_{column}_trgm",
                func.lower(text(column)).label(f"lower_{column}"),
                postgresql_using="gin",
                postgresql_ops={f"lower_{column}": "gin_trgm_ops"},
                postgresql_where=text("finished_at IS NOT NULL"),
                info={"only_on": "postgresql"},
            )
            for column in ("title", "team")
        ),
    )

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None


class Comment(Base):
    """A teammate's note on a finished assessment, under a display name (no accounts).

    Deleted with its assessment (ON DELETE CASCADE), on both backends.
    """

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    author: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # An assessment's comments, oldest first, from the index alone.
    __table_args__ = (Index("ix_comments_assessment", "assessment_id", "id"),)


class ManageKey(Base):
    """A key that manages a decision, every version of it (app/manage.py): the one given to whoever
    finished the first version, and the co-owner keys its owners invite. Only its sha256 is stored;
    a revoked key manages nothing and stays listed (migration 0011)."""

    __tablename__ = "manage_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(Integer)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Empty for the key made at finishing (shown as such); what the owner typed for an invite.
    label: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_manage_keys_decision", "decision_id", "id"),)


class AuditEvent(Base):
    """Who changed what of a decision, and when: status changes, acceptances, rotations, expiry
    changes, key changes and deletions (migration 0012). Kept after a version is deleted."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(Integer)
    # The version acted on (its number: ids and tokens are not shown).
    version: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))
    # What changed, e.g. {"from": "proposed", "to": "accepted"} or {"label": "Ana"}.
    detail: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    # "key" (with the key's label) or "session" (signed in with the team password).
    actor_kind: Mapped[str] = mapped_column(String(10))
    actor_label: Mapped[str] = mapped_column(String(80), default="")
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_audit_events_decision", "decision_id", "id"),)


class ReplacedLink(Base):
    """A share token a rotation replaced (its sha256), so that the old link answers 410 Gone
    rather than 404; goes with its assessment (migration 0013)."""

    __tablename__ = "replaced_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AssessmentCount(Base):
    """Finished assessments per recommendation, so the history's counts cost one tiny read.

    Written only by the triggers of migration 0002, never by the app.
    """

    __tablename__ = "assessment_counts"

    recommendation: Mapped[str] = mapped_column(String(32), primary_key=True)
    finished: Mapped[int] = mapped_column(Integer)


class AuthThrottle(Base):
    """Failed password presentations, counted per key ("client:…", "address:…", "account"), so
    that every worker and every host behind one database sees the same count (migration 0003)."""

    __tablename__ = "auth_throttle"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    # Indexed (migration 0021) for the delete of rows whose window has ended (app/auth.py).
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ServerSecret(Base):
    """Random keys the server makes once and keeps, e.g. the key that signs session cookies."""

    __tablename__ = "server_secrets"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class AuthSession(Base):
    """A signed-in browser. Its cookie is valid only while this row exists: sign-out deletes it."""

    __tablename__ = "auth_sessions"

    # sha256 of the session id the cookie carries: the table alone opens nothing.
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class CommentDraft(Base):
    """A comment typed while signed out, kept through sign-in for an hour (migration 0022)."""

    __tablename__ = "comment_drafts"

    # sha256 of the random id an HttpOnly cookie carries.
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    share_token: Mapped[str] = mapped_column(String(64))
    author: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


# SQLite's FTS5 search table; FTS5 names its shadow tables after it (assessments_search_data...).
SQLITE_SEARCH_TABLE = "assessments_search"


def autogenerate_filter(dialect: str):
    """An `include_object` for Alembic that compares each backend with the objects it really has:
    no FTS5 tables on PostgreSQL's side, no pg_trgm indexes on SQLite's."""

    def include_object(obj, name, type_, reflected, compare_to) -> bool:
        if type_ == "table" and name is not None and name.startswith(SQLITE_SEARCH_TABLE):
            return False
        only_on = getattr(obj, "info", {}).get("only_on")
        if only_on is None and compare_to is not None:
            only_on = getattr(compare_to, "info", {}).get("only_on")
        return only_on is None or only_on == dialect

    return include_object


class DatasetCheck(Base):
    """A dataset check's profile, kept for a day (app/datasets/store.py) so that its report has
    a URL of its own and attaching it sends only its id: the numbers are the server's, never a
    browser's. Bound to the draft it was started from; deleted with it (migration 0031)."""

    __tablename__ = "dataset_checks"

    # A random 32-character id: the capability to read the report.
    id: Mapped[str] = mapped_column(String(43), primary_key=True)
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    profile: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
