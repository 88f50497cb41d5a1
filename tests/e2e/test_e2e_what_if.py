"""What if, in a real browser, from its empty form: choose a question, then its answer, then
Compare. With JavaScript (htmx swaps the form and the result) the page must end as a page load
without it does: the question's answers shown, and the compared verdict beside the current one."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect
from wizard_flow import CUSTOMER_SERVICE_BOT, create_finished

from app.decision import APPROACHES, QUESTIONS

pytestmark = pytest.mark.e2e


def option_keys(question: str) -> list[str]:
    return [option.key for option in QUESTIONS[question].options]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_what_if_from_the_empty_form_shows_the_answers_then_the_compared_verdict(
    new_context: Callable[..., BrowserContext], javascript: bool
) -> None:
    context = new_context(javascript=javascript)
    token = create_finished(context.request, "Refund agent", CUSTOMER_SERVICE_BOT)
    page = context.new_page()
    page.goto(f"/a/{token}/what-if")
    radios = page.locator('#what-if-v input[name="v"]')
    expect(radios).to_have_count(0)

    # A question first: its answers appear, none chosen, the current one marked.
    page.locator("#what-if-q").select_option("knowledge_source")
    page.get_by_role("button", name="Choose its answer").click()
    expect(page).to_have_url(re.compile(rf"/a/{token}/what-if\?q=knowledge_source$"))
    expect(radios).to_have_count(len(option_keys("knowledge_source")))
    assert [radios.nth(i).get_attribute("value") for i in range(radios.count())] == option_keys(
        "knowledge_source"
    )
    expect(page.locator("#what-if-v input:checked")).to_have_count(0)
    expect(page.locator("#what-if-error")).to_have_count(0)

    # Another question chosen in the list: Compare shows its answers, not an error about the
    # answer of the question shown before.
    page.locator('input[name="v"][value="private_changing"]').check()
    page.locator("#what-if-q").select_option("task_type")
    page.get_by_role("button", name="Compare").click()
    expect(page).to_have_url(re.compile(r"q=task_type"))
    expect(page.locator("#what-if-error")).to_have_count(0)
    expect(radios).to_have_count(len(option_keys("task_type")))
    assert [radios.nth(i).get_attribute("value") for i in range(radios.count())] == option_keys(
        "task_type"
    )
    expect(page.locator(".compare-grid")).to_have_count(0)

    # Back to the first question, an answer, Compare: the compared verdict beside the current.
    page.locator("#what-if-q").select_option("knowledge_source")
    page.get_by_role("button", name="Compare").click()
    page.locator('input[name="v"][value="private_changing"]').check()
    page.get_by_role("button", name="Compare").click()
    expect(page).to_have_url(re.compile(r"q=knowledge_source&v=private_changing"))
    sides = page.locator(".compare-grid .what-if-side")
    expect(sides).to_have_count(2)
    expect(sides.nth(0).locator(".verdict-recommendation")).to_have_text(
        APPROACHES["fine_tune"].label.en
    )
    expect(sides.nth(1).locator(".verdict-recommendation")).to_have_text(
        APPROACHES["rag_and_fine_tune"].label.en
    )
    expect(page.locator(".what-if-headline")).to_have_text(
        re.compile(r"instead of “Public knowledge the model already has”:\s+the verdict changes\.")
    )
    # One form on the page, whichever way it got there.
    expect(page.locator("form.what-if-form")).to_have_count(1)
    if javascript:
        # htmx put the result where the focus is, for a keyboard or screen-reader user.
        # (htmx moves the focus once the swap settles: waited for, not read at once.)
        expect(page.locator(".what-if-headline")).to_be_focused()
