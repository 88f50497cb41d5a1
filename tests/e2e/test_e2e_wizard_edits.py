"""Issue 14 in a real browser, with JavaScript on and off, in English and Chinese: a change
survives every way of leaving a step, Edit from the review returns to it, and "no examples"
hides the data-quality questions."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from test_e2e_accessibility import answer_by_request
from wizard_flow import CUSTOMER_SERVICE_BOT, step_url

from app.decision import QUESTIONS, STEP_KEYS
from app.web.i18n import translate

pytestmark = pytest.mark.e2e

MODES = [
    pytest.param(js, lang, id=f"{'js' if js else 'nojs'}-{lang}")
    for js in (True, False)
    for lang in ("en", "zh")
]
DATA_QUESTIONS = ("data_quality", "data_diversity", "edge_cases")


def open_page(new_context: Callable[..., BrowserContext], js: bool, lang: str) -> Page:
    page = new_context(javascript=js).new_page()
    page.goto(f"/lang/{lang}?next=/")
    return page


def go_on(page: Page) -> None:
    """The step's main button: Next, or Save and return to review once reviewed."""
    page.locator("#wizard .wizard-actions button").first.click()
    page.wait_for_load_state("load")


def reach_review(page: Page, answers=CUSTOMER_SERVICE_BOT) -> str:
    """A draft started in this browser and answered up to its review. The steps are posted as
    their plain forms post them (this browser's cookies): the walk through them is what
    test_e2e_wizard checks; these tests start from its end."""
    token = start_in_any_language(page)
    answer_by_request(page, token, list(STEP_KEYS), answers)
    open_step(page, token, "review")
    expect(page).to_have_url(step_url(token, "review"))
    return token


def start_in_any_language(page: Page) -> str:
    page.goto("/new")
    page.locator("#field-title").fill("Edits are kept")
    page.locator(".wizard-actions button").click()
    expect(page).to_have_url(re.compile(r"/d/[A-Za-z0-9_-]{43}/task$"))
    page.wait_for_load_state("load")
    return re.search(r"/d/([A-Za-z0-9_-]+)/", page.url).group(1)


def open_step(page: Page, token: str, step: str) -> None:
    page.goto(f"/d/{token}/{step}")
    page.wait_for_load_state("load")


LEAVE = {
    "progress bar": lambda page: page.locator('nav.progress button[value="task"]').click(),
    "progress bar to review": lambda page: page.locator(
        'nav.progress button[value="review"]'
    ).click(),
    "back": lambda page: page.locator('#wizard button[name="nav"][value="back"]').click(),
    "title in the progress bar": lambda page: page.locator(
        'nav.progress button[value="details"]'
    ).click(),
    "language switch": lambda page: page.locator(".lang-switch button").click(),
}
TARGETS = {
    "progress bar": "task",
    "progress bar to review": "review",
    "back": "task",
    "title in the progress bar": "details",
    "language switch": "accuracy",
}


@pytest.mark.parametrize(("js", "lang"), MODES)
def test_a_change_survives_every_way_of_leaving_the_step(
    new_context: Callable[..., BrowserContext], js: bool, lang: str
) -> None:
    page = open_page(new_context, js, lang)
    token = reach_review(page)
    targets = ["best_effort", "high", "critical", "best_effort", "high"]
    for (how, leave), target in zip(LEAVE.items(), targets, strict=True):
        open_step(page, token, "accuracy")
        page.locator(f'input[name="accuracy_target"][value="{target}"]').check()
        # An invalid number is kept as typed, and shown again with its error.
        page.locator("#input-baseline_accuracy").fill("140")
        lang_before = page.locator("html").get_attribute("lang")
        leave(page)
        expect(page).to_have_url(step_url(token, TARGETS[how]))
        if how == "language switch":
            # Same URL, other language: wait for the new page, or the next goto aborts it.
            expect(page.locator("html")).not_to_have_attribute("lang", lang_before)
        page.wait_for_load_state("load")
        open_step(page, token, "accuracy")
        expect(page.locator(f'input[name="accuracy_target"][value="{target}"]')).to_be_checked()
        expect(page.locator("#input-baseline_accuracy")).to_have_value("140")
        expect(page.locator("#input-baseline_accuracy")).to_have_attribute("aria-invalid", "true")
        expect(page.locator(".error-summary a")).to_have_count(1)
    # The language switch switched: the page is now in the other language.
    other = "zh-Hans" if lang == "en" else "en"
    expect(page.locator("html")).to_have_attribute("lang", other)


@pytest.mark.parametrize(("js", "lang"), MODES)
def test_edit_from_review_then_save_and_return_lands_on_review(
    new_context: Callable[..., BrowserContext], js: bool, lang: str
) -> None:
    page = open_page(new_context, js, lang)
    token = reach_review(page)
    page.locator('.review-step-head a[href$="/cost"]').click()
    expect(page).to_have_url(step_url(token, "cost"))
    page.wait_for_load_state("load")
    main = page.locator("#wizard .wizard-actions button").first
    expect(main).to_have_text(translate(lang, "Save and return to review"))
    page.locator('input[name="volume"][value="high"]').check()
    main.click()
    expect(page).to_have_url(step_url(token, "review"))
    volume = page.locator(".review-step:has(#review-cost) dd").first
    expect(volume).to_have_text(QUESTIONS["volume"].option("high").label.get(lang))


@pytest.mark.parametrize(("js", "lang"), MODES)
def test_no_examples_hides_the_data_quality_questions_and_the_verdict_asks_nothing_about_them(
    new_context: Callable[..., BrowserContext], js: bool, lang: str
) -> None:
    page = open_page(new_context, js, lang)
    token = start_in_any_language(page)
    # Up to the data step as reach_review does: the steps before it posted, this one by hand.
    answer_by_request(page, token, list(STEP_KEYS[:-1]), CUSTOMER_SERVICE_BOT)
    open_step(page, token, "data")
    expect(page).to_have_url(step_url(token, "data"))
    page.locator('input[name="example_count"][value="none"]').check()
    for key in DATA_QUESTIONS:
        expect(page.locator(f"#field-{key}")).to_be_hidden()
    page.locator('input[name="synthetic_data"][value="yes"]').check()
    go_on(page)
    expect(page).to_have_url(step_url(token, "review"))
    not_applicable = translate(lang, "Not applicable")
    for key in DATA_QUESTIONS:
        label = page.locator(".review-step:has(#review-data) dd")
        expect(label.nth(1 + DATA_QUESTIONS.index(key))).to_have_text(not_applicable)
    # Coming back, they stay hidden.
    open_step(page, token, "data")
    for key in DATA_QUESTIONS:
        expect(page.locator(f"#field-{key}")).to_be_hidden()
    page.goto(f"/d/{token}/review")
    page.locator("form.wizard-actions button").click()
    expect(page).to_have_url(re.compile(rf"/a/{token}$"))
    find_out = "Find out:" if lang == "en" else "先弄清楚："
    expect(page.locator("main")).not_to_contain_text(find_out)
    for key in DATA_QUESTIONS:
        name = QUESTIONS[key].name.get(lang)
        expect(page.locator(f'.change:has-text("{name}")')).to_have_count(0)
