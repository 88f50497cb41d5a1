"""validate_answers: forms and JSON in, normalised answers and specific errors out."""

from __future__ import annotations

import pytest

from app.decision import QUESTIONS, STEP_KEYS, STEPS, InvalidAnswers, evaluate, validate_answers
from tests.unit.decision_cases import NEUTRAL, answers


def codes(errors: list) -> list[tuple[str, str]]:
    return [(e.field, e.code) for e in errors]


def test_complete_json_answers_pass_unchanged() -> None:
    assert validate_answers(answers(baseline_accuracy=95)) == (answers(baseline_accuracy=95), [])


def test_form_strings_are_normalised() -> None:
    raw = {k: f" {v} " for k, v in NEUTRAL.items() if v is not None}
    raw["baseline_accuracy"] = " 95 "

    normalized, errors = validate_answers(raw)

    assert errors == []
    assert normalized == answers(baseline_accuracy=95)


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_an_empty_or_missing_baseline_is_none(empty: object) -> None:
    raw = {**NEUTRAL, "baseline_accuracy": empty}

    assert validate_answers(raw) == (NEUTRAL, [])
    assert validate_answers({k: v for k, v in NEUTRAL.items() if k != "baseline_accuracy"}) == (
        NEUTRAL,
        [],
    )


@pytest.mark.parametrize(
    "value, expected", [("0", 0), (100, 100), ("９５", 95), ("95%", 95), ("+7", 7)]
)
def test_integers_in_forms(value: object, expected: int) -> None:
    normalized, errors = validate_answers({**NEUTRAL, "baseline_accuracy": value})

    assert errors == []
    assert normalized["baseline_accuracy"] == expected


@pytest.mark.parametrize("value", [True, False, 95.0, "95.5", "abc", "1e2", [95], "9" * 5000])
def test_non_integers_are_rejected(value: object) -> None:
    _, errors = validate_answers({**NEUTRAL, "baseline_accuracy": value})

    assert codes(errors) == [("baseline_accuracy", "not_integer")]
    assert errors[0].message.en == "Enter a whole number from 0 to 100, or leave it empty."
    assert errors[0].message.zh == "请输入 0 到 100 之间的整数，或者留空。"


@pytest.mark.parametrize(
    "value, expected", [(None, None), ("", None), ("40", 40), (1, 1), (1_000_000, 1_000_000)]
)
def test_baseline_sample_size_is_optional_and_whole(value: object, expected: int | None) -> None:
    normalized, errors = validate_answers({**NEUTRAL, "baseline_sample_size": value})

    assert errors == []
    assert normalized["baseline_sample_size"] == expected


@pytest.mark.parametrize(
    "value, code",
    [
        (0, "out_of_range"),
        (1_000_001, "out_of_range"),
        ("-3", "out_of_range"),
        ("4.5", "not_integer"),
    ],
)
def test_baseline_sample_size_below_one_or_fractional_is_rejected(value: object, code: str) -> None:
    _, errors = validate_answers({**NEUTRAL, "baseline_sample_size": value})

    assert codes(errors) == [("baseline_sample_size", code)]


@pytest.mark.parametrize("value", [-1, 101, "-5", "250"])
def test_out_of_range_integers_are_rejected(value: object) -> None:
    _, errors = validate_answers({**NEUTRAL, "baseline_accuracy": value})

    assert codes(errors) == [("baseline_accuracy", "out_of_range")]
    assert errors[0].message.en == (
        "The number must be from 0 to 100; leave it empty if you have not measured it."
    )


def test_errors_are_one_per_field_in_questionnaire_order_then_unknown_keys() -> None:
    raw = {**NEUTRAL, "zzz": "1", "volume": "huge", "task_type": "", "aaa": None, "data_quality": 3}
    del raw["hosting"]

    normalized, errors = validate_answers(raw)

    assert codes(errors) == [
        ("task_type", "required"),
        ("volume", "unknown_option"),
        ("hosting", "required"),
        ("data_quality", "unknown_option"),
        ("aaa", "unknown_question"),
        ("zzz", "unknown_question"),
    ]
    assert [e.message.en for e in errors[:2]] == [
        "Please answer this question.",
        "Choose one of the options.",
    ]
    assert "volume" not in normalized and normalized["task_scope"] == "narrow"


def test_option_keys_are_case_sensitive() -> None:
    _, errors = validate_answers({**NEUTRAL, "task_type": "Style"})

    assert codes(errors) == [("task_type", "unknown_option")]


def test_validating_one_step_checks_only_its_questions() -> None:
    raw = {
        "volume": "high",
        "latency_need": "realtime",
        "cost_pressure": "none",
        "hosting": "api_ok",
        "ml_capacity": "some",
        "task_type": "style",
        "nope": "x",
    }

    normalized, errors = validate_answers(raw, steps=["cost"])

    assert normalized == {
        "volume": "high",
        "latency_need": "realtime",
        "cost_pressure": "none",
        "hosting": "api_ok",
        "ml_capacity": "some",
    }
    assert codes(errors) == [("task_type", "unknown_question"), ("nope", "unknown_question")]
    assert errors[0].message.en == "This question belongs to another step."


def test_validating_a_step_requires_its_questions() -> None:
    _, errors = validate_answers({}, steps=["accuracy"])

    assert codes(errors) == [
        ("accuracy_target", "required"),
        ("prompting_effort", "required"),
        ("failure_mode", "required"),
    ]


def test_unknown_step_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown steps"):
        validate_answers({}, steps=["taks"])


def test_evaluate_rejects_incomplete_answers_with_the_errors() -> None:
    with pytest.raises(InvalidAnswers) as raised:
        evaluate({k: v for k, v in NEUTRAL.items() if k != "task_type"})

    assert isinstance(raised.value, ValueError)
    assert codes(raised.value.errors) == [("task_type", "required")]


def test_questionnaire_keys_match_the_contract() -> None:
    assert STEP_KEYS == ("task", "accuracy", "cost", "knowledge", "data")
    assert [s.number for s in STEPS] == [1, 2, 3, 4, 5]
    assert {k: q.option_keys for k, q in QUESTIONS.items()} == {
        "task_type": (
            "classification",
            "extraction",
            "style",
            "tool_use",
            "knowledge_qa",
            "simple_generation",
            "reasoning",
            "general_assistant",
        ),
        "task_scope": ("narrow", "broad"),
        "spec_clarity": ("explicit", "partial", "implicit"),
        "verifiable_outputs": ("yes", "partly", "no", "unsure"),
        "accuracy_target": ("best_effort", "high", "critical"),
        "prompting_effort": ("none", "basic", "extensive"),
        "baseline_accuracy": (),
        "baseline_sample_size": (),
        "strongest_model_tried": ("yes", "no", "unsure"),
        "failure_mode": (
            "format",
            "wrong_decisions",
            "missing_knowledge",
            "reasoning",
            "none",
            "unknown",
        ),
        "volume": ("low", "medium", "high"),
        "latency_need": ("relaxed", "interactive", "realtime"),
        "cost_pressure": ("none", "moderate", "blocking"),
        "hosting": ("api_ok", "open_weights_preferred", "self_hosted_required"),
        "ml_capacity": ("none", "some", "experienced"),
        "knowledge_source": ("general", "private_stable", "private_changing", "realtime"),
        "needs_citations": ("yes", "no"),
        "domain_language": ("common", "specialized"),
        "knowledge_volume": ("fits_in_prompt", "large", "unsure"),
        "knowledge_form": ("documents", "code", "database", "unsure"),
        "example_count": ("none", "under_100", "100_to_1k", "over_1k"),
        "data_quality": ("clean", "mixed", "noisy", "unsure"),
        "data_diversity": ("diverse", "clustered", "unsure"),
        "edge_cases": ("yes", "no", "unsure"),
        "synthetic_data": ("yes", "no", "unsure"),
    }
    assert [q.key for q in QUESTIONS.values() if q.optional] == [
        "verifiable_outputs",
        "baseline_accuracy",
        "baseline_sample_size",
        "strongest_model_tried",
        "knowledge_volume",
        "knowledge_form",
    ]
    assert QUESTIONS["data_quality"].uncertain_options == frozenset({"unsure"})
    assert QUESTIONS["failure_mode"].uncertain_options == frozenset({"unknown"})
    assert QUESTIONS["task_type"].uncertain_options == frozenset()
