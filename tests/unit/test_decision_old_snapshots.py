"""Verdicts stored by the first wave (snapshot format 1) still render through today's localize()."""

from __future__ import annotations

from app.decision import localize

# A format-1 snapshot as the first wave stored it: one source per reason, no why_not, no kinds.
FORMAT_1 = {
    "format": 1,
    "recommendation": "fine_tune",
    "confidence": "high",
    "ranking": [{"recommendation": "fine_tune", "score": 0.82}],
    "summary": {"en": "Fine-tune.", "zh": "微调。"},
    "reasons": [
        {
            "rule": "critical-accuracy-last-mile",
            "text": {"en": "Last mile.", "zh": "最后一公里。"},
            "principle": {"en": "What fine-tuning is good at", "zh": "微调擅长什么"},
            "source": {
                "id": "ng-batch-294",
                "title": "Andrew Ng, The Batch #294",
                "url": "https://www.deeplearning.ai/the-batch/issue-294/",
            },
            "triggered_by": [{"question": "accuracy_target", "answer": "critical"}],
        }
    ],
    "risks": [],
    "next_steps": [{"en": "Hold out 50 cases.", "zh": "留出 50 个案例。"}],
    "warnings": [],
    "what_would_change": [
        {
            "question": "prompting_effort",
            "from": "extensive",
            "to": "none",
            "recommendation": "prompt_engineering",
        }
    ],
    "rules_version": "2026.11-0000000000",
}


def test_a_first_wave_snapshot_localizes_with_defaults_for_what_it_lacks() -> None:
    verdict = localize(FORMAT_1, "zh")

    assert verdict["confidence_reason"] is None
    assert verdict["why_not"] == []
    assert verdict["baseline"] is None
    assert verdict["reasons"][0]["source"] == {
        "id": "ng-batch-294",
        "author": "",
        "title": "Andrew Ng, The Batch #294",
        "year": None,
        "url": "https://www.deeplearning.ai/the-batch/issue-294/",
    }
    assert verdict["reasons"][0]["more_sources"] == []
    assert verdict["reasons"][0]["measured"] == []
    assert verdict["reasons"][0]["text"] == "最后一公里。"
    assert verdict["what_would_change"] == [
        {
            "kind": "situation",
            "question": "prompting_effort",
            "from": "extensive",
            "to": "none",
            "recommendation": "prompt_engineering",
        }
    ]
    assert verdict["next_steps"] == ["留出 50 个案例。"]


# A second-wave snapshot (format 2) of a fine-tune verdict, stored before methods were named.
FORMAT_2_FINE_TUNE = {
    **FORMAT_1,
    "format": 2,
    "confidence_reason": {"en": "11 points ahead.", "zh": "领先 11 分。"},
    "why_not": [],
    "baseline": None,
}


def test_a_verdict_stored_before_methods_reads_as_lora_sft_with_no_reason() -> None:
    verdict = localize(FORMAT_2_FINE_TUNE, "en")

    assert verdict["method"] == "lora_sft"
    assert verdict["method_reason"] is None
    assert verdict["method_sources"] == []
    # Everything it was decided with stays as stored.
    assert (verdict["recommendation"], verdict["confidence"]) == ("fine_tune", "high")
    assert verdict["confidence_reason"] == "11 points ahead."


def test_an_old_verdict_that_trains_nothing_has_no_method() -> None:
    stored = {**FORMAT_2_FINE_TUNE, "recommendation": "rag"}

    assert localize(stored, "zh")["method"] is None


def test_old_answers_without_the_third_waves_questions_still_validate_as_unsure() -> None:
    from app.decision import validate_answers

    old = {
        "task_type": "tool_use",
        "task_scope": "narrow",
        "spec_clarity": "implicit",
        "accuracy_target": "critical",
        "prompting_effort": "extensive",
        "baseline_accuracy": 95,
        "failure_mode": "wrong_decisions",
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
    answers, errors = validate_answers(old)

    assert errors == []
    assert {k: answers[k] for k in sorted(set(answers) - set(old))} == {
        "baseline_sample_size": None,
        "knowledge_form": "unsure",
        "knowledge_volume": "unsure",
        "strongest_model_tried": "unsure",
        "verifiable_outputs": "unsure",
    }
