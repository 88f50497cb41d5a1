"""Cost inputs from JSON (the API, stored assessments) or from a form, checked field by field.

`parse_costs` never raises on bad input: it returns the inputs, or one `CostError` per offending
field, named by its dotted path ("current.input_per_million"), with a message in en and zh.
The limits below are also what the OpenAPI document declares (app/web/cost_schemas.py).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from app.decision.text import Text

from .formulas import CostInputs, SelfHosted, TokenPrices, Training, TrainingGpu, TrainingTokens
from .prices import PriceTable

ErrorCode = Literal[
    "required",
    "not_number",
    "out_of_range",
    "unknown_field",
    "not_object",
    "conflict",
    "too_long",
    "not_text",
    "unknown_model",
]


@dataclass(frozen=True, slots=True)
class Limit:
    """A number's allowed range; `above` means strictly greater than `minimum`."""

    minimum: float
    maximum: float
    above: bool = False

    def allows(self, value: float) -> bool:
        low_ok = value > self.minimum if self.above else value >= self.minimum
        return low_ok and value <= self.maximum


# Wide enough for any real deployment, narrow enough to catch a slip of the keyboard.
PRICE = Limit(0, 10_000)  # $ per million tokens; the dearest list price today is in the hundreds
TOKENS = Limit(0, 10_000_000)  # per request; beyond any context window
ACCURACY = Limit(0, 1)
GPU_PER_HOUR = Limit(0, 10_000, above=True)  # a whole 8-GPU node rents for well under $100/h
LIMITS: dict[str, Limit] = {
    "requests_per_day": Limit(0, 10_000_000_000, above=True),
    "input_tokens": TOKENS,
    "output_tokens": TOKENS,
    "one_time_cost": Limit(0, 10_000_000_000),
    "error_cost": Limit(0, 10_000_000, above=True),  # no cost of a wrong answer: leave it out
    "input_per_million": PRICE,
    "output_per_million": PRICE,
    "cached_input_per_million": PRICE,
    "batch_input_per_million": PRICE,
    "batch_output_per_million": PRICE,
    "cached_input_share": Limit(0, 1),
    "batch_share": Limit(0, 1),
    "accuracy": ACCURACY,
    "gpu_per_hour": GPU_PER_HOUR,
    "tokens_per_second": Limit(0, 100_000_000, above=True),
    "utilization": Limit(0, 1, above=True),
    "tokens": Limit(0, 10_000_000_000_000, above=True),  # training tokens
    "epochs": Limit(0, 1_000, above=True),
    "price_per_million": PRICE,
    "gpu_hours": Limit(0, 10_000_000, above=True),
}
MODEL_LABEL_LIMIT = 100
# Shares that forms ask for in percent (97 for 97%); JSON takes them as fractions.
PERCENT_FIELDS = frozenset({"accuracy", "utilization", "cached_input_share", "batch_share"})
# A GPU so idle, or so slow, that a million tokens would cost more than this is a typing slip.
MAX_SELF_HOSTED_PER_MILLION = 1_000_000

TOP_FIELDS = (
    "requests_per_day",
    "input_tokens",
    "output_tokens",
    "current",
    "candidate",
    "one_time_cost",
    "training",
    "error_cost",
    "cached_input_share",
    "batch_share",
)
TOKEN_PRICE_FIELDS = ("input_per_million", "output_per_million")
# Where the provider has them; left out, cached input and batch requests bill at the standard price.
DISCOUNT_PRICE_FIELDS = (
    "cached_input_per_million",
    "batch_input_per_million",
    "batch_output_per_million",
)
SELF_HOSTED_FIELDS = ("gpu_per_hour", "tokens_per_second", "utilization")
MODEL_FIELDS = ("accuracy", "model")
TRAINING_TOKEN_FIELDS = ("tokens", "epochs", "price_per_million")
TRAINING_GPU_FIELDS = ("gpu_hours", "gpu_per_hour")


@dataclass(frozen=True, slots=True)
class CostError:
    field: str
    code: ErrorCode
    message: Text

    def to_dict(self, lang: str) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message.get(lang)}


def _number_text(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:g}"


def _range_text(limit: Limit, percent: bool) -> Text:
    scale = 100 if percent else 1
    low, high = _number_text(limit.minimum * scale), _number_text(limit.maximum * scale)
    unit = "%" if percent else ""
    if limit.above:
        return Text(
            "Enter a number above {low}{unit} and at most {high}{unit}.",
            low=low,
            unit=unit,
            high=high,
        )
    return Text("Enter a number from {low}{unit} to {high}{unit}.", low=low, unit=unit, high=high)


_REQUIRED = Text("Enter this number.")
_NOT_OBJECT = Text.in_context("costs.inputs._NOT_OBJECT", "This must be a JSON object.")
_NOT_TEXT = Text.in_context("costs.inputs._NOT_TEXT", "This must be text.")
_TOO_LONG = Text(
    "Keep this to {model_label_limit} characters or fewer.", model_label_limit=MODEL_LABEL_LIMIT
)
_UNKNOWN_MODEL = Text("Choose a model from the list, or leave it empty and enter the prices.")
_IDLE_GPU = Text(
    "At this rate, throughput and utilization a million tokens would cost more than $1,000,000: "
    "check the three figures."
)
_CANDIDATE_CONFLICT = Text(
    "Give either per-token prices (input_per_million, output_per_million) or self-hosting figures "
    "(gpu_per_hour, tokens_per_second, utilization), not both."
)
_TRAINING_CONFLICT = Text(
    "Give either training tokens, epochs and a price (tokens, epochs, price_per_million) or GPU "
    "hours and a rate (gpu_hours, gpu_per_hour), not both."
)
_ONE_TIME_CONFLICT = Text(
    "Give the one-time cost either as an amount (one_time_cost) or as a training job (training), "
    "not both."
)


def _unknown(allowed: tuple[str, ...]) -> Text:
    names = ", ".join(allowed)
    return Text("Unknown field: this object takes {names}.", names=names)


_FORM_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


class _Reader:
    """Collects errors while reading one nested mapping."""

    def __init__(self, from_form: bool, percent: bool) -> None:
        self.from_form = from_form
        self.percent = percent
        self.errors: list[CostError] = []

    def fail(self, field: str, code: ErrorCode, message: Text) -> None:
        self.errors.append(CostError(field, code, message))

    def number(
        self, raw: Mapping[str, Any], key: str, path: str, *, required: bool
    ) -> float | None:
        value = raw.get(key)
        # An empty form field is a number left out; in JSON, "" is text where a number goes.
        if value is None or (self.from_form and isinstance(value, str) and not value.strip()):
            if required:
                self.fail(path, "required", _REQUIRED)
            return None
        percent = self.percent and key in PERCENT_FIELDS
        limit = LIMITS[key]
        number: float | None = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, (int, float)):
            try:
                number = float(value)
            except OverflowError:  # an integer too large for a float: out of any range
                number = math.inf
        elif self.from_form and isinstance(value, str):
            # Full-width digits come from Chinese keyboards; NFKC makes them ASCII.
            text = unicodedata.normalize("NFKC", value).strip().removesuffix("%").strip()
            number = float(text) if _FORM_NUMBER.fullmatch(text) else None
        if number is None or math.isnan(number):
            self.fail(path, "not_number", _range_text(limit, percent))
            return None
        if percent:
            number /= 100
        if not limit.allows(number):
            self.fail(path, "out_of_range", _range_text(limit, percent))
            return None
        return number

    def label(self, raw: Mapping[str, Any], path: str) -> str | None:
        value = raw.get("model")
        if value is None or value == "":
            return None
        if not isinstance(value, str) or any(
            unicodedata.category(c) in ("Cc", "Cs") for c in value
        ):
            self.fail(path, "not_text", _NOT_TEXT)
            return None
        if len(value) > MODEL_LABEL_LIMIT:
            self.fail(path, "too_long", _TOO_LONG)
            return None
        return value

    def mapping(
        self,
        raw: Mapping[str, Any],
        key: str,
        path: str,
        allowed: tuple[str, ...],
        *,
        required: bool,
    ) -> Mapping[str, Any] | None:
        value = raw.get(key)
        if value is None:
            if required:
                self.fail(path, "required", _NOT_OBJECT)
            return None
        if not isinstance(value, Mapping):
            self.fail(path, "not_object", _NOT_OBJECT)
            return None
        for extra in sorted(str(k) for k in value if k not in allowed):
            self.fail(f"{path}.{extra}", "unknown_field", _unknown(allowed))
        return value

    def token_prices(self, raw: Mapping[str, Any], path: str) -> TokenPrices | None:
        prices = [
            self.number(raw, key, f"{path}.{key}", required=True) for key in TOKEN_PRICE_FIELDS
        ]
        discounts = [
            self.number(raw, key, f"{path}.{key}", required=False) for key in DISCOUNT_PRICE_FIELDS
        ]
        accuracy = self.number(raw, "accuracy", f"{path}.accuracy", required=False)
        model = self.label(raw, f"{path}.model")
        if None in prices:
            return None
        return TokenPrices(prices[0], prices[1], accuracy, model, *discounts)  # type: ignore[arg-type]

    def self_hosted(self, raw: Mapping[str, Any], path: str) -> SelfHosted | None:
        figures = [
            self.number(raw, key, f"{path}.{key}", required=True) for key in SELF_HOSTED_FIELDS
        ]
        accuracy = self.number(raw, "accuracy", f"{path}.accuracy", required=False)
        model = self.label(raw, f"{path}.model")
        if None in figures:
            return None
        hosted = SelfHosted(figures[0], figures[1], figures[2], accuracy, model)  # type: ignore[arg-type]
        if hosted.per_million_tokens > MAX_SELF_HOSTED_PER_MILLION:
            self.fail(f"{path}.utilization", "out_of_range", _IDLE_GPU)
            return None
        return hosted

    def training(self, raw: Mapping[str, Any]) -> Training | None:
        by_tokens = any(k in raw for k in ("tokens", "epochs", "price_per_million"))
        by_gpu = any(k in raw for k in TRAINING_GPU_FIELDS)
        if by_tokens and by_gpu:
            self.fail("training", "conflict", _TRAINING_CONFLICT)
            return None
        if by_gpu:
            hours, rate = (
                self.number(raw, k, f"training.{k}", required=True) for k in TRAINING_GPU_FIELDS
            )
            return None if hours is None or rate is None else TrainingGpu(hours, rate)
        tokens, epochs, price = (
            self.number(raw, k, f"training.{k}", required=True) for k in TRAINING_TOKEN_FIELDS
        )
        if tokens is None or epochs is None or price is None:
            return None
        return TrainingTokens(tokens, epochs, price)


def parse_costs(
    raw: object, *, from_form: bool = False, accuracy_in_percent: bool = False, prefix: str = ""
) -> tuple[CostInputs | None, list[CostError]]:
    """The inputs, or the errors: one per offending field, each named by its path.

    JSON takes numbers only; `from_form` also takes numbers typed as text. With
    `accuracy_in_percent`, accuracies and utilization are read as 0-100 (as forms ask for them)
    and stored as fractions. `prefix` is put before every field name ("costs." inside an assessment).
    """
    reader = _Reader(from_form, accuracy_in_percent)
    inputs = _parse(reader, raw)
    errors = [
        CostError(prefix + e.field if e.field else prefix.rstrip("."), e.code, e.message)
        for e in reader.errors
    ]
    return (inputs if not errors else None), errors


def _parse(reader: _Reader, raw: object) -> CostInputs | None:
    if not isinstance(raw, Mapping):
        reader.fail("", "not_object", _NOT_OBJECT)
        return None
    for extra in sorted(str(k) for k in raw if k not in TOP_FIELDS):
        reader.fail(extra, "unknown_field", _unknown(TOP_FIELDS))
    requests = reader.number(raw, "requests_per_day", "requests_per_day", required=True)
    input_tokens = reader.number(raw, "input_tokens", "input_tokens", required=True)
    output_tokens = reader.number(raw, "output_tokens", "output_tokens", required=True)

    current = None
    current_raw = reader.mapping(
        raw,
        "current",
        "current",
        TOKEN_PRICE_FIELDS + DISCOUNT_PRICE_FIELDS + MODEL_FIELDS,
        required=True,
    )
    if current_raw is not None:
        current = reader.token_prices(current_raw, "current")

    candidate: TokenPrices | SelfHosted | None = None
    per_token = TOKEN_PRICE_FIELDS + DISCOUNT_PRICE_FIELDS
    candidate_fields = per_token + SELF_HOSTED_FIELDS + MODEL_FIELDS
    candidate_raw = reader.mapping(raw, "candidate", "candidate", candidate_fields, required=True)
    if candidate_raw is not None:
        by_gpu = any(k in candidate_raw for k in SELF_HOSTED_FIELDS)
        if by_gpu and any(k in candidate_raw for k in per_token):
            reader.fail("candidate", "conflict", _CANDIDATE_CONFLICT)
        elif by_gpu:
            candidate = reader.self_hosted(candidate_raw, "candidate")
        else:
            candidate = reader.token_prices(candidate_raw, "candidate")

    one_time_cost = reader.number(raw, "one_time_cost", "one_time_cost", required=False)
    training = None
    training_raw = reader.mapping(
        raw, "training", "training", TRAINING_TOKEN_FIELDS + TRAINING_GPU_FIELDS, required=False
    )
    if training_raw is not None:
        if "one_time_cost" in raw and raw["one_time_cost"] is not None:
            reader.fail("training", "conflict", _ONE_TIME_CONFLICT)
        else:
            training = reader.training(training_raw)
    error_cost = reader.number(raw, "error_cost", "error_cost", required=False)
    cached_share = reader.number(raw, "cached_input_share", "cached_input_share", required=False)
    batch_share = reader.number(raw, "batch_share", "batch_share", required=False)
    if reader.errors or None in (requests, input_tokens, output_tokens, current, candidate):
        return None
    return CostInputs(
        requests,
        input_tokens,
        output_tokens,
        current,
        candidate,  # type: ignore[arg-type]
        one_time_cost,
        training,
        error_cost,
        cached_share,
        batch_share,
    )


def _model_dict(pricing: TokenPrices | SelfHosted) -> dict[str, Any]:
    if isinstance(pricing, SelfHosted):
        out: dict[str, Any] = {
            "gpu_per_hour": pricing.gpu_per_hour,
            "tokens_per_second": pricing.tokens_per_second,
            "utilization": pricing.utilization,
        }
    else:
        out = {
            "input_per_million": pricing.input_per_million,
            "output_per_million": pricing.output_per_million,
        }
        for key in DISCOUNT_PRICE_FIELDS:
            if getattr(pricing, key) is not None:
                out[key] = getattr(pricing, key)
    if pricing.accuracy is not None:
        out["accuracy"] = pricing.accuracy
    if pricing.model is not None:
        out["model"] = pricing.model
    return out


def inputs_to_dict(inputs: CostInputs) -> dict[str, Any]:
    """The request shape of POST /api/v1/costs; `parse_costs` reads it back unchanged."""
    out: dict[str, Any] = {
        "requests_per_day": inputs.requests_per_day,
        "input_tokens": inputs.input_tokens,
        "output_tokens": inputs.output_tokens,
        "current": _model_dict(inputs.current),
        "candidate": _model_dict(inputs.candidate),
    }
    if inputs.one_time_cost is not None:
        out["one_time_cost"] = inputs.one_time_cost
    if isinstance(inputs.training, TrainingTokens):
        out["training"] = {
            "tokens": inputs.training.tokens,
            "epochs": inputs.training.epochs,
            "price_per_million": inputs.training.price_per_million,
        }
    elif isinstance(inputs.training, TrainingGpu):
        out["training"] = {
            "gpu_hours": inputs.training.gpu_hours,
            "gpu_per_hour": inputs.training.gpu_per_hour,
        }
    if inputs.error_cost is not None:
        out["error_cost"] = inputs.error_cost
    for key in ("cached_input_share", "batch_share"):
        if getattr(inputs, key) is not None:
            out[key] = getattr(inputs, key)
    return out


# --- Forms ----------------------------------------------------------------------------------
# A form names its fields by the same dotted paths, plus three choices the JSON shape implies:
# the candidate's kind, how the one-time cost is given, and a model from the price table.

CANDIDATE_KINDS = ("tokens", "self_hosted")
ONE_TIME_KINDS = ("none", "amount", "tokens", "gpu")
FORM_FIELDS = (
    "requests_per_day",
    "input_tokens",
    "output_tokens",
    "cached_input_share",
    "batch_share",
    "current.model",
    "current.input_per_million",
    "current.output_per_million",
    "current.cached_input_per_million",
    "current.batch_input_per_million",
    "current.batch_output_per_million",
    "current.accuracy",
    "candidate.kind",
    "candidate.model",
    "candidate.input_per_million",
    "candidate.output_per_million",
    "candidate.cached_input_per_million",
    "candidate.batch_input_per_million",
    "candidate.batch_output_per_million",
    "candidate.gpu_per_hour",
    "candidate.tokens_per_second",
    "candidate.utilization",
    "candidate.accuracy",
    "one_time.kind",
    "one_time_cost",
    "training.tokens",
    "training.epochs",
    "training.price_per_million",
    "training.gpu_hours",
    "training.gpu_per_hour",
    "error_cost",
)


def form_is_empty(form: Mapping[str, str], *, prefix: str = "") -> bool:
    """True when no number was typed (choices alone do not count): the section was skipped."""
    choices = {"candidate.kind", "one_time.kind", "current.model", "candidate.model"}
    return not any(
        str(form.get(prefix + key, "")).strip() for key in FORM_FIELDS if key not in choices
    )


def parse_form(
    form: Mapping[str, str], prices: PriceTable, *, prefix: str = ""
) -> tuple[CostInputs | None, list[CostError]]:
    """Inputs from a flat form (accuracy and utilization in percent). A model picked from the price table fills
    in whichever of its two prices was left empty; a price typed in overrides the table."""

    def value(key: str) -> str:
        return str(form.get(prefix + key, "")).strip()

    raw: dict[str, Any] = {
        key: value(key)
        for key in (
            "requests_per_day",
            "input_tokens",
            "output_tokens",
            "error_cost",
            "cached_input_share",
            "batch_share",
        )
    }
    picked_errors: list[CostError] = []

    def model(side: str, fields: tuple[str, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {key: value(f"{side}.{key}") for key in fields}
        out["accuracy"] = value(f"{side}.accuracy")
        picked = value(f"{side}.model")
        if picked:
            entry = prices.get(picked)
            if entry is None:
                picked_errors.append(
                    CostError(f"{prefix}{side}.model", "unknown_model", _UNKNOWN_MODEL)
                )
            else:
                out["model"] = entry.id
                for key in fields:
                    if key in out and not out[key] and getattr(entry, key) is not None:
                        out[key] = getattr(entry, key)
        return out

    raw["current"] = model("current", TOKEN_PRICE_FIELDS + DISCOUNT_PRICE_FIELDS)
    if value("candidate.kind") == "self_hosted":
        # The model list holds hosted prices: it belongs to the per-token choice only.
        raw["candidate"] = {key: value(f"candidate.{key}") for key in SELF_HOSTED_FIELDS}
        raw["candidate"]["accuracy"] = value("candidate.accuracy")
    else:
        raw["candidate"] = model("candidate", TOKEN_PRICE_FIELDS + DISCOUNT_PRICE_FIELDS)
    one_time = value("one_time.kind")
    if one_time == "amount":
        raw["one_time_cost"] = value("one_time_cost")
    elif one_time == "tokens":
        raw["training"] = {key: value(f"training.{key}") for key in TRAINING_TOKEN_FIELDS}
    elif one_time == "gpu":
        raw["training"] = {key: value(f"training.{key}") for key in TRAINING_GPU_FIELDS}
    # Empty fields stay in: each is read as "not given", so a chosen group still reports them.
    inputs, errors = parse_costs(raw, from_form=True, accuracy_in_percent=True, prefix=prefix)
    errors = picked_errors + errors
    return (inputs if not errors else None), errors


def form_values(inputs: CostInputs | None, *, prefix: str = "") -> dict[str, str]:
    """The form's fields filled in from stored inputs (shares back in percent)."""
    if inputs is None:
        return {}
    data = inputs_to_dict(inputs)
    values: dict[str, str] = {}
    for key in ("requests_per_day", "input_tokens", "output_tokens", "error_cost", "one_time_cost"):
        if key in data:
            values[key] = _plain(data[key])
    for key in ("cached_input_share", "batch_share"):
        if key in data:
            values[key] = _plain(data[key] * 100)
    for side in ("current", "candidate"):
        for key, item in data[side].items():
            if key in PERCENT_FIELDS:
                values[f"{side}.{key}"] = _plain(item * 100)
            elif key == "model":
                values[f"{side}.model"] = item
            else:
                values[f"{side}.{key}"] = _plain(item)
    values["candidate.kind"] = (
        "self_hosted" if isinstance(inputs.candidate, SelfHosted) else "tokens"
    )
    if "training" in data:
        values["one_time.kind"] = "gpu" if isinstance(inputs.training, TrainingGpu) else "tokens"
        values.update({f"training.{k}": _plain(v) for k, v in data["training"].items()})
    else:
        values["one_time.kind"] = "amount" if "one_time_cost" in data else "none"
    return {prefix + key: value for key, value in values.items()}


def _plain(number: float) -> str:
    """A number as a form shows it: 100000, not 100000.0 or 1e+05."""
    rounded = round(number, 9)
    return str(int(rounded)) if rounded == int(rounded) else repr(rounded)
