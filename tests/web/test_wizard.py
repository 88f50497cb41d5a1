"""The wizard over HTTP without JavaScript (plain POST + 303), and as htmx fragments."""

from app import decision
from app.assessments import get
from tests.helpers import REFUND_BOT, answer_all, count_assessments, html, start, step_answers, vary

HTMX = {"HX-Request": "true"}


def test_start_page_has_the_form(client):
    page = html(client.get("/new"))
    form = page.select_one("form[method=post]")
    assert form["action"].endswith("/new")
    assert [i["name"] for i in form.select("input, textarea")] == ["title", "team", "notes"]


def test_start_creates_a_draft_and_remembers_it_in_a_cookie(client, app):
    response = client.post("/new", data={"title": "Refund agent", "team": "Support"})
    assert response.status_code == 303
    token = response.headers["location"].split("/")[-2]
    assert response.headers["location"].endswith(f"/d/{token}/task")
    assert client.cookies.get("drafts") == token
    draft = get(app.state.db, token)
    assert (draft.title, draft.team, draft.finished_at, draft.current_step) == (
        "Refund agent",
        "Support",
        None,
        "task",
    )
    home = html(client.get("/"))
    assert [a.get_text(strip=True) for a in home.select("#drafts-heading ~ ul a")] == [
        "Refund agent"
    ]


def test_start_without_title_is_422_and_stores_nothing(client, app):
    response = client.post("/new", data={"title": "   ", "team": "x" * 101})
    assert response.status_code == 422
    page = html(response)
    assert page.select_one("#field-title")["aria-invalid"] == "true"
    assert "error-title" in page.select_one("#field-title")["aria-describedby"]
    assert page.select_one("#field-team")["aria-invalid"] == "true"
    assert [a["href"] for a in page.select(".error-summary a")] == ["#field-title", "#field-team"]
    assert count_assessments(app) == 0


def test_each_step_renders_its_questions_with_help_and_sources(client):
    token = start(client)
    for step in decision.STEPS:
        if step.number > 1:
            previous = decision.STEPS[step.number - 2].key
            client.post(f"/d/{token}/{previous}", data=step_answers(previous, REFUND_BOT))
        page = html(client.get(f"/d/{token}/{step.key}"))
        assert page.select_one("#step-heading").get_text(strip=True) == step.title.en
        assert (
            page.select_one("[aria-current=step]").get_text(" ", strip=True).endswith(step.title.en)
        )
        for question in step.questions:
            help_text = page.select_one(f"#help-{question.key}")
            assert help_text is not None
            assert len(help_text.select("a.source")) == len(question.sources) >= 1
            if question.kind == "choice":
                radios = page.select(f"input[type=radio][name={question.key}]")
                assert [r["value"] for r in radios] == [o.key for o in question.options]
            else:
                field = page.select_one(f"input#input-{question.key}")
                assert (field["type"], field["min"], field["max"]) == (
                    "number",
                    str(question.minimum),
                    str(question.maximum),
                )
                # A percentage says so; a count of cases does not.
                unit = field.find_next_sibling("span")
                expected = "%" if question.key == "baseline_accuracy" else None
                assert (unit.get_text() if unit else None) == expected


def test_next_saves_and_redirects_to_the_following_step(client, app):
    token = start(client)
    response = client.post(f"/d/{token}/task", data=step_answers("task", REFUND_BOT))
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/d/{token}/accuracy")
    draft = get(app.state.db, token)
    assert draft.answers == {
        "task_type": "tool_use",
        "task_scope": "narrow",
        "spec_clarity": "implicit",
        "verifiable_outputs": "partly",
    }
    assert draft.current_step == "accuracy"
    page = html(client.get(f"/d/{token}/task"))
    assert page.select_one("input[name=task_type][checked]")["value"] == "tool_use"


def test_invalid_step_is_422_with_errors_tied_to_fields_and_nothing_saved(client, app):
    token = start(client)
    response = client.post(
        f"/d/{token}/task", data={"task_type": "telepathy", "task_scope": "narrow"}
    )
    assert response.status_code == 422
    page = html(response)
    for key in ("task_type", "spec_clarity"):
        fieldset = page.select_one(f"#field-{key}")
        assert fieldset["aria-invalid"] == "true"
        assert fieldset["aria-describedby"].split() == [f"help-{key}", f"error-{key}"]
        assert page.select_one(f"#error-{key}").get_text(strip=True)
    assert page.select_one("#field-task_scope").get("aria-invalid") is None
    assert [a["href"] for a in page.select(".error-summary a")] == [
        "#field-task_type",
        "#field-spec_clarity",
    ]
    assert page.select_one(".error-summary a").get_text(strip=True) == (
        f"{decision.QUESTIONS['task_type'].label.en} — {page.select_one('#error-task_type').get_text(' ', strip=True).removeprefix('Error: ')}"
    )
    # What was posted is shown again, so nothing typed is lost.
    assert page.select_one("input[name=task_scope][checked]")["value"] == "narrow"
    draft = get(app.state.db, token)
    assert (draft.answers, draft.current_step) == ({}, "task")


def test_baseline_out_of_range_is_refused(client, app):
    token = start(client)
    answer_all_until = step_answers("task", REFUND_BOT)
    client.post(f"/d/{token}/task", data=answer_all_until)
    response = client.post(
        f"/d/{token}/accuracy",
        data={**step_answers("accuracy", REFUND_BOT), "baseline_accuracy": "140"},
    )
    assert response.status_code == 422
    page = html(response)
    assert page.select_one("#input-baseline_accuracy")["aria-invalid"] == "true"
    assert page.select_one("#input-baseline_accuracy")["value"] == "140"
    assert [a["href"] for a in page.select(".error-summary a")] == ["#input-baseline_accuracy"]
    assert "accuracy_target" not in get(app.state.db, token).answers


def test_back_keeps_valid_answers_even_when_the_step_is_incomplete(client, app):
    token = start(client)
    client.post(f"/d/{token}/task", data=step_answers("task", REFUND_BOT))
    response = client.post(
        f"/d/{token}/accuracy",
        data={"nav": "back", "accuracy_target": "critical", "failure_mode": "bogus"},
    )
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/d/{token}/task")
    draft = get(app.state.db, token)
    assert draft.answers["accuracy_target"] == "critical"
    assert "failure_mode" not in draft.answers
    assert draft.current_step == "accuracy"
    page = html(client.get(f"/d/{token}/accuracy"))
    assert page.select_one("input[name=accuracy_target][checked]")["value"] == "critical"


def test_back_from_the_first_step_goes_to_the_details(client):
    token = start(client)
    response = client.post(f"/d/{token}/task", data={"nav": "back"})
    assert response.headers["location"].endswith(f"/d/{token}/details")
    page = html(client.get(f"/d/{token}/details"))
    assert page.select_one("#field-title")["value"] == "Refund agent"


def test_details_can_be_edited(client, app):
    token = start(client)
    response = client.post(
        f"/d/{token}/details", data={"title": "Refund agent v2", "team": "", "notes": "n"}
    )
    assert response.status_code == 303
    draft = get(app.state.db, token)
    assert (draft.title, draft.team, draft.notes) == ("Refund agent v2", "", "n")
    assert client.post(f"/d/{token}/details", data={"title": ""}).status_code == 422
    assert get(app.state.db, token).title == "Refund agent v2"


def test_steps_ahead_of_progress_redirect_to_the_current_step(client, app):
    token = start(client)
    response = client.get(f"/d/{token}/data")
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/d/{token}/task")
    response = client.post(f"/d/{token}/data", data=step_answers("data", REFUND_BOT))
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/d/{token}/task")
    assert get(app.state.db, token).answers == {}
    assert client.get(f"/d/{token}/review").headers["location"].endswith(f"/d/{token}/task")


def test_draft_link_resumes_at_the_furthest_step(client):
    token = start(client)
    client.post(f"/d/{token}/task", data=step_answers("task", REFUND_BOT))
    client.post(f"/d/{token}/accuracy", data=step_answers("accuracy", REFUND_BOT))
    response = client.get(f"/d/{token}")
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/d/{token}/cost")


def test_review_lists_every_answer_with_an_edit_link_per_step(client):
    token = start(client)
    answer_all(client, token, REFUND_BOT)
    page = html(client.get(f"/d/{token}/review"))
    edit_links = [a["href"] for a in page.select(".review-step-head a")]
    assert edit_links == [f"http://testserver/d/{token}/{s}" for s in decision.STEP_KEYS]
    values = [dd.get_text(strip=True) for dd in page.select(".review-step dd")]
    assert len(values) == len(decision.QUESTIONS)
    assert values[0] == decision.QUESTIONS["task_type"].options[3].label.en
    assert values[list(decision.QUESTIONS).index("baseline_accuracy")] == "95%"


def test_finish_stores_answers_verdict_and_rules_version(client, app):
    token = start(client)
    answer_all(client, token, REFUND_BOT)
    response = client.post(f"/d/{token}/finish")
    assert response.status_code == 303
    assert response.headers["location"] == f"http://testserver/a/{token}"
    stored = get(app.state.db, token)
    expected = decision.evaluate(decision.validate_answers(REFUND_BOT)[0])
    assert stored.recommendation == expected.recommendation == "fine_tune"
    assert stored.verdict == expected.to_snapshot()
    assert stored.rules_version == decision.RULES_VERSION
    assert stored.answers["baseline_accuracy"] == 95
    assert stored.finished_at.utcoffset().total_seconds() == 0
    assert client.cookies.get("drafts") is None


def test_finish_with_missing_answers_is_422(client, app):
    token = start(client)
    client.post(f"/d/{token}/task", data=step_answers("task", REFUND_BOT))
    # Jump the progress to the review without answering (as an old draft might be).
    with app.state.db.write() as session:
        from sqlalchemy import select

        from app.models import Assessment

        session.scalars(select(Assessment)).one().current_step = "review"
    response = client.post(f"/d/{token}/finish")
    assert response.status_code == 422
    page = html(response)
    missing = [a.get_text(strip=True).split(" — ")[0] for a in page.select(".error-summary li a")]
    assert missing[0] == decision.QUESTIONS["accuracy_target"].label.en
    optional = sum(q.optional for q in decision.QUESTIONS.values())
    assert (
        len(missing) == len(decision.QUESTIONS) - 3 - optional
    )  # minus task step and optional ones
    assert get(app.state.db, token).finished_at is None


def test_a_finished_draft_cannot_be_changed(client, app):
    token = start(client)
    answer_all(client, token, REFUND_BOT)
    client.post(f"/d/{token}/finish")
    response = client.post(
        f"/d/{token}/task", data={**step_answers("task", REFUND_BOT), "task_type": "style"}
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"http://testserver/a/{token}"
    assert get(app.state.db, token).answers["task_type"] == "tool_use"
    assert client.get(f"/d/{token}/task").headers["location"] == f"http://testserver/a/{token}"


def test_unknown_draft_and_step_are_404(client):
    assert client.get("/d/" + "A" * 43 + "/task").status_code == 404
    assert client.get("/d/not-a-token!/task").status_code == 404
    token = start(client)
    assert client.get(f"/d/{token}/nonsense").status_code == 404
    assert client.post(f"/d/{token}/nonsense", data={}).status_code == 404


# --- htmx -----------------------------------------------------------------------------------


def test_step_as_htmx_fragment_is_the_panel_only(client):
    token = start(client)
    full = client.get(f"/d/{token}/task")
    fragment = client.get(f"/d/{token}/task", headers=HTMX)
    assert vary(full) == vary(fragment) >= {"hx-request", "accept-language", "cookie"}
    assert html(full).select_one("html") is not None
    page = html(fragment)
    assert page.select_one("html") is None
    assert page.select_one("header.site-header") is None
    assert page.select_one("#step-heading").get_text(strip=True) == decision.STEPS[0].title.en
    assert page.select_one("title").get_text().startswith(decision.STEPS[0].title.en)
    announcer = page.select_one("#announcer")
    assert announcer["data-hx-swap-oob"] == "true"
    assert announcer.get_text(strip=True) == f"Step 1 of 5: {decision.STEPS[0].title.en}"
    assert fragment.headers["hx-push-url"] == f"http://testserver/d/{token}/task"
    # The full page has exactly one live region.
    assert len(html(full).select("#announcer")) == 1


def test_history_restore_requests_get_the_full_page(client):
    token = start(client)
    response = client.get(
        f"/d/{token}/task", headers={**HTMX, "HX-History-Restore-Request": "true"}
    )
    assert html(response).select_one("html") is not None


def test_htmx_post_with_errors_returns_the_panel_with_422(client):
    token = start(client)
    response = client.post(f"/d/{token}/task", data={}, headers=HTMX)
    assert response.status_code == 422
    page = html(response)
    assert page.select_one("html") is None
    assert len(page.select(".error-summary li")) == 3
    assert page.select_one("#announcer").get_text(strip=True) == "There are 3 problems to fix"


def test_htmx_finish_redirects_the_whole_page(client):
    token = start(client)
    answer_all(client, token, REFUND_BOT)
    response = client.post(f"/d/{token}/finish", headers=HTMX)
    assert response.status_code == 204
    assert response.headers["hx-redirect"] == f"http://testserver/a/{token}"


def test_review_and_details_fragments(client):
    token = start(client)
    answer_all(client, token, REFUND_BOT)
    for path, heading in (
        (f"/d/{token}/review", "Review your answers"),
        (f"/d/{token}/details", "About this assessment"),
    ):
        page = html(client.get(path, headers=HTMX))
        assert page.select_one("html") is None
        assert page.select_one("#step-heading").get_text(strip=True) == heading


def test_finish_before_the_review_goes_back_to_the_current_step(client, app):
    token = start(client)
    client.post(f"/d/{token}/task", data=step_answers("task", REFUND_BOT))
    response = client.post(f"/d/{token}/finish")
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/d/{token}/accuracy")
    assert get(app.state.db, token).finished_at is None
