"""A chosen model that retires, or whose provider takes no new fine-tuning jobs, is said beside
the figures with its date, and no month is projected past the retirement: the pure functions
(app/costs/availability.py), on a fixed day."""

from dataclasses import replace
from datetime import date

import pytest

from app import costs
from app.costs import availability
from app.costs.chart import LEFT, RIGHT, WIDTH
from app.decision import providers

# The reviewer's day: OpenAI's last day for new fine-tuning jobs (2027-01-06) is 30 days away,
# GPT-4.1 and its fine-tuned mini stop serving on 2027-01-14, 38 days away.
TODAY = date(2026, 12, 7)
TABLE = costs.price_table()
GPT_41 = TABLE.get("openai/gpt-4.1")
FT_MINI = TABLE.get("openai/ft-gpt-4.1-mini")
OPENAI = providers.PROVIDERS_BY_KEY["openai"]

# The reviewer's distillation verdict.
DISTILLATION = {
    "task_type": "extraction",
    "task_scope": "narrow",
    "spec_clarity": "implicit",
    "verifiable_outputs": "partly",
    "accuracy_target": "high",
    "prompting_effort": "extensive",
    "baseline_accuracy": 97,
    "baseline_sample_size": 500,
    "strongest_model_tried": "yes",
    "failure_mode": "none",
    "volume": "high",
    "latency_need": "interactive",
    "cost_pressure": "blocking",
    "hosting": "api_ok",
    "ml_capacity": "some",
    "knowledge_source": "general",
    "needs_citations": "no",
    "domain_language": "common",
    "knowledge_volume": "large",
    "example_count": "over_1k",
    "data_quality": "clean",
    "data_diversity": "diverse",
    "edge_cases": "yes",
    "synthetic_data": "yes",
}
# 100,000 requests a day of 1,000 + 200 tokens: GPT-4.1 at $2/$8 is $0.0036 a request, $10,800
# a month; its fine-tuned mini at $0.80/$3.20 is $0.00144, $4,320: $6,480 a month saved.
DISTILLED_COSTS = {
    "requests_per_day": 100_000,
    "input_tokens": 1_000,
    "output_tokens": 200,
    "current": {
        "model": GPT_41.id,
        "input_per_million": GPT_41.input_per_million,
        "output_per_million": GPT_41.output_per_million,
    },
    "candidate": {
        "model": FT_MINI.id,
        "input_per_million": FT_MINI.input_per_million,
        "output_per_million": FT_MINI.output_per_million,
    },
}


def warnings_on(day: date, result=None) -> list[tuple[str, str, str | None, int | None]]:
    return [
        (w.side, w.kind, w.on.isoformat() if w.on else None, w.days)
        for w in costs.model_warnings(GPT_41, FT_MINI, day, result)
    ]


def result_of(raw: dict) -> costs.CostResult:
    inputs, errors = costs.parse_costs(raw)
    assert errors == []
    return costs.compute(inputs)


# --- The pure functions --------------------------------------------------------------------------


def test_the_reviewer_s_pair_gets_the_provider_s_closing_and_both_retirements():
    assert warnings_on(TODAY) == [
        ("candidate", "training_closed", "2027-01-06", 30),
        ("candidate", "retires", "2027-01-14", 38),
        ("current", "retires", "2027-01-14", 38),
    ]
    closed, candidate, current = costs.model_warnings(GPT_41, FT_MINI, TODAY)
    # The provider's part is the providers table's own sentence, not a copy of its facts.
    assert closed.sentence.get("en") == (
        f"{OPENAI.closing.get('en')} (in 30 days): only an organisation that already fine-tunes "
        "with OpenAI can make Fine-tuned GPT-4.1 mini, with a job started before 2027-01-06."
    )
    assert closed.sentence.get("zh") == (
        f"{OPENAI.closing.get('zh')}（30 天后）：只有已经在 OpenAI 做微调的组织才能训练 "
        "Fine-tuned GPT-4.1 mini，且任务须在 2027-01-06 之前开始。"
    )
    assert candidate.sentence.get("en") == (
        "Fine-tuned GPT-4.1 mini stops serving on 2027-01-14 (in 38 days): the monthly saving "
        "after that date is not available."
    )
    assert candidate.sentence.get("zh") == (
        "Fine-tuned GPT-4.1 mini 将于 2027-01-14 停止服务（38 天后）：该日期之后不会再有这笔每月节省。"
    )
    assert current.sentence.get("en") == (
        "GPT-4.1 stops serving on 2027-01-14 (in 38 days): today's bill, and the saving against "
        "it, end on that date. Price the model you will move to."
    )
    assert current.to_dict("en") == {
        "side": "current",
        "model": "openai/gpt-4.1",
        "kind": "retires",
        "date": "2027-01-14",
        "days": 38,
        "text": current.sentence.get("en"),
    }


def test_the_days_are_counted_from_the_day_given():
    assert warnings_on(date(2027, 1, 6)) == [
        ("candidate", "training_closed", "2027-01-06", 0),
        ("candidate", "retires", "2027-01-14", 8),
        ("current", "retires", "2027-01-14", 8),
    ]
    closed = costs.model_warnings(GPT_41, FT_MINI, date(2027, 1, 6))[0]
    assert closed.sentence.get("en") == (
        f"{OPENAI.closing.get('en')} (today): no one can make Fine-tuned GPT-4.1 mini there any "
        "more; only one trained before then still serves."
    )
    _, candidate, current = costs.model_warnings(GPT_41, FT_MINI, date(2027, 1, 15))
    assert (candidate.kind, candidate.days, current.kind) == ("retired", -1, "retired")
    assert candidate.sentence.get("en") == (
        "Fine-tuned GPT-4.1 mini was retired on 2027-01-14 (1 day ago): it is no longer served, "
        "so this saving is not available."
    )
    assert candidate.sentence.get("zh") == (
        "Fine-tuned GPT-4.1 mini 已于 2027-01-14 下线（1 天前）：它不再提供服务，这笔节省无从实现。"
    )
    assert availability.when(1).get("en") == "in 1 day"


def test_models_without_a_date_or_a_closed_provider_get_no_warning():
    # GPT-5.4 has no deprecation date; Qwen3 8B on Fireworks is an open model's API (tier
    # "open"), which any team can fine-tune elsewhere and serve: no provider is asked.
    qwen = TABLE.get("fireworks/qwen3-8b")
    assert (TABLE.get("openai/gpt-5.4").deprecation_date, qwen.deprecation_date) == (None, None)
    assert costs.model_warnings(TABLE.get("openai/gpt-5.4"), qwen, TODAY) == ()
    assert costs.projection_end(TABLE.get("openai/gpt-5.4"), qwen, TODAY) is None
    assert costs.model_warnings(None, None, TODAY) == ()


def test_a_payback_after_the_first_retirement_is_said_not_to_come():
    # $10,000 over $6,480 a month: 1.54 months, 46 days, after the retirement in 38 days.
    late = result_of({**DISTILLED_COSTS, "one_time_cost": 10_000})
    _, candidate, current = costs.model_warnings(GPT_41, FT_MINI, TODAY, late)
    assert candidate.sentence.get("en").endswith(
        "is not available. The one-time cost would pay back only after that date: it does not."
    )
    assert current.sentence.get("en").endswith("Price the model you will move to.")
    # $5,000: 0.77 months, 23 days, before it: nothing to add.
    early = result_of({**DISTILLED_COSTS, "one_time_cost": 5_000})
    assert (
        costs.model_warnings(GPT_41, FT_MINI, TODAY, early)[1]
        .sentence.get("en")
        .endswith("the monthly saving after that date is not available.")
    )


@pytest.mark.parametrize(
    ("day", "days", "last_month", "cuts"),
    [
        (TODAY, 38, 1, True),  # months 0 and 1 end before 2027-01-14; month 2 would not
        (date(2026, 12, 15), 30, 1, True),  # month 1 ends on the day itself
        (date(2027, 1, 14), 0, 0, True),
        (date(2027, 1, 15), -1, None, True),  # retired: nothing to project
        (date(2026, 1, 14), 365, 12, False),  # a year ahead: the 12 months stand
    ],
)
def test_the_projection_ends_at_the_last_month_before_the_retirement(day, days, last_month, cuts):
    end = costs.projection_end(GPT_41, FT_MINI, day)
    assert (end.side, end.model, end.on) == ("candidate", FT_MINI, date(2027, 1, 14))
    assert (end.days, end.last_month, end.cuts) == (days, last_month, cuts)
    result = result_of(DISTILLED_COSTS).until(end.last_month)
    assert [row[0] for row in result.cumulative] == (
        [] if last_month is None else list(range(last_month + 1))
    )


def test_the_earlier_retirement_of_the_two_models_ends_the_projection():
    nano = TABLE.get("openai/gpt-5.4-nano")  # retires 2027-04-01, 115 days after TODAY
    end = costs.projection_end(nano, None, TODAY)
    assert (end.side, end.days, end.last_month) == ("current", 115, 3)
    assert costs.projection_end(nano, FT_MINI, TODAY).model == FT_MINI


def test_each_closed_provider_s_warning_counts_to_the_day_its_own_sentence_names():
    # The warning puts "(in N days)" after the providers table's sentence: for every provider
    # closed to new teams, a fine-tuned model of it counts to the last day that sentence ends on.
    for provider in providers.closing():
        entry = replace(FT_MINI, provider=providers.short_name(provider), deprecation_date=None)
        (warning,) = costs.model_warnings(None, entry, TODAY)
        assert (warning.kind, warning.on) == ("training_closed", provider.new_jobs_until)
        text, closing = warning.sentence.get("en"), provider.closing.get("en")
        assert text.startswith(closing[:1].upper() + closing[1:]), provider.key
        if provider.new_jobs_until is not None:
            when = availability.when((provider.new_jobs_until - TODAY).days).get("en")
            assert text[len(closing) :].startswith(f" ({when})"), provider.key
            assert closing.endswith(provider.new_jobs_until.isoformat()), provider.key


def test_the_chart_stops_with_its_series_and_marks_the_retirement():
    late = result_of({**DISTILLED_COSTS, "one_time_cost": 10_000})
    chart = costs.build_chart(late.until(1), 38 / 30)
    assert len(chart.current_points.split()) == len(chart.candidate_points.split()) == 2
    # The axis still spans 12 months (388 px from x=80), so the lines stop short of its end.
    assert chart.end_x == round(LEFT + (WIDTH - LEFT - RIGHT) * (38 / 30) / 12, 2)
    assert chart.end_anchor == "start"
    assert chart.crossing is None  # the payback, at 1.54 months, is past the last month drawn
    assert [t.value for t in chart.y_ticks][-1] == 15_000  # fits $14,320, not month 12's
    assert costs.build_chart(late.until(0), 8 / 30) is None
    assert costs.build_chart(late.until(None)) is None
