"""The hard invariants of QUESTIONNAIRE.md, checked over the whole answer space."""

from __future__ import annotations

from decision_cases import answer_sets
from hypothesis import given, settings
from hypothesis import strategies as st

from app.decision import APPROACHES, evaluate

FINE_TUNING = {"fine_tune", "rag_and_fine_tune"}
MANY = settings(max_examples=500, deadline=None)


@MANY
@given(answer_sets(prompting_effort=st.just("none")))
def test_prompting_first(answers: dict) -> None:
    assert evaluate(answers).recommendation not in FINE_TUNING


@MANY
@given(answer_sets(knowledge_source=st.sampled_from(["private_changing", "realtime"])))
def test_fine_tuning_teaches_patterns_not_facts(answers: dict) -> None:
    assert evaluate(answers).recommendation in {"rag", "rag_and_fine_tune"}


@MANY
@given(
    st.one_of(
        answer_sets(data_quality=st.just("noisy")),
        answer_sets(example_count=st.just("none"), synthetic_data=st.sampled_from(["no", "unsure"])),
    )
)
def test_garbage_in_garbage_out(answers: dict) -> None:
    assert evaluate(answers).recommendation not in FINE_TUNING


@MANY
@given(answer_sets(task_type=st.just("reasoning"), failure_mode=st.just("reasoning")))
def test_no_reasoning_by_fine_tuning(answers: dict) -> None:
    assert evaluate(answers).recommendation not in FINE_TUNING


@settings(max_examples=1000, deadline=None)
@given(answer_sets())
def test_all_invariants_and_verdict_shape_over_the_whole_space(answers: dict) -> None:
    verdict = evaluate(answers)

    if answers["prompting_effort"] == "none":
        assert verdict.recommendation not in FINE_TUNING
    if answers["knowledge_source"] in {"private_changing", "realtime"}:
        assert verdict.recommendation in {"rag", "rag_and_fine_tune"}
    if answers["data_quality"] == "noisy" or (
        answers["example_count"] == "none" and answers["synthetic_data"] != "yes"
    ):
        assert verdict.recommendation not in FINE_TUNING
    if answers["task_type"] == "reasoning" and answers["failure_mode"] == "reasoning":
        assert verdict.recommendation not in FINE_TUNING
    ranked = [r.recommendation for r in verdict.ranking]
    scores = [r.score for r in verdict.ranking]
    assert sorted(ranked) == sorted(APPROACHES)
    assert ranked[0] == verdict.recommendation
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 and round(s, 2) == s for s in scores)
    assert verdict.confidence in {"high", "medium", "low"}
    assert all(r.source.url for r in verdict.reasons)


@settings(max_examples=200, deadline=None)
@given(answer_sets())
def test_the_verdict_is_a_pure_function_of_the_answers(answers: dict) -> None:
    first = evaluate(answers)
    reordered = dict(reversed(list(answers.items())))

    assert evaluate(reordered) == first
    assert evaluate(answers).to_snapshot() == first.to_snapshot()
