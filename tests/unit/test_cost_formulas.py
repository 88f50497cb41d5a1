"""The cost arithmetic of issue 11 against figures worked out by hand."""

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app import costs
from app.costs import chart as chart_module
from app.costs import numbers
from app.costs.formulas import SelfHosted, TokenPrices, TrainingGpu, TrainingTokens

# The issue's example: 100,000 requests a day, 1,500 + 300 tokens, $2.50/$15.00 against $0.20/$0.20.
EXAMPLE = {
    "requests_per_day": 100_000,
    "input_tokens": 1_500,
    "output_tokens": 300,
    "current": {"input_per_million": 2.50, "output_per_million": 15.00, "accuracy": 0.97},
    "candidate": {"input_per_million": 0.20, "output_per_million": 0.20},
    "one_time_cost": 5_000,
    "error_cost": 0.50,
}


def compute(raw: dict) -> costs.CostResult:
    inputs, errors = costs.parse_costs(raw)
    assert errors == []
    return costs.compute(inputs)


def test_the_issue_example_exactly():
    result = compute(EXAMPLE)
    # 3,000,000 requests a month; current: 1,500 x 2.50 + 300 x 15.00 = 8,250 $/M tokens per
    # request, $0.00825; candidate: 1,800 x 0.20 = $0.00036 per request.
    assert result.requests_per_month == 3_000_000
    assert result.current_per_request == pytest.approx(0.00825, abs=1e-12)
    assert result.candidate_per_request == pytest.approx(0.00036, abs=1e-12)
    body = result.to_dict()
    assert body["current_monthly"] == 24_750.0
    assert body["candidate_monthly"] == 1_080.0
    assert body["monthly_saving"] == 23_670.0
    assert round(body["payback_months"], 2) == 0.21  # 5,000 / 23,670 = 0.2112
    assert body["payback_months"] == 0.211238
    # 0.97 - (0.00825 - 0.00036) / 0.50 = 0.97 - 0.01578 = 0.95422
    assert body["break_even_accuracy"] == 0.95422
    assert numbers.percent(body["break_even_accuracy"]) == "95.4%"
    assert body["current_per_1k_requests"] == 8.25
    assert body["candidate_per_1k_requests"] == 0.36
    # 0.00825 + (1 - 0.97) x 0.50 = 0.02325
    assert body["current_expected_per_request"] == 0.02325
    assert body["candidate_expected_per_request"] is None  # no candidate accuracy given


def test_cumulative_series_runs_from_month_0_to_12_with_the_one_time_cost_up_front():
    series = compute(EXAMPLE).to_dict()["cumulative"]
    assert [row["month"] for row in series] == list(range(13))
    assert series[0] == {"month": 0, "current": 0.0, "candidate": 5_000.0}
    assert series[1] == {"month": 1, "current": 24_750.0, "candidate": 6_080.0}
    assert series[12] == {"month": 12, "current": 297_000.0, "candidate": 17_960.0}


def test_self_hosting_planned_utilization_sets_the_floor_price_per_token():
    # $2.00 an hour, 1,000 tokens a second: at full load 2 / 3,600,000 $ a token, $0.5556 per M.
    full = SelfHosted(gpu_per_hour=2.0, tokens_per_second=1_000, utilization=1.0)
    assert full.per_million_tokens == pytest.approx(0.555556, abs=1e-6)
    tenth = SelfHosted(gpu_per_hour=2.0, tokens_per_second=1_000, utilization=0.1)
    assert tenth.per_million_tokens == pytest.approx(5.555556, abs=1e-6)


def test_self_hosting_pays_for_whole_gpus_the_volume_needs():
    raw = {
        **EXAMPLE,
        "candidate": {"gpu_per_hour": 2.0, "tokens_per_second": 1_000, "utilization": 0.25},
    }
    body = compute(raw).to_dict()
    # Demand: 100,000 x 1,800 tokens a day / 86,400 s = 2,083.33 tokens a second.
    # One GPU at 25% planned: 250 tokens a second; 2,083.33 / 250 = 8.33 -> 9 GPUs.
    assert body["candidate_gpus"] == 9
    # Each busy 2,083.33 / (9 x 1,000) = 23.1481%.
    assert body["candidate_utilization"] == pytest.approx(0.231481, abs=1e-6)
    # 9 GPUs x $2.00 x 720 hours = $12,960 a month; / 3,000,000 requests = $0.00432 each.
    assert body["candidate_monthly"] == 12_960.0
    assert body["candidate_per_request"] == 0.00432
    # 12,960 / (3,000,000 x 1,800 tokens) x 1,000,000 = $2.40 per million tokens.
    assert body["candidate_per_million_tokens"] == 2.4
    assert body["monthly_saving"] == 24_750.0 - 12_960.0


def test_one_always_on_gpu_nine_percent_busy_is_not_priced_by_the_token():
    """Issue 20's case: one GPU kept on, 9% busy. Priced by the token at full load it showed a
    saving of over $1,400 a month; the GPU is paid for all month, so the saving is $127."""
    raw = {
        # 8,640 requests a day x 1,800 tokens = 15,552,000 tokens a day = 180 tokens a second.
        "requests_per_day": 8_640,
        "input_tokens": 1_500,
        "output_tokens": 300,
        # 259,200 requests a month x 1,800 tokens = 466.56 million tokens; one price for input
        # and output, $1,567 / 466.56 (about $3.36) per million, makes today's bill the $1,567
        # behind the issue's figures ($1,440 for the GPU + $127 saved).
        "current": {"input_per_million": 1_567 / 466.56, "output_per_million": 1_567 / 466.56},
        # One GPU: $2.00 an hour, 2,000 tokens a second at full load, planned at most 100% busy.
        "candidate": {"gpu_per_hour": 2.0, "tokens_per_second": 2_000, "utilization": 1.0},
    }
    body = compute(raw).to_dict()
    assert body["current_monthly"] == pytest.approx(1_567.0, abs=1e-6)
    # 180 / 2,000 = 9% of one GPU: still one GPU, on 720 hours at $2.00 = $1,440.
    assert body["candidate_gpus"] == 1
    assert body["candidate_utilization"] == 0.09
    assert body["candidate_monthly"] == 1_440.0
    assert body["monthly_saving"] == pytest.approx(127.0, abs=1e-6)
    # What the per-token formula said: 466,560,000 tokens x $2 / (3,600 x 2,000) = $129.60,
    # a saving of 1,567 - 129.60 = $1,437.40: more than eleven times the truth.
    per_token = SelfHosted(gpu_per_hour=2.0, tokens_per_second=2_000, utilization=1.0)
    assert 466_560_000 * per_token.cost_per_token == pytest.approx(129.6, abs=1e-9)
    assert body["monthly_saving"] < (1_567 - 129.6) / 11


def test_self_hosting_busy_share_never_exceeds_the_plan():
    hosted = SelfHosted(gpu_per_hour=3.0, tokens_per_second=500, utilization=0.6)
    # 86,400 requests x 1,000 tokens a day = 1,000 tokens a second; 500 x 0.6 = 300 each:
    # 3.33 -> 4 GPUs, each 1,000 / 2,000 = 50% busy; 4 x $3 x 720 = $8,640.
    load = hosted.load(86_400, 800, 200)
    assert (load.gpus, load.busy_share, load.monthly) == (4, 0.5, 8_640.0)
    # Exactly 3 GPUs' worth at the plan (900 tokens a second) stays 3, despite float noise.
    load = hosted.load(77_760, 800, 200)
    assert (load.gpus, load.monthly) == (3, 6_480.0)
    assert load.busy_share == pytest.approx(0.6)


def test_cached_input_two_thirds_is_billed_at_the_cached_price():
    """With 2/3 of the input cached, the bill at full input price is overstated."""
    raw = {
        **EXAMPLE,
        "current": {
            "input_per_million": 2.50,
            "output_per_million": 15.00,
            "cached_input_per_million": 0.25,
        },
        "cached_input_share": 2 / 3,
    }
    body = compute(raw).to_dict()
    # Input: 500 fresh x $2.50 + 1,000 cached x $0.25 = 1,250 + 250 = $1,500 per million requests'
    # worth of tokens; output 300 x $15 = 4,500; per request (1,500 + 4,500) / 1,000,000 = $0.006.
    assert body["current_per_request"] == 0.006
    assert body["current_monthly"] == 18_000.0  # x 3,000,000 requests
    # Without the cache price the bill was (3,750 + 4,500) / 1e6 x 3e6 = $24,750: 37.5% more.
    assert compute(EXAMPLE).to_dict()["current_monthly"] == 24_750.0
    # The candidate has no cached price: its cached tokens bill at its input price, unchanged.
    assert body["candidate_monthly"] == compute(EXAMPLE).to_dict()["candidate_monthly"]


def test_batch_share_bills_at_batch_prices_and_stacks_with_the_cache():
    prices = TokenPrices(
        input_per_million=2.0,
        output_per_million=8.0,
        cached_input_per_million=0.5,
        batch_input_per_million=1.0,
        batch_output_per_million=4.0,
    )
    # Standard, half of 1,000 input tokens cached: 500 x 2 + 500 x 0.5 + 100 x 8 = 2,050 -> $0.00205.
    assert prices.price_per_request(1_000, 100, 0.5, 0.0) == pytest.approx(0.00205)
    # Batch: input at 1, cached at 0.5 x 1/2 = 0.25, output at 4: 500 + 125 + 400 = $0.001025.
    assert prices.price_per_request(1_000, 100, 0.5, 1.0) == pytest.approx(0.001025)
    # A quarter in batches: 0.75 x 0.00205 + 0.25 x 0.001025 = $0.00179375.
    assert prices.price_per_request(1_000, 100, 0.5, 0.25) == pytest.approx(0.00179375)
    # No batch price: a batch request bills at the standard one.
    plain = TokenPrices(input_per_million=2.0, output_per_million=8.0)
    assert plain.price_per_request(1_000, 100, 0.5, 1.0) == pytest.approx(0.0028)


def test_cache_and_batch_inputs_round_trip_and_are_checked():
    raw = {
        **EXAMPLE,
        "current": {**EXAMPLE["current"], "cached_input_per_million": 0.25},
        "cached_input_share": 0.5,
        "batch_share": 0.1,
    }
    inputs, errors = costs.parse_costs(raw)
    assert errors == []
    assert costs.parse_costs(costs.inputs_to_dict(inputs))[0] == inputs
    _, errors = costs.parse_costs({**raw, "cached_input_share": 1.5, "batch_share": -0.1})
    assert {(e.field, e.code) for e in errors} == {
        ("cached_input_share", "out_of_range"),
        ("batch_share", "out_of_range"),
    }


def test_no_saving_means_no_payback():
    raw = {**EXAMPLE, "candidate": {"input_per_million": 5.0, "output_per_million": 20.0}}
    body = compute(raw).to_dict()
    assert body["monthly_saving"] < 0
    assert body["payback_months"] is None


def test_payback_needs_a_one_time_cost_and_break_even_needs_an_error_cost_and_accuracy():
    raw = {k: v for k, v in EXAMPLE.items() if k not in ("one_time_cost", "error_cost")}
    body = compute(raw).to_dict()
    assert body["payback_months"] is None and body["one_time_cost"] is None
    assert body["break_even_accuracy"] is None
    assert body["cumulative"][0] == {"month": 0, "current": 0.0, "candidate": 0.0}
    no_accuracy = {**EXAMPLE, "current": {"input_per_million": 2.5, "output_per_million": 15}}
    assert compute(no_accuracy).to_dict()["break_even_accuracy"] is None


def test_fine_tuning_cost_two_ways():
    # 2,000,000 training tokens x 3 epochs x $25 per M = $150; 8 GPU hours x $2.50 = $20.
    assert costs.fine_tuning_cost(TrainingTokens(2_000_000, 3, 25.0)) == pytest.approx(150.0)
    assert costs.fine_tuning_cost(TrainingGpu(8, 2.5)) == 20.0
    raw = {k: v for k, v in EXAMPLE.items() if k != "one_time_cost"}
    body = compute(
        {**raw, "training": {"tokens": 2_000_000, "epochs": 3, "price_per_million": 25}}
    ).to_dict()
    assert body["one_time_cost"] == 150.0
    assert body["payback_months"] == round(150 / 23_670, 6)


def test_candidate_accuracy_gives_its_expected_cost():
    raw = {**EXAMPLE, "candidate": {**EXAMPLE["candidate"], "accuracy": 0.96}}
    # 0.00036 + 0.04 x 0.50 = 0.02036
    assert compute(raw).to_dict()["candidate_expected_per_request"] == 0.02036


def test_break_even_is_the_formula_unclipped():
    assert costs.break_even_accuracy(0.9, 0.01, 0.0, 0.001) == pytest.approx(-9.1)
    assert costs.break_even_accuracy(0.99, 0.001, 0.002, 0.01) == pytest.approx(1.09)


# --- Validation -------------------------------------------------------------------------------


def fields(raw, **options) -> dict[str, str]:
    inputs, errors = costs.parse_costs(raw, **options)
    assert inputs is None
    return {e.field: e.code for e in errors}


def test_every_bad_field_is_named():
    raw = {
        "requests_per_day": -5,
        "input_tokens": "1500",
        "output_tokens": float("nan"),
        "current": {"input_per_million": True, "output_per_million": 20_000, "accuracy": 97},
        "candidate": {"gpu_per_hour": 2, "tokens_per_second": 0, "utilization": 1.5},
        "error_cost": 0,
        "one_time_cost": -1,
        "colour": "blue",
    }
    assert fields(raw) == {
        "colour": "unknown_field",
        "requests_per_day": "out_of_range",
        "input_tokens": "not_number",
        "output_tokens": "not_number",
        "current.input_per_million": "not_number",
        "current.output_per_million": "out_of_range",
        "current.accuracy": "out_of_range",
        "candidate.tokens_per_second": "out_of_range",
        "candidate.utilization": "out_of_range",
        "error_cost": "out_of_range",
        "one_time_cost": "out_of_range",
    }


def test_missing_numbers_and_objects_are_required():
    assert fields({}) == {
        "requests_per_day": "required",
        "input_tokens": "required",
        "output_tokens": "required",
        "current": "required",
        "candidate": "required",
    }
    assert fields({**EXAMPLE, "current": {}, "candidate": []}) == {
        "current.input_per_million": "required",
        "current.output_per_million": "required",
        "candidate": "not_object",
    }
    assert fields([1, 2]) == {"": "not_object"}


def test_mixed_choices_are_conflicts():
    mixed = {
        **EXAMPLE,
        "candidate": {"input_per_million": 1, "output_per_million": 1, "utilization": 0.5},
    }
    assert fields(mixed) == {"candidate": "conflict"}
    both = {**EXAMPLE, "training": {"gpu_hours": 1, "gpu_per_hour": 2}}
    assert fields(both) == {"training": "conflict"}
    raw = {k: v for k, v in EXAMPLE.items() if k != "one_time_cost"}
    assert fields({**raw, "training": {"gpu_hours": 1, "tokens": 5}}) == {"training": "conflict"}
    assert fields({**raw, "training": {"gpu_hours": 1, "x": 5}}) == {
        "training.x": "unknown_field",
        "training.gpu_per_hour": "required",
    }


def test_messages_are_in_both_languages_and_name_the_range():
    _, errors = costs.parse_costs(
        {**EXAMPLE, "candidate": {"gpu_per_hour": 2, "tokens_per_second": 100, "utilization": 0}}
    )
    assert [(e.field, e.message.en, e.message.zh) for e in errors] == [
        (
            "candidate.utilization",
            "Enter a number above 0 and at most 1.",
            "请输入大于 0、不超过 1 的数。",
        )
    ]
    _, errors = costs.parse_costs({**EXAMPLE, "input_tokens": -1}, prefix="costs.")
    assert [(e.field, e.message.en) for e in errors] == [
        ("costs.input_tokens", "Enter a number from 0 to 10,000,000.")
    ]


def test_utilization_of_exactly_one_and_zero_tokens_are_accepted():
    raw = {
        **EXAMPLE,
        "output_tokens": 0,
        "candidate": {"gpu_per_hour": 2, "tokens_per_second": 100, "utilization": 1},
    }
    inputs, errors = costs.parse_costs(raw)
    assert errors == [] and inputs.candidate.utilization == 1.0


def test_json_refuses_numbers_as_text_but_forms_take_them():
    assert fields({**EXAMPLE, "requests_per_day": "100000"}) == {"requests_per_day": "not_number"}
    inputs, errors = costs.parse_costs(
        {**EXAMPLE, "requests_per_day": " １００000 "}, from_form=True
    )
    assert errors == [] and inputs.requests_per_day == 100_000


def test_stored_inputs_read_back_unchanged():
    raw = {
        **EXAMPLE,
        "current": {**EXAMPLE["current"], "model": "openai/gpt-4o"},
        "candidate": {
            "gpu_per_hour": 1.2,
            "tokens_per_second": 2_500,
            "utilization": 0.4,
            "accuracy": 0.95,
        },
    }
    raw.pop("one_time_cost")
    raw["training"] = {"gpu_hours": 12, "gpu_per_hour": 2.5}
    inputs, _ = costs.parse_costs(raw)
    as_json = json.loads(json.dumps(costs.inputs_to_dict(inputs)))
    assert as_json == {**raw, "requests_per_day": 100_000.0}
    assert costs.parse_costs(as_json)[0] == inputs


# --- Forms ------------------------------------------------------------------------------------

FORM = {
    "requests_per_day": "100000",
    "input_tokens": "1500",
    "output_tokens": "300",
    "current.model": "",
    "current.input_per_million": "2.5",
    "current.output_per_million": "15",
    "current.accuracy": "97",
    "candidate.kind": "tokens",
    "candidate.model": "",
    "candidate.input_per_million": "0.2",
    "candidate.output_per_million": "0.2",
    "candidate.gpu_per_hour": "9",
    "one_time.kind": "amount",
    "one_time_cost": "5000",
    "training.tokens": "123",
    "error_cost": "0.5",
}


def test_form_reads_percent_accuracy_and_ignores_the_fields_of_choices_not_taken():
    inputs, errors = costs.parse_form(FORM, costs.price_table())
    assert errors == []
    assert inputs.current.accuracy == 0.97
    assert isinstance(inputs.candidate, TokenPrices)  # the GPU rate typed in is not used
    assert inputs.training is None and inputs.one_time_cost == 5_000
    assert costs.compute(inputs).to_dict()["monthly_saving"] == 23_670.0
    assert costs.form_values(inputs) == {
        "requests_per_day": "100000",
        "input_tokens": "1500",
        "output_tokens": "300",
        "error_cost": "0.5",
        "one_time_cost": "5000",
        "current.input_per_million": "2.5",
        "current.output_per_million": "15",
        "current.accuracy": "97",
        "candidate.input_per_million": "0.2",
        "candidate.output_per_million": "0.2",
        "candidate.kind": "tokens",
        "one_time.kind": "amount",
    }


def test_a_model_from_the_table_fills_the_prices_left_empty():
    table = costs.price_table()
    gpt4o = table.get("openai/gpt-4o")
    form = {
        **FORM,
        "current.model": "openai/gpt-4o",
        "current.input_per_million": "",
        "current.output_per_million": "12",
    }
    inputs, errors = costs.parse_form(form, table)
    assert errors == []
    # The list's cached-input and batch prices come along ($1.25 cached, $1.25 / $5.00 batch).
    assert inputs.current == TokenPrices(
        gpt4o.input_per_million, 12.0, 0.97, "openai/gpt-4o", 1.25, 1.25, 5.0
    )
    _, errors = costs.parse_form({**form, "current.model": "acme/nothing"}, table, prefix="")
    assert [(e.field, e.code) for e in errors] == [
        ("current.model", "unknown_model"),
        ("current.input_per_million", "required"),
    ]


def test_form_errors_carry_the_prefix_and_percent_ranges():
    form = {f"costs.{k}": v for k, v in FORM.items()}
    form["costs.current.accuracy"] = "140"
    form["costs.one_time.kind"] = "gpu"
    _, errors = costs.parse_form(form, costs.price_table(), prefix="costs.")
    assert [(e.field, e.code, e.message.en) for e in errors] == [
        ("costs.current.accuracy", "out_of_range", "Enter a number from 0% to 100%."),
        ("costs.training.gpu_hours", "required", "Enter this number."),
        ("costs.training.gpu_per_hour", "required", "Enter this number."),
    ]


def test_an_untouched_form_is_empty():
    assert costs.form_is_empty(
        {"candidate.kind": "tokens", "one_time.kind": "none", "current.model": "openai/gpt-4o"}
    )
    assert not costs.form_is_empty({"requests_per_day": "5"})


# --- Facts for the verdict --------------------------------------------------------------------


def test_example_repays_fast_and_says_so_with_its_figures():
    result = compute(EXAMPLE)
    saving = costs.saving_fact(result)
    assert (saving.key, saving.direction) == ("fast_payback", "for")
    assert saving.sentence.en == (
        "$23,670 a month saved; the $5,000 one-time cost pays back in 0.21 months."
    )
    assert saving.sentence.zh == "每月节省 $23,670；$5,000 的一次性成本 0.21 个月即可收回。"
    accuracy = costs.accuracy_fact(result)
    assert (accuracy.key, accuracy.direction) == ("break_even_known", "neutral")
    assert accuracy.sentence.en.startswith("Break-even accuracy: 95.4%.")
    assert [f.key for f in costs.cost_facts(result)] == ["fast_payback", "break_even_known"]
    assert costs.cost_summary(result).en == f"{saving.sentence.en} {accuracy.sentence.en}"


@pytest.mark.parametrize(
    ("changes", "key", "direction"),
    [
        # $5,000 / $23,670 = 0.21 months
        ({}, "fast_payback", "for"),
        # $100,000 / $23,670 = 4.2 months
        ({"one_time_cost": 100_000}, "moderate_payback", "neutral"),
        # $300,000 / $23,670 = 12.7 months
        ({"one_time_cost": 300_000}, "slow_payback", "against"),
        ({"one_time_cost": None}, "payback_unknown", "neutral"),
        # 1,000 requests a day: saving $236.70 a month, under $1,000
        ({"requests_per_day": 1_000}, "negligible_saving", "against"),
        # candidate $2.20/$13.00: 1,500 x 2.2 + 300 x 13 = 7,200 vs 8,250, saving 12.7% < 20%
        (
            {"candidate": {"input_per_million": 2.2, "output_per_million": 13}},
            "negligible_saving",
            "against",
        ),
        (
            {"candidate": {"input_per_million": 2.5, "output_per_million": 15}},
            "costs_more",
            "against",
        ),
    ],
)
def test_saving_facts_follow_the_thresholds(changes, key, direction):
    raw = {**EXAMPLE, **changes}
    raw = {k: v for k, v in raw.items() if v is not None}
    fact = costs.saving_fact(compute(raw))
    assert (fact.key, fact.direction) == (key, direction)


def test_a_negligible_saving_says_which_limit_and_what_the_one_time_cost_leaves_out():
    # 1,000 requests a day: $236.70 a month, under $1,000; a quick payback of the GPU hours
    # alone ($5,000 / $236.70 = 21 months here) is not what makes it too little.
    small = costs.saving_fact(compute({**EXAMPLE, "requests_per_day": 1_000}))
    assert small.sentence.en.endswith(
        " That is under $1,000 a month: too little to pay for the engineers' time a fine-tuned "
        "model takes to build, serve and look after, which the one-time cost leaves out."
    )
    # $3,150 a month saved, 12.7% of the bill: over $1,000, under a fifth of the bill.
    thin = costs.saving_fact(
        compute({**EXAMPLE, "candidate": {"input_per_million": 2.2, "output_per_million": 13}})
    )
    assert " That is under 20% of the current bill: " in thin.sentence.en


def test_threshold_edges_are_inclusive_where_documented():
    # Exactly 3 months counts as fast; exactly 12 is still not slow.
    assert (
        costs.saving_fact(compute({**EXAMPLE, "one_time_cost": 23_670 * 3})).key == "fast_payback"
    )
    assert (
        costs.saving_fact(compute({**EXAMPLE, "one_time_cost": 23_670 * 12})).key
        == "moderate_payback"
    )


def test_accuracy_facts_compare_the_candidate_with_break_even():
    above = {**EXAMPLE, "candidate": {**EXAMPLE["candidate"], "accuracy": 0.96}}
    below = {**EXAMPLE, "candidate": {**EXAMPLE["candidate"], "accuracy": 0.94}}
    fact = costs.accuracy_fact(compute(above))
    assert (fact.key, fact.direction) == ("candidate_above_break_even", "for")
    assert fact.sentence.en.endswith("The candidate's 96.0% is above it.")
    fact = costs.accuracy_fact(compute(below))
    assert (fact.key, fact.direction) == ("candidate_below_break_even", "against")
    assert fact.sentence.zh.endswith("候选模型的 94.0% 低于它。")
    assert (
        costs.accuracy_fact(compute({k: v for k, v in EXAMPLE.items() if k != "error_cost"}))
        is None
    )


def test_every_threshold_has_a_source_and_words_in_both_languages():
    keys = {t.key: t.value for t in costs.THRESHOLDS}
    assert keys == {
        "fast_payback_months": 3,
        "slow_payback_months": 12,
        "negligible_share": 0.2,
        "negligible_monthly_usd": 1_000,
    }
    for threshold in costs.THRESHOLDS:
        assert threshold.source.url.startswith("https://")
        assert threshold.label.en and threshold.label.zh and threshold.rationale.zh


# --- Numbers, chart, price table -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (23_670, "$23,670"),
        (24_750.4, "$24,750"),
        (12.345, "$12.35"),
        (0.36, "$0.36"),
        (0.00825, "$0.00825"),
        (0.00036, "$0.00036"),
        (0, "$0"),
        (-1_080, "-$1,080"),
    ],
)
def test_dollars(value, text):
    assert numbers.usd(value) == text


def test_compact_axis_labels_per_language():
    assert numbers.usd_compact(300_000, "en") == "$300k"
    assert numbers.usd_compact(1_250_000, "en") == "$1.2M"
    assert numbers.usd_compact(300_000, "zh") == "$30万"
    assert numbers.usd_compact(50, "en") == "$50.00"


def test_chart_axes_fit_the_series():
    chart = costs.build_chart(compute(EXAMPLE))
    assert [t.value for t in chart.y_ticks] == [0, 100_000, 200_000, 300_000]
    assert [t.value for t in chart.x_ticks] == [0, 3, 6, 9, 12]
    # Month 12 of the current model, $297,000 of $300,000: 99% up the 236-px plot from y=248.
    last = chart.current_points.split()[-1]
    assert last == f"{chart.right},{round(248 - 236 * 297_000 / 300_000, 2)}"
    assert (
        chart.candidate_points.split()[0] == f"{chart.left},{round(248 - 236 * 5_000 / 300_000, 2)}"
    )
    # The plot runs from x=80 to 468: 388 px for 12 months.
    assert chart.crossing[0] == round(80 + 388 * (5_000 / 23_670) / 12, 2)


def test_nice_ceiling():
    assert chart_module.nice_ceiling(297_000) == (300_000, 100_000)
    assert chart_module.nice_ceiling(17_960) == (20_000, 5_000)
    assert chart_module.nice_ceiling(0) == (1.0, 0.25)
    assert chart_module.nice_ceiling(5e-324) == (0.01, 0.0025)  # found by the API fuzzer


def test_price_table_is_dated_sourced_and_covers_frontier_and_small_open_models():
    table = costs.price_table()
    assert table.date == date(2026, 12, 6)
    assert len({m.id for m in table.models}) == len(table.models)
    assert {m.tier for m in table.models} == {"frontier", "small", "fine_tuned", "open"}
    for entry in table.models:
        assert entry.source_url.startswith("https://"), entry.id
        assert entry.date == table.date
        assert 0 < entry.input_per_million <= 100 and 0 < entry.output_per_million <= 100
        if entry.cached_input_per_million is not None:  # a discount, never dearer
            assert entry.cached_input_per_million <= entry.input_per_million, entry.id
        if entry.batch_input_per_million is not None:
            assert entry.batch_input_per_million <= entry.input_per_million, entry.id
            assert entry.batch_output_per_million <= entry.output_per_million, entry.id
    open_8b = [m for m in table.models if m.tier == "open" and "8B" in m.model]
    assert len(open_8b) >= 4
    assert all(m.input_per_million <= 0.20 for m in open_8b)
    assert table.get("openai/gpt-4o").input_per_million == 2.5
    # LiteLLM 1.110.2: gpt-5.4 $2.50 / $15.00, cached $0.25, batch $1.25 / $7.50.
    gpt54 = table.get("openai/gpt-5.4")
    assert (
        gpt54.input_per_million,
        gpt54.output_per_million,
        gpt54.cached_input_per_million,
        gpt54.batch_input_per_million,
        gpt54.batch_output_per_million,
    ) == (2.5, 15.0, 0.25, 1.25, 7.5)


def test_no_row_a_picker_offers_is_past_its_deprecation_date():
    table = costs.price_table()
    for _tier, rows in table.by_tier():
        for entry in rows:
            assert entry.deprecation_date is None or entry.deprecation_date >= table.date, (
                f"{entry.id} was deprecated on {entry.deprecation_date}, before the table's "
                f"date {table.date}: refresh the table or drop the row"
            )
    # Retired rows stay in the table for saved assessments, and show when one is chosen.
    retired = {m.id for m in table.retired(table.date)}
    assert retired == {
        "google/gemini-2.5-pro",
        "google/gemini-2.5-flash",
        "openai/gpt-4.1-nano",
        "openai/ft-gpt-4.1-nano",
        "together/llama-3.1-8b-instruct-turbo",
        "cerebras/llama-3.1-8b",
        "together/mistral-small-24b-instruct",
        "deepseek/deepseek-chat",
    }
    shown = {m.id for _t, rows in table.by_tier("cerebras/llama-3.1-8b") for m in rows}
    assert "cerebras/llama-3.1-8b" in shown and "deepseek/deepseek-chat" not in shown


def test_a_model_that_retires_after_the_table_was_read_leaves_the_pickers_that_day():
    # GPT-5, 5 mini and 5 nano retire on 2026-12-11, five days after the table's 2026-12-06.
    table = costs.price_table()
    gpt5 = {"openai/gpt-5", "openai/gpt-5-mini", "openai/gpt-5-nano"}
    assert {m.id: m.deprecation_date for m in table.models if m.id in gpt5} == dict.fromkeys(
        gpt5, date(2026, 12, 11)
    )

    def offered(today: date, chosen: str | None = None) -> set[str]:
        return {m.id for _t, rows in table.by_tier(chosen, today) for m in rows}

    assert gpt5 <= offered(date(2026, 12, 11))
    assert not gpt5 & offered(date(2026, 12, 12))
    assert gpt5 <= {m.id for m in table.retired(date(2026, 12, 12))}
    # A saved assessment that chose one still shows it.
    assert "openai/gpt-5" in offered(date(2026, 12, 12), "openai/gpt-5")
    # Before the table's date nothing comes back: the table's own date is the earliest day.
    assert table.day(date(2026, 1, 1)) == table.date == date(2026, 12, 6)
    assert offered(date(2026, 1, 1)) == offered(table.date)
    # Without a day given, today decides (or the table's date while it is later).
    assert table.day() == max(table.date, date.today())
    assert offered(table.day()) == {m.id for _t, rows in table.by_tier() for m in rows}


def test_the_current_models_and_open_weight_serving_prices_are_listed():
    table = costs.price_table()
    ids = {m.id for m in table.models}
    assert {
        "openai/gpt-5.4",
        "openai/gpt-5.4-mini",
        "openai/gpt-5.4-nano",
        "google/gemini-3-flash-preview",
        "deepseek/deepseek-v3.2",
        "deepseek/deepseek-v4-flash",
        "deepseek/deepseek-v4-pro",
    } <= ids
    open_rows = [m.model for m in table.models if m.tier == "open"]
    for family in ("gpt-oss", "Llama 4", "Qwen3", "Gemma 3"):
        assert any(name.startswith(family) for name in open_rows), family


def test_tiers_match_what_the_models_are():
    """Open-weight models (DeepSeek included, 671B parameters) are never filed as "small" or
    "frontier"; those tiers are closed models; "fine_tuned" rows are fine-tuned ones."""
    table = costs.price_table()
    open_families = ("llama", "qwen", "gemma", "gpt-oss", "deepseek", "mistral", "ministral")
    for entry in table.models:
        looks_open = entry.model.lower().startswith(open_families)
        assert entry.open_weights == looks_open, entry.id
        assert (entry.tier == "open") == entry.open_weights, entry.id
        assert (entry.tier == "fine_tuned") == entry.id.startswith("openai/ft-"), entry.id
    assert table.get("deepseek/deepseek-v3.2").tier == "open"


def test_refresh_script_copies_litellm_rows_per_million(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("refresh", "scripts/refresh_prices.py")
    refresh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(refresh)
    table = {
        "date": "2026-01-01",
        "models": [
            {"litellm_key": "a", "input_per_million": 9, "output_per_million": 9, "date": "x"},
            {"litellm_key": "b", "input_per_million": 1, "output_per_million": 2, "date": "x"},
        ],
    }
    litellm = {
        "a": {
            "input_cost_per_token": 2.5e-06,
            "output_cost_per_token": 1.5e-05,
            "cache_read_input_token_cost": 2.5e-07,
            "input_cost_per_token_batches": 1.25e-06,
            "output_cost_per_token_batches": 7.5e-06,
            "deprecation_date": "2027-04-01",
        }
    }
    assert refresh.refresh(table, litellm, "2026-12-06") == ["b"]
    assert table["models"][0] == {
        "litellm_key": "a",
        "input_per_million": 2.5,
        "output_per_million": 15.0,
        "cached_input_per_million": 0.25,
        "batch_input_per_million": 1.25,
        "batch_output_per_million": 7.5,
        "deprecation_date": "2027-04-01",
        "date": "2026-12-06",
    }
    assert table["models"][1]["date"] == "x" and table["date"] == "2026-12-06"


def test_extreme_numbers_are_refused_or_give_no_figure_rather_than_infinity():
    assert fields({**EXAMPLE, "requests_per_day": 10**400}) == {"requests_per_day": "out_of_range"}
    assert fields({**EXAMPLE, "input_tokens": float("inf")}) == {"input_tokens": "out_of_range"}
    idle = {
        **EXAMPLE,
        "candidate": {"gpu_per_hour": 10_000, "tokens_per_second": 1e-300, "utilization": 1e-300},
    }
    assert fields(idle) == {"candidate.utilization": "out_of_range"}
    # A saving of a hair: its payback overflows a float, so it is given as no figure at all.
    tiny = compute({**EXAMPLE, "requests_per_day": 1e-300, "one_time_cost": 1e10})
    assert tiny.monthly_saving > 0 and tiny.payback_months == float("inf")
    body = tiny.to_dict()
    assert body["payback_months"] is None
    assert json.dumps(body, allow_nan=False)


def test_plan_cost_range_takes_the_cheapest_candidate_and_skips_bad_ranges():
    # The shape of the training plan's compute section (issue 20): per candidate, per GPU.
    plan = {
        "compute": [
            {
                "name": "Qwen3 8B",
                "gpus": [
                    {"gpu": "h100-80gb", "cost_usd": {"low": 18.5, "high": 41.0}},
                    {"gpu": "a100-80gb", "cost_usd": {"low": 12.0, "high": 30.0}},
                ],
            },
            {"name": "Llama 3.1 70B", "gpu": "h100-80gb", "cost_usd": {"low": 210, "high": 480}},
            {"name": "broken", "cost_usd": {"low": float("nan"), "high": 1.0}},
            {"name": "inverted", "cost_usd": {"low": 5.0, "high": 2.0}},
            # Cheapest, but it does not fit its GPU: no plan to pay for.
            {
                "name": "Qwen3 32B",
                "gpu": "rtx4090-24gb",
                "fits": False,
                "cost_usd": {"low": 1, "high": 2},
            },
        ]
    }
    best = costs.plan_cost_range(plan)
    assert (best.low, best.high, best.value) == (12.0, 30.0, 30.0)
    assert best.label == "Qwen3 8B · a100-80gb"
    assert costs.plan_cost_range({"compute": []}) is None
    # No plan for an assessment without a verdict (a draft), whatever app/training holds.
    draft = type("Draft", (), {"verdict": None, "answers": {}, "data_profile": None})()
    assert costs.one_time_default(draft) is None


def test_a_distillation_plan_s_training_set_is_part_of_its_one_time_cost():
    # The GPU run's range ($12 to $30) plus the large model writing the training set at
    # standard prices ($4.50) on both ends; without prices there is nothing to add.
    run = {
        "name": "Qwen3 8B",
        "gpu": "a100-80gb",
        "fits": True,
        "cost_usd": {"low": 12.0, "high": 30.0},
    }
    priced = {
        "candidates": [{"compute": [run]}],
        "data": {"teacher": {"cost_usd": {"standard": 4.5, "batch": 2.25}}},
    }
    best = costs.plan_cost_range(priced)
    assert (best.low, best.high, best.data, best.value) == (16.5, 34.5, 4.5, 34.5)
    unpriced = {"candidates": [{"compute": [run]}], "data": {"teacher": {"cost_usd": None}}}
    assert costs.plan_cost_range(unpriced) == costs.OneTimeDefault(
        12.0, 30.0, "Qwen3 8B · a100-80gb"
    )


def test_the_plans_one_time_cost_stands_in_when_none_was_given():
    from app.web.cost_views import cost_view

    without = {k: v for k, v in EXAMPLE.items() if k != "one_time_cost"}
    plan = costs.OneTimeDefault(low=1_000.0, high=4_734.0, label="Qwen3 8B · a100-80gb")
    view = cost_view(without, plan)
    # The high end: 4,734 / 23,670 a month saved = 0.2 months.
    assert view.result.one_time_cost == 4_734.0 and view.result.payback_months == 0.2
    assert view.one_time_from_plan == plan
    # A one-time cost the team gave wins over the plan's.
    given = cost_view(EXAMPLE, plan)
    assert given.result.one_time_cost == 5_000.0 and given.one_time_from_plan is None


def test_evidence_figures_give_the_engine_break_even_and_fine_tuned_accuracy():
    raw = {**EXAMPLE, "candidate": {**EXAMPLE["candidate"], "accuracy": 0.96}}
    result = compute(raw)
    # 0.97 - (0.00825 - 0.00036) / 0.50 = 0.97 - 0.01578 = 0.95422.
    assert costs.evidence_figures(result) == {
        "break_even_accuracy": pytest.approx(0.95422),
        "fine_tuned_accuracy": 0.96,
    }
    assert costs.evidence_figures(compute(EXAMPLE))["fine_tuned_accuracy"] is None


# --- Properties over the input space ---------------------------------------------------------

shares = st.floats(0, 1)
prices = st.floats(0.001, 100)
volumes = st.floats(1, 1e7)
token_counts = st.floats(0, 100_000)


@given(
    gpu_per_hour=st.floats(0.1, 100),
    tokens_per_second=st.floats(10, 1e6),
    utilization=st.floats(0.05, 1),
    requests=volumes,
    more=st.floats(1, 10),
    input_tokens=token_counts,
    output_tokens=token_counts,
)
def test_gpus_cover_the_volume_and_more_volume_never_costs_less(
    gpu_per_hour, tokens_per_second, utilization, requests, more, input_tokens, output_tokens
):
    hosted = SelfHosted(gpu_per_hour, tokens_per_second, utilization)
    load = hosted.load(requests, input_tokens, output_tokens)
    assert load.gpus >= 1 and load.gpus == int(load.gpus)
    # Never busier than planned (beyond float noise), and never a GPU more than needed.
    assert load.busy_share <= utilization * (1 + 1e-9)
    if load.gpus > 1:
        assert (
            load.tokens_per_second_needed
            > (load.gpus - 1) * tokens_per_second * utilization * (1 - 1e-9) - 1e-6
        )
    assert load.monthly == pytest.approx(load.gpus * gpu_per_hour * 720)
    # At least one GPU's month, whatever the volume.
    assert load.monthly >= gpu_per_hour * 720 * (1 - 1e-12)
    assert hosted.load(requests * more, input_tokens, output_tokens).monthly >= load.monthly


@given(
    input_price=prices,
    output_price=prices,
    cached_ratio=shares,
    batch_ratio=shares,
    cached=shares,
    batch=shares,
    input_tokens=token_counts,
    output_tokens=token_counts,
)
def test_discounts_never_raise_the_bill(
    input_price, output_price, cached_ratio, batch_ratio, cached, batch, input_tokens, output_tokens
):
    plain = TokenPrices(input_price, output_price)
    discounted = TokenPrices(
        input_price,
        output_price,
        cached_input_per_million=input_price * cached_ratio,
        batch_input_per_million=input_price * batch_ratio,
        batch_output_per_million=output_price * batch_ratio,
    )
    full = plain.price_per_request(input_tokens, output_tokens)
    # Without discount prices, any cached or batch share bills as the standard price.
    assert plain.price_per_request(input_tokens, output_tokens, cached, batch) == pytest.approx(
        full
    )
    assert (
        discounted.price_per_request(input_tokens, output_tokens, cached, batch)
        <= full * (1 + 1e-9) + 1e-15
    )
    # More cached, or more batched, never costs more.
    low = discounted.price_per_request(input_tokens, output_tokens, cached / 2, batch / 2)
    high = discounted.price_per_request(input_tokens, output_tokens, cached, batch)
    assert high <= low * (1 + 1e-9) + 1e-15


def test_an_empty_string_is_a_number_left_out_in_a_form_but_not_in_json():
    # Schemathesis sent {"one_time_cost": ""} to the JSON API, whose schema says number or
    # null, and it was taken as "not given"; a form's empty field still is.
    _, errors = costs.parse_costs({**EXAMPLE, "one_time_cost": ""})
    assert [(e.field, e.code) for e in errors] == [("one_time_cost", "not_number")]
    form = {k: str(v) for k, v in EXAMPLE.items() if not isinstance(v, dict)}
    form.update(
        {
            f"{side}.{k}": str(v)
            for side in ("current", "candidate")
            for k, v in EXAMPLE[side].items()
        }
    )
    inputs, errors = costs.parse_form({**form, "one_time_cost": ""}, costs.price_table())
    assert errors == [] and inputs.one_time_cost is None
