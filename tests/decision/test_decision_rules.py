"""Every rule fires in an example and shows there; sources are honest; the version follows the rules."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from app.decision import (
    BASE_SCORES,
    PRINCIPLES,
    RULES,
    RULES_VERSION,
    SOURCES,
    CostEvidence,
    Evidence,
    Rec,
    Text,
    evaluate,
)
from app.decision.engine import score
from app.decision.rules import RULES_BY_ID
from app.decision.version import canonical_rule_data, rules_version
from tests.unit.decision_cases import MEASURED_GAP, answers

# One entry per rule: answers (NEUTRAL plus these) under which the rule fires, the recommendation
# they get, and where the verdict shows the rule: among the deciding `reasons`, or among the
# reasons against an approach in `why_not`; "nothing-to-fix" only keeps "fix the data" off the
# table when the data has no problem, which never decides a verdict, so it shows only on "How we
# decide" ("rules"). Adding a rule means adding its line here.
RULE_EXAMPLES: dict[str, tuple[dict[str, str | int | None], str, str]] = {
    "prompting-first": ({"prompting_effort": "none"}, "prompt_engineering", "reasons"),
    "basic-prompting-has-headroom": ({}, "prompt_engineering", "reasons"),
    "prompting-plateaued": (
        {"prompting_effort": "extensive", "failure_mode": "wrong_decisions", **MEASURED_GAP},
        "fine_tune",
        "why_not",
    ),
    "quality-already-acceptable": ({"failure_mode": "none"}, "prompt_engineering", "reasons"),
    "baseline-meets-target": (
        {"baseline_accuracy": 96, "prompting_effort": "extensive", "failure_mode": "none"},
        "prompt_engineering",
        "reasons",
    ),
    "simple-generation-by-prompt": (
        {"task_type": "simple_generation"},
        "prompt_engineering",
        "reasons",
    ),
    "format-by-schema": ({}, "prompt_engineering", "reasons"),
    "layout-by-template": (
        {"task_type": "reasoning", "prompting_effort": "extensive", "baseline_accuracy": 90},
        "prompt_engineering",
        "reasons",
    ),
    "style-prompt-first": ({"task_type": "style"}, "prompt_engineering", "reasons"),
    "explicit-sop-in-prompt": ({"spec_clarity": "explicit"}, "prompt_engineering", "reasons"),
    "tool-use-workflow-first": (
        {"task_type": "tool_use", "failure_mode": "wrong_decisions"},
        "agentic_workflow",
        "reasons",
    ),
    "changing-knowledge-needs-rag": ({"knowledge_source": "realtime"}, "rag", "reasons"),
    "private-qa-needs-retrieval": (
        {
            "knowledge_source": "private_stable",
            "task_type": "knowledge_qa",
            "failure_mode": "wrong_decisions",
        },
        "rag",
        "reasons",
    ),
    "private-knowledge-retrieval": (
        {
            "knowledge_source": "private_stable",
            "task_type": "knowledge_qa",
            "failure_mode": "missing_knowledge",
        },
        "rag",
        "reasons",
    ),
    "knowledge-qa-is-retrieval": (
        {"task_type": "knowledge_qa", "needs_citations": "yes", "failure_mode": "wrong_decisions"},
        "rag",
        "reasons",
    ),
    "missing-knowledge-retrieval": (
        {"failure_mode": "missing_knowledge", "knowledge_source": "private_stable"},
        "rag",
        "reasons",
    ),
    "nothing-to-retrieve": (
        {"task_type": "knowledge_qa", "prompting_effort": "extensive", "baseline_accuracy": 90},
        "fine_tune",
        "why_not",
    ),
    "citations-need-retrieval": (
        {
            "needs_citations": "yes",
            "failure_mode": "wrong_decisions",
            "prompting_effort": "extensive",
            **MEASURED_GAP,
        },
        "rag_and_fine_tune",
        "reasons",
    ),
    "citations-from-the-prompt": (
        {
            "task_type": "knowledge_qa",
            "knowledge_source": "private_stable",
            "knowledge_volume": "fits_in_prompt",
            "needs_citations": "yes",
            "failure_mode": "missing_knowledge",
        },
        "prompt_engineering",
        "reasons",
    ),
    "classification-from-examples": (
        {
            "task_type": "classification",
            "prompting_effort": "extensive",
            "failure_mode": "wrong_decisions",
            "baseline_accuracy": 88,
        },
        "fine_tune",
        "reasons",
    ),
    "format-or-style-task": (
        {"task_type": "style", "prompting_effort": "extensive", **MEASURED_GAP},
        "fine_tune",
        "reasons",
    ),
    "style-is-hard-to-prompt": (
        {
            "task_type": "style",
            "prompting_effort": "extensive",
            "failure_mode": "format",
            **MEASURED_GAP,
        },
        "fine_tune",
        "reasons",
    ),
    "format-after-prompting": (
        {"task_type": "style", "prompting_effort": "extensive", "baseline_accuracy": 90},
        "fine_tune",
        "reasons",
    ),
    "implicit-sop-learn-from-examples": (
        {
            "spec_clarity": "implicit",
            "prompting_effort": "extensive",
            "failure_mode": "wrong_decisions",
            **MEASURED_GAP,
        },
        "fine_tune",
        "reasons",
    ),
    "critical-accuracy-last-mile": (
        {
            "accuracy_target": "critical",
            "prompting_effort": "extensive",
            "baseline_accuracy": 94,
            "failure_mode": "wrong_decisions",
        },
        "fine_tune",
        "reasons",
    ),
    "tool-calls-from-examples": (
        {
            "task_type": "tool_use",
            "prompting_effort": "extensive",
            "failure_mode": "wrong_decisions",
            "baseline_accuracy": 90,
        },
        "fine_tune",
        "reasons",
    ),
    "specialized-language": (
        {
            "domain_language": "specialized",
            "prompting_effort": "extensive",
            "failure_mode": "format",
            **MEASURED_GAP,
        },
        "fine_tune",
        "reasons",
    ),
    "no-reasoning-by-fine-tuning": (
        {"task_type": "reasoning", "failure_mode": "reasoning", "prompting_effort": "extensive"},
        "agentic_workflow",
        "reasons",
    ),
    "reasoning-task": (
        {"task_type": "reasoning", "failure_mode": "wrong_decisions"},
        "prompt_engineering",
        "why_not",
    ),
    "large-gap-rethink": (
        {"task_type": "tool_use", "baseline_accuracy": 50},
        "agentic_workflow",
        "reasons",
    ),
    "narrow-task-specialist": (
        {"prompting_effort": "extensive", "failure_mode": "format", "baseline_accuracy": 90},
        "fine_tune",
        "reasons",
    ),
    "broad-scope-generalist": (
        {"task_scope": "broad", "prompting_effort": "extensive", "failure_mode": "format"},
        "prompt_engineering",
        "reasons",
    ),
    "general-assistant": (
        {
            "task_type": "general_assistant",
            "task_scope": "broad",
            "prompting_effort": "extensive",
            "failure_mode": "wrong_decisions",
        },
        "prompt_engineering",
        "reasons",
    ),
    "scale-small-model": (
        {
            "task_type": "simple_generation",
            "prompting_effort": "extensive",
            "failure_mode": "none",
            "volume": "high",
            "cost_pressure": "blocking",
        },
        "fine_tune",
        "reasons",
    ),
    "realtime-latency": (
        {
            "task_type": "style",
            "latency_need": "realtime",
            "prompting_effort": "extensive",
            "failure_mode": "format",
            "baseline_accuracy": 96,
        },
        "fine_tune",
        "reasons",
    ),
    "synthetic-data-from-large-model": (
        {
            "synthetic_data": "yes",
            "cost_pressure": "blocking",
            "volume": "high",
            "failure_mode": "none",
            "prompting_effort": "extensive",
            "baseline_accuracy": 96,
        },
        "fine_tune",
        "reasons",
    ),
    "gigo-noisy-data": (
        {
            "data_quality": "noisy",
            "prompting_effort": "extensive",
            "failure_mode": "wrong_decisions",
            **MEASURED_GAP,
        },
        "improve_data",
        "reasons",
    ),
    "gigo-no-data": (
        {
            "example_count": "none",
            "prompting_effort": "extensive",
            "task_type": "style",
            **MEASURED_GAP,
        },
        "improve_data",
        "reasons",
    ),
    "data-not-ready": (
        {
            "data_diversity": "clustered",
            "edge_cases": "no",
            "prompting_effort": "extensive",
            "task_type": "style",
            **MEASURED_GAP,
        },
        "improve_data",
        "reasons",
    ),
    "mixed-quality-data": (
        {
            "task_type": "knowledge_qa",
            "knowledge_source": "private_changing",
            "failure_mode": "missing_knowledge",
            "data_quality": "mixed",
            "prompting_effort": "extensive",
            **MEASURED_GAP,
        },
        "rag",
        "why_not",
    ),
    "clustered-data": (
        {"data_diversity": "clustered", "failure_mode": "none", "cost_pressure": "blocking"},
        "improve_data",
        "reasons",
    ),
    "nothing-to-fix": ({}, "prompt_engineering", "rules"),
    "no-edge-cases": (
        {"edge_cases": "no", "baseline_accuracy": 88},
        "prompt_engineering",
        "why_not",
    ),
    "clean-examples": (
        {"prompting_effort": "extensive", "failure_mode": "format", "baseline_accuracy": 88},
        "fine_tune",
        "reasons",
    ),
    "no-gap-measured": (
        {
            "spec_clarity": "implicit",
            "prompting_effort": "extensive",
            "failure_mode": "wrong_decisions",
        },
        "agentic_workflow",
        "reasons",
    ),
    # A large model called good enough, too costly to ship, but a volume too low to repay it.
    "measure-before-fine-tuning": (
        {
            "spec_clarity": "explicit",
            "failure_mode": "none",
            "volume": "low",
            "cost_pressure": "blocking",
        },
        "prompt_engineering",
        "why_not",
    ),
    "cost-pays-back-fast": (
        {"task_type": "style", "prompting_effort": "extensive", "baseline_accuracy": 90},
        "fine_tune",
        "reasons",
    ),
    "cost-saving-too-small": (
        {"task_type": "simple_generation", "prompting_effort": "extensive", "failure_mode": "none"},
        "prompt_engineering",
        "why_not",
    ),
    "no-ml-experience": (
        {"ml_capacity": "none", "baseline_accuracy": 88},
        "prompt_engineering",
        "why_not",
    ),
    "experienced-ml-team": (
        {
            "ml_capacity": "experienced",
            "prompting_effort": "extensive",
            "failure_mode": "format",
            **MEASURED_GAP,
        },
        "fine_tune",
        "reasons",
    ),
    "self-hosting-without-ml": (
        {
            "hosting": "self_hosted_required",
            "ml_capacity": "none",
            "baseline_accuracy": 88,
            "prompting_effort": "extensive",
        },
        "prompt_engineering",
        "why_not",
    ),
    "hosted-fine-tuning-shrinking": (
        {"ml_capacity": "none", "baseline_accuracy": 88, "prompting_effort": "extensive"},
        "prompt_engineering",
        "why_not",
    ),
    # Third wave: the evidence gates, the strongest model, the method, knowledge in the prompt.
    "prompting-still-improving": (
        {"task_type": "style", "prompting_effort": "extensive", "baseline_accuracy": 90},
        "prompt_engineering",
        "why_not",
    ),
    "prompting-before-fine-tuning": (
        {"task_type": "style", "spec_clarity": "implicit", "failure_mode": "wrong_decisions"},
        "prompt_engineering",
        "why_not",
    ),
    "strongest-model-first": (
        {
            "task_type": "classification",
            "prompting_effort": "extensive",
            "failure_mode": "wrong_decisions",
            "baseline_accuracy": 90,
            "strongest_model_tried": "no",
        },
        "prompt_engineering",
        "why_not",
    ),
    "gap-not-established": (
        {
            "task_type": "classification",
            "prompting_effort": "extensive",
            "failure_mode": "wrong_decisions",
            "baseline_accuracy": 92,
            "baseline_sample_size": 25,
        },
        "prompt_engineering",
        "reasons",
    ),
    "teacher-below-target": (
        {
            "task_type": "style",
            "prompting_effort": "extensive",
            "baseline_accuracy": 70,
            "example_count": "none",
            "synthetic_data": "yes",
        },
        "improve_data",
        "why_not",
    ),
    "knowledge-fits-in-prompt": (
        {
            "task_type": "knowledge_qa",
            "knowledge_source": "private_stable",
            "knowledge_volume": "fits_in_prompt",
        },
        "prompt_engineering",
        "reasons",
    ),
    "missing-knowledge-in-prompt": (
        {
            "task_type": "knowledge_qa",
            "knowledge_source": "private_stable",
            "knowledge_volume": "fits_in_prompt",
            "failure_mode": "missing_knowledge",
        },
        "prompt_engineering",
        "reasons",
    ),
    "verifiable-reasoning-rft": (
        {
            "task_type": "reasoning",
            "prompting_effort": "extensive",
            "failure_mode": "reasoning",
            "verifiable_outputs": "yes",
            "baseline_accuracy": 90,
        },
        "fine_tune",
        "reasons",
    ),
    "saving-fails-break-even": (
        {
            "task_type": "simple_generation",
            "prompting_effort": "extensive",
            "failure_mode": "none",
            "volume": "high",
            "cost_pressure": "blocking",
        },
        "prompt_engineering",
        "why_not",
    ),
}


# The cost rules read the team's cost numbers (measured evidence), not an answer.
FIGURES = Text(
    "Your figures: $4,000 a month today, $400 with a small model.",
    "你的数字：现在每月 4,000 美元，换用小模型后 400 美元。",
)
RULE_EVIDENCE: dict[str, Evidence] = {
    "cost-pays-back-fast": Evidence(cost=CostEvidence("fast_payback", FIGURES)),
    "cost-saving-too-small": Evidence(cost=CostEvidence("slow_payback", FIGURES)),
    "saving-fails-break-even": Evidence(
        cost=CostEvidence(
            "fast_payback", FIGURES, break_even_accuracy=0.94, fine_tuned_accuracy=0.9
        )
    ),
    "prompting-still-improving": Evidence(prompting_plateaued=False),
}
# Rules that read evidence but do not quote the cost figures.
NOT_QUOTING_FIGURES = {"saving-fails-break-even", "prompting-still-improving"}


def test_every_rule_has_an_example() -> None:
    assert set(RULE_EXAMPLES) == {r.id for r in RULES}


@pytest.mark.parametrize("rule_id", list(RULE_EXAMPLES))
def test_rule_fires_on_its_example(rule_id: str) -> None:
    overrides, expected, _ = RULE_EXAMPLES[rule_id]
    example = answers(**overrides)
    evidence = RULE_EVIDENCE.get(rule_id, Evidence())

    assert rule_id in [RULES[i].id for i in score(example, evidence).fired]
    assert evaluate(example, evidence).recommendation == expected


@pytest.mark.parametrize("rule_id", list(RULE_EXAMPLES))
def test_rule_shows_in_its_examples_verdict(rule_id: str) -> None:
    overrides, _, where = RULE_EXAMPLES[rule_id]
    verdict = evaluate(answers(**overrides), RULE_EVIDENCE.get(rule_id))

    shown = {
        "reasons": [r.rule for r in verdict.reasons],
        "why_not": [r.rule for w in verdict.why_not for r in w.reasons],
    }
    if where == "rules":
        assert rule_id not in shown["reasons"] + shown["why_not"]
    else:
        assert rule_id in shown[where]


@pytest.mark.parametrize("rule_id", sorted(set(RULE_EVIDENCE) - NOT_QUOTING_FIGURES))
def test_a_cost_rule_quotes_the_teams_figures_before_its_claim(rule_id: str) -> None:
    overrides, _, _ = RULE_EXAMPLES[rule_id]
    verdict = evaluate(answers(**overrides), RULE_EVIDENCE[rule_id])

    (text,) = {
        r.text
        for r in (*verdict.reasons, *(r for w in verdict.why_not for r in w.reasons))
        if r.rule == rule_id
    }
    assert text.en == f"{FIGURES.en} {RULES_BY_ID[rule_id].reason.en}"
    assert text.zh == f"{FIGURES.zh}{RULES_BY_ID[rule_id].reason.zh}"


def test_rule_ids_are_unique_and_kebab_case() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)


def test_every_rule_has_a_known_principle_and_an_effect() -> None:
    for rule in RULES:
        assert rule.principle in PRINCIPLES
        assert rule.scores or rule.exclude, rule.id
        assert set(rule.scores) | set(rule.exclude) <= set(Rec), rule.id


def test_every_reason_in_a_verdict_names_its_sources_principle_and_trigger() -> None:
    verdict = evaluate(
        answers(
            accuracy_target="critical",
            prompting_effort="extensive",
            baseline_accuracy=94,
            failure_mode="wrong_decisions",
        )
    )

    reason = verdict.reasons[0]
    assert reason.rule == "critical-accuracy-last-mile"
    assert [(s.author, s.year, s.url) for s in reason.sources] == [
        ("Andrew Ng", 2025, "https://www.deeplearning.ai/the-batch/issue-294/")
    ]
    assert reason.principle.en == "What fine-tuning is good at"
    assert reason.triggered_by == (
        ("accuracy_target", "critical"),
        ("prompting_effort", "extensive"),
        ("baseline_accuracy", 94),
    )


def test_vetoes_never_exclude_rag() -> None:
    # RAG is never vetoed, so some approach is always left to recommend.
    assert all(Rec.RAG not in r.exclude for r in RULES)


# --- Honest sources ---------------------------------------------------------------------------


def test_every_source_is_one_record_with_author_title_year_and_url() -> None:
    for source in SOURCES.values():
        assert source.author.strip() and source.title.strip(), source.id
        assert 1900 < source.year <= 2026, source.id
        assert source.url.startswith("https://"), source.id


def test_every_rule_cites_known_sources() -> None:
    for rule in RULES:
        assert rule.sources[0] == rule.source
        assert all(SOURCES[s.id] == s for s in rule.sources), rule.id


def test_karminskis_article_is_cited_by_its_own_github_url() -> None:
    karminski = SOURCES["karminski-when-to-fine-tune"]

    assert karminski.author == "karminski-牙医"
    assert karminski.url == (
        "https://github.com/karminski/one-small-step/blob/main/"
        "20250530-When-to-Use-Fine-Tuning-and-When-Not-To/"
        "When-to-Use-Fine-Tuning-and-When-Not-To.md"
    )
    assert {r.id for r in RULES if r.source is karminski} >= {
        "no-reasoning-by-fine-tuning",
        "reasoning-task",
        "gigo-noisy-data",
    }


def test_no_reddit_link_anywhere_in_the_decision_engine() -> None:
    package = Path(__file__).resolve().parents[2] / "app" / "decision"
    files = sorted(package.glob("*.py"))

    assert len(files) >= 10
    assert [f.name for f in files if "reddit.com" in f.read_text(encoding="utf-8")] == []


def test_the_batch_is_not_cited_for_reasoning() -> None:
    reasoning_rules = [
        r
        for r in RULES
        if r.principle == "no-reasoning-by-fine-tuning" and r.id != "large-gap-rethink"
    ]

    assert [r.id for r in reasoning_rules] == [
        "no-reasoning-by-fine-tuning",
        "verifiable-reasoning-rft",
        "reasoning-task",
    ]
    assert all(s.id != "ng-batch-294" for r in reasoning_rules for s in r.sources)


def test_the_sound_sure_claim_cites_gekhman_2024() -> None:
    rule = RULES_BY_ID["missing-knowledge-retrieval"]

    assert "hallucinate" in rule.reason.en
    assert [(s.author, s.year, s.url) for s in rule.sources] == [
        ("Gekhman et al.", 2024, "https://arxiv.org/abs/2405.05904")
    ]
    assert all(s.id != "ovadia-2024" for s in rule.sources)


def test_the_lock_in_rule_cites_the_vendors_own_notices() -> None:
    rule = RULES_BY_ID["hosted-fine-tuning-shrinking"]

    assert [s.id for s in rule.sources] == [
        "openai-deprecations",
        "mistral-deprecated-features",
        "cohere-command-deprecations",
    ]
    assert [s.author for s in rule.sources] == ["OpenAI", "Mistral AI", "Cohere"]
    assert rule.sources[0].url.startswith("https://developers.openai.com/api/docs/deprecations")


def test_the_openai_guide_is_not_cited_for_calling_under_100_thin() -> None:
    cited = [r for r in RULES for s in r.sources if s.id == "openai-fine-tuning-guide"]

    assert [r.id for r in cited] == ["no-gap-measured", "measure-before-fine-tuning"]
    assert not any(re.search(r"\bthin\b", r.reason.en) for r in cited)


# --- The rules version ------------------------------------------------------------------------


def test_rules_version_is_dated_and_derived_from_the_rule_data() -> None:
    assert re.fullmatch(r"2026\.11-[0-9a-f]{10}", RULES_VERSION)
    assert rules_version(canonical_rule_data()) == RULES_VERSION


def test_rules_version_changes_when_a_rule_changes() -> None:
    rule = RULES_BY_ID["critical-accuracy-last-mile"]
    stronger = dataclasses.replace(rule, scores={**rule.scores, Rec.FT: 4})
    reworded = dataclasses.replace(rule, reason=Text("Other words."))
    changed = [
        [stronger if r is rule else r for r in RULES],
        [reworded if r is rule else r for r in RULES],
        [r for r in RULES if r is not rule],
    ]

    versions = {rules_version(canonical_rule_data(rules)) for rules in changed}

    assert len(versions) == 3
    assert RULES_VERSION not in versions


def test_rules_version_changes_when_a_source_changes() -> None:
    rule = RULES_BY_ID["missing-knowledge-retrieval"]
    other = dataclasses.replace(rule, source=SOURCES["ovadia-2024"])

    rules = [other if r is rule else r for r in RULES]

    assert rules_version(canonical_rule_data(rules)) != RULES_VERSION


def test_rules_version_changes_when_the_prior_changes() -> None:
    prior = {**BASE_SCORES, Rec.PE: BASE_SCORES[Rec.PE] + 1}

    assert rules_version(canonical_rule_data(base_scores=prior)) != RULES_VERSION
