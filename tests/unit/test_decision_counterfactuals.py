"""`what_would_change` is true by construction: every entry comes true when re-evaluated."""

from __future__ import annotations

from decision_cases import CUSTOMER_SERVICE_BOT, answer_sets
from hypothesis import given, settings

from app.decision import QUESTIONS, Change, evaluate, recommend


@settings(max_examples=400, deadline=None)
@given(answer_sets())
def test_every_change_comes_true_when_evaluated_again(answers: dict) -> None:
    verdict = evaluate(answers)

    for change in verdict.what_would_change:
        assert change.from_ == answers[change.question]
        assert change.to != change.from_
        assert change.recommendation != verdict.recommendation
        again = evaluate({**answers, change.question: change.to})
        assert again.recommendation == change.recommendation


@settings(max_examples=150, deadline=None)
@given(answer_sets())
def test_no_single_choice_change_that_changes_the_verdict_is_missing(answers: dict) -> None:
    verdict = evaluate(answers)
    listed = {(c.question, c.to) for c in verdict.what_would_change}

    for q in QUESTIONS.values():
        for option in q.option_keys:
            if q.kind != "choice" or option == answers[q.key] or option in q.uncertain_options:
                continue
            changed = recommend({**answers, q.key: option}) != verdict.recommendation
            assert changed == ((q.key, option) in listed), (q.key, option)


def test_changes_for_the_customer_service_bot_in_questionnaire_order() -> None:
    assert evaluate(CUSTOMER_SERVICE_BOT).what_would_change == (
        Change("accuracy_target", "critical", "best_effort", "prompt_engineering"),
        Change("accuracy_target", "critical", "high", "prompt_engineering"),
        Change("prompting_effort", "extensive", "none", "agentic_workflow"),
        Change("prompting_effort", "extensive", "basic", "agentic_workflow"),
        Change("baseline_accuracy", 95, 99, "prompt_engineering"),
        Change("baseline_accuracy", 95, 69, "agentic_workflow"),
        Change("failure_mode", "wrong_decisions", "none", "prompt_engineering"),
        Change("knowledge_source", "general", "private_changing", "rag_and_fine_tune"),
        Change("knowledge_source", "general", "realtime", "rag_and_fine_tune"),
        Change("example_count", "100_to_1k", "none", "improve_data"),
        Change("data_quality", "clean", "noisy", "improve_data"),
    )


def test_baseline_changes_use_values_around_the_target() -> None:
    # Critical target (99): "meets" is 99, a small gap 94, a large gap 69.
    verdict = evaluate({**CUSTOMER_SERVICE_BOT, "baseline_accuracy": 60})

    baseline_changes = [c for c in verdict.what_would_change if c.question == "baseline_accuracy"]

    assert verdict.recommendation == "agentic_workflow"
    assert baseline_changes == [
        Change("baseline_accuracy", 60, 99, "prompt_engineering"),
        Change("baseline_accuracy", 60, 94, "fine_tune"),
    ]


def test_changes_never_suggest_becoming_unsure() -> None:
    verdict = evaluate(CUSTOMER_SERVICE_BOT)

    assert all(c.to not in {"unsure", "unknown", "not_sure", None} for c in verdict.what_would_change)
