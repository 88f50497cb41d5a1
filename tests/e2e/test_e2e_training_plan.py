"""From a fine-tuning verdict to its training plan in a real browser, in English and Chinese,
with JavaScript on and off: the plan is folded, opens by click or keyboard, shows its three
charts and their tables, links to the providers table, and offers its files; axe stays clean."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from test_e2e_accessibility import (  # noqa: F401 - axe_source is a fixture, used below
    Audit,
    answer_by_request,
    axe_source,
)
from wizard_flow import (
    CUSTOMER_SERVICE_BOT,
    NOISY_CLAIMS,
    PRODUCT_SPECS_QA,
    answer_all_steps,
    create_finished,
    finish,
    start,
)

from app.decision import STEP_KEYS

pytestmark = pytest.mark.e2e
PHONE = {"width": 375, "height": 812}
TEXTS = {
    "en": {"plan": "Training plan", "providers": "Where fine-tuning can still be done"},
    "zh": {"plan": "训练计划", "providers": "哪里还能做微调"},
}


def open_plan(page: Page, lang: str) -> None:
    plan = page.locator("details#plan")
    expect(plan).not_to_have_attribute("open", "")
    summary = plan.locator(":scope > summary")
    expect(summary).to_have_text(TEXTS[lang]["plan"])
    summary.focus()
    page.keyboard.press("Enter")
    expect(plan).to_have_attribute("open", "")
    expect(plan.locator("svg.range-chart")).to_have_count(3)
    models = plan.locator(".plan-models > li").count()
    assert 2 <= models <= 3
    # One row per candidate and GPU (RTX 4090, A100, H100) in each chart's table.
    expect(plan.locator("#plan-memory-table tbody tr")).to_have_count(3 * models)
    expect(plan.locator("#plan-hours-table tbody tr")).to_have_count(3 * models)


def test_wizard_to_plan_with_javascript_in_english(page: Page) -> None:
    token = start(page, "Refund agent")
    answer_all_steps(page, token, CUSTOMER_SERVICE_BOT)
    finish(page, token)
    open_plan(page, "en")
    with page.expect_download() as download:
        page.locator('details[data-config="axolotl"]:not([data-model]) summary').click()
        page.locator('details[data-config="axolotl"]:not([data-model]) a[download]').click()
    assert download.value.suggested_filename == "axolotl.yaml"
    page.locator("details#plan").get_by_role("link", name="the fine-tuning providers table").click()
    expect(page.locator("h1")).to_have_text(TEXTS["en"]["providers"])
    expect(page.locator("#providers-table tbody tr")).to_have_count(16)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_plan_without_javascript_on_a_phone(
    new_context: Callable[..., BrowserContext], lang
) -> None:
    context = new_context(viewport=PHONE)
    page = context.new_page()
    token = create_finished(
        page.request, "客服退款机器人" if lang == "zh" else "Refund agent", CUSTOMER_SERVICE_BOT
    )
    page.goto(f"/lang/{lang}?next=/a/{token}")
    open_plan(page, lang)
    if lang == "zh":
        # Written in Chinese: Qwen comes first (Qwen3.5-9B, then Qwen3-8B for a 24 GB card).
        expect(page.locator(".plan-models > li").first).to_have_attribute(
            "data-model", "qwen3.5-9b"
        )
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways at 375 px ({width} px)"
    # Each setting's reason is read where it stands, not scrolled to sideways: the table fits
    # its box, and every "why" lies inside the phone's width, below its key and value.
    settings = page.locator(".plan-settings").locator("xpath=..")
    assert settings.evaluate("box => box.scrollWidth <= box.clientWidth")
    rows = page.locator(".plan-settings tbody tr")
    assert rows.count() >= 5
    for row in rows.all():
        key, why = row.locator("th").bounding_box(), row.locator("td").last.bounding_box()
        assert why["x"] >= 0 and why["x"] + why["width"] <= 375
        assert why["y"] >= key["y"] + key["height"] - 1
    # Still a table to assistive technology, as the browser itself exposes it (its accessibility
    # tree, not a guess from the markup): its three column headers, a row header per setting.
    nodes = context.new_cdp_session(page).send("Accessibility.getFullAXTree")["nodes"]
    exposed = [(n["role"]["value"], n.get("name", {}).get("value")) for n in nodes if "role" in n]
    keys = rows.evaluate_all("rows => rows.map(r => r.dataset.key)")
    assert [name for role, name in exposed if role == "rowheader" and name in keys] == keys
    headers = [name for role, name in exposed if role == "columnheader"]
    assert headers[-3:] == {"en": ["Setting", "Value", "Why"], "zh": ["设置", "取值", "理由"]}[lang]
    page.locator(".plan-chart summary").first.click()
    expect(page.locator("#plan-memory-table")).to_be_visible()
    # The charts' tables on a phone: each row's label on a line of its own and every figure,
    # the GPU-memory column included, inside the screen (it was off to the right); a figure
    # never breaks inside ("19 分钟" read one character a line).
    for summary in page.locator(".plan-chart .chart-data > summary").all()[1:]:
        summary.click()
    for table in ("#plan-memory-table", "#plan-hours-table", "#plan-cost-table"):
        box = page.locator(table).locator("xpath=..")
        assert box.evaluate("box => box.scrollWidth <= box.clientWidth"), table
        for row in page.locator(f"{table} tbody tr").all():
            label = row.locator("th").bounding_box()
            for cell in row.locator("td").all():
                at = cell.bounding_box()
                assert at["x"] >= 0 and at["x"] + at["width"] <= 375, (table, cell.inner_text())
                assert at["y"] >= label["y"] + label["height"] - 1
                # One line is about 1.5 times the font size, two about 3 times.
                one_line = cell.evaluate(
                    "c => c.getBoundingClientRect().height"
                    " < 2 * parseFloat(getComputedStyle(c).fontSize)"
                )
                assert one_line or "limit" in (cell.get_attribute("class") or ""), (
                    table,
                    cell.inner_text(),
                )
    nodes = context.new_cdp_session(page).send("Accessibility.getFullAXTree")["nodes"]
    exposed = [(n["role"]["value"], n.get("name", {}).get("value")) for n in nodes if "role" in n]
    headers = [name for role, name in exposed if role == "columnheader"]
    memory = {
        "en": ["Low", "Expected", "High", "GPU memory"],
        "zh": ["低", "预计", "高", "GPU 显存"],
    }
    assert any(headers[i : i + 4] == memory[lang] for i in range(len(headers))), (
        "the memory table's column headers are still exposed"
    )


def test_no_plan_for_rag_and_a_plan_for_improve_data(page: Page) -> None:
    rag = create_finished(page.request, "Specs", PRODUCT_SPECS_QA)
    page.goto(f"/a/{rag}")
    expect(page.locator("details#plan")).to_have_count(0)
    data = create_finished(page.request, "Claims", NOISY_CLAIMS)
    page.goto(f"/a/{data}")
    expect(page.locator(".plan-data-first")).to_be_hidden()  # folded until opened
    page.locator("details#plan > summary").click()
    expect(page.locator(".plan-data-first")).to_be_visible()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_axe_finds_nothing_on_the_open_plan_and_the_providers_page(
    new_context: Callable[..., BrowserContext],
    axe_source: str,  # noqa: F811 - the fixture imported above
    lang: str,
) -> None:
    audit = Audit(axe_source)
    page = new_context().new_page()
    token = create_finished(page.request, "Refund agent", CUSTOMER_SERVICE_BOT)
    page.goto(f"/lang/{lang}?next=/a/{token}")
    page.locator("details#plan > summary").click()
    for config in page.locator(".plan-config summary, .plan-chart summary").all():
        config.click()
    audit(page, f"plan-{lang}")
    page.goto("/providers")
    audit(page, f"providers-{lang}")
    audit.assert_clean()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_cost_step_takes_its_one_time_cost_from_the_plan(
    new_context: Callable[..., BrowserContext],
    live_url: str,
    axe_source: str,  # noqa: F811 - the fixture imported above
    lang: str,
) -> None:
    """Back at the cost step from the review, with numbers but no one-time cost given, the amount
    is the plan's (editable) and a note says so; at 375 px axe stays clean."""
    context = new_context(viewport=PHONE)
    page = context.new_page()
    token = start(page, "Costed from the plan")
    # Up to the review as its plain forms post the steps (this browser's cookies): the walk
    # itself is test_wizard_to_plan_with_javascript_in_english's.
    answer_by_request(page, token, list(STEP_KEYS), CUSTOMER_SERVICE_BOT)
    page.goto(f"/d/{token}/review")
    expect(page).to_have_url(re.compile(rf"/d/{token}/review$"))
    context.add_cookies([{"name": "lang", "value": lang, "url": live_url}])
    page.goto(f"/d/{token}/cost")
    expect(page.locator("#cost-one-time-from-plan")).to_have_attribute("data-plan-state", "empty")
    page.locator("#cost-numbers > summary").click()
    for field, value in {
        "requests_per_day": "100000",
        "input_tokens": "1500",
        "output_tokens": "300",
        "current-input_per_million": "2.50",
        "current-output_per_million": "15",
        "candidate-input_per_million": "0.20",
        "candidate-output_per_million": "0.20",
    }.items():
        page.locator(f"#cost-{field}").fill(value)
    page.locator('#wizard button[name="nav"][value="review"]').click()
    expect(page).to_have_url(re.compile(rf"/d/{token}/review$"))
    page.goto(f"/d/{token}/cost")
    note = page.locator("#cost-one-time-from-plan")
    expect(note).to_have_attribute("data-plan-state", "prefilled")
    expect(page.locator("#cost-one_time_cost")).not_to_have_value("")
    expect(page.locator('input[name="costs.one_time.kind"][value="amount"]')).to_be_checked()
    audit = Audit(axe_source)
    audit(page, f"cost-step-from-plan-{lang}")
    audit.assert_clean()
