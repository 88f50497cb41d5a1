"""Verdict texts that a second reader found at odds with the answers they were given, checked over
the answer space: each property fails on the rules before its fix.

- "What you have may already be enough" against a baseline measured below the target;
- "Keep the current prompt" on a baseline at the target on too few cases to tell;
- a format failure on a strict-format task left without structured outputs when retrieval won;
- a closed provider's lock-in risk for methods that train an open model;
- a distillation inside retrieval + fine-tuning on the team's word, with nothing measured.
"""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from app.decision import evaluate
from app.decision.advice import NEXT_STEPS, RISKS, WARNINGS
from tests.unit.decision_cases import NEUTRAL, answer_sets, examples

MANY = settings(max_examples=examples(300), deadline=None)
TARGET = {"best_effort": 85, "high": 95, "critical": 99}
Z = 1.959963984540054
STEP = {a.id: a.text for a in NEXT_STEPS}
RISK = {a.id: a.text for a in RISKS}
WARNING = {a.id: a.text for a in WARNINGS}
ENOUGH = "What you have may already be enough"
ACCEPTABLE = "Quality is already acceptable"


def wilson(successes: int, n: int) -> tuple[float, float]:
    """Wilson (1927), as a textbook writes it."""
    p = successes / n
    centre = p + Z * Z / (2 * n)
    spread = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return (centre - spread) / (1 + Z * Z / n), (centre + spread) / (1 + Z * Z / n)


def keep_steps() -> set:
    return {text for key, text in STEP.items() if key.startswith("pe-keep-what-works")}


@MANY
@given(
    answer_sets(
        failure_mode=st.just("none"),
        prompting_effort=st.sampled_from(["basic", "extensive"]),
        baseline_accuracy=st.integers(0, 98),
        baseline_sample_size=st.integers(1, 5000),
    )
)
def test_a_baseline_measured_below_the_target_outweighs_acceptable(answers: dict) -> None:
    target = TARGET[answers["accuracy_target"]]
    if answers["baseline_accuracy"] >= target:
        return
    verdict = evaluate(answers)
    said = [verdict.summary.en, *(r.text.en for r in verdict.reasons)]
    assert not any(ENOUGH in text or text.startswith(ACCEPTABLE) for text in said)
    assert not keep_steps() & set(verdict.next_steps)
    # Below the target on enough cases to tell, and not far below: a warning says why the
    # verdict does not take the team's word.
    n = answers["baseline_sample_size"]
    _, high = wilson(round(answers["baseline_accuracy"] / 100 * n), n)
    settled = high < target / 100
    small = target - answers["baseline_accuracy"] <= 10
    assert (WARNING["acceptable-but-below-target"] in verdict.warnings) == (settled and small)


def test_the_reader_s_case_40_percent_on_200_is_not_kept_as_it_is() -> None:
    verdict = evaluate(
        {
            **NEUTRAL,
            "task_type": "classification",
            "prompting_effort": "extensive",
            "failure_mode": "none",
            "baseline_accuracy": 40,
            "baseline_sample_size": 200,
            "cost_pressure": "none",
        }
    )
    assert ENOUGH not in verdict.summary.en
    assert WARNING["acceptable-but-far-below-target"] in verdict.warnings


@MANY
@given(
    answer_sets(
        prompting_effort=st.sampled_from(["basic", "extensive"]),
        baseline_accuracy=st.integers(85, 100),
        baseline_sample_size=st.integers(1, 400),
    )
)
def test_no_keep_the_prompt_on_a_baseline_too_small_to_tell(answers: dict) -> None:
    target = TARGET[answers["accuracy_target"]]
    accuracy, n = answers["baseline_accuracy"], answers["baseline_sample_size"]
    if accuracy < target:
        return
    low, _ = wilson(round(accuracy / 100 * n), n)
    verdict = evaluate(answers)
    if low < target / 100:
        assert not keep_steps() & set(verdict.next_steps)


@MANY
@given(
    answer_sets(
        failure_mode=st.just("format"),
        task_type=st.sampled_from(["classification", "extraction", "tool_use"]),
    )
)
def test_a_format_failure_on_a_strict_format_task_gets_structured_outputs(answers: dict) -> None:
    # Whatever wins, retrieval included: the format cure is tried before anything is changed.
    verdict = evaluate(answers)
    assert STEP["schema-first"] in verdict.next_steps
    first_change = verdict.next_steps.index(STEP["schema-first"])
    assert all(
        step.en.startswith(("Build an eval set", "Write ", "Collect "))
        or "% on " in step.en
        or step.en.startswith("Find out")
        for step in verdict.next_steps[:first_change]
    ), [s.en for s in verdict.next_steps[:first_change]]


def test_the_reader_s_tool_use_retrieval_case_gets_structured_outputs() -> None:
    verdict = evaluate({**NEUTRAL, "task_type": "tool_use", "knowledge_source": "private_changing"})
    assert verdict.recommendation == "rag"
    # Nothing measured: the requests it is re-measured on are collected first.
    assert verdict.next_steps[0].en.startswith("Collect at least 100 real requests")
    assert verdict.next_steps[1] == STEP["schema-first"]


@MANY
@given(
    answer_sets(
        hosting=st.just("api_ok"),
        prompting_effort=st.just("extensive"),
        strongest_model_tried=st.just("yes"),
        baseline_accuracy=st.integers(50, 98),
        baseline_sample_size=st.integers(300, 3000),
    )
)
def test_no_closed_provider_lock_in_for_methods_that_train_an_open_model(answers: dict) -> None:
    verdict = evaluate(answers)
    if verdict.method in {"encoder_classifier", "reinforcement_fine_tuning"}:
        assert RISK["risk-provider-lock-in"] not in verdict.risks


def test_the_reader_s_encoder_classifier_has_no_lock_in_risk() -> None:
    verdict = evaluate(
        {
            **NEUTRAL,
            "task_type": "classification",
            "prompting_effort": "extensive",
            "baseline_accuracy": 88,
            "baseline_sample_size": 400,
            "failure_mode": "wrong_decisions",
            "example_count": "over_1k",
        }
    )
    assert verdict.method == "encoder_classifier"
    assert RISK["risk-provider-lock-in"] not in verdict.risks


def test_a_distillation_inside_retrieval_on_the_team_s_word_measures_the_large_model() -> None:
    verdict = evaluate(
        {
            **NEUTRAL,
            "failure_mode": "none",
            "prompting_effort": "extensive",
            "cost_pressure": "blocking",
            "volume": "high",
            "knowledge_source": "private_changing",
        }
    )
    assert (verdict.recommendation, verdict.method) == ("rag_and_fine_tune", "distillation")
    assert "once the large model is measured at your target on your eval set" in (
        verdict.summary.en
    )
    assert "等大模型在你的评测集上测得达到目标后" in verdict.summary.zh


@MANY
@given(answer_sets(prompting_effort=st.just("none")))
def test_no_prompt_to_keep_where_no_prompt_was_written(answers: dict) -> None:
    """A team that has not tried prompting is never told to keep "the prompt" or "the current
    prompt": there is none. Where its quality is reached, it writes down the call it judged."""
    verdict = evaluate(answers)
    said = [verdict.summary.en, *(s.en for s in verdict.next_steps)]
    assert not any("keep the prompt" in t or "Keep the current prompt" in t for t in said)
    keeps = {text for key, text in STEP.items() if key.startswith("pe-keep-as-measured")}
    if verdict.recommendation == "prompt_engineering" and verdict.summary.en.startswith(ENOUGH):
        assert "write down the model and the call you judged" in verdict.summary.en
        if answers["cost_pressure"] != "blocking":
            assert len(keeps & set(verdict.next_steps)) == 1


def test_acceptable_quality_with_no_prompt_work_writes_down_the_call() -> None:
    verdict = evaluate({**NEUTRAL, "prompting_effort": "none", "failure_mode": "none"})
    assert verdict.recommendation == "prompt_engineering"
    assert verdict.summary.en == (
        "What you have may already be enough, with no prompt work yet: write down the model and "
        "the call you judged, and guard them with an eval set rather than investing in training."
    )
    assert STEP["pe-keep-as-measured-high"] in verdict.next_steps
    assert STEP["pe-keep-what-works-high"] not in verdict.next_steps
