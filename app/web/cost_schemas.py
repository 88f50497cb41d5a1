"""The body of POST /api/v1/costs, an assessment's `costs`, and the answer's description.

Bodies are checked by app.costs.parse_costs (one message per field, in en and zh): `CostsIn` is
the route's body parameter and calls it (app/web/bodies.py); its fields and the nested models
only document the body, with the same limits, so the document cannot promise more than is
accepted.
"""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from app.costs.formulas import CostInputs
from app.costs.inputs import LIMITS, MODEL_LABEL_LIMIT, Limit, parse_costs
from app.web.bodies import CheckedBody, refuse

EXAMPLE_REQUEST = {
    "requests_per_day": 100_000,
    "input_tokens": 1_500,
    "output_tokens": 300,
    "current": {
        "input_per_million": 2.50,
        "output_per_million": 15.00,
        "accuracy": 0.97,
        "model": "openai/gpt-4o",
    },
    "candidate": {"input_per_million": 0.20, "output_per_million": 0.20},
    "one_time_cost": 5_000,
    "error_cost": 0.50,
}


def number(
    key: str, description: str, *, optional: bool = False, example: float | None = None
) -> Any:
    limit: Limit = LIMITS[key]
    bounds = {"gt" if limit.above else "ge": limit.minimum, "le": limit.maximum}
    examples = [example] if example is not None else None
    return Field(None if optional else ..., description=description, examples=examples, **bounds)


MODEL_LABEL = Field(
    None,
    max_length=MODEL_LABEL_LIMIT,
    description="A price-table id such as `openai/gpt-4o`, or any label; shown, "
    "never used in the arithmetic.",
)
ACCURACY = "Share of answers that are right, a fraction from 0 to 1 (0.97 for 97%)."


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TokenPricesIn(Strict):
    """A hosted model billed per token, at list price."""

    input_per_million: float = number(
        "input_per_million", "US dollars per million input tokens.", example=2.5
    )
    output_per_million: float = number(
        "output_per_million", "US dollars per million output tokens.", example=15.0
    )
    cached_input_per_million: float | None = number(
        "cached_input_per_million",
        "US dollars per million input tokens read from the prompt cache; without it, cached "
        "tokens bill at `input_per_million`.",
        optional=True,
        example=0.25,
    )
    batch_input_per_million: float | None = number(
        "batch_input_per_million",
        "US dollars per million input tokens of a batch request; without it, the standard price.",
        optional=True,
        example=1.25,
    )
    batch_output_per_million: float | None = number(
        "batch_output_per_million",
        "US dollars per million output tokens of a batch request; without it, the standard price.",
        optional=True,
        example=7.5,
    )
    accuracy: float | None = number("accuracy", ACCURACY, optional=True, example=0.97)
    model: str | None = MODEL_LABEL


class SelfHostedIn(Strict):
    """A model on rented GPUs, each kept on all month: GPUs = max(1, ceil(tokens a second the
    volume needs / (tokens_per_second x utilization))); monthly cost = GPUs x gpu_per_hour x 720."""

    gpu_per_hour: float = number("gpu_per_hour", "US dollars per GPU hour.", example=2.0)
    tokens_per_second: float = number(
        "tokens_per_second",
        "One GPU's throughput at full load, input and output tokens together.",
        example=2_500,
    )
    utilization: float = number(
        "utilization",
        "The busiest share of its time a GPU is planned to work before another is added "
        "(headroom for peaks), above 0 and at most 1.",
        example=0.4,
    )
    accuracy: float | None = number("accuracy", ACCURACY, optional=True)
    model: str | None = MODEL_LABEL


class TrainingTokensIn(Strict):
    """A hosted fine-tuning job: tokens x epochs x price per million."""

    tokens: float = number("tokens", "Training tokens in the data set.", example=2_000_000)
    epochs: float = number("epochs", "Passes over the data.", example=3)
    price_per_million: float = number(
        "price_per_million", "US dollars per million trained tokens.", example=25
    )


class TrainingGpuIn(Strict):
    """A fine-tuning run on rented GPUs: GPU hours x hourly rate."""

    gpu_hours: float = number("gpu_hours", "GPU hours of the run.", example=8)
    gpu_per_hour: float = number("gpu_per_hour", "US dollars per GPU hour.", example=2.5)


class CostsIn(CheckedBody):
    """The numbers behind "too slow or too expensive". A month is 30 days; money is US dollars."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_REQUEST]})
    requests_per_day: float = number("requests_per_day", "Requests a day.", example=100_000)
    input_tokens: float = number("input_tokens", "Mean input tokens per request.", example=1_500)
    output_tokens: float = number("output_tokens", "Mean output tokens per request.", example=300)
    current: TokenPricesIn = Field(description="The model in use today.")
    candidate: TokenPricesIn | SelfHostedIn = Field(
        description="The fine-tuned model: per-token prices, or self-hosting figures."
    )
    one_time_cost: float | None = number(
        "one_time_cost",
        "One-time cost of fine-tuning in US dollars (or give `training`).",
        optional=True,
        example=5_000,
    )
    training: TrainingTokensIn | TrainingGpuIn | None = Field(
        None, description="The one-time cost as a training job, instead of `one_time_cost`."
    )
    error_cost: float | None = number(
        "error_cost", "What one wrong answer costs, in US dollars.", optional=True, example=0.5
    )
    cached_input_share: float | None = number(
        "cached_input_share",
        "Share of input tokens read from the prompt cache, 0 to 1; billed at each model's "
        "`cached_input_per_million`.",
        optional=True,
        example=0.5,
    )
    batch_share: float | None = number(
        "batch_share",
        "Share of requests sent through a batch API, 0 to 1; billed at the batch prices (the "
        "cached share as well, at the same discount).",
        optional=True,
        example=0.0,
    )
    # What the calculator takes: the numbers as parse_costs read them.
    _inputs: CostInputs = PrivateAttr()

    @classmethod
    def check(cls, body: dict[str, Any]) -> "CostsIn":
        """parse_costs's checks, the pages' own: one problem per offending field, by its path."""
        inputs, errors = parse_costs(body)
        if errors or inputs is None:
            refuse(errors)
        checked = cls.model_construct()
        checked._inputs = inputs
        return checked

    @property
    def inputs(self) -> CostInputs:
        return self._inputs


class CumulativeMonth(BaseModel):
    month: int
    current: float
    candidate: float


class CostFactOut(BaseModel):
    key: str = Field(
        description="fast_payback, moderate_payback, slow_payback, payback_unknown, "
        "negligible_saving, costs_more; candidate_above_break_even, "
        "candidate_below_break_even, break_even_known"
    )
    direction: str = Field(description="for, against or neutral: how it bears on fine-tuning")
    text: str


class ModelWarningOut(BaseModel):
    side: Literal["current", "candidate"]
    model: str = Field(description="The price table's id of the model")
    kind: Literal["retires", "retired", "training_closed"] = Field(
        description="retires: it stops serving on `date`; retired: it stopped on `date`; "
        "training_closed: its provider takes no new fine-tuning jobs (`date`: the last day for "
        "anyone, when the providers table gives one)"
    )
    date: str | None = Field(description="YYYY-MM-DD")
    days: int | None = Field(description="From today to `date`; negative once past")
    text: str


class ProjectionEndOut(BaseModel):
    side: Literal["current", "candidate"]
    model: str
    date: str = Field(description="The earlier retirement of the two models, YYYY-MM-DD")
    days: int = Field(description="From today to `date`; negative once past")
    last_month: int | None = Field(
        description="The last month of `cumulative` (it ends on or before `date`); null: the "
        "model is retired and no month is projected"
    )


class CostsOut(BaseModel):
    """Every figure in US dollars, a month being 30 days; accuracies are fractions 0-1."""

    current_monthly: float
    candidate_monthly: float
    monthly_saving: float = Field(
        description="current_monthly - candidate_monthly; negative when the candidate costs more"
    )
    payback_months: float | None = Field(
        description="one-time cost / monthly saving; null without a saving or a one-time cost"
    )
    break_even_accuracy: float | None = Field(
        description="current accuracy - (current - candidate price per request) / error_cost; "
        "null without error_cost and a current accuracy. Not clipped: below 0 the "
        "candidate pays at any accuracy, above 1 at none"
    )
    one_time_cost: float | None
    requests_per_month: float
    current_per_request: float
    candidate_per_request: float
    current_per_1k_requests: float
    candidate_per_1k_requests: float
    candidate_per_million_tokens: float | None = Field(
        description="Self-hosting only: the effective price per million tokens, the GPUs' "
        "monthly cost over the month's tokens"
    )
    candidate_gpus: float | None = Field(
        description="Self-hosting only: GPUs kept on for the volume, at least 1"
    )
    candidate_utilization: float | None = Field(
        description="Self-hosting only: how busy those GPUs are on average, 0-1"
    )
    current_expected_per_request: float | None = Field(
        description="price per request + (1 - accuracy) x error_cost"
    )
    candidate_expected_per_request: float | None
    cumulative: list[CumulativeMonth] = Field(
        description="Months 0 to 12, or to `projection_end.last_month` when a chosen model "
        "retires sooner; the candidate starts at the one-time cost"
    )
    facts: list[CostFactOut]
    model_warnings: list[ModelWarningOut] = Field(
        description="Dated facts about the models named from the price table: a retirement, a "
        "provider that takes no new fine-tuning jobs"
    )
    projection_end: ProjectionEndOut | None = Field(
        description="Set when a chosen model retires within the 12 months: `cumulative` stops "
        "before it"
    )


class StoredCosts(BaseModel):
    """An assessment's cost numbers: what was given, and the figures computed from it."""

    inputs: CostsIn
    results: CostsOut


def add_cost_schemas(document: dict[str, Any]) -> None:
    """Put the body's model into the document's components as the model itself describes it
    (FastAPI's own rendering writes its limits as floats and leaves out `"default": null`)."""
    schema = CostsIn.model_json_schema(ref_template="#/components/schemas/{model}")
    components = document.setdefault("components", {}).setdefault("schemas", {})
    components.update(schema.pop("$defs", {}))
    components["CostsIn"] = schema
