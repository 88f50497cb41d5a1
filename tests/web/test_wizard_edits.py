"""Issue 14: no edit is lost, back to review in one click, questions that cannot apply are not
asked. Forms are submitted as a browser without JavaScript would: the controls the page has
(none from a disabled fieldset), the button pressed, and what the person changed."""

import pytest
from bs4 import BeautifulSoup

from app import decision
from app.assessments import get
from app.settings import ROOT
from app.web import i18n
from tests.helpers import REFUND_BOT, answer_all, html, start, step_answers

HTMX = {"HX-Request": "true"}
FORM = "wizard-form"
NO_EXAMPLES = {**REFUND_BOT, "example_count": "none"}
for _key in ("data_quality", "data_diversity", "edge_cases"):
    del NO_EXAMPLES[_key]


def form_fields(page: BeautifulSoup) -> list[tuple[str, str]]:
    """The controls a browser sends, less buttons: none that is disabled or in a disabled fieldset."""
    form = page.select_one(f"form#{FORM}")
    fields = []
    for control in form.select("input, textarea"):
        if control.has_attr("disabled") or any(
            f.has_attr("disabled") for f in control.find_parents("fieldset")
        ):
            continue
        kind = control.get("type", "text")
        if kind == "radio" and not control.has_attr("checked"):
            continue
        value = control.get_text() if control.name == "textarea" else control.get("value", "")
        fields.append((control["name"], value))
    return fields


def press(client, url: str, button: tuple[str, str], changes: dict[str, str] | None = None, **kw):
    """GET the page, change some answers, press one of its buttons (in the form, or tied to it
    by form=): the POST a browser without JavaScript makes."""
    page = html(client.get(url))
    name, value = button
    pressed = [
        b
        for b in page.select(f'button[name="{name}"][value="{value}"]')
        if b.get("form") == FORM or b.find_parent("form", id=FORM)
    ]
    assert pressed, f"no button {button} submits the form on {url}"
    changes = changes or {}
    fields = [(k, v) for k, v in form_fields(page) if k not in changes]
    fields += list(changes.items()) + [button]
    action = page.select_one(f"form#{FORM}")["action"]
    return client.post(action, content=_encode(fields), headers={**_FORM_TYPE, **kw})


_FORM_TYPE = {"Content-Type": "application/x-www-form-urlencoded"}


def _encode(fields: list[tuple[str, str]]) -> str:
    from urllib.parse import urlencode

    return urlencode(fields)


def location(response) -> str:
    assert response.status_code == 303, response.text
    return response.headers["location"].split("://", 1)[-1].split("/", 1)[-1].join(["/", ""])


def reach_review(client, answers=REFUND_BOT) -> str:
    token = start(client)
    answer_all(client, token, answers)
    return token


# --- Leaving a step saves it -----------------------------------------------------------------


def test_progress_bar_pages_are_buttons_that_submit_the_step(client):
    token = start(client)
    answer_all_until = step_answers("task", REFUND_BOT)
    client.post(f"/d/{token}/task", data=answer_all_until)
    page = html(client.get(f"/d/{token}/accuracy"))
    buttons = page.select("nav.progress button")
    assert [(b["name"], b["value"], b["form"]) for b in buttons] == [
        ("goto", "details", FORM),
        ("goto", "task", FORM),
    ]
    assert page.select("nav.progress a") == []
    # Enter in a field must not go to another page: the form's first button goes on.
    first = next(b for b in page.select("button[type=submit]") if b.get("form") == FORM)
    assert (first["name"], first["value"], first["id"]) == ("nav", "next", "default-submit")
    assert [(b["name"], b["value"], b["form"]) for b in page.select(".lang-switch button")] == [
        ("switch_lang", "zh", FORM)
    ]


def test_progress_bar_submit_saves_the_change_and_goes_there(client, app):
    token = reach_review(client)
    response = press(
        client, f"/d/{token}/accuracy", ("goto", "cost"), {"accuracy_target": "best_effort"}
    )
    assert location(response) == f"/d/{token}/cost"
    assert get(app.state.db, token).answers["accuracy_target"] == "best_effort"
    page = html(client.get(f"/d/{token}/accuracy"))
    assert page.select_one("input[name=accuracy_target][checked]")["value"] == "best_effort"


def test_progress_bar_to_review_with_htmx_saves_and_answers_with_the_review_panel(client, app):
    token = reach_review(client)
    data = {**step_answers("task", REFUND_BOT), "task_type": "extraction", "goto": "review"}
    response = client.post(f"/d/{token}/task", data=data, headers=HTMX, follow_redirects=True)
    assert response.status_code == 200
    assert response.headers["HX-Push-Url"].endswith(f"/d/{token}/review")
    assert html(response).select_one("h1").get_text(strip=True) == "Review your answers"
    assert get(app.state.db, token).answers["task_type"] == "extraction"


def test_invalid_answer_is_kept_as_typed_and_shown_with_its_error_on_return(client, app):
    token = reach_review(client)
    response = press(
        client,
        f"/d/{token}/accuracy",
        ("goto", "task"),
        {"baseline_accuracy": "140", "accuracy_target": "high"},
    )
    assert location(response) == f"/d/{token}/task"
    draft = get(app.state.db, token)
    assert draft.answers["accuracy_target"] == "high"  # the valid change is kept
    assert draft.answers["baseline_accuracy"] == 95  # the stored answer is not overwritten
    assert draft.typed_answers == {"baseline_accuracy": "140"}
    back = client.get(f"/d/{token}/accuracy")
    assert back.status_code == 200
    page = html(back)
    assert page.select_one("#input-baseline_accuracy")["value"] == "140"
    assert page.select_one("#input-baseline_accuracy")["aria-invalid"] == "true"
    assert [a["href"] for a in page.select(".error-summary a")] == ["#input-baseline_accuracy"]
    # The review shows what was typed, and finishing waits until it is fixed.
    review = html(client.get(f"/d/{token}/review"))
    assert [a["href"] for a in review.select(".error-summary a")] == [
        f"http://testserver/d/{token}/accuracy#input-baseline_accuracy"
    ]
    assert review.select_one("dd.missing").get_text(strip=True) == "140"
    assert client.post(f"/d/{token}/finish").status_code == 422
    # Fixed and saved, the typed text is gone.
    response = press(client, f"/d/{token}/accuracy", ("nav", "review"), {"baseline_accuracy": "90"})
    assert location(response) == f"/d/{token}/review"
    draft = get(app.state.db, token)
    assert (draft.answers["baseline_accuracy"], draft.typed_answers) == (90, None)


def test_back_keeps_an_invalid_number_as_typed(client, app):
    token = start(client)
    client.post(f"/d/{token}/task", data=step_answers("task", REFUND_BOT))
    response = press(client, f"/d/{token}/accuracy", ("nav", "back"), {"baseline_accuracy": "abc"})
    assert location(response) == f"/d/{token}/task"
    assert get(app.state.db, token).typed_answers == {"baseline_accuracy": "abc"}
    page = html(client.get(f"/d/{token}/accuracy"))
    assert page.select_one("#input-baseline_accuracy")["value"] == "abc"
    assert page.select_one("#error-baseline_accuracy").get_text(" ", strip=True) == (
        "Error: Enter a whole number from 0 to 100, or leave it empty."
    )


def test_language_switch_saves_the_step_then_shows_it_in_the_other_language(client, app):
    token = reach_review(client)
    response = press(
        client, f"/d/{token}/knowledge", ("switch_lang", "zh"), {"needs_citations": "yes"}
    )
    assert location(response) == f"/d/{token}/knowledge"
    assert response.cookies["lang"] == "zh"
    assert get(app.state.db, token).answers["needs_citations"] == "yes"
    page = html(client.get(f"/d/{token}/knowledge"))
    assert page.select_one("html")["lang"] == "zh-Hans"
    assert page.select_one("input[name=needs_citations][checked]")["value"] == "yes"


def test_language_switch_with_htmx_loads_the_whole_page(client, app):
    token = reach_review(client)
    data = {**step_answers("knowledge", REFUND_BOT), "domain_language": "specialized"}
    response = client.post(
        f"/d/{token}/knowledge", data={**data, "switch_lang": "zh"}, headers=HTMX
    )
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].endswith(f"/d/{token}/knowledge")
    assert response.cookies["lang"] == "zh"
    assert get(app.state.db, token).answers["domain_language"] == "specialized"


def test_details_left_with_an_empty_title_keep_it_as_typed(client, app):
    token = reach_review(client)
    response = press(
        client, f"/d/{token}/details", ("goto", "task"), {"title": "", "team": "Billing"}
    )
    assert location(response) == f"/d/{token}/task"
    draft = get(app.state.db, token)
    assert (draft.title, draft.team, draft.typed_answers) == (
        "Refund agent",
        "Billing",
        {"title": ""},
    )
    page = html(client.get(f"/d/{token}/details"))
    assert page.select_one("#field-title")["value"] == ""
    assert page.select_one("#field-title")["aria-invalid"] == "true"
    assert page.select_one("#field-team")["value"] == "Billing"


# --- Back to review ----------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["task", "cost", "data", "details"])
def test_after_the_review_the_main_button_saves_and_returns_to_it(client, page):
    token = reach_review(client)
    step = html(client.get(f"/d/{token}/{page}"))
    main = step.select_one(".wizard-actions button")
    assert (main["name"], main["value"], main.get_text(strip=True)) == (
        "nav",
        "review",
        "Save and return to review",
    )
    assert step.select_one("#default-submit")["value"] == "review"
    assert location(press(client, f"/d/{token}/{page}", ("nav", "review"))) == f"/d/{token}/review"


def test_before_the_review_the_main_button_goes_on(client):
    token = start(client)
    step = html(client.get(f"/d/{token}/task"))
    main = step.select_one(".wizard-actions button")
    assert (main["value"], main.get_text(strip=True)) == ("next", "Next: Accuracy")


def test_an_answer_that_makes_questions_apply_shows_them_before_the_review(client, app):
    token = reach_review(client, NO_EXAMPLES)
    response = press(client, f"/d/{token}/data", ("nav", "review"), {"example_count": "under_100"})
    assert location(response) == f"/d/{token}/data?more=1"
    draft = get(app.state.db, token)
    assert draft.answers["example_count"] == "under_100"
    page = html(client.get(f"/d/{token}/data?more=1"))
    assert page.select_one("#more-questions").get_text(strip=True) == (
        "Your answer means more questions apply. Answer them, then go on."
    )
    for key in ("data_quality", "data_diversity", "edge_cases"):
        fieldset = page.select_one(f"#field-{key}")
        assert not fieldset.has_attr("hidden") and not fieldset.has_attr("disabled")
    answers = {"data_quality": "clean", "data_diversity": "diverse", "edge_cases": "no"}
    response = press(client, f"/d/{token}/data", ("nav", "review"), answers)
    assert location(response) == f"/d/{token}/review"
    assert get(app.state.db, token).answers["edge_cases"] == "no"


def test_a_baseline_that_now_applies_is_asked_before_the_review(client, app):
    no_prompt = {**REFUND_BOT, "prompting_effort": "none", "baseline_accuracy": ""}
    token = reach_review(client, no_prompt)
    page = html(client.get(f"/d/{token}/accuracy"))
    assert page.select_one("#field-baseline_accuracy").has_attr("hidden")
    response = press(
        client, f"/d/{token}/accuracy", ("nav", "review"), {"prompting_effort": "basic"}
    )
    assert location(response) == f"/d/{token}/accuracy?more=1"
    response = press(client, f"/d/{token}/accuracy", ("nav", "review"), {"baseline_accuracy": "80"})
    assert location(response) == f"/d/{token}/review"
    assert get(app.state.db, token).answers["baseline_accuracy"] == 80


# --- Questions that cannot apply -------------------------------------------------------------


def test_no_examples_leaves_out_the_data_questions_and_the_verdict_asks_nothing_about_them(
    client, app
):
    token = start(client)
    for step in decision.STEP_KEYS[:-1]:
        assert (
            client.post(f"/d/{token}/{step}", data=step_answers(step, REFUND_BOT)).status_code
            == 303
        )
    # Without JavaScript the page shows the data questions (no answer rules them out yet); with
    # "None" chosen and them left empty, the server takes them as not applicable.
    response = press(
        client,
        f"/d/{token}/data",
        ("nav", "next"),
        {"example_count": "none", "synthetic_data": "yes"},
    )
    assert location(response) == f"/d/{token}/review"
    draft = get(app.state.db, token)
    assert {k: draft.answers[k] for k in ("data_quality", "data_diversity", "edge_cases")} == {
        "data_quality": None,
        "data_diversity": None,
        "edge_cases": None,
    }
    # Coming back, the step leaves them out: hidden and disabled, so nothing of theirs is sent.
    page = html(client.get(f"/d/{token}/data"))
    for key in ("data_quality", "data_diversity", "edge_cases"):
        fieldset = page.select_one(f"#field-{key}")
        assert fieldset.has_attr("hidden") and fieldset.has_attr("disabled")
        assert (fieldset["data-skip-when"], fieldset["data-skip-value"]) == (
            "example_count",
            "none",
        )
    review = html(client.get(f"/d/{token}/review"))
    shown = {
        dt.get_text(strip=True): dd.get_text(strip=True)
        for dt, dd in zip(review.select(".answers dt"), review.select(".answers dd"), strict=True)
    }
    assert shown[decision.QUESTIONS["data_quality"].label.en] == "Not applicable"
    assert client.post(f"/d/{token}/finish").status_code == 303
    verdict = get(app.state.db, token).verdict
    assert [s["en"] for s in verdict["next_steps"] if s["en"].startswith("Find out:")] == []
    assert {c["question"] for c in verdict["what_would_change"]}.isdisjoint(
        {"data_quality", "data_diversity", "edge_cases"}
    )
    verdict_page = html(client.get(f"/a/{token}"))
    assert "Find out:" not in verdict_page.select_one("main").get_text()


def test_not_applicable_skipped_when_the_step_already_rules_them_out(client, app):
    token = reach_review(client, NO_EXAMPLES)
    response = press(client, f"/d/{token}/data", ("nav", "review"), {"synthetic_data": "no"})
    assert location(response) == f"/d/{token}/review"
    draft = get(app.state.db, token)
    assert (draft.answers["synthetic_data"], draft.answers["data_quality"]) == ("no", None)


# --- The draft dependency --------------------------------------------------------------------


@pytest.mark.parametrize("path", ["", "/details", "/review", "/task"])
def test_unknown_draft_is_404_and_a_finished_one_redirects_to_its_verdict(client, path):
    assert client.get(f"/d/{'x' * 43}{path}").status_code == 404
    token = reach_review(client)
    assert client.post(f"/d/{token}/finish").status_code == 303
    response = client.get(f"/d/{token}{path}")
    assert location(response) == f"/a/{token}"
    response = client.post(f"/d/{token}{path or '/task'}", data={"title": "x"})
    assert location(response) == f"/a/{token}"


# --- The API: answers that cannot apply may be left out, nothing else may ---------------------

DATA_QUESTIONS = ("data_quality", "data_diversity", "edge_cases")


def api_body(answers: dict) -> dict:
    body = {k: v for k, v in answers.items() if k != "baseline_accuracy"}
    if "baseline_accuracy" in answers:
        body["baseline_accuracy"] = (
            int(answers["baseline_accuracy"]) if answers["baseline_accuracy"] else None
        )
    return {"title": "Refund agent", "answers": body}


@pytest.mark.parametrize(
    ("control", "value", "left_out"),
    [
        ("example_count", "none", DATA_QUESTIONS),
        ("prompting_effort", "none", ("baseline_accuracy", "baseline_sample_size")),
    ],
)
def test_api_accepts_answers_that_cannot_apply_left_out_and_stores_them_as_null(
    client, control, value, left_out
):
    answers = {k: v for k, v in {**REFUND_BOT, control: value}.items() if k not in left_out}
    response = client.post("/api/v1/assessments", json=api_body(answers))
    assert response.status_code == 201, response.text
    read = client.get(f"/api/v1/assessments/{response.json()['id']}").json()
    assert {k: read["answers"][k] for k in left_out} == dict.fromkeys(left_out)


@pytest.mark.parametrize("left_out", DATA_QUESTIONS)
def test_api_refuses_a_missing_answer_that_applies(client, app, left_out):
    answers = {k: v for k, v in REFUND_BOT.items() if k != left_out}
    response = client.post("/api/v1/assessments", json=api_body(answers))
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json()["detail"]] == [
        (f"answers.{left_out}", "required")
    ]


# --- Polish: the API page's example, one date format ------------------------------------------


def test_docs_page_shows_the_readme_example_with_this_server_address(client):
    readme = (ROOT / "README.md").read_text()
    block = readme.split("```sh\ncurl -s -X POST 'http", 1)[1].split("```", 1)[0]
    block = "curl -s -X POST 'http" + block
    page = html(client.get("/docs"))
    shown = page.select_one("pre.api-example").get_text()
    assert shown.strip() == block.replace("http://127.0.0.1:8000", "http://testserver").strip()


@pytest.mark.parametrize(
    ("lang", "day"),
    [("en", "{d:%B} {d.day}, {d.year}"), ("zh", "{d.year}年{d.month}月{d.day}日")],
)
def test_every_page_shows_dates_in_one_format(client, app, lang, day):
    client.cookies.set("lang", lang)
    token = reach_review(client)
    draft_token = start(client)
    client.post(f"/d/{token}/finish")
    finished = get(app.state.db, token).finished_at
    expected = day.format(d=finished)
    verdict = html(client.get(f"/a/{token}"))
    assert verdict.select_one(".eyebrow time").get_text() == expected
    history = html(client.get("/assessments"))
    assert [t.get_text() for t in history.select(".assessment-row time")] == [expected]
    when = i18n.format_when(finished, lang)
    assert when.startswith(expected) and when.endswith(" UTC")
    assert verdict.select_one("footer, .verdict-footer, main").get_text().count(when) == 1
    home = html(client.get("/"))
    saved = get(app.state.db, draft_token).updated_at
    assert (
        home.select_one(".draft-list .muted")
        .get_text(strip=True)
        .endswith(i18n.format_when(saved, lang))
    )
    markdown = client.get(f"/a/{token}/export.md").text
    assert when in markdown


def test_the_stylesheet_hides_every_question_that_cannot_apply_without_javascript():
    css = (ROOT / "static/css/app.css").read_text()
    for control, value in set(decision.NOT_APPLICABLE_WHEN.values()):
        rule = (
            f'form:has(input[name="{control}"][value="{value}"]:checked) '
            f'.question[data-skip-when="{control}"]'
        )
        assert rule in css


@pytest.mark.storage
def test_a_nul_in_a_step_is_refused_with_422_and_nothing_saved(client, app):
    """Issue 21, point 9: refused at the door (app/web/text_input.py), for every form."""
    token = start(client)
    client.post(f"/d/{token}/task", data=step_answers("task", REFUND_BOT))
    before = get(app.state.db, token).answers
    data = {"accuracy_target": "high", "baseline_accuracy": "9\x005", "goto": "task"}
    response = client.post(f"/d/{token}/accuracy", data=data)
    assert response.status_code == 422
    assert get(app.state.db, token).answers == before
    response = client.post(f"/d/{token}/details", data={"title": "9\x005", "goto": "task"})
    assert response.status_code == 422
    assert get(app.state.db, token).title == "Refund agent"


@pytest.mark.storage
@pytest.mark.parametrize("text", ["1" * 30_000])
def test_typed_text_no_database_can_store_is_dropped_not_a_500(client, app, text):
    token = start(client)
    client.post(f"/d/{token}/task", data=step_answers("task", REFUND_BOT))
    data = {"accuracy_target": "high", "baseline_accuracy": text, "goto": "task"}
    response = client.post(f"/d/{token}/accuracy", data=data)
    assert location(response) == f"/d/{token}/task"
    draft = get(app.state.db, token)
    assert (draft.answers["accuracy_target"], draft.typed_answers) == ("high", None)
    response = client.post(f"/d/{token}/details", data={"title": text, "goto": "task"})
    assert location(response) == f"/d/{token}/task"
    assert get(app.state.db, token).typed_answers is None
