"""Compare and insights in a real browser: pick two in the history by keyboard alone and compare
them, with and without JavaScript, in English and Chinese; the insights' tables agree with the
JSON; axe finds nothing on either page; nothing scrolls sideways on a 375 px phone."""

import re
import uuid
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from test_e2e_accessibility import (  # noqa: F401 - axe_source is a fixture
    PHONE,
    Audit,
    axe_source,
    open_in,
    switch_scheme,
    t,
)
from wizard_flow import CUSTOMER_SERVICE_BOT, NOISY_CLAIMS, PRODUCT_SPECS_QA, create_finished

from app.decision import QUESTIONS

pytestmark = pytest.mark.e2e

LANGS = ("en", "zh")
# Playwright's default window, which the desktop audits had.
DESKTOP = {"width": 1280, "height": 720}


def seed(page: Page) -> tuple[str, dict[str, str]]:
    """Three finished assessments under a prefix no other test uses; name -> token."""
    prefix = f"cmp{uuid.uuid4().hex[:8]}"
    tokens = {
        "bot": create_finished(
            page.request, f"{prefix} refund bot", CUSTOMER_SERVICE_BOT, "Support"
        ),
        "specs": create_finished(page.request, f"{prefix} product specs", PRODUCT_SPECS_QA, "Docs"),
        "claims": create_finished(page.request, f"{prefix} claims router", NOISY_CLAIMS, "Claims"),
    }
    return prefix, tokens


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def differing(bot: dict, specs: dict) -> list[str]:
    return [key for key in QUESTIONS if (bot.get(key) or None) != (specs.get(key) or None)]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_pick_two_in_the_history_and_compare_them_by_keyboard(
    lang: str, javascript: bool, live_url: str, new_context: Callable[..., BrowserContext]
) -> None:
    page = open_in(new_context, live_url, lang, javascript=javascript)
    prefix, tokens = seed(page)
    page.goto(f"/assessments?q={prefix}")
    expect(page.locator("input[name=pick]")).to_have_count(3)
    tab_to(page, f"input[name=pick][value='{tokens['specs']}']")
    page.keyboard.press("Space")
    tab_to(page, f"input[name=pick][value='{tokens['bot']}']")
    page.keyboard.press("Space")
    tab_to(page, "form.compare-pick button[type=submit]")
    page.keyboard.press("Enter")
    # Posted, then redirected to a path: no share token in any query string.
    expect(page).to_have_url(re.compile(r"/compare/"))
    parts = urlsplit(page.url)
    assert (parts.path, parts.query) == (f"/compare/{tokens['specs']}/{tokens['bot']}", "")
    expect(page.locator("h1")).to_have_text(t(lang, "Compare assessments"))
    rows = page.locator("table.compare-answers tr.differs")
    expect(rows).to_have_count(len(differing(CUSTOMER_SERVICE_BOT, PRODUCT_SPECS_QA)))
    assert sorted(rows.evaluate_all("rs => rs.map(r => r.dataset.question)")) == sorted(
        differing(CUSTOMER_SERVICE_BOT, PRODUCT_SPECS_QA)
    )
    expect(rows.first.locator(".diff-mark")).to_have_text(t(lang, "Differs"))
    expect(page.locator(".compare-verdict [data-recommendation]")).to_have_count(2)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_picking_one_says_to_pick_two(
    javascript: bool, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context(javascript=javascript).new_page()
    prefix, tokens = seed(page)
    page.goto(f"/assessments?q={prefix}")
    page.locator(f"input[name=pick][value='{tokens['claims']}']").check()
    page.locator("form.compare-pick button[type=submit]").click()
    expect(page.locator("[role=alert] strong")).to_have_text(
        "Pick exactly two assessments to compare (you picked 1)."
    )


def table_numbers(page: Page, chart: str) -> dict[str, dict[str, int]]:
    return page.evaluate(
        """(chart) => {
            const table = document.querySelector(`table[data-chart="${chart}"]`);
            const series = [...table.querySelectorAll("thead th[data-series]")].map(th => th.dataset.series);
            return Object.fromEntries([...table.querySelectorAll("tbody tr")].map(tr => [
                tr.dataset.key,
                Object.fromEntries([...tr.querySelectorAll("td")].map((td, i) =>
                    [series[i], Number(td.textContent.replace(/[^0-9]/g, ""))])),
            ]));
        }""",
        chart,
    )


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_insights_filter_and_tables_agree_with_the_json(
    lang: str, javascript: bool, live_url: str, new_context: Callable[..., BrowserContext]
) -> None:
    page = open_in(new_context, live_url, lang, javascript=javascript)
    prefix, _ = seed(page)
    page.goto("/")
    page.locator("header nav").get_by_role("link", name=t(lang, "Insights")).click()
    expect(page).to_have_url(re.compile(r"/insights$"))
    page.locator("#insights-q").fill(prefix)
    page.locator("form.history-search button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/insights\?q={prefix}"))
    expect(page.locator(".insights-total")).to_have_attribute("data-total", "3")
    body = page.request.get(f"/api/v1/insights?q={prefix}").json()
    by_recommendation = table_numbers(page, "recommendation")
    assert {k: v["total"] for k, v in by_recommendation.items()} == body["recommendations"]
    teams = table_numbers(page, "team")
    assert (
        {team["team"]: team["total"] for team in body["teams"]}
        == {k: v["total"] for k, v in teams.items()}
        == {"Support": 1, "Docs": 1, "Claims": 1}
    )
    (month,) = table_numbers(page, "month").values()
    assert month["total"] == 3 and body["months"][0]["total"] == 3

    page.locator("#insights-recommendation").select_option("rag")
    page.locator("form.history-search button[type=submit]").click()
    expect(page.locator(".insights-total")).to_have_attribute("data-total", "1")


@pytest.mark.parametrize("lang", LANGS)
def test_axe_finds_nothing_on_compare_and_insights(
    lang: str,
    live_url: str,
    new_context: Callable[..., BrowserContext],
    axe_source: str,  # noqa: F811
) -> None:
    audit = Audit(axe_source)
    page = open_in(new_context, live_url, lang, viewport=DESKTOP, color_scheme="light")

    def check(state: str) -> None:
        """The state on a desktop in light, then on a phone-wide window in dark: the same loaded
        page, resized and switched (no script here reads the width or the scheme), where a
        second browser seeded and loaded every state again."""
        audit(page, f"{state} {lang} desktop, light")
        page.set_viewport_size(PHONE)
        switch_scheme(page, "dark")
        audit(page, f"{state} {lang} 375 px, dark")
        switch_scheme(page, "light")
        page.set_viewport_size(DESKTOP)

    prefix, tokens = seed(page)
    page.goto(f"/compare/{tokens['bot']}/{tokens['specs']}")
    check("compare")
    page.goto("/compare?a=x")
    check("compare, pick two")
    page.goto("/insights")
    for details in page.locator("details.chart-data").all():
        details.locator("summary").click()
    check("insights, tables open")
    page.goto(f"/insights?q={prefix}")
    check("insights, searched")
    page.goto("/insights?q=nothing+like+it+at+all")
    check("insights, nothing matches")
    page.goto(f"/assessments?q={prefix}")
    check("history with checkboxes")
    audit.assert_clean()


@pytest.mark.parametrize("lang", LANGS)
def test_no_sideways_scroll_at_375_px(
    lang: str, live_url: str, new_context: Callable[..., BrowserContext]
) -> None:
    page = open_in(new_context, live_url, lang, viewport=PHONE, is_mobile=True, has_touch=True)
    prefix, tokens = seed(page)
    for path in (
        f"/compare?a={tokens['bot']}&b={tokens['specs']}",
        "/insights",
        f"/insights?q={prefix}",
        f"/assessments?q={prefix}",
    ):
        page.goto(path)
        for details in page.locator("details.chart-data").all():
            details.locator("summary").click()
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width}px wide"
