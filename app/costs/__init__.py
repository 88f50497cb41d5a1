"""What it costs: the monthly bill both ways, the payback of fine-tuning, the break-even accuracy.

Pure Python like app/decision, which it may use for bilingual text and sources; nothing here
touches the web or the database. Formulas (issue 11): a month is 30 days; price per request =
(input tokens x input price + output tokens x output price) / 1M, or, self-hosted, tokens x
gpu_per_hour / (3600 x tokens_per_second x utilization); payback = one-time cost / monthly saving;
expected cost per request = price per request + (1 - accuracy) x cost of a wrong answer;
break-even accuracy = current accuracy - (current - candidate price per request) / error cost.
"""

from .availability import (
    ModelWarning,
    ProjectionEnd,
    fine_tuning_provider,
    model_warnings,
    projection_end,
)
from .chart import Chart, build_chart
from .facts import (
    FAST_PAYBACK_MONTHS,
    NEGLIGIBLE_MONTHLY_USD,
    NEGLIGIBLE_SHARE,
    SLOW_PAYBACK_MONTHS,
    THRESHOLDS,
    CostFact,
    Threshold,
    accuracy_fact,
    break_even_sentence,
    cost_facts,
    cost_summary,
    evidence_figures,
    saving_fact,
    saving_sentence,
    verdict_note,
)
from .formulas import (
    DAYS_PER_MONTH,
    CostInputs,
    CostResult,
    GpuLoad,
    SelfHosted,
    TokenPrices,
    TrainingGpu,
    TrainingTokens,
    break_even_accuracy,
    compute,
    expected_cost_per_request,
    fine_tuning_cost,
    payback_months,
)
from .inputs import (
    LIMITS,
    CostError,
    form_is_empty,
    form_values,
    inputs_to_dict,
    parse_costs,
    parse_form,
)
from .prices import ModelPrice, PriceTable, price_table, read_price_table
from .training import OneTimeDefault, one_time_default, plan_cost_range

__all__ = [
    "DAYS_PER_MONTH",
    "FAST_PAYBACK_MONTHS",
    "LIMITS",
    "NEGLIGIBLE_MONTHLY_USD",
    "NEGLIGIBLE_SHARE",
    "SLOW_PAYBACK_MONTHS",
    "THRESHOLDS",
    "Chart",
    "CostError",
    "CostFact",
    "CostInputs",
    "CostResult",
    "GpuLoad",
    "ModelWarning",
    "OneTimeDefault",
    "ModelPrice",
    "PriceTable",
    "ProjectionEnd",
    "SelfHosted",
    "Threshold",
    "TokenPrices",
    "TrainingGpu",
    "TrainingTokens",
    "accuracy_fact",
    "break_even_accuracy",
    "break_even_sentence",
    "build_chart",
    "compute",
    "cost_facts",
    "cost_summary",
    "evidence_figures",
    "expected_cost_per_request",
    "fine_tuning_cost",
    "fine_tuning_provider",
    "form_is_empty",
    "form_values",
    "inputs_to_dict",
    "model_warnings",
    "one_time_default",
    "parse_costs",
    "parse_form",
    "payback_months",
    "plan_cost_range",
    "price_table",
    "projection_end",
    "read_price_table",
    "saving_fact",
    "saving_sentence",
    "verdict_note",
]
