"""The hard invariants of QUESTIONNAIRE.md, checked over the whole answer space."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.decision import APPROACHES, QUESTIONS, Rec, evaluate
from app.decision.advice import NEXT_STEPS
from app.decision.conditions import knowledge_in_prompt
from app.decision.engine import score
from tests.unit.decision_cases import FINE_TUNING, RETRIEVAL, answer_sets, examples

ADVICE = {a.id: a.text for a in NEXT_STEPS}

MANY = settings(max_examples=examples(200), deadline=None)


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
        answer_sets(
            example_count=st.just("none"), synthetic_data=st.sampled_from(["no", "unsure"])
        ),
    )
)
def test_garbage_in_garbage_out(answers: dict) -> None:
    assert evaluate(answers).recommendation not in FINE_TUNING


@MANY
@given(answer_sets(task_type=st.just("reasoning"), failure_mode=st.just("reasoning")))
def test_no_reasoning_by_fine_tuning(answers: dict) -> None:
    assert_trained_only_by_reinforcement(answers)


def assert_trained_only_by_reinforcement(answers: dict) -> None:
    """Third wave: the one exception to "no reasoning by fine-tuning" is reinforcement
    fine-tuning on answers a program checks, after extensive prompting and a measured strongest
    model."""
    verdict = evaluate(answers)
    ready = (
        answers["verifiable_outputs"] == "yes"
        and answers["prompting_effort"] == "extensive"
        and answers["strongest_model_tried"] == "yes"
    )
    if not ready:
        assert verdict.recommendation not in FINE_TUNING
    elif verdict.recommendation in FINE_TUNING:
        assert verdict.method == "reinforcement_fine_tuning"


# Issue 8, point 5: the wrong verdicts fixed through principles.


@MANY
@given(
    answer_sets(
        task_type=st.just("knowledge_qa"),
        knowledge_source=st.sampled_from(["private_stable", "private_changing"]),
        knowledge_volume=st.sampled_from(["large", "unsure"]),
    )
)
def test_question_answering_over_private_knowledge_keeps_retrieval(answers: dict) -> None:
    # Knowledge that fits in one prompt stays there (see test_decision_gates.py).
    assert evaluate(answers).recommendation in RETRIEVAL


@MANY
@given(answer_sets(needs_citations=st.just("yes")))
def test_required_citations_keep_retrieval_unless_the_documents_fit_in_the_prompt(
    answers: dict,
) -> None:
    # Documents in the prompt can be quoted and checked (citations-from-the-prompt): citations
    # alone rule nothing out there. Anywhere else only retrieval knows which passage it used.
    verdict = evaluate(answers)
    if knowledge_in_prompt(answers) == "yes":
        assert "citations-need-retrieval" not in {r.rule for r in verdict.reasons}
    else:
        assert verdict.recommendation in RETRIEVAL


@MANY
@given(
    answer_sets(
        needs_citations=st.just("yes"),
        knowledge_source=st.just("private_stable"),
        knowledge_volume=st.just("fits_in_prompt"),
        prompting_effort=st.sampled_from(["basic", "extensive"]),
        data_quality=st.just("noisy"),
    )
)
def test_citations_from_documents_in_the_prompt_never_force_an_index(answers: dict) -> None:
    # With the documents in the prompt and noisy data (no fine-tuning), prompting, a workflow or
    # fixing the data wins whatever else is answered; a prompt's plan asks for quotes to check, never an index.
    verdict = evaluate(answers)
    assert verdict.recommendation in {"prompt_engineering", "agentic_workflow", "improve_data"}
    assert ADVICE["rag-index"] not in verdict.next_steps
    if verdict.recommendation == "prompt_engineering":
        assert ADVICE["pe-cite-from-prompt"] in verdict.next_steps


@MANY
@given(
    answer_sets(
        failure_mode=st.just("reasoning"),
        task_type=st.sampled_from(QUESTIONS["task_type"].option_keys),
    )
)
def test_reasoning_failures_never_yield_fine_tuning_for_any_task_type(answers: dict) -> None:
    # As invariant 4 above, over every task type.
    assert_trained_only_by_reinforcement(answers)


@MANY
@given(answer_sets(volume=st.just("low"), cost_pressure=st.just("none")))
def test_realtime_latency_alone_adds_nothing_to_fine_tuning(answers: dict) -> None:
    realtime = score({**answers, "latency_need": "realtime"})
    relaxed = score({**answers, "latency_need": "relaxed"})

    # Never more; one point less where real time makes an unmeasured large model a distillation
    # case, which then has nothing measured to match (measure-before-fine-tuning).
    assert realtime.points[Rec.FT] <= relaxed.points[Rec.FT]


@settings(max_examples=examples(400), deadline=None)
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
    assert all(s.url for r in verdict.reasons for s in r.sources)


@settings(max_examples=examples(100), deadline=None)
@given(answer_sets())
def test_the_verdict_is_a_pure_function_of_the_answers(answers: dict) -> None:
    first = evaluate(answers)
    reordered = dict(reversed(list(answers.items())))

    assert evaluate(reordered) == first
    assert evaluate(answers).to_snapshot() == first.to_snapshot()
