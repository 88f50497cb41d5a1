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
