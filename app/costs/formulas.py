"""The cost arithmetic of issue 11, exactly as stated there. Pure: numbers in, numbers out.

A month is 30 days. Prices are US dollars per million tokens. Accuracies are fractions 0-1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

DAYS_PER_MONTH = 30
MONTHS_SHOWN = 12  # the cumulative series runs from month 0 to this month
TOKENS_PER_PRICE_UNIT = 1_000_000  # prices are per million tokens
SECONDS_PER_HOUR = 3600


@dataclass(frozen=True, slots=True)
class TokenPrices:
    """A hosted model billed per token."""

    input_per_million: float
    output_per_million: float
    accuracy: float | None = None
    model: str | None = None  # a price-table id or a free label; never used in the arithmetic

    def price_per_request(self, input_tokens: float, output_tokens: float) -> float:
        return (
            input_tokens * self.input_per_million + output_tokens * self.output_per_million
        ) / TOKENS_PER_PRICE_UNIT


@dataclass(frozen=True, slots=True)
class SelfHosted:
    """A model on a rented GPU: what a token costs depends on how busy the GPU is kept."""

    gpu_per_hour: float
    tokens_per_second: float  # throughput over input and output tokens together, at full load
    utilization: float  # the share of the hour the GPU does useful work, in (0, 1]
    accuracy: float | None = None
    model: str | None = None

    @property
    def cost_per_token(self) -> float:
        tokens_per_hour = SECONDS_PER_HOUR * self.tokens_per_second * self.utilization
        return self.gpu_per_hour / tokens_per_hour if tokens_per_hour > 0 else math.inf

    @property
    def per_million_tokens(self) -> float:
        return self.cost_per_token * TOKENS_PER_PRICE_UNIT

    def price_per_request(self, input_tokens: float, output_tokens: float) -> float:
        return (input_tokens + output_tokens) * self.cost_per_token


Pricing = TokenPrices | SelfHosted


@dataclass(frozen=True, slots=True)
class TrainingTokens:
    """A hosted fine-tuning job billed per trained token."""

    tokens: float
    epochs: float
    price_per_million: float

    @property
    def cost(self) -> float:
        return self.tokens * self.epochs * self.price_per_million / TOKENS_PER_PRICE_UNIT


@dataclass(frozen=True, slots=True)
class TrainingGpu:
    """A fine-tuning run on rented GPUs."""

    gpu_hours: float
    gpu_per_hour: float

    @property
    def cost(self) -> float:
        return self.gpu_hours * self.gpu_per_hour


Training = TrainingTokens | TrainingGpu


def fine_tuning_cost(training: Training) -> float:
    """One-time cost: training tokens x epochs x price per million, or GPU hours x hourly rate."""
    return training.cost


@dataclass(frozen=True, slots=True)
class CostInputs:
    """Everything the calculation needs; `one_time_cost` and `training` exclude each other."""

    requests_per_day: float
    input_tokens: float
    output_tokens: float
    current: TokenPrices
    candidate: Pricing
    one_time_cost: float | None = None
    training: Training | None = None
    error_cost: float | None = None

    @property
    def one_time(self) -> float | None:
        if self.training is not None:
            return fine_tuning_cost(self.training)
        return self.one_time_cost


@dataclass(frozen=True, slots=True)
class CostResult:
    """The figures of one calculation, unrounded. `to_dict()` gives the API's response."""

    requests_per_month: float
    current_per_request: float
    candidate_per_request: float
    current_monthly: float
    candidate_monthly: float
    monthly_saving: float
    one_time_cost: float | None
    payback_months: float | None
    current_per_1k_requests: float
    candidate_per_1k_requests: float
    candidate_per_million_tokens: float | None  # self-hosting only: the effective token price
    current_expected_per_request: float | None
    candidate_expected_per_request: float | None
    break_even_accuracy: float | None
    current_accuracy: float | None
    candidate_accuracy: float | None
    cumulative: tuple[tuple[int, float, float], ...]  # (month, current, candidate) for months 0..12

    @property
    def saving_share(self) -> float:
        """The saving as a share of the current bill (0 when there is no current bill)."""
        return self.monthly_saving / self.current_monthly if self.current_monthly > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "current_monthly": _money(self.current_monthly),
            "candidate_monthly": _money(self.candidate_monthly),
            "monthly_saving": _money(self.monthly_saving),
            "payback_months": _ratio(self.payback_months),
            "break_even_accuracy": _ratio(self.break_even_accuracy),
            "one_time_cost": _money(self.one_time_cost),
            "requests_per_month": _money(self.requests_per_month),
            "current_per_request": _money(self.current_per_request),
            "candidate_per_request": _money(self.candidate_per_request),
            "current_per_1k_requests": _money(self.current_per_1k_requests),
            "candidate_per_1k_requests": _money(self.candidate_per_1k_requests),
            "candidate_per_million_tokens": _money(self.candidate_per_million_tokens),
            "current_expected_per_request": _money(self.current_expected_per_request),
            "candidate_expected_per_request": _money(self.candidate_expected_per_request),
            "cumulative": [
                {"month": month, "current": _money(current), "candidate": _money(candidate)}
                for month, current, candidate in self.cumulative
            ],
        }


# Rounding only removes binary floating-point noise (24750.000000000004); it keeps a millionth
# of a dollar, far below anything the inputs can tell apart. A quotient that overflows (a
# payback on a saving of a billionth of a cent) has no meaningful value: None.
def _money(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else round(value, 6) + 0.0


_ratio = _money


def expected_cost_per_request(
    price_per_request: float, accuracy: float, error_cost: float
) -> float:
    """Price per request + (1 - accuracy) x cost of a wrong answer."""
    return price_per_request + (1 - accuracy) * error_cost


def break_even_accuracy(
    current_accuracy: float,
    current_per_request: float,
    candidate_per_request: float,
    error_cost: float,
) -> float:
    """Current accuracy - (current price per request - candidate price per request) / error cost.

    Below it the candidate's extra wrong answers cost more than its lower price saves. The value
    is the formula's, unclipped: below 0, any accuracy pays; above 1, no accuracy can.
    """
    return current_accuracy - (current_per_request - candidate_per_request) / error_cost


def payback_months(one_time_cost: float | None, monthly_saving: float) -> float | None:
    """One-time cost / monthly saving; None without a saving or without a one-time cost."""
    if one_time_cost is None or monthly_saving <= 0:
        return None
    return one_time_cost / monthly_saving


def compute(inputs: CostInputs) -> CostResult:
    requests_per_month = inputs.requests_per_day * DAYS_PER_MONTH
    current_per_request = inputs.current.price_per_request(
        inputs.input_tokens, inputs.output_tokens
    )
    candidate_per_request = inputs.candidate.price_per_request(
        inputs.input_tokens, inputs.output_tokens
    )
    current_monthly = current_per_request * requests_per_month
    candidate_monthly = candidate_per_request * requests_per_month
    saving = current_monthly - candidate_monthly
    one_time = inputs.one_time
    error_cost = inputs.error_cost
    current_accuracy = inputs.current.accuracy
    candidate_accuracy = inputs.candidate.accuracy

    def expected(price: float, accuracy: float | None) -> float | None:
        if error_cost is None or accuracy is None:
            return None
        return expected_cost_per_request(price, accuracy, error_cost)

    break_even = None
    if error_cost is not None and current_accuracy is not None:
        break_even = break_even_accuracy(
            current_accuracy, current_per_request, candidate_per_request, error_cost
        )
    return CostResult(
        requests_per_month=requests_per_month,
        current_per_request=current_per_request,
        candidate_per_request=candidate_per_request,
        current_monthly=current_monthly,
        candidate_monthly=candidate_monthly,
        monthly_saving=saving,
        one_time_cost=one_time,
        payback_months=payback_months(one_time, saving),
        current_per_1k_requests=current_per_request * 1000,
        candidate_per_1k_requests=candidate_per_request * 1000,
        candidate_per_million_tokens=(
            inputs.candidate.per_million_tokens
            if isinstance(inputs.candidate, SelfHosted)
            else None
        ),
        current_expected_per_request=expected(current_per_request, current_accuracy),
        candidate_expected_per_request=expected(candidate_per_request, candidate_accuracy),
        break_even_accuracy=break_even,
        current_accuracy=current_accuracy,
        candidate_accuracy=candidate_accuracy,
        cumulative=tuple(
            (month, current_monthly * month, (one_time or 0.0) + candidate_monthly * month)
            for month in range(MONTHS_SHOWN + 1)
        ),
    )
