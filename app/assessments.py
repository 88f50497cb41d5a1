"""Use cases: start a draft, save a step, finish, revise, look up, search. Transactions commit here."""

import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, NoReturn

from sqlalchemy import bindparam, select
from sqlalchemy import delete as sa_delete
from sqlalchemy.orm import Session, aliased

from app import costs, datasets, decision, evals, ownership
from app.db import Database
from app.models import STATUSES, Assessment, AuditEvent, ManageKey, ReplacedLink, utcnow
from app.text import tidy_name

FIRST_STEP = decision.STEP_KEYS[0]
REVIEW = "review"
# A draft's progress runs through the steps, then to the review page.
PROGRESS = (*decision.STEP_KEYS, REVIEW)

META_LIMITS = {"title": 200, "team": 100, "notes": 5000}
MULTILINE_FIELDS = frozenset({"notes"})
# Control characters (C0, DEL, C1): a line break or tab becomes a space in a one-line field, the
# rest (ESC, BEL, ...) go; in a multi-line field, line breaks and tabs stay.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SPACING = frozenset("\t\n\r\x0b\x0c\x85")
# The cost step's optional numbers are posted with its answers, each field named "costs.<path>".
COST_FORM_PREFIX = "costs."
TOKEN_BYTES = 32  # 256 random bits, 43 URL-safe characters


class NotFound(LookupError):
    """No assessment has that token, or it is not in the state the caller needs."""


class Gone(NotFound):
    """The link was replaced by a rotation, or has expired: it answers 410, not 404."""


class AlreadyFinished(NotFound):
    """The draft was finished: its answers are frozen, and its link now shows the verdict."""


class OutOfOrder(ValueError):
    """A step was posted before the steps in front of it were answered."""

    def __init__(self, current_step: str) -> None:
        super().__init__(current_step)
        self.current_step = current_step


class Incomplete(ValueError):
    """A draft cannot be finished yet: some answers are missing or no longer valid."""

    def __init__(self, errors: list[decision.FieldError]) -> None:
        super().__init__(", ".join(e.field for e in errors))
        self.errors = errors
        first = errors[0].field
        self.step = decision.QUESTIONS[first].step if first in decision.QUESTIONS else FIRST_STEP


@dataclass(frozen=True)
class MetaError:
    """A problem with title, team or notes; the web layer turns `code` into words."""

    field: str
    code: str  # "required" | "too_long" | "not_text"
    limit: int | None = None


def new_share_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def looks_like_token(value: str) -> bool:
    """Cheap shape check, so malformed links are refused without touching the database."""
    return 16 <= len(value) <= 64 and all(c.isascii() and (c.isalnum() or c in "-_") for c in value)


def _clean_query(value: str) -> str:
    """A search as typed, less control characters and surrounding space, which match nothing."""
    return "".join(c for c in value if unicodedata.category(c) not in ("Cc", "Cs")).strip()


def _without_controls(value: str, *, multiline: bool) -> str:
    def replace(match: re.Match[str]) -> str:
        char = match.group()
        if multiline and char in "\t\n\r":
            return char
        return " " if char in _SPACING else ""

    return _CONTROLS.sub(replace, value)


def clean_text(value: object, *, multiline: bool) -> str | None:
    """User text as stored, or None when it is not text a database can store.

    What no database can store as text is refused: NUL, and halves of UTF-16 surrogate pairs.
    Other control characters are dropped, but multi-line text keeps its line breaks and tabs.
    One-line text (names, titles) also loses invisible and direction-changing characters
    (app/text.py).
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        return None
    if "\x00" in value or any("\ud800" <= char <= "\udfff" for char in value):
        return None
    value = _without_controls(value, multiline=multiline)
    return value if multiline else tidy_name(value)


def validate_meta(raw: Mapping[str, object]) -> tuple[dict[str, str], list[MetaError]]:
    meta: dict[str, str] = {}
    errors: list[MetaError] = []
    for field, limit in META_LIMITS.items():
        value = clean_text(raw.get(field, ""), multiline=field in MULTILINE_FIELDS)
        if value is None:
            errors.append(MetaError(field, "not_text"))
            continue
        if field == "title" and not value.strip():
            errors.append(MetaError(field, "required"))
        elif len(value) > limit:
            errors.append(MetaError(field, "too_long", limit))
        else:
            meta[field] = value
    return meta, errors


def link_expired(assessment: "Assessment | Stamp", now: datetime | None = None) -> bool:
    expires_at = assessment.share_expires_at
    return expires_at is not None and expires_at <= (now or utcnow())


def _by_token(
    session: Session, token: str, *, for_update: bool = False, include_expired: bool = False
) -> Assessment:
    """With `for_update`, the row stays locked until the transaction ends (PostgreSQL; SQLite's
    writers are serialized anyway), so a step saved while the draft is being finished waits, then
    sees it finished: its answers and verdict never change.

    A link past its expiry answers as an unknown one does, unless `include_expired` (for those
    who may manage it, app/manage.py)."""
    if not looks_like_token(token):
        raise NotFound(token)
    statement = select(Assessment).where(Assessment.share_token == token)
    if for_update:
        statement = statement.with_for_update()
    assessment = session.scalars(statement).one_or_none()
    if assessment is None:
        _missing(session, token)
    if not include_expired and link_expired(assessment):
        raise Gone(token)
    return assessment


def _missing(session: Session, token: str) -> NoReturn:
    """Raise Gone for a link a rotation replaced, NotFound for any other unknown one."""
    replaced = session.get(ReplacedLink, ownership.hash_token(token))
    raise Gone(token) if replaced is not None else NotFound(token)


def get(db: Database, token: str) -> Assessment:
    with db.read() as session:
        return _by_token(session, token)


def get_finished(db: Database, token: str) -> Assessment:
    assessment = get(db, token)
    if not assessment.is_finished:
        raise NotFound(token)
    return assessment


def start_draft(
    db: Database,
    meta: Mapping[str, str],
    answers: Mapping[str, Any] | None = None,
    revised_from_id: int | None = None,
    step: str = FIRST_STEP,
    cost_inputs: Mapping[str, Any] | None = None,
    data_profile: dict[str, Any] | None = None,
    version: int = 1,
    decision_id: int | None = None,
    eval_run: dict[str, Any] | None = None,
) -> Assessment:
    assessment = Assessment(
        share_token=new_share_token(),
        title=meta["title"],
        team=meta.get("team", ""),
        notes=meta.get("notes", ""),
        answers=dict(answers or {}),
        current_step=step,
        revised_from_id=revised_from_id,
        cost_inputs=dict(cost_inputs) if cost_inputs else None,
        data_profile=data_profile,
        version=version,
        decision_id=decision_id,
        eval_run=eval_run,
    )
    with db.write() as session:
        session.add(assessment)
        if decision_id is None:  # a first version: the decision is named after it
            session.flush()
            assessment.decision_id = assessment.id
    return assessment


def furthest(a: str, b: str) -> str:
    return a if PROGRESS.index(a) >= PROGRESS.index(b) else b


def next_step(step: str) -> str:
    return PROGRESS[PROGRESS.index(step) + 1]


def previous_step(step: str) -> str | None:
    index = PROGRESS.index(step)
    return PROGRESS[index - 1] if index > 0 else None


StepError = decision.FieldError | costs.CostError


def _draft_reaching(session: Session, token: str, step: str) -> Assessment:
    """A draft that may take answers for `step`: still open, and with the steps before answered."""
    assessment = _by_token(session, token, for_update=True)
    if assessment.is_finished:
        raise AlreadyFinished(token)
    if PROGRESS.index(step) > PROGRESS.index(assessment.current_step):
        raise OutOfOrder(assessment.current_step)
    return assessment


# What typed text is kept when a step is left with it invalid: what a database can store as text
# (no NUL, no lone UTF-16 surrogate; those are dropped), up to a length no form field needs.
TYPED_LIMIT = 20_000


def storable_typed(fields: Mapping[str, object]) -> dict[str, str]:
    return {
        field: text
        for field, text in fields.items()
        if isinstance(text, str)
        and len(text) <= TYPED_LIMIT
        and "\x00" not in text
        and not any("\ud800" <= char <= "\udfff" for char in text)
    }


def _typed_belongs(field: str, step: str, with_costs: bool) -> bool:
    """A typed field the form of `step` carries, so that saving the step replaces it."""
    question = decision.QUESTIONS.get(field)
    if question is not None:
        return question.step == step
    return with_costs and field.startswith(COST_FORM_PREFIX)


def save_step(
    db: Database,
    token: str,
    step: str,
    raw: Mapping[str, object],
    *,
    partial: bool = False,
    cost_form: Mapping[str, str] | None = None,
) -> tuple[Assessment, list[StepError]]:
    """Validate one step's answers and store them. Nothing is stored when any answer is invalid.

    With `partial` (leaving the step: Back, the progress bar, the language switch), the valid
    answers are stored and the invalid ones kept as typed (`typed_answers`), so moving around
    the wizard never loses what was typed; the step shows them again with their errors.

    `cost_form` is the optional numbers part of the cost step, its fields named "costs.<path>";
    given, it is validated with the answers and replaces the stored cost inputs (an untouched
    form clears them). Not given, the stored cost inputs stay as they are.
    """
    answers, errors = decision.validate_answers(raw, steps=[step])
    cost_inputs: costs.CostInputs | None = None
    cost_errors: list[costs.CostError] = []
    if cost_form is not None and not costs.form_is_empty(cost_form, prefix=COST_FORM_PREFIX):
        cost_inputs, cost_errors = costs.parse_form(
            cost_form, costs.price_table(), prefix=COST_FORM_PREFIX
        )
    all_errors: list[StepError] = [*errors, *cost_errors]
    with db.write() as session:
        assessment = _draft_reaching(session, token, step)
        if all_errors and not partial:
            return assessment, all_errors
        failed = {e.field for e in errors}
        given = {k: v for k, v in answers.items() if k not in failed and (k in raw or not partial)}
        assessment.answers = {**assessment.answers, **given}
        typed = {
            field: text
            for field, text in (assessment.typed_answers or {}).items()
            if not _typed_belongs(field, step, cost_form is not None)
        }
        typed.update(
            storable_typed(
                {
                    f: raw.get(f)
                    for f in failed
                    if f in decision.QUESTIONS and str(raw.get(f) or "").strip()
                }
            )
        )
        if cost_form is not None and not cost_errors:
            assessment.cost_inputs = costs.inputs_to_dict(cost_inputs) if cost_inputs else None
        elif cost_form is not None:
            typed.update(storable_typed(cost_form))
        assessment.typed_answers = typed or None
        if not all_errors:
            assessment.current_step = furthest(assessment.current_step, next_step(step))
    return assessment, all_errors if not partial else []


def typed_fields(assessment: Assessment, fields: Iterable[str] | None = None) -> dict[str, str]:
    """What was typed and not yet valid, for these form fields (all when None)."""
    typed = assessment.typed_answers or {}
    return dict(typed) if fields is None else {f: typed[f] for f in fields if f in typed}


def pending_answers(assessment: Assessment) -> dict[str, Any]:
    """The stored answers, with what was typed in their place where it did not validate."""
    typed = {k: v for k, v in (assessment.typed_answers or {}).items() if k in decision.QUESTIONS}
    return {**assessment.answers, **typed}


DATA_STEP = "data"


def accept_measured(
    db: Database, token: str, answers: Mapping[str, str], profile: dict[str, Any] | None = None
) -> Assessment:
    """Store answers a dataset check suggested in a draft's data step; with `profile`, attach
    what was measured too. All or nothing: an invalid answer stores nothing (InvalidAnswers)."""
    valid, errors = decision.validate_answers(answers, steps=[DATA_STEP])
    errors = [e for e in errors if e.field in answers]
    if errors:
        raise decision.InvalidAnswers(errors)
    with db.write() as session:
        assessment = _draft_reaching(session, token, DATA_STEP)
        assessment.answers = {**assessment.answers, **{key: valid[key] for key in answers}}
        if profile is not None:
            assessment.data_profile = profile
    return assessment


ACCURACY_STEP = "accuracy"
CHECK_ID_BYTES = 16


class StaleCheck(ValueError):
    """The check id posted is not the one the draft holds (another check replaced it)."""


def hold_eval_check(db: Database, token: str, summary: dict[str, Any]) -> str | None:
    """Keep what an eval-run check made from a draft computed, until the team attaches it: the
    id its attach form posts, or None when the token names no open draft. A newer check replaces
    it; the file itself is never kept."""
    with db.write() as session:
        try:
            assessment = _by_token(session, token, for_update=True)
        except NotFound:
            return None
        if assessment.is_finished:
            return None
        check_id = secrets.token_urlsafe(CHECK_ID_BYTES)
        assessment.eval_check = {"id": check_id, "summary": summary}
    return check_id


def attach_eval_run(db: Database, token: str, check_id: str) -> Assessment:
    """Attach the eval run the draft holds under `check_id`: the server's own summary becomes
    `eval_run`, and answers `baseline_accuracy` and `baseline_sample_size` as measured."""
    with db.write() as session:
        assessment = _draft_reaching(session, token, ACCURACY_STEP)
        held = assessment.eval_check or {}
        if not check_id or not secrets.compare_digest(str(held.get("id", "")), check_id):
            raise StaleCheck(token)
        summary = held["summary"]
        measured = evals.measured_answers(summary)
        valid, errors = decision.validate_answers(measured, steps=[ACCURACY_STEP])
        if any(e.field in measured for e in errors):
            raise StaleCheck(token)
        assessment.answers = {**assessment.answers, **{key: valid[key] for key in measured}}
        typed = {k: v for k, v in (assessment.typed_answers or {}).items() if k not in measured}
        assessment.typed_answers = typed or None
        assessment.eval_run = summary
        assessment.eval_check = None
    return assessment


def update_meta(
    db: Database, token: str, meta: Mapping[str, str], typed: Mapping[str, str] | None = None
) -> Assessment:
    """Store title, team and notes. With `typed` (leaving the details page with an error), `meta`
    holds only the valid fields and the invalid ones are kept as typed, as save_step does."""
    with db.write() as session:
        assessment = _by_token(session, token, for_update=True)
        if assessment.is_finished:
            raise AlreadyFinished(token)
        for field in META_LIMITS:
            if field in meta:
                setattr(assessment, field, meta[field])
        kept = {k: v for k, v in (assessment.typed_answers or {}).items() if k not in META_LIMITS}
        assessment.typed_answers = {**kept, **storable_typed(typed or {})} or None
    return assessment


def evidence_of(assessment: Assessment, answers: Mapping[str, Any]) -> decision.Evidence:
    """What the assessment measured besides its answers: the cost numbers (with the break-even
    accuracy), the dataset check and the eval runs (the answers they establish)."""
    cost = None
    if assessment.cost_inputs:
        inputs, _ = costs.parse_costs(assessment.cost_inputs)
        if inputs is not None:
            result = costs.compute(inputs)
            fact = costs.saving_fact(result)
            cost = decision.CostEvidence(fact.key, fact.sentence, **costs.evidence_figures(result))
    profile = assessment.data_profile
    measured = {}
    if profile:
        for question in datasets.QUESTIONS:
            fact = datasets.measured_fact(profile, question, answers.get(question))
            if fact is not None:
                measured[question] = fact
    return decision.Evidence(
        cost=cost,
        measured=measured,
        measured_answers={
            **datasets.measured_answers(profile),
            **evals.measured_answers(assessment.eval_run),
        },
        preference_pairs=datasets.is_preference(profile),
        prompting_plateaued=evals.plateaued(assessment.eval_run),
    )


def _judge(assessment: Assessment, answers: Mapping[str, Any]) -> None:
    verdict = decision.evaluate(answers, evidence_of(assessment, answers))
    assessment.answers = dict(answers)
    assessment.verdict = verdict.to_snapshot()
    assessment.recommendation = verdict.recommendation
    assessment.confidence = verdict.confidence
    assessment.rules_version = verdict.rules_version
    assessment.current_step = REVIEW
    assessment.finished_at = utcnow()


def is_revision(assessment: Assessment) -> bool:
    """A version of a decision begun by another version (its decision is named after that)."""
    return assessment.decision_id is not None and assessment.decision_id != assessment.id


def finish(db: Database, token: str, owner: ownership.Actor | None = None) -> Assessment:
    """Judge a draft's answers.

    A first version starts a decision: the returned assessment carries its first manage key,
    `manage_token`, to show once (None when it had been finished already). A revision finished
    by an `owner` of its decision supersedes the version it revises at once; finished by anyone
    else, it is a proposal, which supersedes nothing until an owner accepts it (`accept`)."""
    with db.write() as session:
        assessment = _by_token(session, token, for_update=True)
        if assessment.is_finished:
            return assessment
        if assessment.current_step != REVIEW:
            raise OutOfOrder(assessment.current_step)
        answers, errors = decision.validate_answers(pending_answers(assessment))
        if errors:
            raise Incomplete(errors)
        _judge(assessment, answers)
        if assessment.decision_id is None:  # a draft begun before revision 0011
            assessment.decision_id = assessment.id
        if not is_revision(assessment):
            # Made once, here: the raw key rides on the returned object, to be shown once.
            assessment.manage_token = ownership.first_key(session, assessment.decision_id)
        elif owner is None:
            assessment.is_proposal = True
            original = _number(session, assessment)
            if original is not None:  # its page now shows the proposal: a new stamp
                original.updated_at = utcnow()
        else:
            _supersede(session, assessment, owner)
    return assessment


def _number(session: Session, revision: Assessment) -> Assessment | None:
    """A revision is one more than the version it revises (when that is still there)."""
    if revision.revised_from_id is None:
        return None
    original = session.get(Assessment, revision.revised_from_id, with_for_update=True)
    if original is not None:
        revision.version = original.version + 1
    return original


def _supersede(
    session: Session, revision: Assessment, owner: ownership.Actor, reason: str = ""
) -> None:
    """A revision an owner finished or accepted supersedes the version it was revised from, as
    a new architecture decision record supersedes the old, in the same transaction."""
    original = _number(session, revision)
    revision.is_proposal = False
    detail: dict[str, Any] = {}
    if original is not None:  # deleted meanwhile: the revision stands alone
        detail = {"supersedes": original.version, "from": original.status}
        original.status = "superseded"
        # Its page now links here: a new stamp, even when it was superseded already.
        original.updated_at = utcnow()
    ownership.record(session, revision, "accepted", owner, detail, reason)


class NotAProposal(ValueError):
    """Only a proposed revision can be accepted."""


def accept(
    db: Database, assessment: Assessment, owner: ownership.Actor, reason: str = ""
) -> Assessment:
    """An owner accepts a proposed revision: it supersedes the version it revises."""
    with db.write() as session:
        row = session.get(Assessment, assessment.id, with_for_update=True)
        if row is None or not row.is_finished:
            raise NotFound(assessment.share_token)
        if not row.is_proposal:
            raise NotAProposal(assessment.share_token)
        _supersede(session, row, owner, reason)
        row.updated_at = utcnow()
    return row


def create_finished(
    db: Database,
    meta: Mapping[str, str],
    answers: Mapping[str, Any],
    cost_inputs: costs.CostInputs | None = None,
    data_profile: dict[str, Any] | None = None,
) -> Assessment:
    """The API's one-shot path: already validated meta, answers and cost inputs, judged and stored
    at once, with a dataset check's profile attached when given (its measurements are evidence,
    as the wizard's attached check is). The returned assessment carries its `manage_token`."""
    assessment = Assessment(
        share_token=new_share_token(),
        title=meta["title"],
        team=meta.get("team", ""),
        notes=meta.get("notes", ""),
        answers={},
        current_step=REVIEW,
        cost_inputs=costs.inputs_to_dict(cost_inputs) if cost_inputs else None,
        data_profile=data_profile,
    )
    _judge(assessment, answers)
    with db.write() as session:
        session.add(assessment)
        session.flush()
        assessment.decision_id = assessment.id
        assessment.manage_token = ownership.first_key(session, assessment.id)
    return assessment


def revise(db: Database, token: str, change: Mapping[str, Any] | None = None) -> Assessment:
    """A new draft, pre-filled from a finished assessment, which itself stays as it was; with
    `change` (from "what if"), those answers changed and the ones that no longer apply cleared."""
    original = get_finished(db, token)
    meta = {"title": original.title, "team": original.team, "notes": original.notes}
    answers = dict(original.answers)
    if change:
        answers.update(change)
        answers.update(dict.fromkeys(decision.not_applicable(answers)))
    return start_draft(
        db,
        meta,
        answers,
        revised_from_id=original.id,
        step=REVIEW,
        cost_inputs=original.cost_inputs,
        data_profile=original.data_profile,
        version=original.version + 1,
        decision_id=original.decision_id if original.decision_id is not None else original.id,
        eval_run=original.eval_run,
    )


def drafts(db: Database, tokens: Sequence[str]) -> list[Assessment]:
    wanted = [t for t in tokens if looks_like_token(t)]
    if not wanted:
        return []
    with db.read() as session:
        rows = session.scalars(
            select(Assessment).where(
                Assessment.share_token.in_(wanted), Assessment.finished_at.is_(None)
            )
        ).all()
    order = {token: i for i, token in enumerate(wanted)}
    return sorted(rows, key=lambda a: order[a.share_token])


class Neighbour(NamedTuple):
    """What a verdict page shows of another version of the same decision: the one it was revised
    from, or the newest finished revision of it (which supersedes it)."""

    share_token: str
    title: str
    version: int
    finished_at: datetime | None


def _neighbour(columns: Sequence[Any]) -> Neighbour | None:
    return Neighbour(*columns) if columns[0] is not None else None


class Stamp(NamedTuple):
    """The few columns that say which version of a verdict page a link stands for."""

    id: int
    share_token: str
    updated_at: datetime
    finished_at: datetime | None
    share_expires_at: datetime | None
    decision_id: int | None
    original: Neighbour | None
    successor: Neighbour | None

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None


# Built once: a statement with an alias costs more to build than to run (SQLAlchemy then caches
# its compiled form).
_original = aliased(Assessment, name="original")
_successor = aliased(Assessment, name="successor")
_revision = aliased(Assessment, name="revision")
_NEWEST_REVISION = (
    select(_revision.id)
    .where(
        _revision.revised_from_id == Assessment.id,
        _revision.finished_at.is_not(None),
        _revision.is_proposal.is_(False),
    )
    .order_by(_revision.finished_at.desc(), _revision.id.desc())
    .limit(1)
    .correlate(Assessment)
    .scalar_subquery()
)
_NEIGHBOURS = tuple(
    column
    for other in (_original, _successor)
    for column in (other.share_token, other.title, other.version, other.finished_at)
)


def _with_neighbours(*columns):
    return (
        select(*columns, *_NEIGHBOURS)
        .outerjoin(_original, _original.id == Assessment.revised_from_id)
        .outerjoin(_successor, _successor.id == _NEWEST_REVISION)
        .where(Assessment.share_token == bindparam("token"))
    )


_STAMP = _with_neighbours(
    Assessment.id,
    Assessment.share_token,
    Assessment.updated_at,
    Assessment.finished_at,
    Assessment.share_expires_at,
    Assessment.decision_id,
)
_WITH_NEIGHBOURS = _with_neighbours(Assessment)


def stamp(db: Database, token: str) -> Stamp:
    """One indexed lookup of a link, without its documents: enough to answer a cached page.

    Run on a bare connection, not an ORM session: it is asked on every verdict request, and a
    session's set-up and tear-down cost more than the query (issue 23, point 7). In autocommit:
    one statement needs no transaction, and on PostgreSQL that saves the round trips of BEGIN
    and ROLLBACK."""
    if not looks_like_token(token):
        raise NotFound(token)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        found = connection.execute(_STAMP, {"token": token}).one_or_none()
    if found is None:
        with db.read() as session:
            _missing(session, token)
    result = Stamp(*found[:6], _neighbour(found[6:10]), _neighbour(found[10:14]))
    if link_expired(result):
        raise Gone(token)
    return result


def with_neighbours(
    db: Database, token: str
) -> tuple[Assessment, Neighbour | None, Neighbour | None]:
    """The assessment behind a link, the one it was revised from and the newest finished revision
    of it, in one indexed lookup: everything the verdict page shows from the database
    (app/web/routes/assessments.py)."""
    if not looks_like_token(token):
        raise NotFound(token)
    with db.read() as session:
        found = session.execute(_WITH_NEIGHBOURS, {"token": token}).one_or_none()
        if found is None:
            _missing(session, token)
    if link_expired(found[0]):
        raise Gone(token)
    return found[0], _neighbour(found[1:5]), _neighbour(found[5:9])


def revised_from(db: Database, assessment: Assessment) -> Assessment | None:
    if assessment.revised_from_id is None:
        return None
    with db.read() as session:
        return session.get(Assessment, assessment.revised_from_id)


def superseded_by(db: Database, assessment: Assessment) -> Assessment | None:
    """The newest finished revision of `assessment`, the version that replaced it."""
    with db.read() as session:
        return session.scalars(
            select(Assessment)
            .where(
                Assessment.revised_from_id == assessment.id,
                Assessment.finished_at.is_not(None),
                Assessment.is_proposal.is_(False),
            )
            .order_by(Assessment.finished_at.desc(), Assessment.id.desc())
            .limit(1)
        ).first()


# A version shows at most this many proposed revisions of itself (newest first).
PROPOSALS_SHOWN = 20


def proposals(db: Database, assessment: Assessment) -> list[Neighbour]:
    """Proposed revisions of `assessment` waiting for an owner, newest first."""
    with db.read() as session:
        rows = session.execute(
            select(
                Assessment.share_token, Assessment.title, Assessment.version, Assessment.finished_at
            )
            .where(
                Assessment.revised_from_id == assessment.id,
                Assessment.finished_at.is_not(None),
                Assessment.is_proposal.is_(True),
            )
            .order_by(Assessment.finished_at.desc(), Assessment.id.desc())
            .limit(PROPOSALS_SHOWN)
        ).all()
    return [Neighbour(*row) for row in rows]


class InvalidStatus(ValueError):
    """Not one of STATUSES."""


def set_status(
    db: Database, token: str, status: object, owner: ownership.Actor, reason: str = ""
) -> Assessment:
    """Record a finished assessment's status (any of STATUSES: a team may also supersede it by a
    decision taken elsewhere, or reopen one a revision superseded), and who changed it."""
    if status not in STATUSES:
        raise InvalidStatus(status)
    with db.write() as session:
        assessment = _by_token(session, token, for_update=True, include_expired=True)
        if not assessment.is_finished:
            raise NotFound(token)
        if assessment.status != status:
            ownership.record(
                session,
                assessment,
                "status",
                owner,
                {"from": assessment.status, "to": status},
                reason,
            )
        assessment.status = status
    return assessment


def delete(
    db: Database, assessment_id: int, owner: ownership.Actor | None = None, reason: str = ""
) -> bool:
    """Delete an assessment and all that hangs on it; False when it was already gone. With
    `owner`, the deletion goes on the decision's audit trail (title and version kept there).

    When it was the decision's last version, the decision's keys and audit trail go too.
    Its comments go with it (ON DELETE CASCADE); revisions made from it keep
    their content and lose only the link (revised_from_id, ON DELETE SET NULL); the history's
    counts and search index are kept in step by the triggers of migration 0002.
    """
    with db.write() as session:
        row = session.get(Assessment, assessment_id)
        if row is not None and owner is not None:
            ownership.record(session, row, "deleted", owner, {"title": row.title}, reason)
        if row is not None and row.is_proposal and row.revised_from_id is not None:
            # The version it proposed to revise no longer lists it: a new stamp for its page.
            original = session.get(Assessment, row.revised_from_id)
            if original is not None:
                original.updated_at = utcnow()
        deleted = session.execute(sa_delete(Assessment).where(Assessment.id == assessment_id))
        if row is not None and row.decision_id is not None:
            left = session.scalars(
                select(Assessment.id).where(Assessment.decision_id == row.decision_id).limit(1)
            ).first()
            if left is None:
                # Its last version gone, the decision goes whole: its keys and its audit trail.
                session.execute(
                    sa_delete(ManageKey).where(ManageKey.decision_id == row.decision_id)
                )
                session.execute(
                    sa_delete(AuditEvent).where(AuditEvent.decision_id == row.decision_id)
                )
    return deleted.rowcount > 0


# --- History -------------------------------------------------------------------------------


def stored_costs(assessment: Assessment) -> costs.CostInputs | None:
    """The stored numbers of the cost step, read back into inputs the formulas take."""
    if not assessment.cost_inputs:
        return None
    inputs, _ = costs.parse_costs(assessment.cost_inputs)
    return inputs


def set_draft_costs(db: Database, token: str, inputs: costs.CostInputs) -> Assessment:
    """Put the calculator's numbers into an open draft (they replace its cost numbers)."""
    with db.write() as session:
        assessment = _by_token(session, token, for_update=True)
        if assessment.is_finished:
            raise AlreadyFinished(token)
        assessment.cost_inputs = costs.inputs_to_dict(inputs)
        typed = {
            k: v
            for k, v in (assessment.typed_answers or {}).items()
            if not k.startswith(COST_FORM_PREFIX)
        }
        assessment.typed_answers = typed or None
    return assessment


def current_recommendation(assessment: Assessment) -> str | None:
    """What today's rules would recommend for these answers, when that differs from the verdict."""
    if assessment.rules_version == decision.RULES_VERSION:
        return None
    answers, errors = decision.validate_answers(assessment.answers)
    if errors:
        return None
    now = decision.evaluate(answers, evidence_of(assessment, answers)).recommendation
    return now if now != assessment.recommendation else None
