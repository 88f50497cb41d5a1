"""The five-step wizard in a real browser: with htmx, without JavaScript, and by keyboard alone."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from wizard_flow import (
    CUSTOMER_SERVICE_BOT,
    CUSTOMER_SERVICE_BOT_VERDICT,
    answer_all_steps,
    back_button,
    expect_step_answers,
    fill_step,
    finish,
    next_button,
    start,
    step_url,
)

from app.decision import APPROACHES, QUESTIONS, STEP_KEYS, STEPS
from app.decision.questionnaire import DEFAULTS

pytestmark = pytest.mark.e2e

EXPECTED_LABEL = APPROACHES[CUSTOMER_SERVICE_BOT_VERDICT].label.en


def test_wizard_with_htmx_swaps_each_step_in_place_and_ends_on_the_verdict(page: Page) -> None:
    token = start(page, "Refund agent (htmx)")
    # A full page load would wipe this; an htmx swap keeps the same document.
    page.evaluate("window.__marker = 1")

    answer_all_steps(page, token, CUSTOMER_SERVICE_BOT)

    assert page.evaluate("window.__marker") == 1
    expect(page.locator("#step-heading")).to_have_text("Review your answers")
    finish(page, token)
    expect(page.locator(".verdict-recommendation")).to_have_text(EXPECTED_LABEL)


def test_wizard_without_javascript_works_as_plain_forms(nojs_page: Page) -> None:
    page = nojs_page
    token = start(page, "Refund agent (no JS)")

    answer_all_steps(page, token, CUSTOMER_SERVICE_BOT)

    expect(page.locator("#step-heading")).to_have_text("Review your answers")
    finish(page, token)
    expect(page.locator(".verdict-recommendation")).to_have_text(EXPECTED_LABEL)


def test_back_and_reload_keep_answers_and_a_new_browser_resumes_at_the_furthest_step(
    page: Page, new_context: Callable[..., BrowserContext]
) -> None:
    answers = CUSTOMER_SERVICE_BOT
    token = start(page, "Back and resume")
    fill_step(page, "task", answers)
    next_button(page).click()
    expect(page).to_have_url(step_url(token, "accuracy"))
    fill_step(page, "accuracy", answers)
    next_button(page).click()
    expect(page).to_have_url(step_url(token, "cost"))

    # The browser's Back button: htmx keeps no history cache here, so the step is refetched.
    page.go_back()
    expect(page).to_have_url(step_url(token, "accuracy"))
    expect_step_answers(page, "accuracy", answers)
    page.wait_for_load_state("load")

    next_button(page).click()
    expect(page).to_have_url(step_url(token, "cost"))
    # Two answers of step 3 changed, then the wizard's own Back: what was chosen is kept too.
    page.locator('input[name="volume"][value="high"]').check()
    page.locator('input[name="latency_need"][value="realtime"]').check()
    back_button(page).click()
    expect(page).to_have_url(step_url(token, "accuracy"))
    expect_step_answers(page, "accuracy", answers)

    page.reload()
    expect(page).to_have_url(step_url(token, "accuracy"))
    expect_step_answers(page, "accuracy", answers)

    elsewhere = new_context().new_page()
    elsewhere.goto(f"/d/{token}")
    # Step 3 was saved whole (the usual answers come chosen), so the furthest step is step 4.
    expect(elsewhere).to_have_url(step_url(token, "knowledge"))
    elsewhere.goto(f"/d/{token}/cost")
    expect(elsewhere).to_have_url(step_url(token, "cost"))
    expect(elsewhere.locator('input[name="volume"][value="high"]')).to_be_checked()
    expect(elsewhere.locator('input[name="latency_need"][value="realtime"]')).to_be_checked()
    # Back saved the step as shown: the usual answer of a question not changed included.
    expect(elsewhere.locator('input[name="cost_pressure"]:checked')).to_have_count(1)
    expect(elsewhere.locator('input[name="cost_pressure"][value="moderate"]')).to_be_checked()
    elsewhere.goto(f"/d/{token}/task")
    expect_step_answers(elsewhere, "task", answers)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_next_with_nothing_chosen_shows_every_error(
    javascript: bool, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context(javascript=javascript).new_page()
    token = start(page, "Validation")
    # Every question without an answer shown chosen (a usual one, or an optional one's "not sure").
    required = [q.key for q in STEPS[0].questions if not q.optional and q.key not in DEFAULTS]
    assert required == ["task_type", "spec_clarity"]

    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith(f"/d/{token}/task")
    ) as posted:
        next_button(page).click()

    assert posted.value.status == 422
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary.locator("h2")).to_have_text(f"There are {len(required)} problems to fix")
    assert summary.locator("li a").evaluate_all("links => links.map(a => a.hash)") == [
        f"#field-{key}" for key in required
    ]
    for key in required:
        expect(page.locator(f"fieldset#field-{key}")).to_have_attribute("aria-invalid", "true")
    expect(page).to_have_url(step_url(token, "task"))
    if javascript:
        expect(summary).to_be_focused()


def tab_to(page: Page, selector: str, *, backwards: bool = False, limit: int = 60) -> None:
    """Press Tab (or Shift+Tab) until `selector` has the focus, as a keyboard user would."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{limit} presses of {key} never reached {selector}")


def choose_by_keyboard(page: Page, key: str, value: str) -> None:
    """Tab into a radio group (the first radio takes focus), then arrow down to the option."""
    tab_to(page, f'input[name="{key}"]')
    keys = QUESTIONS[key].option_keys
    index = keys.index(value)
    # A group with an answer chosen (the usual one comes chosen) takes focus on that answer.
    checked = page.locator(f'input[name="{key}"]:checked')
    start = keys.index(checked.get_attribute("value")) if checked.count() else None
    if start is None:
        if index == 0:
            page.keyboard.press("Space")
        start = 0
    for _ in range(abs(index - start)):
        page.keyboard.press("ArrowDown" if index > start else "ArrowUp")
    expect(page.locator(f'input[name="{key}"][value="{value}"]')).to_be_checked()
    expect(page.locator(f'input[name="{key}"][value="{value}"]')).to_be_focused()


def test_wizard_by_keyboard_alone_moves_focus_to_each_new_step(page: Page) -> None:
    answers = CUSTOMER_SERVICE_BOT
    page.goto("/new")
    tab_to(page, "#field-title")
    page.keyboard.type("Keyboard only")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/d/[A-Za-z0-9_-]{43}/task$"))
    page.wait_for_load_state("load")
    token = page.url.rsplit("/", 2)[-2]

    for index, step in enumerate(STEPS):
        for q in step.questions:
            if q.kind == "integer":
                if answers.get(q.key) is None:
                    continue
                tab_to(page, f"#input-{q.key}")
                page.keyboard.type(str(answers[q.key]))
            else:
                choose_by_keyboard(page, q.key, answers[q.key])
        if index == 1:
            # Shift+Tab walks back through the page and lands on the first group's choice.
            tab_to(page, 'input[name="accuracy_target"]', backwards=True)
            expect(page.locator('input[name="accuracy_target"]:checked')).to_be_focused()
        tab_to(page, 'button[name="nav"][value="next"]')
        page.keyboard.press("Enter")
        following = STEP_KEYS[index + 1] if index + 1 < len(STEPS) else "review"
        expect(page).to_have_url(step_url(token, following))
        heading = STEPS[index + 1].title.en if index + 1 < len(STEPS) else "Review your answers"
        expect(page.locator("#step-heading")).to_have_text(heading)
        expect(page.locator("#step-heading")).to_be_focused()

    tab_to(page, 'form[action$="/finish"] button[type="submit"]')
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/a/{token}$"))
    expect(page.locator(".verdict-recommendation")).to_have_text(EXPECTED_LABEL)
