"""The cost arithmetic of issue 11, exactly as stated there. Pure: numbers in, numbers out.

A month is 30 days. Prices are US dollars per million tokens. Accuracies are fractions 0-1.

Third wave (issue 20): a hosted model may bill cached input tokens and batch requests at lower
prices (`cached_input_share`, `batch_share`); a self-hosted model costs whole GPUs kept on all
month, as many as the volume needs at the planned utilization and never fewer than one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

DAYS_PER_MONTH = 30
MONTHS_SHOWN = 12  # the cumulative series runs from month 0 to this month
TOKENS_PER_PRICE_UNIT = 1_000_000  # prices are per million tokens
SECONDS_PER_HOUR = 3600
HOURS_PER_MONTH = 24 * DAYS_PER_MONTH  # a GPU kept on all month: 720 hours
SECONDS_PER_DAY = 24 * SECONDS_PER_HOUR


@dataclass(frozen=True, slots=True)
class TokenPrices:
    """A hosted model billed per token; cached-input and batch prices where the provider has them
    (None: billed at the standard price)."""

    input_per_million: float
    output_per_million: float
    accuracy: float | None = None
    model: str | None = None  # a price-table id or a free label; never used in the arithmetic
    cached_input_per_million: float | None = None
    batch_input_per_million: float | None = None
    batch_output_per_million: float | None = None

    def price_per_request(
        self,
        input_tokens: float,
        output_tokens: float,
        cached_share: float = 0.0,
        batch_share: float = 0.0,
    ) -> float:
        """(1 - batch) x standard + batch x batch price, each with the cached share of the input
        at the cached price. In a batch the cached price takes the batch discount too, at the
        ratio of the batch to the standard input price (as OpenAI, Anthropic and Google bill)."""
        cached = (
            self.cached_input_per_million
            if self.cached_input_per_million is not None
            else self.input_per_million
        )
        batch_in = (
            self.batch_input_per_million
            if self.batch_input_per_million is not None
            else self.input_per_million
        )
        batch_out = (
            self.batch_output_per_million
            if self.batch_output_per_million is not None
            else self.output_per_million
        )
        batch_cached = (
            cached * batch_in / self.input_per_million if self.input_per_million > 0 else cached
        )

        def bill(input_price: float, cached_price: float, output_price: float) -> float:
            fresh = input_tokens * (1 - cached_share) * input_price
            reused = input_tokens * cached_share * cached_price
            return (fresh + reused + output_tokens * output_price) / TOKENS_PER_PRICE_UNIT

        standard = bill(self.input_per_million, cached, self.output_per_million)
        if batch_share <= 0:
            return standard
        return (1 - batch_share) * standard + batch_share * bill(batch_in, batch_cached, batch_out)


@dataclass(frozen=True, slots=True)
class SelfHosted:
    """A model on rented GPUs, each kept on all month: what a token costs depends on the volume.

    `utilization` is the busiest share of its time a GPU is planned to work (headroom for peaks):
    the volume needs ceil(demand / (tokens_per_second x utilization)) GPUs, never fewer than one.
    """

    gpu_per_hour: float
    tokens_per_second: float  # one GPU's throughput at full load, input and output tokens together
    utilization: float  # the planned ceiling of a GPU's busy share, in (0, 1]
    accuracy: float | None = None
    model: str | None = None

    @property
    def cost_per_token(self) -> float:
        """The price of a token on a GPU kept exactly as busy as planned: the floor, at scale."""
        tokens_per_hour = SECONDS_PER_HOUR * self.tokens_per_second * self.utilization
        return self.gpu_per_hour / tokens_per_hour if tokens_per_hour > 0 else math.inf

    @property
    def per_million_tokens(self) -> float:
        return self.cost_per_token * TOKENS_PER_PRICE_UNIT

    def load(self, requests_per_day: float, input_tokens: float, output_tokens: float) -> GpuLoad:
        """How many GPUs the volume keeps on, and how busy they are on average."""
        demand = requests_per_day * (input_tokens + output_tokens) / SECONDS_PER_DAY
        capacity = self.tokens_per_second * self.utilization
        needed = demand / capacity if capacity > 0 else math.inf
        # 1e-9: 3.0000000000000004 GPUs of floating-point noise are 3, not 4
        gpus = max(1, math.ceil(needed - 1e-9)) if math.isfinite(needed) else math.inf
        busy = demand / (gpus * self.tokens_per_second) if math.isfinite(gpus) else 0.0
        return GpuLoad(
            gpus=gpus,
            busy_share=busy,
            monthly=gpus * self.gpu_per_hour * HOURS_PER_MONTH,
            tokens_per_second_needed=demand,
        )


@dataclass(frozen=True, slots=True)
class GpuLoad:
    """What a volume asks of self-hosted GPUs: `gpus` always on, each `busy_share` of the time."""

    gpus: float  # an integer >= 1 (math.inf when a GPU's throughput is too small to count)
    busy_share: float  # demand / (gpus x tokens per second): what each GPU actually works
    monthly: float  # gpus x hourly price x 720 hours
    tokens_per_second_needed: float  # the day's tokens spread evenly over its seconds


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
    cached_input_share: float | None = None  # share of input tokens billed at the cached price
    batch_share: float | None = None  # share of requests sent through a batch API

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
    # (month, current, candidate) for months 0..12, or fewer once stopped (until())
    cumulative: tuple[tuple[int, float, float], ...]
    candidate_gpus: float | None = None  # self-hosting only: GPUs kept on, at least one
    candidate_busy_share: float | None = None  # self-hosting only: how busy they are on average

    def until(self, last_month: int | None) -> CostResult:
        """The same figures with the cumulative series stopped after `last_month` (None: no
        month at all), for a model that stops serving before the series would end."""
        kept = () if last_month is None else self.cumulative[: last_month + 1]
        return replace(self, cumulative=kept)

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
            "candidate_gpus": _money(self.candidate_gpus),
            "candidate_utilization": _ratio(self.candidate_busy_share),
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
    cached, batch = inputs.cached_input_share or 0.0, inputs.batch_share or 0.0
    current_per_request = inputs.current.price_per_request(
        inputs.input_tokens, inputs.output_tokens, cached, batch
    )
    current_monthly = current_per_request * requests_per_month
    load = None
    candidate_per_million = None
    if isinstance(inputs.candidate, SelfHosted):
        load = inputs.candidate.load(
            inputs.requests_per_day, inputs.input_tokens, inputs.output_tokens
        )
        candidate_monthly = load.monthly
        candidate_per_request = candidate_monthly / requests_per_month
        tokens_per_month = requests_per_month * (inputs.input_tokens + inputs.output_tokens)
        candidate_per_million = (
            candidate_monthly / tokens_per_month * TOKENS_PER_PRICE_UNIT
            if tokens_per_month > 0
            else math.inf
        )
    else:
        candidate_per_request = inputs.candidate.price_per_request(
            inputs.input_tokens, inputs.output_tokens, cached, batch
        )
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
        candidate_per_million_tokens=candidate_per_million,
        current_expected_per_request=expected(current_per_request, current_accuracy),
        candidate_expected_per_request=expected(candidate_per_request, candidate_accuracy),
        break_even_accuracy=break_even,
        current_accuracy=current_accuracy,
        candidate_accuracy=candidate_accuracy,
        cumulative=tuple(
            (month, current_monthly * month, (one_time or 0.0) + candidate_monthly * month)
            for month in range(MONTHS_SHOWN + 1)
        ),
        candidate_gpus=load.gpus if load is not None else None,
        candidate_busy_share=load.busy_share if load is not None else None,
    )
