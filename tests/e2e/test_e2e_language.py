"""The language switch: a cookie that follows the reader from page to page, verdicts included."""

import re

import pytest
from playwright.sync_api import Page, expect
from wizard_flow import CUSTOMER_SERVICE_BOT, CUSTOMER_SERVICE_BOT_VERDICT, create_finished

from app.decision import APPROACHES

pytestmark = pytest.mark.e2e


def lang_cookie(page: Page) -> str | None:
    values = [c["value"] for c in page.context.cookies() if c["name"] == "lang"]
    return values[0] if values else None


def test_switching_to_chinese_persists_across_pages_and_back(page: Page) -> None:
    page.goto("/how-we-decide")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "en")

    page.locator(".lang-switch").get_by_role("link", name="中文").click()
    expect(html).to_have_attribute("lang", "zh-Hans")
    expect(page).to_have_url(re.compile(r"/how-we-decide$"))
    assert lang_cookie(page) == "zh"
    expect(page.locator(".lang-switch a[aria-current='true']")).to_have_text("中文")

    page.locator(".site-header a[href$='/assessments']").click()
    expect(page).to_have_url(re.compile(r"/assessments$"))
    expect(html).to_have_attribute("lang", "zh-Hans")
    page.goto("/new")
    expect(html).to_have_attribute("lang", "zh-Hans")

    page.locator(".lang-switch").get_by_role("link", name="English").click()
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/new$"))
    assert lang_cookie(page) == "en"
    page.goto("/")
    expect(html).to_have_attribute("lang", "en")


def test_verdict_in_chinese_shows_the_chinese_recommendation(page: Page) -> None:
    token = create_finished(page.request, "Refund agent (zh)", CUSTOMER_SERVICE_BOT)
    approach = APPROACHES[CUSTOMER_SERVICE_BOT_VERDICT]
    page.goto(f"/a/{token}")
    expect(page.locator(".verdict-recommendation")).to_have_text(approach.label.en)

    page.locator(".lang-switch").get_by_role("link", name="中文").click()
    expect(page).to_have_url(re.compile(rf"/a/{token}$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator(".verdict-recommendation")).to_have_text(approach.label.zh)
