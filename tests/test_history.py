"""The history: finished assessments only, newest first, searchable, filterable, paged by cursor."""

import pytest

from app import assessments, decision
from tests.helpers import PRODUCT_SPECS, REFUND_BOT, finish, html, start, vary


def titles(response) -> list[str]:
    return [el.get_text(strip=True) for el in html(response).select(".assessment-list .row-title")]


def counts(response) -> dict[str, int]:
    result = {}
    for link in html(response).select(".counts a"):
        result[link.get_text(" ", strip=True).rsplit(" ", 1)[0]] = int(
            link.select_one(".count").get_text()
        )
    return result


def test_empty_state(client):
    page = html(client.get("/assessments"))
    assert page.select_one(".assessment-list") is None
    assert page.select_one(".empty a[href$='/new']") is not None


@pytest.mark.storage
def test_lists_finished_newest_first_and_not_drafts(client):
    finish(client, title="First")
    finish(client, title="Second", answers=PRODUCT_SPECS)
    start(client, title="Just a draft")
    response = client.get("/assessments")
    assert titles(response) == ["Second", "First"]
    tally = counts(response)
    assert tally["All"] == 2
    assert tally[decision.APPROACHES["rag"].label.en] == 1
    assert tally[decision.APPROACHES["fine_tune"].label.en] == 1
    assert tally[decision.APPROACHES["improve_data"].label.en] == 0


@pytest.mark.storage
def test_search_by_title_or_team_case_insensitively(client):
    finish(client, title="Refund agent", team="Support")
    finish(client, title="Spec answers", team="Product docs", answers=PRODUCT_SPECS)
    finish(client, title="100% literal_match", team="x")
    assert titles(client.get("/assessments", params={"q": "REFUND"})) == ["Refund agent"]
    assert titles(client.get("/assessments", params={"q": "docs"})) == ["Spec answers"]
    assert titles(client.get("/assessments", params={"q": "0%"})) == ["100% literal_match"]
    assert titles(client.get("/assessments", params={"q": "l_m"})) == ["100% literal_match"]
    assert titles(client.get("/assessments", params={"q": "e_a"})) == []  # "_" is not a wildcard
    empty = html(client.get("/assessments", params={"q": "nothing like it"}))
    assert empty.select_one(".empty strong").get_text() == "Nothing matches."


@pytest.mark.storage
def test_filter_by_recommendation(client):
    finish(client, title="A")
    finish(client, title="B", answers=PRODUCT_SPECS)
    assert titles(client.get("/assessments", params={"recommendation": "rag"})) == ["B"]
    assert titles(client.get("/assessments", params={"recommendation": "fine_tune"})) == ["A"]
    # An unknown filter is ignored rather than an error.
    assert titles(client.get("/assessments", params={"recommendation": "magic"})) == ["B", "A"]


@pytest.mark.storage
def test_keyset_pagination(client, app):
    for n in range(25):
        assessments.create_finished(
            app.state.db, {"title": f"Run {n:02d}"}, decision.validate_answers(REFUND_BOT)[0]
        )
    first = client.get("/assessments")
    assert titles(first) == [f"Run {n:02d}" for n in range(24, 4, -1)]
    older = html(first).select_one("a[rel=next]")["href"]
    second = client.get(older)
    assert titles(second) == [f"Run {n:02d}" for n in range(4, -1, -1)]
    assert html(second).select_one("a[rel=next]") is None


def test_bad_cursor_is_400(client):
    assert client.get("/assessments", params={"cursor": "not-a-cursor"}).status_code == 400


def test_results_as_htmx_fragment(client):
    finish(client, title="Refund agent")
    response = client.get("/assessments", params={"q": "refund"}, headers={"HX-Request": "true"})
    page = html(response)
    assert page.select_one("html") is None
    assert page.select_one("form.history-search") is None
    assert [el.get_text(strip=True) for el in page.select(".row-title")] == ["Refund agent"]
    assert vary(response) >= {"hx-request", "accept-language", "cookie"}


def test_search_form_works_without_javascript(client):
    form = html(client.get("/assessments")).select_one("form.history-search")
    assert (form["method"], form["action"]) == ("get", "http://testserver/assessments")
    assert form.select_one("input[name=q]") is not None
    assert form.select_one("select[name=recommendation]") is not None
    assert form.select_one("button[type=submit]") is not None
    assert "delay:300ms" in form["data-hx-trigger"]
