"""The cost calculator and the cost step's numbers in a real browser, with htmx and without
JavaScript: the issue's example gives its figures either way."""

import re

import pytest
from playwright.sync_api import Page, expect
from wizard_flow import CUSTOMER_SERVICE_BOT, fill_step, next_button, start, step_url

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 812}


def fill_example(page: Page, prefix: str = "") -> None:
    """The issue's example typed in by hand: $2.50/$15.00 against $0.20/$0.20, $5,000 one-time."""
    page.locator("#cost-requests_per_day").fill("100000")
    page.locator("#cost-input_tokens").fill("1500")
    page.locator("#cost-output_tokens").fill("300")
    page.locator("#cost-current-input_per_million").fill("2.50")
    page.locator("#cost-current-output_per_million").fill("15")
    page.locator("#cost-current-accuracy").fill("97")
    page.locator("#cost-candidate-input_per_million").fill("0.20")
    page.locator("#cost-candidate-output_per_million").fill("0.20")
    page.locator(f"input[name='{prefix}one_time.kind'][value='amount']").check()
    page.locator("#cost-one_time_cost").fill("5000")
    page.locator("#cost-error_cost").fill("0.50")


def figure(page: Page, key: str):
    return page.locator(f"dd[data-figure='{key}']")


def expect_example_figures(page: Page) -> None:
    expect(figure(page, "current_monthly")).to_have_text("$24,750")
    expect(figure(page, "candidate_monthly")).to_have_text("$1,080")
    expect(figure(page, "monthly_saving")).to_have_text("$23,670")
    expect(figure(page, "payback_months")).to_have_text("0.21 months")
    expect(figure(page, "break_even_accuracy")).to_have_text("95.4%")
    expect(page.locator(".cost-table tbody tr")).to_have_count(13)
    expect(page.locator("svg.chart polyline")).to_have_count(2)


def test_calculator_with_htmx_updates_in_place_and_moves_focus(page: Page) -> None:
    page.goto("/costs")
    page.wait_for_load_state("load")
    page.evaluate("window.__marker = 1")
    page.locator("form.cost-form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#announcer")).to_have_text("There are 7 problems to fix")
    fill_example(page)
    page.locator("form.cost-form button[type=submit]").click()
    expect(page.locator("#results-heading")).to_be_focused()
    expect_example_figures(page)
    expect(page.locator("#announcer")).to_have_text("Results updated")
    assert page.evaluate("window.__marker") == 1  # swapped in, not reloaded
    # The address bar holds the results' stable link: reloading it shows the same figures.
    expect(page).to_have_url(re.compile(r"/costs\?.*requests_per_day=100000"))
    page.reload()
    expect_example_figures(page)


def test_calculator_without_javascript_posts_and_answers_with_the_page(nojs_page: Page) -> None:
    page = nojs_page
    page.goto("/costs")
    page.locator("form.cost-form button[type=submit]").click()
    expect(page).to_have_title(re.compile(r"^Error: What it costs"))
    expect(page.locator("#error-summary li")).to_have_count(7)
    fill_example(page)
    page.locator("form.cost-form button[type=submit]").click()
    expect_example_figures(page)
    # The same numbers stay in the form, ready for the next try, and in the address.
    expect(page.locator("#cost-requests_per_day")).to_have_value("100000")
    expect(page).to_have_url(re.compile(r"/costs\?.*requests_per_day=100000"))


def test_calculator_in_chinese_on_a_phone_with_a_model_from_the_table(
    new_context, live_url: str
) -> None:
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.add_cookies([{"name": "lang", "value": "zh", "url": live_url}])
    page = context.new_page()
    page.goto("/costs")
    page.wait_for_load_state("load")
    fill_example(page)
    # GPT-4o from the table, its prices left empty: $2.50/$10.00, so $20,250 a month, a saving
    # of $19,170 against $1,080, and $5,000 / $19,170 = 0.26 months.
    page.locator("#cost-current-model").select_option("openai/gpt-4o")
    page.locator("#cost-current-input_per_million").fill("")
    page.locator("#cost-current-output_per_million").fill("")
    page.locator("form.cost-form button[type=submit]").click()
    expect(figure(page, "current_monthly")).to_have_text("$20,250")
    expect(figure(page, "payback_months")).to_have_text("0.26 个月")
    expect(page.locator(".cost-table thead th").nth(1)).to_have_text("GPT-4o (OpenAI)")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_price_table_s_caption_is_whole_on_a_phone(new_context, live_url, lang) -> None:
    """The table scrolls sideways in its own box on a phone; its caption, centred over the whole
    table, was cut in half ("Prices as of De"). It starts at the left now, inside the box."""
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.add_cookies([{"name": "lang", "value": lang, "url": live_url}])
    page = context.new_page()
    page.goto("/costs/prices")
    box = page.locator("#prices .table-scroll")
    expect(box).to_have_attribute("role", "region")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # the table itself still scrolls
    text, inside = box.evaluate(
        """b => { const c = b.querySelector("caption"); const r = document.createRange();
                  r.selectNodeContents(c); const t = r.getBoundingClientRect();
                  const o = b.getBoundingClientRect();
                  return [c.textContent, t.left >= o.left && t.right <= o.right]; }"""
    )
    assert text == {"en": "Prices as of December 6, 2026", "zh": "截至 2026年12月6日的价格"}[lang]
    assert inside


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_cost_step_numbers_are_saved_with_the_draft(new_context, javascript: bool) -> None:
    page = new_context(javascript=javascript).new_page()
    token = start(page, f"Costed ({'htmx' if javascript else 'no JS'})")
    for step, following in (("task", "accuracy"), ("accuracy", "cost")):
        fill_step(page, step, CUSTOMER_SERVICE_BOT)
        next_button(page).click()
        expect(page).to_have_url(step_url(token, following))
    fill_step(page, "cost", CUSTOMER_SERVICE_BOT)
    page.locator("#cost-numbers > summary").click()
    fill_example(page, "costs.")
    page.locator("#cost-requests_per_day").fill("-5")
    next_button(page).click()
    expect(page.locator("#error-summary a[href='#cost-requests_per_day']")).to_be_visible()
    expect(page.locator("#cost-numbers")).to_have_attribute("open", "")
    page.locator("#cost-requests_per_day").fill("100000")
    next_button(page).click()
    expect(page).to_have_url(step_url(token, "knowledge"))
    page.goto(f"/d/{token}/cost")
    expect(page.locator("#cost-numbers")).to_have_attribute("open", "")
    expect(page.locator("#cost-one_time_cost")).to_have_value("5000")
    expect(page.locator("#cost-current-accuracy")).to_have_value("97")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_calculator_numbers_carry_into_a_draft_and_back(
    new_context, live_url: str, javascript: bool, lang: str
) -> None:
    """Issue 22: /costs results go into a draft in one click, and from the draft's cost step back
    to /costs with its numbers, then into the same draft again: nothing retyped."""
    context = new_context(javascript=javascript)
    context.add_cookies([{"name": "lang", "value": lang, "url": live_url}])
    page = context.new_page()
    page.goto("/costs?example=1")
    expect(figure(page, "monthly_saving")).to_have_text("$23,670")
    expect(figure(page, "payback_months")).to_have_text(
        {"en": "0.21 months", "zh": "0.21 个月"}[lang]
    )
    start_button = page.locator("#cost-carry-form button[type=submit]")
    expect(start_button).to_have_text(
        {"en": "Start an assessment with these numbers", "zh": "用这些数字开始一次评估"}[lang]
    )
    start_button.click()  # one click: the title is filled in
    expect(page).to_have_url(re.compile(r"/d/[^/]+/task$"))
    token = page.url.split("/")[-2]
    for step, following in (("task", "accuracy"), ("accuracy", "cost")):
        fill_step(page, step, CUSTOMER_SERVICE_BOT)
        next_button(page).click()
        expect(page).to_have_url(step_url(token, following))
    # The cost step shows the calculator's numbers, unfolded.
    expect(page.locator("#cost-numbers")).to_have_attribute("open", "")
    expect(page.locator("#cost-requests_per_day")).to_have_value("100000")
    expect(page.locator("#cost-one_time_cost")).to_have_value("5000")
    # ... and opens the calculator with them.
    page.locator("#cost-open-calculator").click()
    expect(page).to_have_url(re.compile(rf"/costs\?.*draft={token}"))
    expect(page.locator("#cost-from-draft")).to_be_visible()
    page.locator("#cost-requests_per_day").fill("50000")
    page.locator("form.cost-form button[type=submit]").click()
    # 50,000 x 30 x (3,750 + 4,500 - 360) / 1e6 = $11,835 a month saved.
    expect(figure(page, "monthly_saving")).to_have_text("$11,835")
    use = page.locator("#cost-carry-form button[type=submit]")
    expect(use).to_contain_text({"en": "Use these numbers in", "zh": "中使用这些数字"}[lang])
    use.click()
    expect(page).to_have_url(re.compile(rf"/d/{token}/cost#cost-numbers$"))
    expect(page.locator("#cost-requests_per_day")).to_have_value("50000")
