"""The cost arithmetic of issue 11 against figures worked out by hand."""

import json
from datetime import date

import pytest

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


def test_self_hosting_cost_per_token_rises_as_utilization_falls():
    # $2.00 an hour, 1,000 tokens a second: at full load 2 / 3,600,000 $ a token, $0.5556 per M.
    full = SelfHosted(gpu_per_hour=2.0, tokens_per_second=1_000, utilization=1.0)
    assert full.per_million_tokens == pytest.approx(0.555556, abs=1e-6)
    tenth = SelfHosted(gpu_per_hour=2.0, tokens_per_second=1_000, utilization=0.1)
    assert tenth.per_million_tokens == pytest.approx(5.555556, abs=1e-6)
    raw = {
        **EXAMPLE,
        "candidate": {"gpu_per_hour": 2.0, "tokens_per_second": 1_000, "utilization": 0.25},
    }
    body = compute(raw).to_dict()
    # 2 / (3,600 x 1,000 x 0.25) = $2.2222e-6 a token; 1,800 tokens = $0.004 per request.
    assert body["candidate_per_request"] == 0.004
    assert body["candidate_monthly"] == 12_000.0  # x 3,000,000
    assert body["candidate_per_million_tokens"] == pytest.approx(2.222222, abs=1e-6)
    assert body["monthly_saving"] == 12_750.0


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
    assert inputs.current == TokenPrices(gpt4o.input_per_million, 12.0, 0.97, "openai/gpt-4o")
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
    assert chart.crossing[0] == round(64 + 404 * (5_000 / 23_670) / 12, 2)


def test_nice_ceiling():
    assert chart_module.nice_ceiling(297_000) == (300_000, 100_000)
    assert chart_module.nice_ceiling(17_960) == (20_000, 5_000)
    assert chart_module.nice_ceiling(0) == (1.0, 0.25)
    assert chart_module.nice_ceiling(5e-324) == (0.01, 0.0025)  # found by the API fuzzer


def test_price_table_is_dated_sourced_and_covers_frontier_and_small_open_models():
    table = costs.price_table()
    assert table.date == date(2026, 11, 27)
    assert len({m.id for m in table.models}) == len(table.models)
    assert {m.tier for m in table.models} == {"frontier", "small", "fine_tuned", "open"}
    for entry in table.models:
        assert entry.source_url.startswith("https://"), entry.id
        assert entry.date == table.date
        assert 0 < entry.input_per_million <= 100 and 0 < entry.output_per_million <= 100
    open_8b = [m for m in table.models if m.tier == "open" and "8B" in m.model]
    assert len(open_8b) >= 4
    assert all(m.input_per_million <= 0.20 for m in open_8b)
    assert table.get("openai/gpt-4o").input_per_million == 2.5


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
