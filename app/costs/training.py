"""The one-time cost of fine-tuning as the training plan estimates it, to prefill the cost numbers.

The training plan (app/training/plan.py, another branch of this release) gives compute costs as
ranges. `one_time_default(assessment)` reads them; it is None until an assessment has a plan: no
verdict yet, a verdict without a plan (prompting, RAG), or a build without app/training.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class OneTimeDefault:
    """A training cost range from the plan, in US dollars; `value` is what the form is prefilled
    with: the high end, so that a payback is never shown sooner than the plan allows."""

    low: float
    high: float
    label: str | None = None  # the candidate and GPU the range is for, as the plan names them
    # Part of both ends: a distillation's training set, written by the large model at the cost
    # step's prices (the plan's data.teacher); 0 for other methods or without prices.
    data: float = 0.0

    @property
    def value(self) -> float:
        return self.high


def one_time_default(assessment: Any) -> OneTimeDefault | None:
    """The training plan's one-time cost for this assessment, or None when it has no plan."""
    plan = _training_plan(assessment)
    return plan_cost_range(plan) if plan else None


def plan_default(
    answers: Mapping[str, Any],
    snapshot: Mapping[str, Any] | None,
    profile: Any,
    costs: Any = None,
) -> OneTimeDefault | None:
    """The one-time cost the plan for this verdict snapshot gives, or None without a plan (the
    wizard's cost step asks this of the verdict a complete draft's answers give). `costs`: the
    cost numbers, which price a distillation's training set."""
    plan = _plan_for(answers, snapshot, profile, costs)
    return plan_cost_range(plan) if plan else None


def _training_plan(assessment: Any) -> Mapping[str, Any] | None:
    return _plan_for(
        getattr(assessment, "answers", None) or {},
        getattr(assessment, "verdict", None),
        getattr(assessment, "data_profile", None),
        getattr(assessment, "cost_inputs", None),
    )


def _plan_for(
    answers: Mapping[str, Any],
    snapshot: Mapping[str, Any] | None,
    profile: Any,
    costs: Any = None,
) -> Mapping[str, Any] | None:
    try:
        from app.training.plan import build_plan
    except ImportError:
        return None
    if not snapshot:
        return None
    plan = build_plan(
        answers or {}, snapshot, profile, costs=costs if isinstance(costs, Mapping) else None
    )
    return plan if isinstance(plan, Mapping) else None


def plan_cost_range(plan: Mapping[str, Any]) -> OneTimeDefault | None:
    """The cheapest candidate's cost range in the plan: every `cost_usd: {"low", "high"}` found
    under it (a candidate on a GPU each) that fits its GPU, the one with the lowest high end.
    None when none."""
    best: OneTimeDefault | None = None
    for label, cost in _cost_ranges(plan, None):
        low, high = cost.get("low"), cost.get("high")
        if not all(
            isinstance(v, (int, float)) and math.isfinite(v) and v >= 0 for v in (low, high)
        ):
            continue
        if high < low:
            continue
        if best is None or high < best.high:
            best = OneTimeDefault(float(low), float(high), label)
    data = _training_set_cost(plan)
    if best is not None and data:
        best = OneTimeDefault(best.low + data, best.high + data, best.label, data)
    return best


def _training_set_cost(plan: Mapping[str, Any]) -> float:
    """What a distillation plan says the large model costs to write the training set, at the
    standard prices (a batch API's are lower: the high end is never understated); 0 without."""
    teacher = (
        (plan.get("data") or {}).get("teacher") if isinstance(plan.get("data"), Mapping) else None
    )
    cost = teacher.get("cost_usd") if isinstance(teacher, Mapping) else None
    value = cost.get("standard") if isinstance(cost, Mapping) else None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return max(0.0, float(value))
    return 0.0


def _cost_ranges(node: Any, label: str | None) -> Iterator[tuple[str | None, Mapping[str, Any]]]:
    if isinstance(node, Mapping):
        name = node.get("name") or node.get("model") or node.get("candidate")
        # The GPU as people name it ("NVIDIA A100 SXM 80GB"), its key ("a100-80gb") only when unnamed.
        gpu = node.get("gpu_name") or node.get("gpu")
        parts = [name if isinstance(name, str) else label, gpu if isinstance(gpu, str) else None]
        here = " · ".join(part for part in parts if part) or label
        cost = node.get("cost_usd")
        # A configuration that does not fit its GPU is no plan to pay for.
        if isinstance(cost, Mapping) and node.get("fits") is not False:
            yield here, cost
        for key, value in node.items():
            if key != "cost_usd":
                yield from _cost_ranges(value, here)
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from _cost_ranges(item, label)
