"""Every rule fires in a test, has a source, and changes the rules version when it changes."""

from __future__ import annotations

import dataclasses
import re

import pytest
from decision_cases import CUSTOMER_SERVICE_BOT, answers

from app.decision import BASE_SCORES, PRINCIPLES, RULES, RULES_VERSION, SOURCES, evaluate
from app.decision.rules import RULES_BY_ID
from app.decision.version import canonical_rule_data, rules_version

# One entry per rule: answers (NEUTRAL plus these) under which the rule fires, and the
# recommendation those answers get. Adding a rule means adding its line here.
RULE_EXAMPLES: dict[str, tuple[dict[str, str | int | None], str]] = {
    "prompting-first": ({"prompting_effort": "none"}, "prompt_engineering"),
    "basic-prompting-has-headroom": ({}, "prompt_engineering"),
    "prompting-plateaued": (
        {"prompting_effort": "extensive", "failure_mode": "wrong_decisions"},
        "fine_tune",
    ),
    "quality-already-acceptable": ({"failure_mode": "none"}, "prompt_engineering"),
    "baseline-meets-target": (
        {"baseline_accuracy": 96, "prompting_effort": "extensive", "failure_mode": "none"},
        "prompt_engineering",
    ),
    "simple-generation-by-prompt": ({"task_type": "simple_generation"}, "prompt_engineering"),
    "format-fix-prompt-first": ({}, "prompt_engineering"),
    "explicit-sop-in-prompt": ({"spec_clarity": "explicit"}, "prompt_engineering"),
    "tool-use-workflow-first": (
        {"task_type": "tool_use", "failure_mode": "wrong_decisions"},
        "agentic_workflow",
    ),
    "changing-knowledge-needs-rag": ({"knowledge_source": "realtime"}, "rag"),
    "private-knowledge-retrieval": (
        {
            "knowledge_source": "private_stable", "task_type": "knowledge_qa",
            "failure_mode": "missing_knowledge",
        },
        "rag",
    ),
    "knowledge-qa-is-retrieval": (
        {"task_type": "knowledge_qa", "needs_citations": "yes", "failure_mode": "wrong_decisions"},
        "rag",
    ),
    "missing-knowledge-retrieval": (
        {"failure_mode": "missing_knowledge", "knowledge_source": "private_stable"},
        "rag",
    ),
    "nothing-to-retrieve": ({}, "prompt_engineering"),
    "citations-need-retrieval": (
        {"needs_citations": "yes", "task_type": "knowledge_qa", "failure_mode": "wrong_decisions"},
        "rag",
    ),
    "pattern-task": (
        {
            "task_type": "classification", "prompting_effort": "extensive",
            "failure_mode": "wrong_decisions", "baseline_accuracy": 88,
        },
        "fine_tune",
    ),
    "style-is-hard-to-prompt": (
        {"task_type": "style", "prompting_effort": "extensive", "failure_mode": "format"},
        "fine_tune",
    ),
    "format-after-prompting": (
        {"prompting_effort": "extensive", "failure_mode": "format", "baseline_accuracy": 90},
        "fine_tune",
    ),
    "implicit-sop-learn-from-examples": (
        {
            "spec_clarity": "implicit", "prompting_effort": "extensive",
            "failure_mode": "wrong_decisions",
        },
        "fine_tune",
    ),
    "critical-accuracy-last-mile": (
        {
            "accuracy_target": "critical", "prompting_effort": "extensive", "baseline_accuracy": 94,
            "failure_mode": "wrong_decisions",
        },
        "fine_tune",
    ),
    "tool-calls-from-examples": (
        {
            "task_type": "tool_use", "prompting_effort": "extensive",
            "failure_mode": "wrong_decisions", "baseline_accuracy": 90,
        },
        "fine_tune",
    ),
    "specialized-language": (
        {
            "domain_language": "specialized", "prompting_effort": "extensive",
            "failure_mode": "format",
        },
        "fine_tune",
    ),
    "no-reasoning-by-fine-tuning": (
        {"task_type": "reasoning", "failure_mode": "reasoning", "prompting_effort": "extensive"},
        "agentic_workflow",
    ),
    "reasoning-task": (
        {"task_type": "reasoning", "failure_mode": "wrong_decisions"},
        "prompt_engineering",
    ),
    "reasoning-failures-decompose": (
        {"failure_mode": "reasoning", "prompting_effort": "extensive"},
        "agentic_workflow",
    ),
    "large-gap-rethink": (
        {
            "task_type": "tool_use", "prompting_effort": "extensive",
            "failure_mode": "wrong_decisions", "baseline_accuracy": 70,
        },
        "agentic_workflow",
    ),
    "narrow-task-specialist": ({}, "prompt_engineering"),
    "broad-scope-generalist": (
        {"task_scope": "broad", "prompting_effort": "extensive", "failure_mode": "format"},
        "fine_tune",
    ),
    "general-assistant": (
        {
            "task_type": "general_assistant", "task_scope": "broad",
            "prompting_effort": "extensive", "failure_mode": "wrong_decisions",
        },
        "prompt_engineering",
    ),
    "scale-small-model": (
        {
            "task_type": "simple_generation", "prompting_effort": "extensive",
            "failure_mode": "none", "volume": "high", "cost_pressure": "blocking",
        },
        "fine_tune",
    ),
    "realtime-latency": (
        {"latency_need": "realtime", "prompting_effort": "extensive", "failure_mode": "format"},
        "fine_tune",
    ),
    "synthetic-data-from-large-model": (
        {
            "synthetic_data": "yes", "cost_pressure": "blocking", "volume": "high",
            "failure_mode": "none", "prompting_effort": "extensive",
        },
        "fine_tune",
    ),
    "gigo-noisy-data": (
        {
            "data_quality": "noisy", "prompting_effort": "extensive", "failure_mode": "format",
            "baseline_accuracy": 88,
        },
        "improve_data",
    ),
    "gigo-no-data": (
        {"example_count": "none", "prompting_effort": "extensive", "failure_mode": "format"},
        "improve_data",
    ),
    "data-not-ready": (
        {
            "data_diversity": "clustered", "edge_cases": "no", "prompting_effort": "extensive",
            "failure_mode": "format", "baseline_accuracy": 88,
        },
        "improve_data",
    ),
    "mixed-quality-data": (
        {"data_quality": "mixed", "prompting_effort": "extensive", "failure_mode": "format"},
        "fine_tune",
    ),
    "clustered-data": (
        {"data_diversity": "clustered", "prompting_effort": "extensive", "failure_mode": "format"},
        "fine_tune",
    ),
    "no-edge-cases": (
        {"edge_cases": "no", "prompting_effort": "extensive", "failure_mode": "format"},
        "fine_tune",
    ),
    "enough-clean-examples": ({}, "prompt_engineering"),
    "few-examples": (
        {"example_count": "under_100", "prompting_effort": "extensive", "failure_mode": "format"},
        "fine_tune",
    ),
    "synthetic-fills-the-gap": (
        {
            "example_count": "none", "synthetic_data": "yes", "prompting_effort": "extensive",
            "failure_mode": "format",
        },
        "fine_tune",
    ),
    "measure-before-fine-tuning": ({}, "prompt_engineering"),
    "no-ml-experience": (
        {"ml_capacity": "none", "prompting_effort": "extensive", "failure_mode": "format"},
        "fine_tune",
    ),
    "experienced-ml-team": (
        {"ml_capacity": "experienced", "prompting_effort": "extensive", "failure_mode": "format"},
        "fine_tune",
    ),
    "self-hosting-without-ml": (
        {
            "hosting": "self_hosted_required", "ml_capacity": "none",
            "prompting_effort": "extensive", "failure_mode": "format",
        },
        "fine_tune",
    ),
    "open-weights-portable": (
        {
            "hosting": "open_weights_preferred", "prompting_effort": "extensive",
            "failure_mode": "format",
        },
        "fine_tune",
    ),
}


def test_every_rule_has_an_example() -> None:
    assert set(RULE_EXAMPLES) == {r.id for r in RULES}


@pytest.mark.parametrize("rule_id", list(RULE_EXAMPLES))
def test_rule_fires_on_its_example(rule_id: str) -> None:
    overrides, expected = RULE_EXAMPLES[rule_id]

    verdict = evaluate(answers(**overrides))

    assert rule_id in [r.rule for r in verdict.reasons]
    assert verdict.recommendation == expected


def test_rule_ids_are_unique_and_kebab_case() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)


def test_every_rule_has_a_known_source_principle_and_effect() -> None:
    for rule in RULES:
        assert SOURCES[rule.source.id] == rule.source
        assert rule.source.url.startswith("https://")
        assert rule.principle in PRINCIPLES
        assert rule.scores or rule.exclude, rule.id


def test_every_reason_in_a_verdict_names_a_source_and_its_trigger() -> None:
    verdict = evaluate(CUSTOMER_SERVICE_BOT)

    reason = verdict.reasons[0]
    assert reason.rule == "critical-accuracy-last-mile"
    assert reason.source.title == "Andrew Ng, The Batch #294"
    assert reason.source.url == "https://www.deeplearning.ai/the-batch/issue-294/"
    assert reason.principle.en == "What fine-tuning is good at"
    assert reason.triggered_by == (
        ("accuracy_target", "critical"),
        ("prompting_effort", "extensive"),
        ("baseline_accuracy", 95),
    )


def test_invariant_vetoes_never_exclude_rag() -> None:
    # RAG is never vetoed, so some approach is always left to recommend.
    assert all("rag" not in r.exclude for r in RULES)


def test_the_articles_are_cited_with_their_links() -> None:
    assert SOURCES["ng-batch-294"].url == "https://www.deeplearning.ai/the-batch/issue-294/"
    assert SOURCES["karminski-when-to-fine-tune"].title == "karminski, When to fine-tune"
    assert SOURCES["karminski-when-to-fine-tune"].url == (
        "https://www.reddit.com/r/LocalLLaMA/comments/1kyeo4z/"
        "when_to_finetune_llms_and_when_not_to_a_practical/"
    )
    assert {r.source.id for r in RULES} == set(SOURCES)


def test_rules_version_is_dated_and_derived_from_the_rule_data() -> None:
    assert re.fullmatch(r"2026\.11-[0-9a-f]{10}", RULES_VERSION)
    assert rules_version(canonical_rule_data()) == RULES_VERSION


def test_rules_version_changes_when_a_rule_changes() -> None:
    rule = RULES_BY_ID["critical-accuracy-last-mile"]
    stronger = dataclasses.replace(rule, scores={**rule.scores, "fine_tune": 4})
    reworded = dataclasses.replace(rule, reason=dataclasses.replace(rule.reason, en="Other words."))
    changed = [
        [stronger if r is rule else r for r in RULES],
        [reworded if r is rule else r for r in RULES],
        [r for r in RULES if r is not rule],
    ]

    versions = {rules_version(canonical_rule_data(rules)) for rules in changed}

    assert len(versions) == 3
    assert RULES_VERSION not in versions


def test_rules_version_changes_when_the_prior_changes() -> None:
    prior = {**BASE_SCORES, "prompt_engineering": BASE_SCORES["prompt_engineering"] + 1}

    assert rules_version(canonical_rule_data(base_scores=prior)) != RULES_VERSION
