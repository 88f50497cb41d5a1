"""Shared answer sets and strategies for the decision-engine tests."""

from __future__ import annotations

from hypothesis import strategies as st

from app.decision import QUESTIONS

# A realistic, unremarkable team: an extraction task tried with a simple prompt, some clean data,
# general knowledge. Examples override only what their situation states.
NEUTRAL: dict[str, str | int | None] = {
    "task_type": "extraction",
    "task_scope": "narrow",
    "spec_clarity": "partial",
    "accuracy_target": "high",
    "prompting_effort": "basic",
    "baseline_accuracy": None,
    "baseline_sample_size": None,
    "failure_mode": "format",
    "volume": "medium",
    "latency_need": "interactive",
    "cost_pressure": "moderate",
    "hosting": "api_ok",
    "ml_capacity": "some",
    "knowledge_source": "general",
    "needs_citations": "no",
    "domain_language": "common",
    "example_count": "100_to_1k",
    "data_quality": "clean",
    "data_diversity": "diverse",
    "edge_cases": "yes",
    "synthetic_data": "no",
}


def answers(**overrides: str | int | None) -> dict[str, str | int | None]:
    unknown = set(overrides) - set(NEUTRAL)
    assert not unknown, unknown
    return {**NEUTRAL, **overrides}


# Worked example 1 (QUESTIONNAIRE.md). Stated: tool use, extensive prompting at 95%, critical
# target, implicit SOP, wrong decisions, 100-1k clean diverse examples with edge cases. The rest
# is NEUTRAL: narrow scope, medium volume, interactive latency, moderate cost, hosted API, some
# ML experience, general knowledge, no citations, common language, no synthetic data.
CUSTOMER_SERVICE_BOT = answers(
    task_type="tool_use",
    spec_clarity="implicit",
    accuracy_target="critical",
    prompting_effort="extensive",
    baseline_accuracy=95,
    failure_mode="wrong_decisions",
    example_count="100_to_1k",
    data_quality="clean",
    data_diversity="diverse",
    edge_cases="yes",
)


def answer_values(key: str) -> st.SearchStrategy[str | int | None]:
    q = QUESTIONS[key]
    if q.kind == "integer":
        return st.one_of(st.none(), st.integers(min_value=q.minimum, max_value=q.maximum))
    return st.sampled_from(q.option_keys)


def answer_sets(**fixed: st.SearchStrategy[str | int | None]) -> st.SearchStrategy[dict]:
    """Any complete, valid answer set; `fixed` narrows some questions."""
    return st.fixed_dictionaries({k: fixed.get(k, answer_values(k)) for k in QUESTIONS})
