"""What it costs over HTTP, on SQLite and PostgreSQL: the API, the calculator page, the numbers of
the wizard's cost step, the exports, "How we decide", and the migration that stores them."""

import math
import re
from datetime import date
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from app import assessments, costs, decision
from app.costs.inputs import FORM_FIELDS
from app.costs.numbers import usd
from app.web.routes.costs import EXAMPLE_FORM as CALCULATOR_EXAMPLE
from app.web.templating import env
from tests.helpers import REFUND_BOT, count_assessments, html, start, step_answers
from tests.test_migrations import alembic_config, empty_database  # noqa: F401 - a fixture
from tests.unit.test_cost_formulas import EXAMPLE

EXAMPLE_FACTS_EN = [
    {
        "key": "fast_payback",
        "direction": "for",
        "text": "$23,670 a month saved; the $5,000 one-time cost pays back in 0.21 months.",
    },
    {
        "key": "break_even_known",
        "direction": "neutral",
        "text": "Break-even accuracy: 95.4%. Below it, the candidate's extra wrong answers cost more "
        "than it saves (the current model is at 97.0%).",
    },
]

# The calculator's form for the issue's example as a browser sends it: the worked example the
# page offers, every other field empty.
EXAMPLE_FORM = {**dict.fromkeys(FORM_FIELDS, ""), **CALCULATOR_EXAMPLE}


# --- POST /api/v1/costs -------------------------------------------------------------------


def test_api_computes_the_issue_example(client, app):
    response = client.post("/api/v1/costs", json=EXAMPLE)
    assert response.status_code == 200
    body = response.json()
    assert {
        k: body[k]
        for k in (
            "current_monthly",
            "candidate_monthly",
            "monthly_saving",
            "payback_months",
            "break_even_accuracy",
        )
    } == {
        "current_monthly": 24_750.0,
        "candidate_monthly": 1_080.0,
        "monthly_saving": 23_670.0,
        "payback_months": 0.211238,
        "break_even_accuracy": 0.95422,
    }
    assert body["current_per_1k_requests"] == 8.25 and body["candidate_per_1k_requests"] == 0.36
    assert body["cumulative"][12] == {"month": 12, "current": 297_000.0, "candidate": 17_960.0}
    assert body["facts"] == EXAMPLE_FACTS_EN
    assert count_assessments(app) == 0


def test_api_texts_follow_the_language(client):
    body = client.post("/api/v1/costs?lang=zh", json=EXAMPLE).json()
    assert body["facts"][0]["text"] == "每月节省 $23,670；$5,000 的一次性成本 0.21 个月即可收回。"
    assert body["current_monthly"] == 24_750.0


def test_api_without_saving_or_error_cost_gives_nulls(client):
    body = client.post(
        "/api/v1/costs",
        json={
            **{k: v for k, v in EXAMPLE.items() if k != "error_cost"},
            "candidate": {"gpu_per_hour": 4.0, "tokens_per_second": 100, "utilization": 0.1},
        },
    ).json()
    # 100,000 x 1,800 tokens / 86,400 s = 2,083.33 tokens a second; one GPU at 10% of 100 = 10:
    # 208.33 -> 209 GPUs x $4 x 720 hours = $601,920 a month.
    assert (body["candidate_gpus"], body["candidate_monthly"]) == (209, 601_920.0)
    # 601,920 / (3,000,000 x 1,800 tokens) x 1,000,000 = $111.466667 per million tokens.
    assert body["candidate_per_million_tokens"] == 111.466667
    assert body["monthly_saving"] == 24_750.0 - 601_920.0
    assert body["payback_months"] is None and body["break_even_accuracy"] is None
    assert [f["key"] for f in body["facts"]] == ["costs_more"]


def test_api_bad_input_is_422_naming_each_field_and_stores_nothing(client, app):
    bad = {
        "requests_per_day": -100,
        "input_tokens": 1e12,
        "output_tokens": "300",
        "current": {"input_per_million": 2.5, "accuracy": 1.5},
        "candidate": {"gpu_per_hour": 2, "tokens_per_second": 1000, "utilization": 0},
        "error_cost": None,
        "one_time_cost": -5,
        "extra": True,
    }
    response = client.post("/api/v1/costs", json=bad)
    assert response.status_code == 422
    assert {(p["field"], p["code"]) for p in response.json()["detail"]} == {
        ("extra", "unknown_field"),
        ("requests_per_day", "out_of_range"),
        ("input_tokens", "out_of_range"),
        ("output_tokens", "not_number"),
        ("current.output_per_million", "required"),
        ("current.accuracy", "out_of_range"),
        ("candidate.utilization", "out_of_range"),
        ("one_time_cost", "out_of_range"),
    }
    assert all(p["message"] for p in response.json()["detail"])
    assert count_assessments(app) == 0


def test_api_utilization_above_one_and_messages_in_chinese(client):
    raw = {
        **EXAMPLE,
        "candidate": {"gpu_per_hour": 2, "tokens_per_second": 1000, "utilization": 1.2},
    }
    detail = client.post("/api/v1/costs?lang=zh", json=raw).json()["detail"]
    assert detail == [
        {
            "field": "candidate.utilization",
            "code": "out_of_range",
            "message": "请输入大于 0、不超过 1 的数。",
        }
    ]


@pytest.mark.parametrize("body", ["not json", "[1]", "null", "{}"])
def test_api_malformed_bodies_are_422(client, body):
    response = client.post(
        "/api/v1/costs", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    fields = [p["field"] for p in response.json()["detail"]]
    assert fields == (
        ["body"]
        if body != "{}"
        else ["requests_per_day", "input_tokens", "output_tokens", "current", "candidate"]
    )


def test_openapi_documents_the_costs_contract(client):
    document = client.get("/openapi.json").json()
    operation = document["paths"]["/api/v1/costs"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CostsIn"
    }
    schemas = document["components"]["schemas"]
    request = schemas["CostsIn"]
    assert set(request["required"]) == {
        "requests_per_day",
        "input_tokens",
        "output_tokens",
        "current",
        "candidate",
    }
    assert request["properties"]["requests_per_day"]["exclusiveMinimum"] == 0
    utilization = schemas["SelfHostedIn"]["properties"]["utilization"]
    assert (utilization["exclusiveMinimum"], utilization["maximum"]) == (0, 1)
    assert schemas["TokenPricesIn"]["properties"]["input_per_million"]["description"]
    assert request["examples"][0]["current"]["input_per_million"] == 2.5
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer == {"$ref": "#/components/schemas/CostsOut"}
    out = schemas["CostsOut"]["properties"]
    assert {
        "current_monthly",
        "candidate_monthly",
        "monthly_saving",
        "payback_months",
        "break_even_accuracy",
        "cumulative",
        "facts",
    } <= set(out)
    assert {"type": "null"} in out["payback_months"]["anyOf"]
    assert schemas["AssessmentIn"]["properties"]["costs"]["anyOf"][0] == {
        "$ref": "#/components/schemas/CostsIn"
    }


# --- The calculator page ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_calculator_form_offers_the_price_table(client, lang):
    response = client.get(f"/costs?lang={lang}")
    assert response.status_code == 200
    page = html(response)
    assert page.select_one("h1").get_text() == {"en": "What it costs", "zh": "成本测算"}[lang]
    table = costs.price_table()
    options = [o["value"] for o in page.select("#cost-current-model option") if o["value"]]
    assert options == [m.id for _, group in table.by_tier() for m in group]
    assert len(page.select("#cost-current-model optgroup")) == 4
    assert page.select_one("#cost-requests_per_day")["name"] == "requests_per_day"
    assert page.select_one("input[name='candidate.kind'][value='tokens']").has_attr("checked")
    assert page.select_one("#results-heading") is None


@pytest.mark.parametrize(
    ("one_time", "en", "zh"),
    [
        # $23,670 a month saved: $5,000 pays back in 0.2112 months; $1,500 in 0.06337 months,
        # 1.90 days (a month is 30 days); $500 in 0.634 days. It read "0.00 months" below 0.005.
        ("5000", "0.21 months", "0.21 个月"),
        ("1500", "1.9 days", "1.9 天"),
        ("500", "less than a day", "不到一天"),
    ],
)
def test_a_short_payback_reads_in_days(client, one_time, en, zh):
    for lang, said in (("en", en), ("zh", zh)):
        form = {**EXAMPLE_FORM, "one_time_cost": one_time}
        page = html(client.post(f"/costs?lang={lang}", data=form))
        assert page.select_one('dd[data-figure="payback_months"]').get_text() == said
        facts = " ".join(li.get_text(" ", strip=True) for li in page.select(".cost-fact"))
        assert (f"pays back in {said}." if lang == "en" else f"{said}即可收回") in facts


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_calculator_shows_figures_chart_and_table(client, app, lang):
    response = client.post(f"/costs?lang={lang}", data=EXAMPLE_FORM)
    assert response.status_code == 200
    page = html(response)
    figures = {dd["data-figure"]: dd.get_text() for dd in page.select("dd[data-figure]")}
    assert figures["current_monthly"] == "$24,750"
    assert figures["candidate_monthly"] == "$1,080"
    assert figures["monthly_saving"] == "$23,670"
    assert figures["payback_months"] == {"en": "0.21 months", "zh": "0.21 个月"}[lang]
    assert figures["break_even_accuracy"] == "95.4%"
    facts = [li.get_text(" ", strip=True) for li in page.select(".cost-fact")]
    expected = costs.saving_sentence(costs.compute(costs.parse_costs(EXAMPLE)[0])).get(lang)
    assert facts[0].endswith(expected)
    chart = costs.build_chart(costs.compute(costs.parse_costs(EXAMPLE)[0]))
    svg = page.select_one("svg.chart")
    assert svg["role"] == "img" and page.select_one(f"#{svg['aria-labelledby']}") is not None
    assert svg.select_one("polyline.series-current")["points"] == chart.current_points
    assert svg.select_one("polyline.series-candidate")["points"] == chart.candidate_points
    rows = [
        [c.get_text() for c in tr.select("th, td")] for tr in page.select(".cost-table tbody tr")
    ]
    assert len(rows) == 13
    assert rows[0] == ["0", "$0", "$5,000"] and rows[12] == ["12", "$297,000", "$17,960"]
    # What was typed stays in the form for the next try; nothing is stored.
    assert page.select_one("#cost-requests_per_day")["value"] == "100000"
    assert page.select_one("#cost-candidate-gpu_per_hour")["value"] == ""
    assert count_assessments(app) == 0


def test_calculator_takes_prices_from_the_table_and_self_hosting(client):
    form = {
        **EXAMPLE_FORM,
        "current.model": "openai/gpt-4o",
        "current.input_per_million": "",
        "current.output_per_million": "",
        "candidate.kind": "self_hosted",
        "candidate.gpu_per_hour": "2",
        "candidate.tokens_per_second": "1000",
        "candidate.utilization": "25",
    }
    page = html(client.post("/costs", data=form))
    figures = {dd["data-figure"]: dd.get_text() for dd in page.select("dd[data-figure]")}
    # GPT-4o $2.50/$10: 1,500 x 2.5 + 300 x 10 = $0.00675 a request, $20,250 a month. The GPU:
    # 100,000 x 1,800 / 86,400 = 2,083.33 tokens a second over 250 a GPU (1,000 at 25%): 9 GPUs,
    # each 2,083.33 / 9,000 = 23.1% busy; 9 x $2 x 720 hours = $12,960 a month, $2.40 per million.
    assert figures["current_monthly"] == "$20,250"
    assert figures["candidate_monthly"] == "$12,960"
    assert figures["candidate_gpus"] == "9 GPUs, 23.1% busy on average"
    assert figures["candidate_per_million_tokens"] == "$2.40"
    assert page.select(".cost-table thead th")[1].get_text() == "GPT-4o (OpenAI)"


def test_calculator_errors_are_422_with_a_summary_linked_to_each_field(client):
    form = {
        **EXAMPLE_FORM,
        "requests_per_day": "-1",
        "current.accuracy": "130",
        "candidate.kind": "self_hosted",
        "candidate.utilization": "0",
    }
    response = client.post("/costs?lang=zh", data=form)
    assert response.status_code == 422
    page = html(response)
    links = {a["href"]: a.get_text() for a in page.select("#error-summary a")}
    assert set(links) == {
        "#cost-requests_per_day",
        "#cost-current-accuracy",
        "#cost-candidate-gpu_per_hour",
        "#cost-candidate-tokens_per_second",
        "#cost-candidate-utilization",
    }
    assert links["#cost-current-accuracy"] == "当前模型：准确率——请输入 0% 到 100% 之间的数。"
    field = page.select_one("#cost-requests_per_day")
    assert field["aria-invalid"] == "true" and field["value"] == "-1"
    assert "cost-requests_per_day-error" in field["aria-describedby"].split()
    assert page.select_one("#results-heading") is None
    assert page.select_one("title").get_text().startswith("错误：")


def test_calculator_answers_htmx_with_the_calculator_only(client):
    response = client.post("/costs", data=EXAMPLE_FORM, headers={"HX-Request": "true"})
    fragment = html(response)
    assert fragment.select_one("html") is None
    assert fragment.select_one("#results-heading") is not None
    assert fragment.select_one("#announcer").get_text() == "Results updated"
    assert "hx-request" in response.headers["vary"].lower()
    refused = client.post("/costs", data={}, headers={"HX-Request": "true"})
    assert refused.status_code == 422
    assert html(refused).select_one("#announcer").get_text() == "There are 7 problems to fix"


def test_worked_example_link_fills_the_form(client):
    page = html(client.get("/costs?example=1"))
    form = page.select_one("form.cost-form")
    assert form.select_one("#cost-one_time_cost")["value"] == "5000"
    assert form.select_one("input[name='one_time.kind'][value='amount']").has_attr("checked")
    # ... and shows its results: 100,000 x (1,500 x 2.5 + 300 x 15) / 1e6 x 30 = $24,750.
    assert page.select_one("dd[data-figure='current_monthly']").get_text() == "$24,750"


# --- The wizard's cost step -------------------------------------------------------------------


def to_cost_step(client) -> str:
    token = start(client)
    for step in ("task", "accuracy"):
        assert (
            client.post(f"/d/{token}/{step}", data=step_answers(step, REFUND_BOT)).status_code
            == 303
        )
    return token


def cost_step_form(**numbers) -> dict[str, str]:
    form = {f"costs.{k}": v for k, v in EXAMPLE_FORM.items()}
    form.update({f"costs.{k}": v for k, v in numbers.items()})
    return {**step_answers("cost", REFUND_BOT), **form, "costs.present": "1", "nav": "next"}


def stored(app, token):
    return assessments.get(app.state.db, token)


def test_cost_step_stores_the_numbers_and_shows_them_again(client, app):
    token = to_cost_step(client)
    page = html(client.get(f"/d/{token}/cost"))
    assert not page.select_one("details#cost-numbers").has_attr("open")
    response = client.post(f"/d/{token}/cost", data=cost_step_form())
    assert response.status_code == 303
    assert stored(app, token).cost_inputs == {
        **EXAMPLE,
        "requests_per_day": 100_000.0,
        "input_tokens": 1_500.0,
        "output_tokens": 300.0,
        "one_time_cost": 5_000.0,
        "current": {"input_per_million": 2.5, "output_per_million": 15.0, "accuracy": 0.97},
        "candidate": {"input_per_million": 0.2, "output_per_million": 0.2},
    }
    page = html(client.get(f"/d/{token}/cost"))
    assert page.select_one("details#cost-numbers").has_attr("open")
    assert page.select_one("#cost-current-accuracy")["value"] == "97"
    assert page.select_one("#cost-current-accuracy")["name"] == "costs.current.accuracy"


def test_cost_step_with_bad_numbers_stores_nothing_and_names_each_field(client, app):
    token = to_cost_step(client)
    response = client.post(
        f"/d/{token}/cost", data=cost_step_form(output_tokens="lots", error_cost="-2")
    )
    assert response.status_code == 422
    page = html(response)
    assert page.select_one("details#cost-numbers").has_attr("open")
    assert {a["href"] for a in page.select("#error-summary a")} == {
        "#cost-output_tokens",
        "#cost-error_cost",
    }
    assert (
        page.select_one("#error-summary a[href='#cost-output_tokens']")
        .get_text()
        .startswith("Output tokens per request — ")
    )
    draft = stored(app, token)
    assert draft.cost_inputs is None
    assert "volume" not in draft.answers and draft.current_step == "cost"


def test_cost_step_without_numbers_is_fine_and_clears_them(client, app):
    token = to_cost_step(client)
    assert client.post(f"/d/{token}/cost", data=cost_step_form()).status_code == 303
    empty = {k: "" for k in EXAMPLE_FORM if "kind" not in k}
    assert client.post(f"/d/{token}/cost", data=cost_step_form(**empty)).status_code == 303
    assert stored(app, token).cost_inputs is None
    # A client that leaves the section out entirely leaves stored numbers alone.
    assert client.post(f"/d/{token}/cost", data=cost_step_form()).status_code == 303
    assert client.post(f"/d/{token}/cost", data=step_answers("cost", REFUND_BOT)).status_code == 303
    assert stored(app, token).cost_inputs["requests_per_day"] == 100_000.0


def finished_with_costs(client) -> str:
    token = to_cost_step(client)
    assert client.post(f"/d/{token}/cost", data=cost_step_form()).status_code == 303
    for step in ("knowledge", "data"):
        assert (
            client.post(f"/d/{token}/{step}", data=step_answers(step, REFUND_BOT)).status_code
            == 303
        )
    assert client.post(f"/d/{token}/finish").status_code == 303
    return token


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_exports_carry_the_numbers(client, lang):
    token = finished_with_costs(client)
    record = client.get(f"/a/{token}/export.json?lang={lang}").json()
    assert record["costs"]["inputs"]["requests_per_day"] == 100_000.0
    assert record["costs"]["results"]["monthly_saving"] == 23_670.0
    assert record["costs"]["results"]["facts"][0]["key"] == "fast_payback"
    markdown = client.get(f"/a/{token}/export.md?lang={lang}").text
    section = markdown[markdown.index({"en": "## What it costs", "zh": "## 成本测算"}[lang]) :]
    lines = section.splitlines()
    assert {"en": "| Monthly cost | $24,750 | $1,080 |", "zh": "| 每月成本 | $24,750 | $1,080 |"}[
        lang
    ] in lines
    assert {"en": "- Payback: 0.21 months", "zh": "- 回本时间：0.21 个月"}[lang] in lines
    assert {"en": "- Break-even accuracy: 95.4%", "zh": "- 盈亏平衡准确率：95.4%"}[lang] in lines
    assert (
        lines[2]
        == "- "
        + {
            "en": EXAMPLE_FACTS_EN[0]["text"],
            "zh": "每月节省 $23,670；$5,000 的一次性成本 0.21 个月即可收回。",
        }[lang]
    )


def test_exports_without_numbers_have_none(client):
    from tests.helpers import finish

    token = finish(client)
    assert client.get(f"/a/{token}/export.json").json()["costs"] is None
    assert "## What it costs" not in client.get(f"/a/{token}/export.md").text


def test_revise_keeps_the_numbers(client, app):
    token = finished_with_costs(client)
    response = client.post(f"/a/{token}/revise")
    draft = response.headers["location"].split("/")[-2]
    assert stored(app, draft).cost_inputs == stored(app, token).cost_inputs


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_verdict_partial_renders_the_stored_numbers(client, app, lang):
    token = finished_with_costs(client)
    page = html(client.get(f"/a/{token}?lang={lang}"))
    section = page.select_one("section#costs")
    assert (
        section.select_one("h2#costs-heading").get_text()
        == {"en": "What it costs", "zh": "成本测算"}[lang]
    )
    assert section.select_one("dd[data-figure='monthly_saving']").get_text() == "$23,670"
    assert len(section.select(".cost-table tbody tr")) == 13
    # A fine-tune verdict with a fast payback: the numbers agree, no note, the fact counts "for".
    assert section.select_one("#cost-verdict-note") is None
    assert [li["class"] for li in section.select(".cost-fact")][0] == ["cost-fact", "cost-fact-for"]
    # The card opens its numbers in the calculator: the link carries them.
    link = section.find("a", href=lambda h: h and "/costs?" in h)
    assert "requests_per_day=100000" in link["href"] and "one_time_cost=5000" in link["href"]
    assert (
        env.get_template("assessments/_costs.html")
        .render(lang=lang, assessment=type("A", (), {"cost_inputs": None})())
        .strip()
        == ""
    )


def created_with_costs(client, answers: dict, cost_body: dict) -> tuple[str, str]:
    response = client.post(
        "/api/v1/assessments", json={"title": "Refunds", "answers": answers, "costs": cost_body}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return body["url"].rsplit("/", 1)[-1], body["verdict"]["recommendation"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cost_card_under_another_verdict_says_why_the_saving_does_not_decide(client, lang):
    """Issue 22: no bare green "For fine-tuning: $23,670 saved" under "Fix the data first"."""
    token, recommendation = created_with_costs(
        client, {**REFUND_BOT, "data_quality": "noisy"}, EXAMPLE
    )
    assert recommendation == "improve_data"
    section = html(client.get(f"/a/{token}?lang={lang}")).select_one("section#costs")
    note = section.select_one("#cost-verdict-note")
    assert note.get_text() == costs.verdict_note(
        "improve_data", costs.cost_facts(costs.compute(costs.parse_costs(EXAMPLE)[0]))
    ).get(lang)
    assert {"en": "fix the data first", "zh": "先改进数据"}[lang] in note.get_text()
    # The saving is still shown, as the numbers alone: not styled or labelled as counting "for".
    assert section.select(".cost-fact-for") == []
    first = section.select_one(".cost-fact")
    assert first["class"] == ["cost-fact", "cost-fact-overruled"]
    assert (
        first.select_one(".cost-direction").get_text()
        == {
            "en": "On cost alone, for fine-tuning:",
            "zh": "只看成本，支持微调：",
        }[lang]
    )
    # The note comes before the figures it qualifies.
    assert note.find_next("dl", class_="cost-figures") is not None


def test_cost_card_against_under_a_fine_tune_verdict_is_explained(client):
    dear = {**EXAMPLE, "candidate": {"input_per_million": 5.0, "output_per_million": 20.0}}
    token, recommendation = created_with_costs(client, REFUND_BOT, dear)
    section = html(client.get(f"/a/{token}")).select_one("section#costs")
    if recommendation in ("fine_tune", "rag_and_fine_tune"):
        assert (
            section.select_one("#cost-verdict-note")
            .get_text()
            .startswith("On cost alone this counts against fine-tuning")
        )
    else:  # the engine let the cost decide: the card and the verdict agree, nothing to explain
        assert section.select_one("#cost-verdict-note") is None
    assert section.select_one(".cost-fact")["data-direction"] == "against"


def test_verdict_note_for_every_recommendation():
    result = costs.compute(costs.parse_costs(EXAMPLE)[0])
    favourable = costs.cost_facts(result)
    # A fast payback "for", and the break-even accuracy, neutral (no candidate accuracy given).
    assert [f.direction for f in favourable] == ["for", "neutral"]
    unfavourable = costs.cost_facts(
        costs.compute(
            costs.parse_costs(
                {**EXAMPLE, "candidate": {"input_per_million": 9.0, "output_per_million": 90.0}}
            )[0]
        )
    )
    assert [f.direction for f in unfavourable] == ["against", "neutral"]
    for rec in decision.APPROACHES:
        note_for = costs.verdict_note(rec, favourable)
        note_against = costs.verdict_note(rec, unfavourable)
        if rec in ("fine_tune", "rag_and_fine_tune"):
            assert note_for is None and note_against is not None
        else:
            assert note_for is not None and note_against is None
            assert note_for.en.startswith("On cost alone fine-tuning would pay")
            assert note_for.zh.startswith("只看成本，微调是划算的")
    assert costs.verdict_note(None, favourable) is None


# --- POST /api/v1/assessments with costs --------------------------------------------------------


def api_answers():
    return {**REFUND_BOT, "baseline_accuracy": 95}


@pytest.mark.storage
def test_api_assessment_stores_costs_and_returns_them(client, app):
    response = client.post(
        "/api/v1/assessments", json={"title": "Costed", "answers": api_answers(), "costs": EXAMPLE}
    )
    assert response.status_code == 201
    record = client.get(f"/api/v1/assessments/{response.json()['id']}").json()
    assert record["costs"]["inputs"] == {
        **EXAMPLE,
        "requests_per_day": 100_000.0,
        "input_tokens": 1_500.0,
        "output_tokens": 300.0,
        "one_time_cost": 5_000.0,
        "current": {"input_per_million": 2.5, "output_per_million": 15.0, "accuracy": 0.97},
        "candidate": {"input_per_million": 0.2, "output_per_million": 0.2},
    }
    assert record["costs"]["results"]["current_monthly"] == 24_750.0
    plain = client.post("/api/v1/assessments", json={"title": "Plain", "answers": api_answers()})
    assert client.get(f"/api/v1/assessments/{plain.json()['id']}").json()["costs"] is None


def test_api_assessment_with_bad_costs_is_422_and_stores_nothing(client, app):
    costs_body = {
        **EXAMPLE,
        "candidate": {"gpu_per_hour": 2, "tokens_per_second": 100, "utilization": 2},
        "requests_per_day": None,
    }
    response = client.post(
        "/api/v1/assessments", json={"title": "x", "answers": api_answers(), "costs": costs_body}
    )
    assert response.status_code == 422
    assert {(p["field"], p["code"]) for p in response.json()["detail"]} == {
        ("costs.requests_per_day", "required"),
        ("costs.candidate.utilization", "out_of_range"),
    }
    not_object = client.post(
        "/api/v1/assessments", json={"title": "x", "answers": api_answers(), "costs": [1]}
    )
    assert [(p["field"], p["code"]) for p in not_object.json()["detail"]] == [
        ("costs", "not_object")
    ]
    assert count_assessments(app) == 0


# --- How we decide -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_how_we_decide_states_the_formulas_thresholds_and_dated_prices(client, lang):
    page = html(client.get(f"/how-we-decide?lang={lang}"))
    section = page.select_one("section#costs")
    assert len(section.select("ol.formulas li")) == 8
    thresholds = section.select("ul.thresholds li")
    assert [li["id"] for li in thresholds] == [f"threshold-{t.key}" for t in costs.THRESHOLDS]
    for li, threshold in zip(thresholds, costs.THRESHOLDS, strict=True):
        assert li.select_one("strong").get_text() == threshold.label.get(lang)
        assert li.select_one("a.source")["href"] == threshold.source.url
    table = costs.price_table()
    # The table itself has a page of its own, linked from here.
    link = section.select_one("#prices + p a")
    assert link["href"] == "http://testserver/costs/prices"
    section = html(client.get(f"/costs/prices?lang={lang}")).select_one("section#prices")
    rows = [r for r in section.select(".price-table tbody tr") if r.select_one("a")]
    offered = [m for _tier, models in table.by_tier() for m in models]
    assert [r.select_one("a").get_text() for r in rows] == [m.label for m in offered]
    assert not any(m.retired_on(table.date) for m in offered)
    # GPT-5.5: $5.00 / $30.00, cached $0.5 (three significant digits below a dollar), batch $2.50 / $15.00, no deprecation date.
    cells = [td.get_text() for td in rows[0].select("td")]
    assert cells == ["$5.00", "$30.00", "$0.5", "$2.50 / $15.00", "—"]
    retired = section.select_one(".price-table + p, .table-scroll + p").get_text()
    assert "Gemini 2.5 Pro (Google)" in retired and "Cerebras" in retired
    caption = section.select_one(".price-table caption").get_text()
    assert (
        caption == {"en": "Prices as of December 6, 2026", "zh": "截至 2026年12月6日的价格"}[lang]
    )
    # Where the prices come from, in the page's language (review r2, defect 10): the file's name
    # as published, the sentence around it translated, joined without a space in Chinese.
    collected = section.select_one("h1 + p").get_text()
    assert collected.endswith(
        {
            "en": "differ. Collected from LiteLLM, model_prices_and_context_window.json "
            "(MIT licence), as shipped in litellm 1.110.2.",
            "zh": "价格。数据来自 LiteLLM, model_prices_and_context_window.json"
            "（MIT 许可证），随 litellm 1.110.2 发布。",
        }[lang]
    ), collected


# --- The migration ------------------------------------------------------------------------------


def test_migration_adds_cost_inputs_and_removes_it_keeping_the_history_triggers(empty_database):  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "head")
    engine = create_engine(empty_database)
    columns = {c["name"]: c for c in inspect(engine).get_columns("assessments")}
    assert columns["cost_inputs"]["nullable"] is True
    engine.dispose()
    command.downgrade(config, "0002")
    engine = create_engine(empty_database)
    assert "cost_inputs" not in {c["name"] for c in inspect(engine).get_columns("assessments")}
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO assessments (share_token, title, team, notes, answers, current_step, "
                "created_at, updated_at, finished_at, recommendation) VALUES ('t', 'x', '', '', '{}', "
                "'review', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'rag')"
            )
        )
        counted = connection.execute(
            text("SELECT finished FROM assessment_counts WHERE recommendation = 'rag'")
        ).scalar()
    assert counted == 1  # the triggers of 0002 survived the downgrade
    engine.dispose()
    command.upgrade(config, "head")


# --- The numbers in the verdict ------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_verdict_page_shows_the_numbers_and_a_reason_quotes_them(client, app, lang):
    token = finished_with_costs(client)
    verdict = decision.localize(stored(app, token).verdict, lang)
    page = html(client.get(f"/a/{token}?lang={lang}"))
    assert (
        page.select_one("#costs h2#costs-heading").get_text()
        == {"en": "What it costs", "zh": "成本测算"}[lang]
    )
    assert page.select_one("#costs dd[data-figure='monthly_saving']").get_text() == "$23,670"
    # A saving that repays the one-time cost in 0.21 months counts for fine-tuning, in figures.
    reason = next(r for r in verdict["reasons"] if r["rule"] == "cost-pays-back-fast")
    figures = {
        "en": "$23,670 a month saved; the $5,000 one-time cost pays back in 0.21 months.",
        "zh": "每月节省 $23,670；$5,000 的一次性成本 0.21 个月即可收回。",
    }[lang]
    assert reason["text"].startswith(figures)
    shown = [li.select_one("p").get_text(strip=True) for li in page.select("ol.reasons > li")]
    assert reason["text"] in shown


def test_a_negligible_saving_counts_against_fine_tuning_in_the_verdict(client, app):
    # The same team, but the candidate saves almost nothing: the numbers now argue against.
    with_costs = finished_with_costs(client)
    token = to_cost_step(client)
    form = cost_step_form(
        **{"candidate.input_per_million": "2.4", "candidate.output_per_million": "14.9"}
    )
    assert client.post(f"/d/{token}/cost", data=form).status_code == 303
    for step in ("knowledge", "data"):
        assert (
            client.post(f"/d/{token}/{step}", data=step_answers(step, REFUND_BOT)).status_code
            == 303
        )
    assert client.post(f"/d/{token}/finish").status_code == 303
    costed = decision.localize(stored(app, with_costs).verdict, "en")
    cheap = decision.localize(stored(app, token).verdict, "en")
    ft = {v["recommendation"]: v["score"] for v in costed["ranking"]}["fine_tune"]
    ft_cheap = {v["recommendation"]: v["score"] for v in cheap["ranking"]}["fine_tune"]
    assert ft_cheap < ft
    assert "cost-pays-back-fast" in [r["rule"] for r in costed["reasons"]]
    assert "cost-pays-back-fast" not in [r["rule"] for r in cheap["reasons"]]


# --- Stable links and carrying numbers into a draft (issue 22) ---------------------------------

CALCULATOR_NUMBERS = {k: v for k, v in CALCULATOR_EXAMPLE.items() if v}


def test_calculator_results_have_a_stable_link(client):
    query = urlencode({**CALCULATOR_NUMBERS, "calculate": "1"})
    page = html(client.get(f"/costs?{query}"))
    # 100,000 x 30 x (1,500 x 2.5 + 300 x 15) / 1e6 = $24,750; x (1,800 x 0.2) / 1e6 = $1,080.
    figures = {dd["data-figure"]: dd.get_text() for dd in page.select("dd[data-figure]")}
    assert (figures["current_monthly"], figures["candidate_monthly"]) == ("$24,750", "$1,080")
    permalink = page.select_one("#cost-permalink")["href"]
    assert parse_qs(urlsplit(permalink).query) == {k: [v] for k, v in CALCULATOR_NUMBERS.items()}
    again = html(client.get(permalink))
    assert again.select_one("dd[data-figure='monthly_saving']").get_text() == "$23,670"
    # Bad numbers in a link: a 422 naming the field, as the form gives.
    response = client.get("/costs?" + urlencode({**CALCULATOR_NUMBERS, "requests_per_day": "-5"}))
    assert response.status_code == 422
    assert html(response).select_one("#cost-requests_per_day-error") is not None


def test_htmx_calculation_puts_the_stable_link_in_the_address_bar(client):
    response = client.get(
        "/costs?" + urlencode({**CALCULATOR_NUMBERS, "calculate": "1"}),
        headers={"HX-Request": "true"},
    )
    pushed = urlsplit(response.headers["HX-Push-Url"])
    assert pushed.path == "/costs"
    assert parse_qs(pushed.query) == {k: [v] for k, v in CALCULATOR_NUMBERS.items()}


def test_calculator_numbers_start_a_draft_in_one_click(client, app):
    before = count_assessments(app)
    page = html(client.get("/costs?" + urlencode({**CALCULATOR_NUMBERS, "calculate": "1"})))
    form = page.select_one("#cost-carry-form")
    data = {i["name"]: i.get("value", "") for i in form.select("input")}
    assert data["title"] == "Fine-tuning for cost"  # no model picked: the plain title
    response = client.post(form["action"], data=data)
    assert response.status_code == 303
    token = response.headers["location"].split("/")[-2]
    assert response.headers["location"].endswith(f"/d/{token}/task")
    assert count_assessments(app) == before + 1
    draft = stored(app, token)
    assert draft.title == "Fine-tuning for cost" and not draft.is_finished
    expected, errors = costs.parse_form(CALCULATOR_EXAMPLE, costs.price_table())
    assert errors == [] and draft.cost_inputs == costs.inputs_to_dict(expected)
    # The draft remembers it (the home page's "continue" list reads this cookie).
    assert client.cookies.get("drafts", "").split(".")[0] == token


def test_carrying_refuses_bad_numbers_or_title_and_stores_nothing(client, app):
    before = count_assessments(app)
    response = client.post("/costs/draft", data={**CALCULATOR_NUMBERS, "title": "  "})
    assert response.status_code == 422
    assert html(response).select_one("#cost-carry-title-error") is not None
    response = client.post(
        "/costs/draft", data={**CALCULATOR_NUMBERS, "input_tokens": "x", "title": "A"}
    )
    assert response.status_code == 422
    assert html(response).select_one("#cost-input_tokens-error") is not None
    assert (
        client.post("/costs/draft", data={**CALCULATOR_NUMBERS, "draft": "nope"}).status_code == 404
    )
    assert count_assessments(app) == before


def test_a_draft_opens_the_calculator_with_its_numbers_and_takes_them_back(client, app):
    token = to_cost_step(client)
    assert client.post(f"/d/{token}/cost", data=cost_step_form()).status_code == 303
    step = html(client.get(f"/d/{token}/cost"))
    # A button of the step's form: the step is saved first, then the calculator opens for it.
    button = step.select_one("#cost-open-calculator")
    assert (button.name, button["name"], button["value"]) == ("button", "leave", "calculator")
    left = client.post(f"/d/{token}/cost", data={**cost_step_form(), "leave": "calculator"})
    assert left.status_code == 303
    link = left.headers["location"]
    assert parse_qs(urlsplit(link).query) == {"draft": [token]}
    # The calculator shows the draft's numbers, computed, with a stable link to them; change
    # one, carry them back.
    page = html(client.get(link))
    assert page.select_one("dd[data-figure='monthly_saving']").get_text() == "$23,670"
    assert page.select_one("#cost-from-draft") is not None
    params = parse_qs(urlsplit(page.select_one("#cost-permalink")["href"]).query)
    assert params["draft"] == [token]
    assert params["requests_per_day"] == ["100000"] and params["current.accuracy"] == ["97"]
    changed = {k: v[0] for k, v in params.items() if k != "draft"}
    changed["requests_per_day"] = "50000"
    page = html(client.get("/costs?" + urlencode({**changed, "draft": token, "calculate": "1"})))
    # 50,000 x 30 x (3,750 + 4,500 - 360) / 1e6 = $11,835 a month saved.
    assert page.select_one("dd[data-figure='monthly_saving']").get_text() == "$11,835"
    form = page.select_one("#cost-carry-form")
    data = {i["name"]: i.get("value", "") for i in form.select("input")}
    assert data["draft"] == token and "title" not in data
    response = client.post(form["action"], data=data)
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/d/{token}/cost#cost-numbers")
    assert stored(app, token).cost_inputs["requests_per_day"] == 50_000.0
    assert html(client.get(f"/d/{token}/cost")).select_one("#cost-requests_per_day")["value"] == (
        "50000"
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_markdown_export_under_another_verdict_says_why_the_saving_does_not_decide(client, lang):
    token, recommendation = created_with_costs(
        client, {**REFUND_BOT, "data_quality": "noisy"}, EXAMPLE
    )
    assert recommendation == "improve_data"
    markdown = client.get(f"/a/{token}/export.md?lang={lang}").text
    lines = markdown[markdown.index({"en": "## What it costs", "zh": "## 成本测算"}[lang]) :]
    lines = lines.splitlines()
    note = costs.verdict_note(
        "improve_data", costs.cost_facts(costs.compute(costs.parse_costs(EXAMPLE)[0]))
    )
    assert lines[2] == note.get(lang)
    assert lines[4].startswith({"en": "- $23,670 a month saved", "zh": "- 每月节省 $23,670"}[lang])


def test_a_saved_assessment_naming_a_retired_model_still_renders_it(client):
    retired = costs.price_table().get("deepseek/deepseek-chat")
    assert retired.retired_on(costs.price_table().date)  # deprecated 2026-07-24
    body = {**EXAMPLE, "current": {**EXAMPLE["current"], "model": retired.id}}
    token, _ = created_with_costs(client, REFUND_BOT, body)
    section = html(client.get(f"/a/{token}")).select_one("section#costs")
    # The card names it as retired, with its date, and projects no month of a bill it can't be.
    warning = section.select_one(f".cost-model-warning[data-model='{retired.id}']")
    assert (warning["data-kind"], warning["data-date"]) == ("retired", "2026-07-24")
    assert warning.get_text().startswith(f"{retired.model} was retired on 2026-07-24 (")
    assert section.select(".cost-table") == []
    assert section.select_one("dd[data-figure='monthly_saving']").get_text() == "$23,670"
    # The calculator opened from it keeps the model picked, marked as retired; a fresh one
    # does not offer it.
    link = section.find("a", href=lambda h: h and "/costs?" in h)["href"]
    option = html(client.get(link)).select_one(f"#cost-current-model option[value='{retired.id}']")
    assert option.has_attr("selected") and "(retired on July 24, 2026)" in option.get_text()
    fresh = html(client.get("/costs")).select_one("#cost-current-model")
    assert fresh.select_one(f"option[value='{retired.id}']") is None


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_picker_says_when_a_fine_tuned_model_can_no_longer_be_trained(client, lang):
    # OpenAI takes no new fine-tuning organisations (providers table) and its fine-tuned GPT-4.1
    # mini retires on 2027-01-14, within 90 days of any day the table can be read before it.
    day = costs.price_table().day()
    assert (date(2027, 1, 14) - day).days <= 90
    page = html(client.get(f"/costs?lang={lang}"))
    option = page.select_one("#cost-candidate-model option[value='openai/ft-gpt-4.1-mini']")
    expected = {
        "en": "(OpenAI takes no new fine-tuning customers; retires on January 14, 2027)",
        "zh": "(OpenAI 不再接受新的微调客户；将于 2027年1月14日 下线)",
    }[lang]
    assert option.get_text().endswith(expected)
    # Only OpenAI's two fine-tuned models still offered carry it (GPT-4.1 nano retired).
    closed = {"en": "takes no new fine-tuning customers", "zh": "不再接受新的微调客户"}[lang]
    noted = [
        o["value"] for o in page.select("#cost-candidate-model option") if closed in o.get_text()
    ]
    assert noted == ["openai/ft-gpt-4.1-mini", "openai/ft-gpt-4o-mini"]


def test_the_pickers_judge_retirements_on_the_app_s_clock(client, app):
    # Fine-tuned GPT-4.1 mini retires on 2027-01-14: offered that day, not the day after.
    for day, offered in ((date(2027, 1, 14), True), (date(2027, 1, 15), False)):
        app.state.today = lambda day=day: day
        page = html(client.get("/costs"))
        option = page.select_one("#cost-candidate-model option[value='openai/ft-gpt-4.1-mini']")
        assert (option is not None) == offered, day


# --- The cost step's one-time cost from the training plan (issue 20, point 4) ------------------


def cheapest_fitting_plan_cost(client, answers, costs=None) -> tuple[float, float]:
    """The truth, read off the plan API of the same answers finished: of every candidate on every
    GPU that fits, the range with the lowest high end."""
    body = {
        "title": "Same answers",
        "answers": {
            k: (int(v) if k == "baseline_accuracy" else v) for k, v in answers.items() if v != ""
        },
    }
    if costs:
        # The plan sizes its examples from the cost step's tokens a request.
        body["costs"] = costs
    created = client.post("/api/v1/assessments", json=body).json()
    plan = client.get(f"/api/v1/assessments/{created['id']}/plan").json()
    rows = [row for c in plan["candidates"] for row in c["compute"] if row["fits"]]
    best = min(rows, key=lambda row: row["cost_usd"]["high"])
    return best["cost_usd"]["low"], best["cost_usd"]["high"]


def to_review_with_numbers(client, **numbers) -> str:
    token = to_cost_step(client)
    page = html(client.get(f"/d/{token}/cost"))
    # Before every step is answered there is no verdict, so no plan to take the cost from.
    assert page.select_one("#cost-one-time-from-plan") is None
    assert client.post(f"/d/{token}/cost", data=cost_step_form(**numbers)).status_code == 303
    for step in ("knowledge", "data"):
        response = client.post(f"/d/{token}/{step}", data=step_answers(step, REFUND_BOT))
        assert response.status_code == 303
    return token


def test_cost_step_prefills_the_one_time_cost_from_the_plan_and_it_stays_editable(client, app):
    low, high = cheapest_fitting_plan_cost(client, REFUND_BOT, EXAMPLE)
    token = to_review_with_numbers(client, **{"one_time.kind": "none", "one_time_cost": ""})
    assert stored(app, token).cost_inputs.get("one_time_cost") is None
    page = html(client.get(f"/d/{token}/cost"))
    field = page.select_one("#cost-one_time_cost")
    assert field["value"] == str(math.ceil(high))
    assert page.select_one("input[name='costs.one_time.kind'][checked]")["value"] == "amount"
    note = page.select_one("#cost-one-time-from-plan")
    assert note["data-plan-state"] == "prefilled"
    text = " ".join(note.get_text().split())
    assert f"{usd(low)} to {usd(high)}" in text and "the high end" in text
    assert low > 0  # a run that costs a fraction of a cent is never shown as free
    # Saving the step keeps the plan's figure as the one-time cost; another figure replaces it.
    form = {f"costs.{k}": v for k, v in EXAMPLE_FORM.items()}
    form.update(
        {i["name"]: i.get("value", "") for i in page.select("#cost-numbers input[type=number]")}
    )
    form["costs.one_time.kind"] = "amount"
    answers = step_answers("cost", REFUND_BOT)
    post = {**answers, **form, "costs.present": "1", "nav": "next"}
    assert client.post(f"/d/{token}/cost", data=post).status_code == 303
    assert stored(app, token).cost_inputs["one_time_cost"] == math.ceil(high)
    post["costs.one_time_cost"] = "1234"
    assert client.post(f"/d/{token}/cost", data=post).status_code == 303
    assert stored(app, token).cost_inputs["one_time_cost"] == 1234.0
    page = html(client.get(f"/d/{token}/cost"))
    assert page.select_one("#cost-one_time_cost")["value"] == "1234"
    assert page.select_one("#cost-one-time-from-plan")["data-plan-state"] == "own"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cost_step_without_numbers_names_the_plan_cost_but_fills_nothing(client, lang):
    token = to_cost_step(client)
    assert client.post(f"/d/{token}/cost", data=step_answers("cost", REFUND_BOT)).status_code == 303
    for step in ("knowledge", "data"):
        client.post(f"/d/{token}/{step}", data=step_answers(step, REFUND_BOT))
    page = html(client.get(f"/d/{token}/cost?lang={lang}"))
    # Filling the amount alone would make every other number of the section required.
    assert page.select_one("#cost-one_time_cost")["value"] == ""
    note = page.select_one("#cost-one-time-from-plan")
    assert note["data-plan-state"] == "empty"
    assert ("训练计划" in note.get_text()) == (lang == "zh")
    # The candidate and GPU it is for, by name, in the brackets of the page's language.
    (named,) = re.findall(r" \([^()]+\)|（[^（）]+）", note.get_text())
    assert named.startswith("（" if lang == "zh" else " (")
    assert " · NVIDIA " in named and "-24gb" not in named and "-80gb" not in named
