"""Insights: counts by recommendation and confidence, by month and by team, under the history's
filters; the HTML tables and the JSON carry the same numbers, counted by the database."""

from datetime import UTC, datetime

import pytest

from app import decision, insights
from app.history import FinishedItem, bulk_create_finished
from tests.helpers import PRODUCT_SPECS, REFUND_BOT, html

FINE_TUNE = decision.validate_answers(REFUND_BOT)[0]
RAG = decision.validate_answers(PRODUCT_SPECS)[0]
FINE_TUNE_CONFIDENCE = decision.evaluate(FINE_TUNE).confidence
RAG_CONFIDENCE = decision.evaluate(RAG).confidence


def at(year: int, month: int, day: int = 15) -> datetime:
    return datetime(year, month, day, 12, tzinfo=UTC)


# January: two fine-tunes for Support, one RAG for Docs; none in February; March: a RAG with no
# team (its last second), and a December one of the year before, to cross a year.
KNOWN = [
    FinishedItem("Refund agent", FINE_TUNE, team="Support", finished_at=at(2026, 1, 3)),
    FinishedItem("Refund agent v2", FINE_TUNE, team="Support", finished_at=at(2026, 1, 31)),
    FinishedItem("Spec answers", RAG, team="Docs", finished_at=at(2026, 1, 20)),
    FinishedItem("Loose spec bot", RAG, finished_at=datetime(2026, 3, 31, 23, 59, 59, tzinfo=UTC)),
    FinishedItem("Old refunds", FINE_TUNE, team="Support", finished_at=at(2025, 12, 1)),
]


@pytest.fixture
def seeded(app):
    bulk_create_finished(app.state.db, KNOWN)
    return app


def tally(recommendations: dict[str, int], confidences: dict[str, int]) -> dict:
    recs = {key: 0 for key in decision.APPROACHES} | recommendations
    confs = {key: 0 for key in insights.CONFIDENCES}
    for key, n in confidences.items():
        confs[key] += n
    return {"total": sum(recs.values()), "recommendations": recs, "confidences": confs}


def counts(ft: int, rag: int) -> dict:
    confidences = {key: 0 for key in insights.CONFIDENCES}
    confidences[FINE_TUNE_CONFIDENCE] += ft
    confidences[RAG_CONFIDENCE] += rag
    return tally({"fine_tune": ft, "rag": rag}, confidences)


def table(page, chart: str) -> dict[str, dict[str, int]]:
    """A chart's data table: row key -> {series: number}."""
    element = page.select_one(f"table[data-chart={chart}]")
    series = [th["data-series"] for th in element.select("thead th[data-series]")]
    return {
        row["data-key"]: {
            key: int(cell.get_text(strip=True).replace(",", ""))
            for key, cell in zip(series, row.select("td"), strict=True)
        }
        for row in element.select("tbody tr")
    }


@pytest.mark.storage
def test_json_counts_by_month_team_recommendation_and_confidence(client, seeded):
    response = client.get("/api/v1/insights")
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("total", "recommendations", "confidences")} == counts(3, 2)
    assert body["months"] == [
        {"month": "2025-12", **counts(1, 0)},
        {"month": "2026-01", **counts(2, 1)},
        {"month": "2026-02", **counts(0, 0)},
        {"month": "2026-03", **counts(0, 1)},
    ]
    assert body["teams"] == [
        {"team": "Support", **counts(3, 0)},
        {"team": "", **counts(0, 1)},
        {"team": "Docs", **counts(0, 1)},
    ]
    assert body["other_teams"] == {"teams": 0, **counts(0, 0)}


def test_html_tables_carry_the_same_numbers(client, seeded):
    page = html(client.get("/insights"))
    assert page.select_one(".insights-total")["data-total"] == "5"
    assert table(page, "recommendation") == {
        key: {"total": {"fine_tune": 3, "rag": 2}.get(key, 0)} for key in decision.APPROACHES
    }
    confidence = {key: {"total": 0} for key in insights.CONFIDENCES}
    confidence[FINE_TUNE_CONFIDENCE]["total"] += 3
    confidence[RAG_CONFIDENCE]["total"] += 2
    assert table(page, "confidence") == confidence

    def row(ft: int, rag: int) -> dict[str, int]:
        return {key: 0 for key in decision.APPROACHES} | {
            "fine_tune": ft,
            "rag": rag,
            "total": ft + rag,
        }

    assert table(page, "month") == {
        "2025-12-01": row(1, 0),
        "2026-01-01": row(2, 1),
        "2026-02-01": row(0, 0),
        "2026-03-01": row(0, 1),
    }
    assert table(page, "team") == {"Support": row(3, 0), "": row(0, 1), "Docs": row(0, 1)}
    month_confidence = table(page, "month-confidence")
    assert month_confidence["2026-01-01"][FINE_TUNE_CONFIDENCE] >= 2
    assert sum(month_confidence["2026-01-01"][k] for k in insights.CONFIDENCES) == 3
    labels = [th.get_text(strip=True) for th in page.select("table[data-chart=month] tbody th")]
    assert labels == ["Dec 2025", "Jan 2026", "Feb 2026", "Mar 2026"]
    teams = [th.get_text(strip=True) for th in page.select("table[data-chart=team] tbody th")]
    assert teams == ["Support", "No team given", "Docs"]
    # Each table belongs to an SVG chart labelled by the same caption.
    for figure in page.select("figure.insight-chart"):
        svg = figure.select_one("svg.bars")
        caption = figure.select_one("figcaption")
        assert svg["role"] == "img" and svg["aria-labelledby"] == caption["id"]
        assert figure.select_one("table caption").get_text() == caption.get_text()
    month_bars = page.select("figure:has(table[data-chart=month]) svg.bars .bar-total")
    assert [t.get_text() for t in month_bars] == ["1", "3", "0", "1"]


@pytest.mark.storage
def test_filters_by_recommendation_and_search(client, seeded):
    body = client.get("/api/v1/insights", params={"recommendation": "rag"}).json()
    assert body["total"] == 2 and body["recommendations"]["rag"] == 2
    assert [m["month"] for m in body["months"]] == ["2026-01", "2026-02", "2026-03"]
    body = client.get("/api/v1/insights", params={"q": "SUPPORT"}).json()
    assert body["total"] == 3 and [t["team"] for t in body["teams"]] == ["Support"]
    body = client.get("/api/v1/insights", params={"q": "spec"}).json()
    assert body["total"] == 2 and body["recommendations"]["rag"] == 2
    body = client.get("/api/v1/insights", params={"q": "refund", "recommendation": "rag"}).json()
    assert body["total"] == 0 and body["months"] == [] and body["teams"] == []
    page = html(client.get("/insights", params={"q": "spec", "recommendation": "rag"}))
    assert page.select_one(".insights-total")["data-total"] == "2"
    assert page.select_one("#insights-recommendation option[selected]")["value"] == "rag"
    assert page.select_one("#insights-q")["value"] == "spec"
    json_link = page.select_one(".page-head a")["href"]
    assert json_link.endswith("/api/v1/insights?q=spec&recommendation=rag")
    # An unknown value is ignored by the page, as the history does, and refused by the API.
    page = html(client.get("/insights", params={"recommendation": "magic"}))
    assert page.select_one(".insights-total")["data-total"] == "5"
    response = client.get("/api/v1/insights", params={"recommendation": "magic"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "recommendation"


@pytest.mark.storage
def test_a_short_search_uses_the_history_window(client, seeded):
    # Two characters: no trigram, so the history's short-search path (the newest rows) serves it.
    body = client.get("/api/v1/insights", params={"q": "v2"}).json()
    assert body["total"] == 1 and body["months"] == [{"month": "2026-01", **counts(1, 0)}]


@pytest.mark.storage
def test_teams_past_the_limit_are_counted_together(client, seeded, monkeypatch):
    monkeypatch.setattr(insights, "TEAM_LIMIT", 1)
    body = client.get("/api/v1/insights").json()
    assert [t["team"] for t in body["teams"]] == ["Support"]
    assert body["other_teams"] == {"teams": 2, **counts(0, 2)}
    page = html(client.get("/insights"))
    assert page.select_one("[data-other-teams]")["data-other-teams"] == "2"


def test_empty_states(client):
    page = html(client.get("/insights"))
    assert page.select("table") == [] and page.select("svg.bars") == []
    assert page.select_one(".empty strong").get_text() == "No finished assessments yet."
    body = client.get("/api/v1/insights").json()
    assert body == {
        "months": [],
        "teams": [],
        "other_teams": {"teams": 0, **counts(0, 0)},
        **counts(0, 0),
    }


@pytest.mark.storage
def test_nothing_matches(client, seeded):
    page = html(client.get("/insights", params={"q": "nothing like it"}))
    assert page.select("table") == []
    assert page.select_one(".empty strong").get_text() == "Nothing matches."


def test_a_search_without_letters_or_digits_is_422(client, seeded):
    response = client.get("/insights", params={"q": "!!!"})
    assert response.status_code == 422
    assert html(response).select_one("[role=alert]").get_text(strip=True) == (
        "Search for a word: a search needs at least one letter or digit."
    )
    response = client.get("/api/v1/insights", params={"q": "!!!"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["code"] == "unsearchable"
    assert client.get("/api/v1/insights", params={"q": "x" * 201}).status_code == 422


def test_in_chinese(client, seeded):
    page = html(client.get("/insights", headers={"Accept-Language": "zh-CN"}))
    assert page.select_one("h1").get_text(strip=True) == "统计洞察"
    labels = [th.get_text(strip=True) for th in page.select("table[data-chart=month] tbody th")]
    assert labels == ["2025年12月", "2026年1月", "2026年2月", "2026年3月"]


def test_linked_from_the_nav_and_documented(client):
    nav = html(client.get("/")).select("header nav a")
    assert "/insights" in [a["href"].split("testserver")[-1] for a in nav]
    document = client.get("/openapi.json").json()
    operation = document["paths"]["/api/v1/insights"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"q", *insights.FILTERS}
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/InsightsOut"}
    assert set(document["components"]["schemas"]["InsightsOut"]["properties"]) == {
        "total",
        "recommendations",
        "confidences",
        "months",
        "teams",
        "other_teams",
    }
