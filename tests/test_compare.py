"""Compare: two finished assessments side by side, from the history's "pick two" or a link."""

from urllib.parse import urlsplit

from sqlalchemy import select

from app import decision
from app.models import Assessment
from tests.helpers import PRODUCT_SPECS, REFUND_BOT, finish, html, start
from tests.unit.test_decision_old_snapshots import FORMAT_1


def differing_rows(page) -> list[str]:
    """Questions of the rows marked different, each marked in words too (not by colour alone)."""
    rows = page.select("table.compare-answers tbody tr.differs")
    for row in rows:
        assert row.select_one(".diff-mark").get_text(strip=True) == "Differs"
    return [row["data-question"] for row in rows]


def stored_verdict(app, token: str) -> dict:
    with app.state.db.read() as session:
        return (
            session.scalars(select(Assessment).where(Assessment.share_token == token)).one().verdict
        )


def test_marks_exactly_the_answers_that_differ_and_shows_both_verdicts(client, app):
    a = finish(client, title="Refund agent", answers=REFUND_BOT)
    b = finish(client, title="Spec answers", team="Docs", answers=PRODUCT_SPECS)
    response = client.get(f"/compare/{a}/{b}")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    page = html(response)
    expected = [
        q.key
        for step in decision.STEPS
        for q in step.questions
        if (REFUND_BOT.get(q.key) or None) != (PRODUCT_SPECS.get(q.key) or None)
    ]
    assert differing_rows(page) == expected
    assert expected  # the two examples do differ
    all_rows = page.select("table.compare-answers tbody tr")
    assert len(all_rows) == len(decision.QUESTIONS)
    assert len([r for r in all_rows if not r.select(".diff-mark")]) == len(all_rows) - len(expected)
    cards = page.select(".compare-verdict")
    assert [c.select_one("h2 a").get_text(strip=True) for c in cards] == [
        "Refund agent",
        "Spec answers",
    ]
    assert (
        [c.select_one("[data-recommendation]")["data-recommendation"] for c in cards]
        == [
            stored_verdict(app, a)["recommendation"],
            stored_verdict(app, b)["recommendation"],
        ]
        == ["fine_tune", "rag"]
    )
    assert [c.select_one("[data-confidence]")["data-confidence"] for c in cards] == [
        stored_verdict(app, a)["confidence"],
        stored_verdict(app, b)["confidence"],
    ]
    assert (
        page.select_one(".compare-outcome")
        .get_text(" ", strip=True)
        .startswith("The two verdicts recommend different approaches.")
    )


def test_reasons_in_one_verdict_and_not_the_other(client, app):
    a = finish(client, title="Refund agent", answers=REFUND_BOT)
    b = finish(client, title="Spec answers", answers=PRODUCT_SPECS)
    rules_a = [r["rule"] for r in stored_verdict(app, a)["reasons"]]
    rules_b = [r["rule"] for r in stored_verdict(app, b)["reasons"]]
    page = html(client.get(f"/compare/{a}/{b}"))
    assert [li["data-rule"] for li in page.select("#only-a li")] == [
        r for r in rules_a if r not in rules_b
    ]
    assert [li["data-rule"] for li in page.select("#only-b li")] == [
        r for r in rules_b if r not in rules_a
    ]
    assert page.select("#only-a li") and page.select("#only-b li")


def test_same_answers_differ_nowhere(client):
    a = finish(client, title="First", answers=REFUND_BOT)
    b = finish(client, title="Second", answers=REFUND_BOT)
    page = html(client.get(f"/compare/{a}/{b}"))
    assert differing_rows(page) == []
    assert page.select_one("#reasons-differ + p").get_text(strip=True) == (
        "Both verdicts give the same reasons."
    )
    assert "0 answers differ." in page.select_one(".compare-outcome").get_text(" ", strip=True)


def test_a_first_wave_verdict_compares(client, app):
    a = finish(client, title="Old one", answers=REFUND_BOT)
    b = finish(client, title="New one", answers=PRODUCT_SPECS)
    with app.state.db.write() as session:
        row = session.scalars(select(Assessment).where(Assessment.share_token == a)).one()
        row.verdict = FORMAT_1
    response = client.get(f"/compare/{a}/{b}")
    assert response.status_code == 200
    page = html(response)
    assert [li["data-rule"] for li in page.select("#only-a li")] == ["critical-accuracy-last-mile"]
    assert page.select_one("#only-a li p").get_text(strip=True) == "Last mile."


def test_in_chinese(client):
    a = finish(client, title="甲", answers=REFUND_BOT)
    b = finish(client, title="乙", answers=PRODUCT_SPECS)
    page = html(client.get(f"/compare/{a}/{b}", headers={"Accept-Language": "zh-CN"}))
    assert page.select_one("h1").get_text(strip=True) == "对比评估"
    assert {m.get_text(strip=True) for m in page.select(".diff-mark")} == {"不同"}


def test_unknown_malformed_or_draft_tokens_are_404(client):
    a = finish(client)
    draft = start(client, title="Not finished")
    for other in ("x" * 43, "not a token!", draft):
        response = client.get(f"/compare/{a}/{other}")
        assert response.status_code == 404, other
        assert html(response).select_one("h1").get_text(strip=True) == "Page not found"
        assert client.get(f"/compare/{other}/{a}").status_code == 404
        # Old links: a token-shaped one is redirected (then 404s), any other is 404 at once.
        old = client.get("/compare", params={"a": a, "b": other})
        assert old.status_code == (303 if other == "x" * 43 or other == draft else 404)


def test_the_same_assessment_twice_is_a_clear_422(client):
    a = finish(client)
    response = client.get(f"/compare/{a}/{a}")
    assert response.status_code == 422
    assert html(response).select_one("[role=alert] strong").get_text(strip=True) == (
        "That is the same assessment twice: pick two different ones to compare."
    )


def test_picking_two_in_the_history_opens_the_comparison(client):
    a = finish(client, title="First")
    b = finish(client, title="Second", answers=PRODUCT_SPECS)
    history = html(client.get("/assessments"))
    form = history.select_one("form.compare-pick")
    # Posted, so that the share tokens stay out of query strings (logs, browser history).
    assert form["method"] == "post" and urlsplit(form["action"]).path == "/compare"
    boxes = form.select("input[type=checkbox][name=pick]")
    assert [box["value"] for box in boxes] == [b, a]
    assert [box["aria-label"] for box in boxes] == ["Compare: Second", "Compare: First"]
    # The search form is still its own form, to the history.
    search = history.select_one("form.history-search")
    assert urlsplit(search["action"]).path == "/assessments" and search.select_one("input[name=q]")
    response = client.post("/compare", data={"pick": [b, a]})
    assert response.status_code == 303
    assert response.headers["location"] == f"/compare/{b}/{a}"
    assert client.get(response.headers["location"]).status_code == 200


def test_old_compare_links_are_redirected_to_the_path_form(client):
    a = finish(client, title="First")
    b = finish(client, title="Second", answers=PRODUCT_SPECS)
    for params in ({"a": a, "b": b}, [("pick", a), ("pick", b)]):
        response = client.get("/compare", params=params)
        assert response.status_code == 303
        assert response.headers["location"] == f"/compare/{a}/{b}"
        assert response.headers["cache-control"] == "no-store"


def test_picking_other_than_two_is_a_clear_422(client):
    tokens = [finish(client, title=f"T{n}") for n in range(3)]
    for picked in ([tokens[0]], tokens):
        for response in (
            client.post("/compare", data={"pick": picked}),
            client.get("/compare", params=[("pick", t) for t in picked]),
        ):
            assert response.status_code == 422
            assert html(response).select_one("[role=alert] strong").get_text(strip=True) == (
                f"Pick exactly two assessments to compare (you picked {len(picked)})."
            )
    assert client.post("/compare").status_code == 422
    response = client.get("/compare")
    assert response.status_code == 422
    assert urlsplit(html(response).select_one("[role=alert] a")["href"]).path == "/assessments"
    assert client.get("/compare", params={"a": tokens[0]}).status_code == 422


def test_route_name_for_links_from_elsewhere(app):
    assert app.url_path_for("show_compare") == "/compare"
    assert app.url_path_for("show_comparison", a="x", b="y") == "/compare/x/y"
