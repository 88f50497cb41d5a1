"""The headline names the case the verdict's method is for, over the whole answer space.

A quick payback alone is no large model that does the job (the cost rule once set the
distillation headline for an 88% model against a 95% target), and a verdict that trains against
a checker is not headlined as training on examples of the decision."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.decision import evaluate
from app.decision.conditions import baseline_gap
from app.decision.text import Text
from app.decision.verdict import CostEvidence, Evidence
from tests.unit.decision_cases import FINE_TUNING, answer_sets, examples

FIGURES = Text(
    "Your figures: $4,000 a month today, $400 with a small model.",
    "你的数字：现在每月 4,000 美元，换用小模型后 400 美元。",
)
EVIDENCE = st.sampled_from(
    [
        Evidence(),
        Evidence(cost=CostEvidence("fast_payback", FIGURES)),
        Evidence(cost=CostEvidence("slow_payback", FIGURES)),
    ]
)
DISTILLATION_HEADLINES = ("take over this task", "lets a small model take over")
CHECKER_HEADLINES = ("Train against your checker", "trains the reasoning against your checker")


@settings(max_examples=examples(600), deadline=None)
@given(answer_sets(prompting_effort=st.just("extensive")), EVIDENCE)
def test_the_headline_follows_the_method(answers: dict, evidence: Evidence) -> None:
    verdict = evaluate(answers, evidence)
    if verdict.recommendation not in FINE_TUNING:
        return
    headline = verdict.summary.en
    if verdict.method == "distillation":
        assert any(case in headline for case in DISTILLATION_HEADLINES)
    else:
        assert not any(case in headline for case in DISTILLATION_HEADLINES)
    strict_format = headline.startswith("Turn on structured outputs first")
    if verdict.method == "reinforcement_fine_tuning" and not strict_format:
        assert any(case in headline for case in CHECKER_HEADLINES)
    elif verdict.method != "reinforcement_fine_tuning":
        assert not any(case in headline for case in CHECKER_HEADLINES)


@settings(max_examples=examples(600), deadline=None)
@given(
    st.one_of(
        answer_sets(),
        # Where "the large model does the job" is said: nothing failing, its cost blocking.
        answer_sets(
            failure_mode=st.just("none"),
            cost_pressure=st.just("blocking"),
            volume=st.sampled_from(["medium", "high"]),
        ),
    ),
    EVIDENCE,
)
def test_only_a_measured_model_is_said_to_do_the_job(answers: dict, evidence: Evidence) -> None:
    verdict = evaluate(answers, evidence)
    texts = [verdict.summary.en, *(reason.text.en for reason in verdict.reasons)]
    if any("does the job" in text for text in texts):
        assert baseline_gap(answers) == "meets_target"


def test_a_quick_payback_for_a_model_below_the_target_is_not_a_distillation() -> None:
    # The reviewer's router: 88% measured on 400 cases against 95%, a payback in weeks.
    answers = {
        "task_type": "classification",
        "task_scope": "narrow",
        "spec_clarity": "implicit",
        "verifiable_outputs": "yes",
        "accuracy_target": "high",
        "prompting_effort": "extensive",
        "baseline_accuracy": 88,
        "baseline_sample_size": 400,
        "strongest_model_tried": "yes",
        "failure_mode": "wrong_decisions",
        "volume": "high",
        "latency_need": "interactive",
        "cost_pressure": "blocking",
        "hosting": "open_weights_preferred",
        "ml_capacity": "some",
        "knowledge_source": "general",
        "needs_citations": "no",
        "domain_language": "common",
        "knowledge_volume": "unsure",
        "knowledge_form": "unsure",
        "example_count": "over_1k",
        "data_quality": "clean",
        "data_diversity": "diverse",
        "edge_cases": "yes",
        "synthetic_data": "no",
    }
    verdict = evaluate(answers, Evidence(cost=CostEvidence("fast_payback", FIGURES)))

    assert (verdict.recommendation, verdict.method) == ("fine_tune", "encoder_classifier")
    assert verdict.summary.en == (
        "Fine-tune on examples of the decision: its rules are hard to state, so examples teach it "
        "better than instructions."
    )
