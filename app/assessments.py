"""Use cases: start a draft, save a step, finish, revise, look up, search. Transactions commit here."""

import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import costs, datasets, decision
from app.db import Database
from app.models import Assessment, utcnow

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


def validate_meta(raw: Mapping[str, object]) -> tuple[dict[str, str], list[MetaError]]:
    meta: dict[str, str] = {}
    errors: list[MetaError] = []
    for field, limit in META_LIMITS.items():
        value = raw.get(field, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors.append(MetaError(field, "not_text"))
            continue
        # What no database can store as text is refused: NUL, and halves of UTF-16 surrogate
        # pairs. Other control characters are dropped, but notes keep their line breaks and tabs.
        if "\x00" in value or any("\ud800" <= char <= "\udfff" for char in value):
            errors.append(MetaError(field, "not_text"))
            continue
        value = _without_controls(value, multiline=field in MULTILINE_FIELDS)
        if field == "title" and not value.strip():
            errors.append(MetaError(field, "required"))
        elif len(value) > limit:
            errors.append(MetaError(field, "too_long", limit))
        else:
            meta[field] = value
    return meta, errors


def _by_token(session: Session, token: str, *, for_update: bool = False) -> Assessment:
    """With `for_update`, the row stays locked until the transaction ends (PostgreSQL; SQLite's
    writers are serialized anyway), so a step saved while the draft is being finished waits, then
    sees it finished: a finished assessment never changes."""
    if not looks_like_token(token):
        raise NotFound(token)
    statement = select(Assessment).where(Assessment.share_token == token)
    if for_update:
        statement = statement.with_for_update()
    assessment = session.scalars(statement).one_or_none()
    if assessment is None:
        raise NotFound(token)
    return assessment


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
    )
    with db.write() as session:
        session.add(assessment)
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
    """What the assessment measured besides its answers: the cost numbers, the dataset check."""
    cost = None
    if assessment.cost_inputs:
        inputs, _ = costs.parse_costs(assessment.cost_inputs)
        if inputs is not None:
            fact = costs.saving_fact(costs.compute(inputs))
            cost = decision.CostEvidence(fact.key, fact.sentence)
    measured = {}
    if assessment.data_profile:
        for question in datasets.QUESTIONS:
            fact = datasets.measured_fact(assessment.data_profile, question, answers.get(question))
            if fact is not None:
                measured[question] = fact
    return decision.Evidence(cost=cost, measured=measured)


def _judge(assessment: Assessment, answers: Mapping[str, Any]) -> None:
    verdict = decision.evaluate(answers, evidence_of(assessment, answers))
    assessment.answers = dict(answers)
    assessment.verdict = verdict.to_snapshot()
    assessment.recommendation = verdict.recommendation
    assessment.confidence = verdict.confidence
    assessment.rules_version = verdict.rules_version
    assessment.current_step = REVIEW
    assessment.finished_at = utcnow()


def finish(db: Database, token: str) -> Assessment:
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
    return assessment


def create_finished(
    db: Database,
    meta: Mapping[str, str],
    answers: Mapping[str, Any],
    cost_inputs: costs.CostInputs | None = None,
) -> Assessment:
    """The API's one-shot path: already validated meta, answers and cost inputs, judged and stored
    at once."""
    assessment = Assessment(
        share_token=new_share_token(),
        title=meta["title"],
        team=meta.get("team", ""),
        notes=meta.get("notes", ""),
        answers={},
        current_step=REVIEW,
        cost_inputs=costs.inputs_to_dict(cost_inputs) if cost_inputs else None,
    )
    _judge(assessment, answers)
    with db.write() as session:
        session.add(assessment)
    return assessment


def revise(db: Database, token: str) -> Assessment:
    """A new draft, pre-filled from a finished assessment, which itself stays as it was."""
    original = get_finished(db, token)
    meta = {"title": original.title, "team": original.team, "notes": original.notes}
    return start_draft(
        db,
        meta,
        original.answers,
        revised_from_id=original.id,
        step=REVIEW,
        cost_inputs=original.cost_inputs,
        data_profile=original.data_profile,
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


def revised_from(db: Database, assessment: Assessment) -> Assessment | None:
    if assessment.revised_from_id is None:
        return None
    with db.read() as session:
        return session.get(Assessment, assessment.revised_from_id)


# --- History -------------------------------------------------------------------------------


def stored_costs(assessment: Assessment) -> costs.CostInputs | None:
    """The stored numbers of the cost step, read back into inputs the formulas take."""
    if not assessment.cost_inputs:
        return None
    inputs, _ = costs.parse_costs(assessment.cost_inputs)
    return inputs


def current_recommendation(assessment: Assessment) -> str | None:
    """What today's rules would recommend for these answers, when that differs from the verdict."""
    if assessment.rules_version == decision.RULES_VERSION:
        return None
    answers, errors = decision.validate_answers(assessment.answers)
    if errors:
        return None
    now = decision.evaluate(answers, evidence_of(assessment, answers)).recommendation
    return now if now != assessment.recommendation else None
