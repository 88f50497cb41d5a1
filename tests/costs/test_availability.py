"""A chosen model that retires, or whose provider takes no new fine-tuning jobs, is said beside
the figures with its date, and no month is projected past the retirement: first the pure
functions (app/costs/availability.py), then the verdict's cost card, the calculator, the API and
the exports, each on a day fixed through the app's clock (`app.state.today`)."""

import re
import subprocess
from dataclasses import replace
from datetime import date

import pytest

from app import costs
from app.costs import availability
from app.costs.chart import LEFT, RIGHT, WIDTH
from app.decision import providers
from tests.helpers import html

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


# --- Over HTTP, on a fixed day --------------------------------------------------------------------


@pytest.fixture
def set_day(app):
    """Fix the app's clock; returns the setter for a test that moves it."""

    def set_to(day: date) -> None:
        app.state.today = lambda: day

    set_to(TODAY)
    return set_to


def created(client, cost_body: dict) -> str:
    response = client.post(
        "/api/v1/assessments",
        json={"title": "Distil", "answers": DISTILLATION, "costs": cost_body},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["verdict"]["recommendation"], body["verdict"]["method"]) == (
        "fine_tune",
        "distillation",
    )
    return body["id"]


def table_rows(section) -> list[list[str]]:
    return [
        [cell.get_text() for cell in row.select("th, td")]
        for row in section.select(".cost-table tbody tr")
    ]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_verdict_card_warns_and_stops_the_chart_before_the_retirement(client, set_day, lang):
    body = {**DISTILLED_COSTS, "one_time_cost": 10_000}
    token = created(client, body)
    section = html(client.get(f"/a/{token}?lang={lang}")).select_one("section#costs")
    late = result_of(body)
    expected = costs.model_warnings(GPT_41, FT_MINI, TODAY, late)
    items = section.select("#verdict-costs-model-warnings li.cost-model-warning")
    assert [li.get_text() for li in items] == [w.sentence.get(lang) for w in expected]
    assert [(li["data-model"], li["data-kind"], li["data-date"]) for li in items] == [
        ("openai/ft-gpt-4.1-mini", "training_closed", "2027-01-06"),
        ("openai/ft-gpt-4.1-mini", "retires", "2027-01-14"),
        ("openai/gpt-4.1", "retires", "2027-01-14"),
    ]
    # Beside the figures, before the saving they qualify.
    box = section.select_one("#verdict-costs-model-warnings")
    assert box.find_next("ul", class_="cost-facts") is not None
    assert section.select_one("dd[data-figure='monthly_saving']").get_text() == "$6,480"
    # The table: months 0 and 1 only, and why no more.
    assert table_rows(section) == [["0", "$0", "$10,000"], ["1", "$10,800", "$14,320"]]
    end = section.select_one(".cost-table tfoot #verdict-costs-projection-end")
    assert end["data-last-month"] == "1"
    assert (
        end.get_text()
        == {
            "en": "No figures from month 2 on: Fine-tuned GPT-4.1 mini stops serving on 2027-01-14.",
            "zh": "第 2 个月起不再有数字：Fine-tuned GPT-4.1 mini 将于 2027-01-14 停止服务。",
        }[lang]
    )
    # The chart draws the same two months, marks the day, and has no payback to circle.
    chart = costs.build_chart(late.until(1), 38 / 30)
    svg = section.select_one("svg.chart")
    assert svg.select_one("polyline.series-current")["points"] == chart.current_points
    assert svg.select_one("polyline.series-candidate")["points"] == chart.candidate_points
    assert float(svg.select_one("line.series-end")["x1"]) == chart.end_x
    assert svg.select_one("text.series-end-label").get_text() == "2027-01-14"
    assert svg.select_one("circle.crossing") is None
    assert (
        section.select_one("#verdict-costs-chart-caption")
        .get_text()
        .startswith({"en": "Cumulative cost over 1 month: ", "zh": "1 个月的累计成本："}[lang])
    )
    assert (
        section.select_one("figure.cost-chart p").get_text()
        == {
            "en": "Months from the switch. The lines stop at month 1, before Fine-tuned GPT-4.1 mini "
            "stops serving on 2027-01-14 (the dotted line).",
            "zh": "自切换起的月数。曲线止于第 1 个月，因为 Fine-tuned GPT-4.1 mini 将于 2027-01-14 "
            "停止服务（点线处）。",
        }[lang]
    )


def test_the_cached_verdict_page_counts_the_days_again_the_next_day(client, set_day):
    token = created(client, DISTILLED_COSTS)

    def second_warning() -> str:
        page = html(client.get(f"/a/{token}"))
        return page.select("#verdict-costs-model-warnings li")[1].get_text()

    assert second_warning().startswith("Fine-tuned GPT-4.1 mini stops serving on 2027-01-14 (in 38")
    assert second_warning().startswith("Fine-tuned GPT-4.1 mini stops serving on 2027-01-14 (in 38")
    set_day(date(2026, 12, 8))
    assert second_warning().startswith("Fine-tuned GPT-4.1 mini stops serving on 2027-01-14 (in 37")


def test_a_verdict_card_whose_model_has_retired_projects_no_month(client, set_day):
    token = created(client, DISTILLED_COSTS)
    set_day(date(2027, 1, 20))
    section = html(client.get(f"/a/{token}")).select_one("section#costs")
    kinds = [li["data-kind"] for li in section.select(".cost-model-warning")]
    assert kinds == ["training_closed", "retired", "retired"]
    assert section.select("svg.chart") == [] and section.select(".cost-table") == []
    assert section.select_one("#verdict-costs-projection-end").get_text() == (
        "No month is projected: Fine-tuned GPT-4.1 mini was retired on 2027-01-14."
    )


def test_the_calculator_warns_beside_its_results(client, set_day):
    query = {
        "requests_per_day": "100000",
        "input_tokens": "1000",
        "output_tokens": "200",
        "current.model": GPT_41.id,
        "candidate.kind": "tokens",
        "candidate.model": FT_MINI.id,
        "one_time.kind": "amount",
        "one_time_cost": "10000",
    }
    page = html(client.get("/costs", params=query))
    assert [li["data-kind"] for li in page.select("#calculator-model-warnings li")] == [
        "training_closed",
        "retires",
        "retires",
    ]
    assert [row[0] for row in table_rows(page)] == ["0", "1"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_cost_api_gives_dated_warnings_and_stops_the_cumulative_cost(client, set_day, lang):
    body = client.post(f"/api/v1/costs?lang={lang}", json=DISTILLED_COSTS).json()
    assert body["monthly_saving"] == 6_480.0
    assert body["model_warnings"] == [
        w.to_dict(lang) for w in costs.model_warnings(GPT_41, FT_MINI, TODAY)
    ]
    assert [(w["kind"], w["date"], w["days"]) for w in body["model_warnings"]] == [
        ("training_closed", "2027-01-06", 30),
        ("retires", "2027-01-14", 38),
        ("retires", "2027-01-14", 38),
    ]
    assert body["projection_end"] == {
        "side": "candidate",
        "model": "openai/ft-gpt-4.1-mini",
        "date": "2027-01-14",
        "days": 38,
        "last_month": 1,
    }
    assert body["cumulative"] == [
        {"month": 0, "current": 0.0, "candidate": 0.0},
        {"month": 1, "current": 10_800.0, "candidate": 4_320.0},
    ]
    # Prices typed in without a model from the table: nothing to warn of, all 12 months.
    unnamed = {
        **DISTILLED_COSTS,
        "current": {k: v for k, v in DISTILLED_COSTS["current"].items() if k != "model"},
        "candidate": {k: v for k, v in DISTILLED_COSTS["candidate"].items() if k != "model"},
    }
    plain = client.post(f"/api/v1/costs?lang={lang}", json=unnamed).json()
    assert (plain["model_warnings"], plain["projection_end"]) == ([], None)
    assert len(plain["cumulative"]) == 13


def pdf_text(content: bytes) -> str:
    """The text as poppler's pdftotext reads it, without any white space."""
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True
    )
    return re.sub(r"\s+", "", result.stdout.decode())


@pytest.mark.storage
def test_the_record_and_the_exports_carry_the_warnings(client, set_day):
    token = created(client, {**DISTILLED_COSTS, "one_time_cost": 10_000})
    expected = [
        w.to_dict("en")
        for w in costs.model_warnings(
            GPT_41, FT_MINI, TODAY, result_of({**DISTILLED_COSTS, "one_time_cost": 10_000})
        )
    ]
    record = client.get(f"/api/v1/assessments/{token}").json()
    assert record["costs"]["results"]["model_warnings"] == expected
    assert record["costs"]["results"]["projection_end"]["last_month"] == 1
    assert [m["month"] for m in record["costs"]["results"]["cumulative"]] == [0, 1]
    export = client.get(f"/a/{token}/export.json").json()
    assert export["costs"]["results"]["model_warnings"] == expected
    markdown = client.get(f"/a/{token}/export.md").text
    lines = markdown[markdown.index("## What it costs") :].splitlines()
    start = lines.index("Dates that change these figures:")
    assert lines[start + 2 : start + 5] == [f"- {w['text']}" for w in expected]
    assert "| Cumulative, 1 month | $10,800 | $14,320 |" in lines
    assert "| Cumulative, 12 months | $129,600 | $61,840 |" not in lines
    assert "No figures from month 2 on: Fine-tuned GPT-4.1 mini stops serving on 2027-01-14." in (
        lines
    )
    zh = client.get(f"/a/{token}/export.md?lang=zh").text
    assert "| 1 个月累计 | $10,800 | $14,320 |" in zh.splitlines()
    pdf = pdf_text(client.get(f"/a/{token}/export.pdf").content)
    assert all(re.sub(r"\s+", "", w["text"]) in pdf for w in expected)
