"""Questions that cannot apply (QUESTIONNAIRE.md, second wave): no baseline before any prompt, no
data quality without data. They may be left out, are never open, and never appear in "what would
change"; a definite value sent anyway still counts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.decision import evaluate, validate_answers
from app.decision.advice import FIND_OUT, FIND_OUT_QUESTION
from tests.unit.decision_cases import (
    CANNOT_APPLY,
    CUSTOMER_SERVICE_BOT,
    FINE_TUNING,
    MEASURED_GAP,
    answer_sets,
    answers,
    cannot_apply,
    examples,
)

MANY = settings(max_examples=examples(150), deadline=None)
DATA = ("data_quality", "data_diversity", "edge_cases")
BASELINE = ("baseline_accuracy", "baseline_sample_size")
FIND_OUT_TEXTS = {a.text.en: FIND_OUT_QUESTION[a.id] for a in FIND_OUT}


def without(answer_set: dict, *keys: str) -> dict:
    return {k: v for k, v in answer_set.items() if k not in keys}


# --- Validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "condition, left_out",
    [
        ({"example_count": "none"}, DATA),
        ({"prompting_effort": "none"}, BASELINE),
        ({"example_count": "none", "prompting_effort": "none"}, DATA + BASELINE),
    ],
)
def test_questions_that_cannot_apply_may_be_left_out_and_are_stored_as_none(
    condition: dict, left_out: tuple[str, ...]
) -> None:
    normalized, errors = validate_answers(without(answers(**condition), *left_out))

    assert errors == []
    assert {k: normalized[k] for k in left_out} == dict.fromkeys(left_out)


@pytest.mark.parametrize("empty", [None, "", "  "])
def test_an_empty_answer_to_a_question_that_cannot_apply_is_accepted(empty: object) -> None:
    normalized, errors = validate_answers(answers(example_count="none", data_quality=empty))

    assert errors == []
    assert normalized["data_quality"] is None


def test_data_questions_are_required_once_there_are_examples() -> None:
    _, errors = validate_answers(without(answers(example_count="under_100"), *DATA))

    assert [(e.field, e.code) for e in errors] == [(q, "required") for q in DATA]


def test_a_bad_value_for_a_question_that_cannot_apply_is_still_rejected() -> None:
    _, errors = validate_answers(answers(example_count="none", data_quality="spotless"))

    assert [(e.field, e.code) for e in errors] == [("data_quality", "unknown_option")]


def test_a_value_sent_anyway_is_kept() -> None:
    normalized, errors = validate_answers(answers(example_count="none", data_quality="noisy"))

    assert errors == []
    assert normalized["data_quality"] == "noisy"


# --- Never open, never a change ---------------------------------------------------------------

# A voice to learn, prompting exhausted, no examples yet: "fix the data" (collect them).
NO_EXAMPLES = answers(
    task_type="style", prompting_effort="extensive", example_count="none", **MEASURED_GAP
)


def test_left_out_and_unsure_data_answers_give_the_same_verdict_when_there_is_no_data() -> None:
    left_out = evaluate(without(NO_EXAMPLES, *DATA))
    unsure = evaluate({**NO_EXAMPLES, **dict.fromkeys(DATA, "unsure")})

    assert left_out.recommendation == unsure.recommendation == "improve_data"
    # Not open: no change, no find-out step, no lower confidence.
    assert unsure.what_would_change == left_out.what_would_change
    assert unsure.next_steps == left_out.next_steps
    assert (unsure.confidence, unsure.confidence_reason) == (
        left_out.confidence,
        left_out.confidence_reason,
    )
    assert not any(c.question in DATA for c in unsure.what_would_change)
    assert not any(FIND_OUT_TEXTS.get(s.en) in DATA for s in unsure.next_steps)


def test_a_baseline_left_out_before_any_prompting_is_not_an_open_answer() -> None:
    verdict = evaluate(without({**CUSTOMER_SERVICE_BOT, "prompting_effort": "none"}, *BASELINE))

    assert verdict.recommendation in {"prompt_engineering", "agentic_workflow"}
    assert not any(c.question in BASELINE for c in verdict.what_would_change)
    assert not any(c.kind == "unsure" for c in verdict.what_would_change)
    assert not any(s.en.startswith("Find out: build an eval set") for s in verdict.next_steps)
    assert verdict.baseline is None


def test_a_baseline_sent_before_any_prompting_is_still_flagged_as_a_contradiction() -> None:
    verdict = evaluate({**CUSTOMER_SERVICE_BOT, "prompting_effort": "none"})

    assert verdict.warnings[0].en.startswith(
        "You say prompting has not been tried, yet you gave an accuracy measured"
    )


@MANY
@given(answer_sets())
def test_questions_that_cannot_apply_are_never_in_what_would_change(answers: dict) -> None:
    verdict = evaluate(answers)
    skip = cannot_apply(answers)

    assert not any(c.question in skip for c in verdict.what_would_change)
    assert not any(FIND_OUT_TEXTS.get(s.en) in skip for s in verdict.next_steps)


@MANY
@given(answer_sets(example_count=st.just("none")), st.sampled_from(DATA))
def test_an_unsure_answer_that_cannot_apply_is_no_more_open_than_one_left_out(
    answers: dict, question: str
) -> None:
    unsure = evaluate({**answers, question: "unsure"})
    left_out = evaluate({**answers, question: None})

    assert unsure.recommendation == left_out.recommendation
    assert unsure.what_would_change == left_out.what_would_change
    assert (unsure.confidence, unsure.confidence_reason) == (
        left_out.confidence,
        left_out.confidence_reason,
    )
    assert [FIND_OUT_TEXTS[s.en] for s in unsure.next_steps if s.en in FIND_OUT_TEXTS] == [
        FIND_OUT_TEXTS[s.en] for s in left_out.next_steps if s.en in FIND_OUT_TEXTS
    ]


# --- A definite value sent anyway counts ------------------------------------------------------


@MANY
@given(
    answer_sets(
        example_count=st.just("none"), data_quality=st.just("noisy"), synthetic_data=st.just("yes")
    )
)
def test_noisy_data_sent_anyway_never_yields_fine_tuning(answers: dict) -> None:
    assert evaluate(answers).recommendation not in FINE_TUNING


def test_noisy_data_sent_anyway_vetoes_fine_tuning_that_would_otherwise_win() -> None:
    # A large model measured at the target (96% against 95%) that is too expensive to ship: a
    # teacher good enough to write the training data.
    synthetic = answers(
        task_type="style",
        prompting_effort="extensive",
        example_count="none",
        synthetic_data="yes",
        baseline_accuracy=96,
        cost_pressure="blocking",
        volume="high",
    )
    synthetic.update({q: None for q in DATA})

    noisy = evaluate({**synthetic, "data_quality": "noisy"})

    assert evaluate(synthetic).recommendation == "fine_tune"
    assert noisy.recommendation not in FINE_TUNING
    assert "gigo-noisy-data" in [r.rule for r in noisy.reasons]


def test_the_contract_lists_the_questions_that_cannot_apply() -> None:
    assert CANNOT_APPLY == {
        "baseline_accuracy": ("prompting_effort", "none"),
        "baseline_sample_size": ("prompting_effort", "none"),
        "data_quality": ("example_count", "none"),
        "data_diversity": ("example_count", "none"),
        "edge_cases": ("example_count", "none"),
    }


# --- A change that makes a left-out question apply --------------------------------------------


def test_a_change_that_makes_a_left_out_question_apply_comes_true_when_evaluated_again() -> None:
    # No examples and the data questions left out: "with real examples, fine-tune" cannot be
    # re-evaluated (their quality is not known), so it must not be claimed as it stands.
    verdict = evaluate(without({**NO_EXAMPLES, "baseline_accuracy": 90}, *DATA))

    assert verdict.recommendation == "improve_data"
    for change in verdict.what_would_change:
        again = evaluate(
            {**without(NO_EXAMPLES, *DATA), "baseline_accuracy": 90, change.question: change.to}
        )
        assert again.recommendation == change.recommendation, change
