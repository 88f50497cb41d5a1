"""The five worked examples of QUESTIONNAIRE.md, verbatim. Unstated answers come from NEUTRAL."""

from app.decision import Change, evaluate
from tests.unit.decision_cases import CUSTOMER_SERVICE_BOT, answers


def test_customer_service_bot_at_95_needing_99_is_fine_tune() -> None:
    # 95% on 400 cases: the gap to 99% is real.
    verdict = evaluate({**CUSTOMER_SERVICE_BOT, "baseline_sample_size": 400})

    assert verdict.recommendation == "fine_tune"
    assert verdict.confidence == "high"
    assert verdict.confidence_reason.en == (
        "Ahead of “A simple agentic workflow” by 0.67 on the ranking's scale (0.94 against 0.27), "
        "and no open answer could change it."
    )
    # One scale: the figures are the ranking's own.
    scores = {r.recommendation: r.score for r in verdict.ranking}
    assert (scores["fine_tune"], scores["agentic_workflow"]) == (0.94, 0.27)
    assert [r.rule for r in verdict.reasons] == [
        "critical-accuracy-last-mile",
        "implicit-sop-learn-from-examples",
        "tool-calls-from-examples",
        "prompting-plateaued",
        "narrow-task-specialist",
    ]
    # Nothing to retrieve takes RAG + fine-tuning off the table; the workflow is the runner-up.
    assert [w.recommendation for w in verdict.why_not] == ["agentic_workflow"]
    assert verdict.warnings == ()


def test_same_bot_without_prompting_is_prompting_or_workflow() -> None:
    # "The same bot, but prompting_effort = none": every other answer kept, including the 95%
    # baseline, which now contradicts "not tried yet" and must be flagged.
    verdict = evaluate({**CUSTOMER_SERVICE_BOT, "prompting_effort": "none"})

    assert verdict.recommendation == "agentic_workflow"
    assert verdict.ranking[1].recommendation == "prompt_engineering"
    assert [r.rule for r in verdict.reasons] == ["tool-use-workflow-first", "prompting-first"]
    assert [w.en.split(",")[0] for w in verdict.warnings] == [
        "You say prompting has not been tried"
    ]
    assert verdict.what_would_change[0] == Change(
        "prompting_effort", "none", "extensive", "fine_tune", "actionable"
    )


def test_this_months_product_specs_is_rag() -> None:
    # Stated: knowledge_qa, private_changing, missing_knowledge. Unstated from NEUTRAL (basic
    # prompt, no baseline, some clean data, no citations needed).
    verdict = evaluate(
        answers(
            task_type="knowledge_qa",
            knowledge_source="private_changing",
            failure_mode="missing_knowledge",
        )
    )

    assert verdict.recommendation == "rag"
    assert verdict.confidence == "high"  # nothing left open could change it
    assert [r.rule for r in verdict.reasons] == [
        "changing-knowledge-needs-rag",
        "knowledge-qa-is-retrieval",
        "missing-knowledge-retrieval",
    ]
    assert verdict.what_would_change == ()


def test_summarising_meeting_notes_with_no_data_is_prompt_engineering() -> None:
    # Stated: summarise (simple_generation), best_effort, basic prompt, no data. Unstated: a
    # small team (low volume, no cost pressure), format drift as the main annoyance.
    verdict = evaluate(
        answers(
            task_type="simple_generation",
            accuracy_target="best_effort",
            prompting_effort="basic",
            example_count="none",
            synthetic_data="no",
            volume="low",
            cost_pressure="none",
        )
    )

    assert verdict.recommendation == "prompt_engineering"
    assert verdict.confidence == "high"
    assert [r.rule for r in verdict.reasons] == [
        "simple-generation-by-prompt",
        "basic-prompting-has-headroom",
        "style-prompt-first",
    ]
    assert verdict.next_steps[0].en.startswith(
        "Describe the format or style explicitly and add 3–5 examples"
    )


def test_medical_claims_with_noisy_labels_is_improve_data() -> None:
    # Stated: classification, critical, extensive prompting plateaued, > 1k noisy examples.
    # "Plateaued" is read as a measured 93% with wrong labels as the failure; the rules are hard
    # to state (implicit), as billing codes usually are.
    verdict = evaluate(
        answers(
            task_type="classification",
            accuracy_target="critical",
            prompting_effort="extensive",
            baseline_accuracy=93,
            failure_mode="wrong_decisions",
            spec_clarity="implicit",
            example_count="over_1k",
            data_quality="noisy",
        )
    )

    assert verdict.recommendation == "improve_data"
    assert verdict.confidence == "high"
    assert [r.rule for r in verdict.reasons] == [
        "gigo-noisy-data",
        "critical-accuracy-last-mile",
        "classification-from-examples",
        "implicit-sop-learn-from-examples",
        "prompting-plateaued",
    ]
    # Only clean data makes fine-tuning win outright; with some wrong labels left, fixing them is
    # still worth as much as training, and the simpler plan wins the tie.
    assert verdict.what_would_change[:2] == (
        Change("data_quality", "noisy", "clean", "fine_tune", "actionable"),
        Change("baseline_accuracy", 93, 99, "prompt_engineering", "actionable"),
    )
    assert verdict.summary.en.startswith(
        "Fine-tuning may well fit this task, but the data is not ready. First clean out the errors"
    )
