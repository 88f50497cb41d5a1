"""The cost numbers on pages: field names for error summaries, and what a results block shows."""

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

from app import assessments, costs, decision
from app.assessments import COST_FORM_PREFIX
from app.costs import numbers
from app.decision.text import NG_BATCH_294, OPENAI_GUIDE, Text
from app.web.i18n import N_, translate

PAYBACK_WORDS = {
    "months": N_("%(figure)s months"),
    "days": N_("%(figure)s days"),
    "under_a_day": N_("less than a day"),
}


def payback_words(value: float, lang: str) -> str:
    """A payback period as people read it: "0.21 months", "2.4 days", "less than a day"."""
    unit, figure = numbers.payback(value)
    text = translate(lang, PAYBACK_WORDS[unit])
    return text % {"figure": figure} if unit != "under_a_day" else text


# Full names, for error summaries where a field is read out of context.
FIELD_NAMES = {
    "requests_per_day": N_("Requests per day"),
    "input_tokens": N_("Input tokens per request"),
    "output_tokens": N_("Output tokens per request"),
    "cached_input_share": N_("Share of input tokens read from the prompt cache"),
    "batch_share": N_("Share of requests sent as batches"),
    "current.model": N_("Current model"),
    "current.input_per_million": N_("Current model: input price per million tokens"),
    "current.output_per_million": N_("Current model: output price per million tokens"),
    "current.cached_input_per_million": N_("Current model: cached input price per million tokens"),
    "current.batch_input_per_million": N_("Current model: batch input price per million tokens"),
    "current.batch_output_per_million": N_("Current model: batch output price per million tokens"),
    "current.accuracy": N_("Current model: accuracy"),
    "candidate.model": N_("Fine-tuned model"),
    "candidate.input_per_million": N_("Fine-tuned model: input price per million tokens"),
    "candidate.output_per_million": N_("Fine-tuned model: output price per million tokens"),
    "candidate.cached_input_per_million": N_(
        "Fine-tuned model: cached input price per million tokens"
    ),
    "candidate.batch_input_per_million": N_(
        "Fine-tuned model: batch input price per million tokens"
    ),
    "candidate.batch_output_per_million": N_(
        "Fine-tuned model: batch output price per million tokens"
    ),
    "candidate.gpu_per_hour": N_("Self-hosting: GPU price per hour"),
    "candidate.tokens_per_second": N_("Self-hosting: one GPU's tokens per second"),
    "candidate.utilization": N_("Self-hosting: planned utilization"),
    "candidate.accuracy": N_("Fine-tuned model: accuracy"),
    "one_time_cost": N_("One-time cost"),
    "training.tokens": N_("Training tokens"),
    "training.epochs": N_("Epochs"),
    "training.price_per_million": N_("Training price per million tokens"),
    "training.gpu_hours": N_("GPU hours"),
    "training.gpu_per_hour": N_("Training GPU price per hour"),
    "error_cost": N_("Cost of a wrong answer"),
}


# Sources the cost formulas on "How we decide" cite.
COST_SOURCES = {
    "ng": NG_BATCH_294,
    "openai_guide": OPENAI_GUIDE,
    "openai_pricing": "https://developers.openai.com/api/docs/pricing",
}

# A hosted fine-tuned model in the picker: what the providers table says of training it (no
# second copy of those facts), and its retirement when it is near.
RETIRES_SOON_DAYS = 90


def picker_note(entry: Any, day: Any, retires_on: str = "") -> Text | None:
    """ "(OpenAI takes no new fine-tuning customers; retires on 2027-01-14)" for a fine-tuned
    model whose provider closed to teams new to it, or whose base model retires within
    RETIRES_SOON_DAYS: a team about to fine-tune should not price a model it cannot train.
    `retires_on`: the deprecation date as the page writes dates."""
    if entry.tier != "fine_tuned" or entry.retired_on(day):
        return None
    parts = []
    provider = costs.fine_tuning_provider(entry)
    if provider is not None and not provider.takes_new_jobs(day):
        parts.append(Text("{provider} takes no new fine-tuning customers", provider=entry.provider))
    retires = entry.deprecation_date
    if retires is not None and (retires - day).days <= RETIRES_SOON_DAYS:
        parts.append(Text("retires on {date}", date=retires_on or retires.isoformat()))
    if not parts:
        return None
    return Text.join(parts, Text("{items}; {item}"))


TIER_LABELS = {
    "frontier": N_("Frontier models"),
    "small": N_("Small hosted models"),
    "fine_tuned": N_("Hosted fine-tuned models"),
    "open": N_("Open-weight models on hosted APIs"),
}
DIRECTION_LABELS = {
    "for": N_("For fine-tuning:"),
    "against": N_("Against fine-tuning:"),
    "neutral": N_("Worth knowing:"),
}


def anchor(field: str, prefix: str = "") -> str:
    """The id of a field's input: "costs.current.accuracy" -> "cost-current-accuracy"."""
    return "cost-" + field.removeprefix(prefix).replace(".", "-")


def summary_anchors(prefix: str = "") -> dict[str, str]:
    return {prefix + field: anchor(field) for field in FIELD_NAMES}


def summary_labels(lang: str, prefix: str = "") -> dict[str, str]:
    return {prefix + field: translate(lang, name) for field, name in FIELD_NAMES.items()}


def calculator_query(values: Mapping[str, Any], prefix: str = "", **extra: str) -> str:
    """The calculator's URL query for these form values: a stable link to the same results."""
    pairs = [
        (key, str(values[prefix + key]).strip())
        for key in costs.inputs.FORM_FIELDS
        if str(values.get(prefix + key, "")).strip()
    ]
    pairs += [(key, value) for key, value in extra.items() if value]
    return urlencode(pairs)


def has_numbers(values: Mapping[str, Any]) -> bool:
    return not costs.form_is_empty(values)


def draft_plan_cost(draft: Any) -> costs.OneTimeDefault | None:
    """The training plan's one-time cost for a draft at the cost step: from its verdict when it has
    one, else from the verdict its answers give once every step is answered (a revision, or a
    return from the review); None before that, or when the verdict has no plan."""
    if getattr(draft, "verdict", None):
        return costs.one_time_default(draft)
    answers, errors = decision.validate_answers(assessments.pending_answers(draft))
    if errors:
        return None
    verdict = decision.evaluate(answers, assessments.evidence_of(draft, answers))
    return costs.training.plan_default(
        answers, verdict.to_snapshot(), draft.data_profile, getattr(draft, "cost_inputs", None)
    )


def prefill_one_time(
    values: Mapping[str, Any], plan_cost: costs.OneTimeDefault | None
) -> tuple[dict[str, Any], str | None]:
    """The cost step's values with the plan's one-time cost filled in, and how the plan's cost
    stands to them: "prefilled" (the numbers are there but no one-time cost: the plan's high end
    goes in, as an editable amount), "own" (a one-time cost was given) or "empty" (no numbers yet:
    filling the amount alone would make the rest of the section required)."""
    out = dict(values)
    if plan_cost is None:
        return out, None
    prefix = COST_FORM_PREFIX
    kind = str(out.get(prefix + "one_time.kind", "")).strip()
    if kind not in ("", "none"):
        return out, "own"
    if costs.form_is_empty(out, prefix=prefix):
        return out, "empty"
    out[prefix + "one_time.kind"] = "amount"
    out[prefix + "one_time_cost"] = f"{math.ceil(plan_cost.value):d}"
    return out, "prefilled"


def wizard_cost_form(
    lang: str,
    values: Mapping[str, Any],
    errors: Mapping[str, str],
    plan_cost: costs.OneTimeDefault | None = None,
    plan_state: str | None = None,
) -> dict[str, Any]:
    """What the cost step's optional numbers section needs; open when filled in or wrong."""
    prefix = COST_FORM_PREFIX
    return {
        "plan_cost": plan_cost,
        "plan_state": plan_state,
        "calculator_query": calculator_query(values, prefix),
        "prefix": prefix,
        "prices": costs.price_table(),
        "anchors": summary_anchors(prefix),
        "labels": summary_labels(lang, prefix),
        "open": not costs.form_is_empty(values, prefix=prefix)
        or any(field.startswith(prefix) for field in errors),
    }


@dataclass(frozen=True)
class CostView:
    """Everything a results block shows for one set of inputs."""

    inputs: costs.CostInputs
    # The figures, their cumulative series stopped at `projection_end` when a model retires first
    result: costs.CostResult
    chart: costs.Chart | None  # None: fewer than two months to draw
    facts: tuple[costs.CostFact, ...]
    current_price: costs.ModelPrice | None
    candidate_price: costs.ModelPrice | None
    self_hosted: bool
    # Dated facts about the chosen models (retirements, a provider closed to fine-tuning) and
    # the retirement that ends the projection, judged on the day the view was made for
    warnings: tuple[costs.ModelWarning, ...] = ()
    projection_end: costs.ProjectionEnd | None = None
    # The training plan's cost, used when the numbers gave no one-time cost (see costs.training)
    one_time_from_plan: costs.OneTimeDefault | None = None
    # Why the numbers did not decide, when they point away from the verdict (a verdict's card)
    verdict_note: Any = None
    # Data that must stay on the team's machines, with the fine-tuned model priced per token as
    # a hosted API: a bill the team could not run (a verdict's card)
    hosting_note: Any = None

    @property
    def query(self) -> str:
        """The calculator URL's query for these numbers (the plan's one-time cost included)."""
        return calculator_query(costs.form_values(self.inputs))


def cost_view(
    stored: costs.CostInputs | Mapping[str, Any] | None,
    one_time_default: costs.OneTimeDefault | None = None,
    *,
    today: date | None = None,
) -> CostView | None:
    """A view of inputs, or of an assessment's stored `cost_inputs`; None when there are none.
    Without a one-time cost in them, `one_time_default` (the training plan's) stands in.
    Retirements and closed providers are judged on `today` (the app's clock; the wall clock's
    date when not given)."""
    if stored is None or isinstance(stored, Mapping) and not stored:
        return None
    inputs = stored if isinstance(stored, costs.CostInputs) else costs.parse_costs(stored)[0]
    if inputs is None:
        return None
    from_plan = None
    if inputs.one_time is None and one_time_default is not None:
        inputs = replace(inputs, one_time_cost=one_time_default.value)
        from_plan = one_time_default
    result = costs.compute(inputs)
    table = costs.price_table()
    current = table.get(inputs.current.model) if inputs.current.model else None
    candidate = table.get(inputs.candidate.model) if inputs.candidate.model else None
    day = today or date.today()
    end = costs.projection_end(current, candidate, day)
    if end is not None and end.cuts:
        projected = result.until(end.last_month)
        chart = costs.build_chart(projected, end.months)
    else:
        projected, chart = result, costs.build_chart(result)
    return CostView(
        inputs=inputs,
        result=projected,
        chart=chart,
        facts=costs.cost_facts(result),
        current_price=current,
        candidate_price=candidate,
        self_hosted=isinstance(inputs.candidate, costs.SelfHosted),
        one_time_from_plan=from_plan,
        warnings=costs.model_warnings(current, candidate, day, result),
        projection_end=end if end is not None and end.cuts else None,
    )


def verdict_cost_view(assessment: Any, today: date | None = None) -> CostView | None:
    """The cost card under a verdict: the stored numbers, the training plan's one-time cost when
    none was given, and a note when the numbers point away from the verdict."""
    if not assessment.cost_inputs:
        return None
    view = cost_view(assessment.cost_inputs, costs.one_time_default(assessment), today=today)
    if view is None:
        return None
    home = (assessment.answers or {}).get("hosting") == "self_hosted_required"
    return replace(
        view,
        verdict_note=costs.verdict_note(assessment.recommendation, view.facts),
        hosting_note=SELF_HOSTED_PRICED_PER_TOKEN if home and not view.self_hosted else None,
    )


SELF_HOSTED_PRICED_PER_TOKEN = Text(
    "Your data must stay on your machines, yet the fine-tuned model is priced here per token, as "
    "a hosted API would charge. Price it as self-hosted (a GPU's hourly price and the tokens it "
    "serves a second) in the calculator for a bill you could run."
)


def cost_record(
    stored: Mapping[str, Any] | None, lang: str, today: date | None = None
) -> dict[str, Any] | None:
    """An assessment's `costs` in its JSON record: the inputs and the figures computed from them."""
    view = cost_view(stored, today=today)
    if view is None:
        return None
    return {"inputs": costs.inputs_to_dict(view.inputs), "results": results_record(view, lang)}


def results_record(view: CostView, lang: str) -> dict[str, Any]:
    """The response of POST /api/v1/costs."""
    return {
        **view.result.to_dict(),
        "facts": [
            {"key": f.key, "direction": f.direction, "text": f.sentence.get(lang)}
            for f in view.facts
        ],
        "model_warnings": [warning.to_dict(lang) for warning in view.warnings],
        "projection_end": view.projection_end.to_dict() if view.projection_end else None,
    }
