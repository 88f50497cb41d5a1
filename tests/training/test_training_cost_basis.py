"""The plan sized from the cost step's tokens a request when no dataset check measured the
examples, and the eval data's baselines labelled for what they are."""

from __future__ import annotations

import math

import pytest

from tests.helpers import REFUND_BOT, html
from tests.training.test_training import api_answers

COSTS = {
    "requests_per_day": 150_000,
    "input_tokens": 2500,
    "output_tokens": 1200,
    "current": {"input_per_million": 1.25, "output_per_million": 10.0},
    "candidate": {"input_per_million": 0.2, "output_per_million": 0.2},
}


def created(client, answers, costs=None) -> dict:
    body = {"title": "Invoice lines", "answers": api_answers(answers)}
    if costs:
        body["costs"] = costs
    response = client.post("/api/v1/assessments", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_the_cost_step_s_request_sizes_the_examples_and_the_sequence(client) -> None:
    # REFUND_BOT answers 100-1k examples. 2,500 + 1,200 = 3,700 tokens a request; the sequence
    # is rounded up to a multiple of 256: ceil(3,700 / 256) = 15, 15 x 256 = 3,840.
    made = created(client, REFUND_BOT, COSTS)
    plan = client.get(f"/api/v1/assessments/{made['id']}/plan").json()
    tokens = plan["tokens"]
    assert tokens["source"] == "cost_step"
    assert tokens["per_request"] == 3700
    assert tokens["examples"] == {"low": 100, "high": 1000}
    assert tokens["tokens_per_epoch"] == {"low": 370_000, "high": 3_700_000}
    assert tokens["seq_len"] == math.ceil(3700 / 256) * 256 == 3840
    sequence = next(s for s in plan["settings"] if s["key"] == "sequence_len")
    assert sequence["value"] == 3840
    assert sequence["why"].startswith("The cost step's 3,700 tokens a request, rounded up: 3,840.")
    page = html(client.get(made["url"]))
    basis = page.select_one("#plan .plan-basis")
    assert basis["data-source"] == "cost_step"
    assert " ".join(basis.get_text().split()).startswith(
        "Sized from your answers and the cost step: 100–1,000 examples of 3,700 tokens each"
    )
    markdown = client.get(f"/a/{made['id']}/export.md?lang=zh").text
    assert "100–1,000 条示例，每条 3,700 个 token" in markdown


def test_without_the_cost_step_the_answers_range_stands(client) -> None:
    made = created(client, REFUND_BOT)
    plan = client.get(f"/api/v1/assessments/{made['id']}/plan").json()
    assert plan["tokens"]["source"] == "answers"
    assert plan["tokens"]["per_request"] is None
    # 100-1k examples of 200-800 tokens, 2,048 tokens a sequence.
    assert plan["tokens"]["tokens_per_epoch"] == {"low": 20_000, "high": 800_000}
    assert plan["tokens"]["seq_len"] == 2048


def _distill_unmeasured() -> dict:
    from tests.unit.decision_cases import DISTILL_UNMEASURED

    return {k: v for k, v in DISTILL_UNMEASURED.items() if v is not None}


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        # Measured below the target (99): the set is sized from the baseline itself.
        (
            {**REFUND_BOT, "baseline_accuracy": "95", "baseline_sample_size": "2000"},
            {"baseline": 0.95, "sized_from": 0.95, "baseline_assumed": False},
        ),
        # Not measured (a distillation, the one training plan that stands on no measurement):
        # nothing to report, sized from 5 points under the target (95).
        (
            _distill_unmeasured(),
            {"baseline": None, "sized_from": 0.9, "baseline_assumed": True},
        ),
    ],
)
def test_the_eval_data_names_the_measured_baseline_and_what_the_set_is_sized_from(
    client, answers, expected
) -> None:
    made = created(client, answers)
    data = client.get(f"/api/v1/assessments/{made['id']}/plan").json()["data"]
    assert {k: data[k] for k in expected} == expected


def test_a_baseline_that_meets_the_target_is_reported_as_measured(client) -> None:
    # 97% measured on 2,000 cases against 95%: the data says 0.97, not the 0.90 the set is
    # sized from (it must catch a 5-point loss), which it printed as 0.8999999999999999.
    from tests.unit.decision_cases import DISTILL_UNMEASURED

    given = {**DISTILL_UNMEASURED, "baseline_accuracy": 97, "baseline_sample_size": 2000}
    body = {"title": "Invoice fields", "answers": {k: v for k, v in given.items() if v is not None}}
    made = client.post("/api/v1/assessments", json=body).json()
    data = client.get(f"/api/v1/assessments/{made['id']}/plan").json()["data"]
    assert (data["baseline"], data["sized_from"], data["baseline_meets_target"]) == (
        0.97,
        0.9,
        True,
    )


@pytest.mark.parametrize("costs", [None, COSTS])
def test_a_team_with_no_examples_is_told_the_range_is_what_to_write(client, costs) -> None:
    # example_count "none": the range is what to collect, not the team's answer. The verdict
    # fixes the data first and asks for at least 300 eval cases (99%) and 50-100 more for
    # training, so the plan is sized for 350-400.
    team = {**REFUND_BOT, "example_count": "none"}
    for question in ("data_quality", "data_diversity", "edge_cases"):
        team.pop(question)
    made = created(client, team, costs)
    plan = client.get(f"/api/v1/assessments/{made['id']}/plan").json()
    assert plan["tokens"]["none_yet"] is True
    basis = html(client.get(made["url"])).select_one("#plan .plan-basis")
    said = " ".join(basis.get_text().split())
    per = "3,700 tokens each" if costs else "200–800 tokens each"
    assert said.startswith(
        f"You have no examples yet: sized for 350–400, once written or collected, of {per}"
    )
    markdown = client.get(f"/a/{made['id']}/export.md?lang=zh").text
    assert "你还没有示例：按写出或收集后的 350–400 条估算" in markdown
    assert "按你的回答" not in markdown
