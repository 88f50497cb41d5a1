"""The verdict's other parts (warnings, risks, next steps, confidence) and its stored forms."""

from __future__ import annotations

import json

import pytest
from decision_cases import CUSTOMER_SERVICE_BOT, answers

from app.decision import RULES, SOURCES, Verdict, evaluate, how_we_decide, localize, reassess
from app.decision.advice import FIND_OUT, NEXT_STEPS, RISKS, WARNINGS, Advice

# One example per piece of advice: answers (NEUTRAL plus these) under which it appears.
WARNING_EXAMPLES: dict[str, dict] = {
    "untried-prompting-but-measured": {
        "task_type": "tool_use", "spec_clarity": "implicit", "accuracy_target": "critical",
        "prompting_effort": "none", "baseline_accuracy": 95, "failure_mode": "wrong_decisions",
    },
    "untried-prompting-but-acceptable": {"prompting_effort": "none", "failure_mode": "none"},
    "acceptable-but-far-below-target": {"failure_mode": "none", "baseline_accuracy": 60},
    "failures-but-meets-target": {
        "task_type": "tool_use", "spec_clarity": "implicit", "accuracy_target": "best_effort",
        "prompting_effort": "extensive", "baseline_accuracy": 95,
        "failure_mode": "wrong_decisions",
    },
    "no-examples-but-clean": {"example_count": "none"},
    "missing-knowledge-but-general": {"failure_mode": "missing_knowledge"},
    "narrow-general-assistant": {"task_type": "general_assistant"},
}
RISK_EXAMPLES: dict[str, dict] = {
    "risk-no-ml-experience": {
        "ml_capacity": "none", "prompting_effort": "extensive", "failure_mode": "format",
    },
    "risk-closed-model-lock-in": {"prompting_effort": "extensive"},
    "risk-retraining": {"prompting_effort": "extensive"},
    "risk-clustered-data": {
        "data_diversity": "clustered", "prompting_effort": "extensive", "failure_mode": "format",
    },
    "risk-no-edge-cases": {
        "edge_cases": "no", "prompting_effort": "extensive", "failure_mode": "format",
    },
    "risk-synthetic-data-bias": {
        "example_count": "none", "synthetic_data": "yes", "prompting_effort": "extensive",
        "failure_mode": "format",
    },
    "risk-broad-specialist": {
        "task_scope": "broad", "prompting_effort": "extensive", "failure_mode": "format",
    },
    "risk-retrieval-quality": {"knowledge_source": "realtime"},
    "risk-stale-index": {"knowledge_source": "realtime"},
    "risk-workflow-latency": {"failure_mode": "reasoning"},
    "risk-prompt-cost-at-scale": {"volume": "high"},
    "risk-reasoning-ceiling": {"task_type": "reasoning"},
    "risk-critical-errors": {"accuracy_target": "critical"},
    "risk-data-takes-time": {
        "example_count": "none", "prompting_effort": "extensive", "failure_mode": "format",
    },
}
FIND_OUT_EXAMPLES: dict[str, dict] = {
    "find-out-baseline": {},
    "find-out-failure-mode": {"failure_mode": "unknown"},
    "find-out-data-quality": {"data_quality": "unsure"},
    "find-out-data-diversity": {"data_diversity": "unsure"},
    "find-out-edge-cases": {"edge_cases": "unsure"},
    "find-out-synthetic-data": {"synthetic_data": "unsure"},
}
NEXT_STEP_EXAMPLES: dict[str, dict] = {
    "pe-keep-what-works": {"failure_mode": "none"},
    "pe-write-sop": {},
    "pe-few-shot": {},
    "pe-format": {},
    "pe-iterate": {},
    "pe-revisit": {},
    "aw-steps": {"failure_mode": "reasoning"},
    "aw-tools": {"task_type": "tool_use", "failure_mode": "wrong_decisions"},
    "aw-check": {"failure_mode": "reasoning"},
    "aw-measure": {"failure_mode": "reasoning"},
    "rag-index": {"knowledge_source": "realtime"},
    "rag-eval": {"knowledge_source": "realtime"},
    "rag-measure-retrieval": {"knowledge_source": "realtime"},
    "rag-refresh": {"knowledge_source": "realtime"},
    "rag-cite": {
        "task_type": "knowledge_qa", "needs_citations": "yes", "failure_mode": "wrong_decisions",
    },
    "ft-holdout": {"prompting_effort": "extensive"},
    "ft-synthetic": {
        "example_count": "none", "synthetic_data": "yes", "prompting_effort": "extensive",
        "failure_mode": "format",
    },
    "ft-collect": {"prompting_effort": "extensive"},
    "ft-open-weights": {
        "hosting": "open_weights_preferred", "prompting_effort": "extensive",
        "failure_mode": "format",
    },
    "ft-provider-or-lora": {"prompting_effort": "extensive"},
    "ft-retrieval-in-examples": {
        "task_type": "tool_use", "spec_clarity": "implicit", "accuracy_target": "critical",
        "prompting_effort": "extensive", "baseline_accuracy": 95,
        "failure_mode": "wrong_decisions", "knowledge_source": "private_changing",
    },
    "ft-compare": {"prompting_effort": "extensive"},
    "ft-small-model": {"cost_pressure": "blocking"},
    "ft-retrain": {"prompting_effort": "extensive"},
    "id-collect": {
        "example_count": "none", "prompting_effort": "extensive", "failure_mode": "format",
    },
    "id-review": {
        "data_quality": "noisy", "prompting_effort": "extensive", "failure_mode": "format",
        "baseline_accuracy": 88,
    },
    "id-agreement": {
        "data_quality": "noisy", "prompting_effort": "extensive", "failure_mode": "format",
        "baseline_accuracy": 88,
    },
    "id-diversify": {
        "data_diversity": "clustered", "edge_cases": "no", "prompting_effort": "extensive",
        "failure_mode": "format", "baseline_accuracy": 88,
    },
    "id-edge-cases": {
        "data_diversity": "clustered", "edge_cases": "no", "prompting_effort": "extensive",
        "failure_mode": "format", "baseline_accuracy": 88,
    },
    "id-keep-prompt": {
        "example_count": "none", "prompting_effort": "extensive", "failure_mode": "format",
    },
}
TABLES = [
    (WARNINGS, WARNING_EXAMPLES, "warnings"),
    (RISKS, RISK_EXAMPLES, "risks"),
    (FIND_OUT, FIND_OUT_EXAMPLES, "next_steps"),
    (NEXT_STEPS, NEXT_STEP_EXAMPLES, "next_steps"),
]


@pytest.mark.parametrize("items, examples, _", TABLES)
def test_every_piece_of_advice_has_an_example(
    items: tuple[Advice, ...], examples: dict, _: str
) -> None:
    assert list(examples) == [a.id for a in items]


@pytest.mark.parametrize(
    "advice, overrides, field",
    [(a, examples[a.id], field) for items, examples, field in TABLES for a in items],
    ids=lambda v: v.id if isinstance(v, Advice) else "",
)
def test_advice_appears_for_its_example(advice: Advice, overrides: dict, field: str) -> None:
    assert advice.text in getattr(evaluate(answers(**overrides)), field)


def test_general_knowledge_with_citations_is_not_a_contradiction() -> None:
    assert evaluate(answers(needs_citations="yes")).warnings == ()


def test_the_fine_tune_checklist_is_concrete() -> None:
    steps = [s.en for s in evaluate(CUSTOMER_SERVICE_BOT).next_steps]

    assert steps == [
        "Hold out 50–100 real cases as the eval set and never train on them.",
        "Collect 100 diverse examples including edge cases (hard, malformed, adversarial); add "
        "more where the eval set shows errors.",
        "Fine-tune with LoRA on a ≤13B open-weights model or with your provider's fine-tuning; "
        "open weights stay portable if the provider retires a model.",
        "Compare against the prompt baseline on the same eval set, and ship only if the "
        "fine-tuned model wins.",
        "Version the training data and the eval set, so retraining later is one command.",
    ]


def test_open_weights_hosting_means_lora_on_open_weights() -> None:
    verdict = evaluate({**CUSTOMER_SERVICE_BOT, "hosting": "self_hosted_required"})
    steps = [s.en for s in verdict.next_steps]

    assert "Fine-tune with LoRA on a ≤13B open-weights model, so you keep the weights and can " \
        "serve them on your own machines." in steps


def test_each_uncertain_answer_adds_a_find_out_step_first() -> None:
    verdict = evaluate({**CUSTOMER_SERVICE_BOT, "baseline_accuracy": None, "data_quality": "unsure",
                        "edge_cases": "unsure"})

    firsts = [s.en.split(":")[0] for s in verdict.next_steps[:4]]
    assert firsts == ["Find out", "Find out", "Find out",
                      "Hold out 50–100 real cases as the eval set and never train on them."]


def test_confidence_is_high_for_a_clear_case_without_unknowns() -> None:
    assert evaluate(CUSTOMER_SERVICE_BOT).confidence == "high"


def test_an_unknown_that_could_change_the_verdict_lowers_confidence_two_levels() -> None:
    # Noisy data would rule fine-tuning out, so not knowing the quality matters.
    verdict = evaluate({**CUSTOMER_SERVICE_BOT, "data_quality": "unsure"})

    assert verdict.recommendation == "fine_tune"
    assert verdict.confidence == "low"


def test_an_unknown_that_cannot_change_the_verdict_caps_confidence_at_medium() -> None:
    verdict = evaluate({**CUSTOMER_SERVICE_BOT, "synthetic_data": "unsure"})

    assert verdict.recommendation == "fine_tune"
    assert not any(c.question == "synthetic_data" for c in verdict.what_would_change)
    assert verdict.confidence == "medium"


def test_a_close_call_is_low_confidence() -> None:
    verdict = evaluate(answers(task_type="tool_use", failure_mode="wrong_decisions"))

    assert [(r.recommendation, r.score) for r in verdict.ranking[:2]] == [
        ("agentic_workflow", 0.73), ("prompt_engineering", 0.66)]
    assert verdict.confidence == "low"


def test_ranking_shows_vetoed_approaches_last_with_zero() -> None:
    verdict = evaluate(answers(knowledge_source="realtime"))

    assert [(r.recommendation, r.score) for r in verdict.ranking] == [
        ("rag", 0.58),
        ("rag_and_fine_tune", 0.5),
        ("prompt_engineering", 0.0),
        ("agentic_workflow", 0.0),
        ("improve_data", 0.0),
        ("fine_tune", 0.0),
    ]


def test_snapshot_is_json_and_localizes_to_the_api_shape() -> None:
    verdict = evaluate(CUSTOMER_SERVICE_BOT)
    snapshot = json.loads(json.dumps(verdict.to_snapshot()))

    en = localize(snapshot, "en")

    assert list(en) == ["recommendation", "confidence", "ranking", "summary", "reasons", "risks",
                        "next_steps", "warnings", "what_would_change", "rules_version"]
    assert en == verdict.to_json("en")
    assert en["ranking"][0] == {"recommendation": "fine_tune", "score": 0.91}
    assert en["reasons"][0] == {
        "rule": "critical-accuracy-last-mile",
        "text": RULES[[r.id for r in RULES].index("critical-accuracy-last-mile")].reason.en,
        "source": "Andrew Ng, The Batch #294",
        "source_url": "https://www.deeplearning.ai/the-batch/issue-294/",
        "principle": "What fine-tuning is good at",
        "triggered_by": [
            {"question": "accuracy_target", "answer": "critical"},
            {"question": "prompting_effort", "answer": "extensive"},
            {"question": "baseline_accuracy", "answer": 95},
        ],
    }
    assert en["what_would_change"][2] == {"question": "prompting_effort", "from": "extensive",
                                          "to": "none", "recommendation": "agentic_workflow"}
    assert all(isinstance(s, str) for s in en["next_steps"] + en["risks"])


def test_chinese_json_changes_texts_but_not_keys() -> None:
    verdict = evaluate(CUSTOMER_SERVICE_BOT)

    en, zh = verdict.to_json("en"), verdict.to_json("zh")

    assert zh["recommendation"] == en["recommendation"] == "fine_tune"
    assert [r["rule"] for r in zh["reasons"]] == [r["rule"] for r in en["reasons"]]
    assert zh["reasons"][0]["principle"] == "微调擅长什么"
    assert zh["summary"].startswith("用你的示例进行微调")
    assert zh["what_would_change"] == en["what_would_change"]


def test_a_stored_snapshot_renders_the_same_after_the_rules_change() -> None:
    snapshot = evaluate(CUSTOMER_SERVICE_BOT).to_snapshot()
    stored = json.loads(json.dumps(snapshot))
    stored["reasons"][0]["text"]["en"] = "Wording of an older rules version."

    assert localize(stored, "en")["reasons"][0]["text"] == "Wording of an older rules version."


def test_reassess_says_what_the_current_rules_would_recommend() -> None:
    old = evaluate(CUSTOMER_SERVICE_BOT).to_snapshot()
    old.update(rules_version="2026.01-0123456789", recommendation="prompt_engineering")

    result = reassess(CUSTOMER_SERVICE_BOT, old)

    assert result is not None
    assert (result.rules_changed, result.recommendation_changed) == (True, True)
    assert result.current.recommendation == "fine_tune"
    message = result.message()
    assert message is not None
    assert message.en.endswith("would now recommend: Fine-tune a model.")
    assert "微调模型" in message.zh


def test_reassess_is_silent_when_the_rules_are_the_same() -> None:
    snapshot = evaluate(CUSTOMER_SERVICE_BOT).to_snapshot()

    result = reassess(CUSTOMER_SERVICE_BOT, snapshot)

    assert result is not None and result.message() is None


def test_reassess_gives_none_for_answers_the_questionnaire_no_longer_accepts() -> None:
    snapshot = evaluate(CUSTOMER_SERVICE_BOT).to_snapshot()

    assert reassess({**CUSTOMER_SERVICE_BOT, "retired_question": "x"}, snapshot) is None


def test_how_we_decide_lists_every_rule_with_its_source() -> None:
    page = how_we_decide()

    assert sorted(r.id for r in page.rules) == sorted(r.id for r in RULES)
    assert all(r.principle.key == p.principle.key for p in page.principles for r in p.rules)
    assert len(page.invariants) == 5
    assert page.sources == tuple(SOURCES.values())
    entry = {r.id: r for r in page.rules}["gigo-noisy-data"]
    assert entry.condition.en == "Data quality is “Many errors”"
    assert entry.condition.zh == "数据质量为「错误很多」"
    assert entry.effect.en == ("Fix the data first +1; rules out Fine-tune a model, RAG and "
                               "fine-tuning together; their points pass to Fix the data first")


def test_how_we_decide_describes_negations_and_facts_in_words() -> None:
    entry = {r.id: r for r in how_we_decide().rules}["reasoning-failures-decompose"]

    assert entry.condition.en == ("Task type is not “Complex multi-step reasoning, maths or "
                                  "logic” and failure mode is “Multi-step logic goes wrong”")
    as_json = how_we_decide().to_json("zh")
    assert as_json["principles"][0]["title"] == "提示工程优先"
    assert json.dumps(as_json, ensure_ascii=False)


def test_verdict_is_frozen() -> None:
    verdict = evaluate(CUSTOMER_SERVICE_BOT)

    with pytest.raises(AttributeError):
        verdict.recommendation = "rag"  # type: ignore[misc]
    assert isinstance(verdict, Verdict)
