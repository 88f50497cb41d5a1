"""The history page: live search and the verdict filter with htmx, and the same form without JS."""

import re
import uuid

import pytest
from playwright.sync_api import Page, expect
from wizard_flow import (
    CUSTOMER_SERVICE_BOT,
    NOISY_CLAIMS,
    NOISY_CLAIMS_VERDICT,
    PRODUCT_SPECS_QA,
    PRODUCT_SPECS_QA_VERDICT,
    create_finished,
)

pytestmark = pytest.mark.e2e


def seed(page: Page) -> tuple[str, dict[str, str]]:
    """Three finished assessments whose titles share a prefix no other test uses."""
    prefix = f"hist{uuid.uuid4().hex[:8]}"
    titles = {
        "bot": f"{prefix} refund bot",
        "specs": f"{prefix} product specs",
        "claims": f"{prefix} claims router",
    }
    create_finished(page.request, titles["bot"], CUSTOMER_SERVICE_BOT)
    create_finished(page.request, titles["specs"], PRODUCT_SPECS_QA)
    create_finished(page.request, titles["claims"], NOISY_CLAIMS, team="Claims")
    return prefix, titles


def row_titles(page: Page):
    return page.locator("#results .assessment-list .row-title")


def test_live_search_and_filter_update_the_list_in_place(page: Page) -> None:
    prefix, titles = seed(page)
    page.goto("/assessments")
    # Newest first.
    expect(row_titles(page).filter(has_text=prefix)).to_have_text(
        [titles["claims"], titles["specs"], titles["bot"]]
    )
    page.evaluate("window.__marker = 1")

    page.locator("#search-q").fill(prefix)
    expect(page).to_have_url(re.compile(rf"[?&]q={prefix}(&|$)"))
    expect(row_titles(page)).to_have_text([titles["claims"], titles["specs"], titles["bot"]])

    page.locator("#search-q").fill(f"{prefix} product")
    expect(page).to_have_url(re.compile(rf"[?&]q={prefix}(\+|%20)product(&|$)"))
    expect(row_titles(page)).to_have_text([titles["specs"]])

    page.locator("#search-q").fill(prefix)
    expect(row_titles(page)).to_have_count(3)
    page.locator("#search-recommendation").select_option(NOISY_CLAIMS_VERDICT)
    expect(page).to_have_url(re.compile(rf"[?&]recommendation={NOISY_CLAIMS_VERDICT}(&|$)"))
    expect(row_titles(page)).to_have_text([titles["claims"]])

    page.locator("#search-q").fill("no such assessment anywhere")
    expect(row_titles(page)).to_have_count(0)
    expect(page.locator("#results .empty")).to_contain_text("Nothing matches.")
    assert page.evaluate("window.__marker") == 1


def test_search_form_works_without_javascript(nojs_page: Page) -> None:
    page = nojs_page
    prefix, titles = seed(page)
    page.goto("/assessments")

    page.locator("#search-q").fill(prefix)
    page.locator("#search-recommendation").select_option(PRODUCT_SPECS_QA_VERDICT)
    page.get_by_role("button", name="Search").click()

    expect(page).to_have_url(re.compile(rf"/assessments\?q={prefix}&recommendation=rag&status=$"))
    expect(row_titles(page)).to_have_text([titles["specs"]])
    expect(page.locator("#search-q")).to_have_value(prefix)
    expect(page.locator("#search-recommendation")).to_have_value(PRODUCT_SPECS_QA_VERDICT)

    page.locator("#search-q").fill("Claims")
    page.locator("#search-recommendation").select_option("")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/assessments\?q=Claims&recommendation=&status=$"))
    expect(row_titles(page).filter(has_text=prefix)).to_have_text([titles["claims"]])
