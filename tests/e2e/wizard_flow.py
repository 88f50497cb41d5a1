"""Answer sets and the steps a user takes through the wizard, written once for every e2e test."""

import re
from collections.abc import Mapping

from playwright.sync_api import APIRequestContext, Page, expect

from app.decision import QUESTIONS, STEP_KEYS, STEPS
from tests.helpers import REFUND_BOT

Answers = Mapping[str, str | int | None]

# Worked example 1 of QUESTIONNAIRE.md: the customer-service bot that must call the right refund
# API. Stated answers as written there; the unstated ones are the unremarkable defaults the unit
# tests use (narrow scope, medium volume, hosted API, general knowledge, no synthetic data).
CUSTOMER_SERVICE_BOT: dict[str, str | int | None] = {
    **REFUND_BOT,
    "baseline_accuracy": 95,
    "synthetic_data": "no",
}
CUSTOMER_SERVICE_BOT_VERDICT = "fine_tune"

# Worked example 3: this month's product specs.
PRODUCT_SPECS_QA = {
    **CUSTOMER_SERVICE_BOT,
    "task_type": "knowledge_qa",
    "spec_clarity": "partial",
    "accuracy_target": "high",
    "prompting_effort": "basic",
    "baseline_accuracy": None,
    "failure_mode": "missing_knowledge",
    "knowledge_source": "private_changing",
}
PRODUCT_SPECS_QA_VERDICT = "rag"

# Worked example 5: medical claims routing with noisy labels.
NOISY_CLAIMS = {
    **CUSTOMER_SERVICE_BOT,
    "task_type": "classification",
    "example_count": "over_1k",
    "data_quality": "noisy",
    "baseline_accuracy": 90,
}
NOISY_CLAIMS_VERDICT = "improve_data"


def step_answers(step: str, answers: Answers) -> dict[str, str | int | None]:
    return {
        q.key: answers.get(q.key) if q.optional else answers[q.key]
        for q in STEPS[STEP_KEYS.index(step)].questions
    }


def step_url(token: str, step: str) -> re.Pattern[str]:
    return re.compile(rf"/d/{re.escape(token)}/{step}$")


def verdict_url(token: str) -> re.Pattern[str]:
    return re.compile(rf"/a/{re.escape(token)}$")


def token_of(page: Page, prefix: str) -> str:
    match = re.search(rf"/{prefix}/([A-Za-z0-9_-]+)", page.url)
    assert match, page.url
    return match.group(1)


def start(page: Page, title: str, team: str = "") -> str:
    """Fill the start form and land on step 1; returns the new draft's token."""
    page.goto("/new")
    page.locator("#field-title").fill(title)
    if team:
        page.locator("#field-team").fill(team)
    page.get_by_role("button", name="Start with step 1").click()
    expect(page).to_have_url(re.compile(r"/d/[A-Za-z0-9_-]{43}/task$"))
    # htmx binds its handlers on DOMContentLoaded: click before that and the form posts plainly.
    page.wait_for_load_state("load")
    return token_of(page, "d")


def fill_step(page: Page, step: str, answers: Answers) -> None:
    for key, value in step_answers(step, answers).items():
        if QUESTIONS[key].kind == "integer":
            page.locator(f"#input-{key}").fill("" if value is None else str(value))
        else:
            page.locator(f'input[name="{key}"][value="{value}"]').check()


def clear_choices(page: Page) -> None:
    """Uncheck every answer the step shows chosen (the usual ones come chosen): the form as a
    script or an older page sends it, nothing chosen, to see every error of the step."""
    page.evaluate(
        "document.querySelectorAll('#wizard-form input[type=radio]:checked')"
        ".forEach(input => { input.checked = false; })"
    )


def next_button(page: Page):
    return page.locator('#wizard button[name="nav"][value="next"]')


def back_button(page: Page):
    return page.locator('#wizard button[name="nav"][value="back"]')


def expect_step_answers(page: Page, step: str, answers: Answers) -> None:
    """Every answer of `step` shows as given: its radio checked, its number filled in."""
    for key, value in step_answers(step, answers).items():
        if QUESTIONS[key].kind == "integer":
            expect(page.locator(f"#input-{key}")).to_have_value("" if value is None else str(value))
        else:
            expect(page.locator(f'input[name="{key}"][value="{value}"]')).to_be_checked()
            expect(page.locator(f'input[name="{key}"]:checked')).to_have_count(1)


def answer_all_steps(page: Page, token: str, answers: Answers) -> None:
    """From step 1 to the review page, checking the URL after every step."""
    for index, step in enumerate(STEP_KEYS):
        expect(page).to_have_url(step_url(token, step))
        fill_step(page, step, answers)
        next_button(page).click()
        following = STEP_KEYS[index + 1] if index + 1 < len(STEP_KEYS) else "review"
        expect(page).to_have_url(step_url(token, following))


def finish(page: Page, token: str) -> None:
    page.get_by_role("button", name="Finish and see the verdict").click()
    expect(page).to_have_url(verdict_url(token))


def create_finished(
    request: APIRequestContext, title: str, answers: Answers, team: str = ""
) -> str:
    """A finished assessment made through the JSON API (faster than the wizard); its token.

    The browser whose request context made it is given its manage key (by the manage view's
    form), so it owns the decision as the browser that finishes one in the wizard does."""
    response = request.post(
        "/api/v1/assessments", data={"title": title, "team": team, "answers": dict(answers)}
    )
    assert response.status == 201, response.text()
    body = response.json()
    unlocked = request.post(
        f"/a/{body['id']}/manage", form={"manage_token": body["manage_token"]}, max_redirects=0
    )
    assert unlocked.status == 303, unlocked.text()
    return body["id"]
