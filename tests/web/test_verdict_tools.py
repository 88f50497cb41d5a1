"""What a verdict page offers besides itself (issue 22): "what if" one answer were different,
nothing saved until asked; a revision with that answer; and the PDF export, in both languages."""

import io
import re
import subprocess

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app import decision
from app.assessments import get
from app.models import Assessment
from app.web.i18n import translate
from tests.helpers import REFUND_BOT, finish, html


def count(app) -> int:
    with app.state.db.read() as session:
        return session.scalar(select(func.count()).select_from(Assessment))


def judged(answers: dict) -> dict:
    valid, errors = decision.validate_answers(answers)
    assert errors == []
    return decision.localize(decision.evaluate(valid, decision.Evidence()).to_snapshot(), "en")


def test_what_if_judges_the_changed_answer_beside_the_verdict_and_stores_nothing(client, app):
    token = finish(client)
    before = count(app)
    response = client.get(
        f"/a/{token}/what-if", params={"q": "knowledge_source", "v": "private_changing"}
    )
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    page = html(response)
    now, then = page.select(".compare-grid .what-if-side")
    # The other side is the engine's own verdict for the answers with that one changed.
    expected = judged({**REFUND_BOT, "knowledge_source": "private_changing"})
    current = judged(REFUND_BOT)
    assert now.select_one(".verdict-recommendation").get_text() == (
        decision.APPROACHES[current["recommendation"]].label.en
    )
    assert then.select_one(".verdict-recommendation").get_text() == (
        decision.APPROACHES[expected["recommendation"]].label.en
    )
    assert [li.get_text() for li in then.select("ol")[0].select("li")] == [
        r["text"] for r in expected["reasons"][:3]
    ]
    assert [li.get_text() for li in then.select("ol")[1].select("li")] == expected["next_steps"][:2]
    assert page.select_one("form.what-if-save input[name=q]")["value"] == "knowledge_source"
    assert page.select_one("form.what-if-save input[name=v]")["value"] == "private_changing"
    assert count(app) == before
    assert get(app.state.db, token).answers["knowledge_source"] == "general"


def test_what_if_with_htmx_answers_with_the_form_and_the_result_as_without(client):
    """htmx swaps the form and its result: a question chosen brings its answers, as a page load
    does. The fragment is the page's own #what-if, the same markup without its frame."""
    token = finish(client)
    url = f"/a/{token}/what-if?q=failure_mode"
    fragment = html(client.get(url, headers={"HX-Request": "true"}))
    page = html(client.get(url)).select_one("#what-if")
    assert fragment.select_one("header") is None
    assert [i["value"] for i in fragment.select("form.what-if-form input[name=v]")] == [
        o.key for o in decision.QUESTIONS["failure_mode"].options
    ]
    assert fragment.select_one("form.what-if-form")["data-hx-target"] == "#what-if"
    assert str(fragment.select_one("form.what-if-form")) == str(page.select_one("form"))
    response = client.get(f"{url}&v=reasoning&shown=failure_mode", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert len(html(response).select(".compare-grid .what-if-side")) == 2
    assert response.headers["hx-push-url"].endswith(
        "/what-if?q=failure_mode&v=reasoning&shown=failure_mode"
    )


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_what_if_with_another_question_chosen_shows_its_answers_not_an_error(client, htmx):
    """The answer sent belongs to the question shown before: the new question's answers are
    offered, none chosen, and nothing is compared."""
    token = finish(client)
    response = client.get(
        f"/a/{token}/what-if",
        params={"q": "task_type", "v": "private_changing", "shown": "knowledge_source"},
        headers={"HX-Request": "true"} if htmx else {},
    )
    assert response.status_code == 200
    page = html(response)
    assert page.select_one("#what-if-error") is None
    assert [i["value"] for i in page.select("input[name=v]")] == [
        o.key for o in decision.QUESTIONS["task_type"].options
    ]
    assert page.select("input[name=v][checked]") == []
    assert page.select_one("input[name=shown]")["value"] == "task_type"
    assert page.select(".compare-grid") == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"q": "no_such_question", "v": "x"}, "Choose one of the questions."),
        ({"q": "baseline_accuracy", "v": "90"}, "Choose one of the questions."),
        ({"q": "failure_mode", "v": "nonsense"}, "Choose one of this question's answers."),
        (
            {"q": "knowledge_source", "v": "general"},
            "That is the answer already given: choose another one to compare.",
        ),
    ],
)
def test_what_if_refuses_bad_input_with_a_422_and_a_message(client, app, query, message):
    token = finish(client)
    before = count(app)
    response = client.get(f"/a/{token}/what-if", params=query)
    assert response.status_code == 422
    assert html(response).select_one("#what-if-error").get_text() == message
    assert count(app) == before


def test_what_if_of_an_unknown_link_is_a_404(client):
    assert client.get("/a/" + "x" * 43 + "/what-if").status_code == 404


def test_what_if_only_the_question_shows_its_answers_to_choose(client):
    token = finish(client)
    page = html(client.get(f"/a/{token}/what-if?q=volume"))
    assert [i["value"] for i in page.select("input[name=v]")] == ["low", "medium", "high"]
    assert page.select(".compare-grid") == []


def test_saving_a_what_if_makes_a_revision_with_that_answer(client, app):
    token = finish(client)
    response = client.post(f"/a/{token}/revise", data={"q": "example_count", "v": "none"})
    assert response.status_code == 303
    draft = response.headers["location"].split("/")[-2]
    answers = get(app.state.db, draft).answers
    assert answers["example_count"] == "none"
    # What no longer applies is cleared, as the wizard would.
    assert [answers[k] for k in ("data_quality", "data_diversity", "edge_cases")] == [None] * 3
    assert get(app.state.db, token).answers == {
        **get(app.state.db, token).answers,
        "example_count": REFUND_BOT["example_count"],
    }
    # A forged change is ignored: the copy keeps the original answers.
    response = client.post(f"/a/{token}/revise", data={"q": "volume", "v": "enormous"})
    copy = response.headers["location"].split("/")[-2]
    assert get(app.state.db, copy).answers == get(app.state.db, token).answers


def pdf_text(content: bytes) -> str:
    """The text as poppler's pdftotext reads it (pypdf misreads two-byte codes past 255)."""
    assert PdfReader(io.BytesIO(content)).pages  # it opens
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode()


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pdf_export_has_the_answer_and_the_reasons(client, app, lang):
    token = finish(client)
    response = client.get(f"/a/{token}/export.pdf?lang={lang}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="refund-agent.pdf"'
    )
    assert response.content.startswith(b"%PDF-")
    text = squeeze(pdf_text(response.content))
    verdict = decision.localize(get(app.state.db, token).verdict, lang)
    assert squeeze(decision.APPROACHES[verdict["recommendation"]].label.get(lang)) in text
    # Every reason and next step, in order (compared on their first 16 characters).
    at = 0
    for item in [r["text"] for r in verdict["reasons"]] + verdict["next_steps"]:
        at = text.index(squeeze(item)[:16], at)
    assert squeeze(verdict["summary"])[:40] in text
    for heading in ("Why", "Next steps", "What would change the verdict", "Answers"):
        assert squeeze(translate(lang, heading)) in text
    if lang == "zh":
        assert "微调模型" in text and "Fine-tune" not in text


def test_pdf_of_an_unknown_link_is_a_404(client):
    assert client.get("/a/" + "x" * 43 + "/export.pdf").status_code == 404
