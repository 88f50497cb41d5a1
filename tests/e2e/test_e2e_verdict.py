"""The verdict page: its share link works for anyone, and Revise never touches the original."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from wizard_flow import (
    CUSTOMER_SERVICE_BOT,
    CUSTOMER_SERVICE_BOT_VERDICT,
    create_finished,
    finish,
    token_of,
    verdict_url,
)

from app.decision import APPROACHES

pytestmark = pytest.mark.e2e


def verdict_snapshot(page: Page) -> dict[str, object]:
    return {
        "title": page.locator("#verdict-title").inner_text(),
        "recommendation": page.locator(".verdict-recommendation").inner_text(),
        "confidence": page.locator(".verdict-confidence").inner_text(),
        "reasons": page.locator("ol.reasons > li").all_inner_texts(),
        # The answers sit in a folded section: read them whether it is open or not.
        "answers": [
            t.strip()
            for t in page.locator(".answers-grid dl.answers dd .answer-value").all_text_contents()
        ],
    }


def test_share_link_shows_the_same_verdict_in_another_browser(
    new_context: Callable[..., BrowserContext],
) -> None:
    owner = new_context(permissions=["clipboard-read", "clipboard-write"]).new_page()
    token = create_finished(owner.request, "Shared refund agent", CUSTOMER_SERVICE_BOT)
    owner.goto(f"/a/{token}")
    share_url = owner.locator("#share-url").input_value()
    assert re.fullmatch(rf"http://127\.0\.0\.1:\d+/a/{token}", share_url), share_url

    copy = owner.locator("[data-copy='share-url']")
    copy.click()
    expect(copy).to_have_class(re.compile(r"\bcopied\b"))
    assert owner.evaluate("navigator.clipboard.readText()") == share_url

    mine = verdict_snapshot(owner)
    assert mine["recommendation"] == APPROACHES[CUSTOMER_SERVICE_BOT_VERDICT].label.en
    assert len(mine["reasons"]) >= 3

    reader = new_context().new_page()
    reader.goto(share_url)
    expect(reader).to_have_url(verdict_url(token))
    assert verdict_snapshot(reader) == mine
    assert reader.context.cookies() == []


def test_revise_makes_a_new_draft_with_the_same_answers_and_leaves_the_original(page: Page) -> None:
    original = create_finished(
        page.request, "Refund agent v1", CUSTOMER_SERVICE_BOT, team="Support"
    )
    page.goto(f"/a/{original}")
    before = verdict_snapshot(page)

    page.get_by_role("button", name="Revise a copy", exact=True).click()
    expect(page).to_have_url(re.compile(r"/d/[A-Za-z0-9_-]{43}/review$"))
    revision = token_of(page, "d")
    assert revision != original
    review_answers = page.locator(".review-step dl.answers dd").all_inner_texts()
    assert review_answers == before["answers"]
    expect(page.locator(".review-step dd.missing")).to_have_count(0)

    page.goto(f"/a/{original}")
    expect(page).to_have_url(verdict_url(original))
    assert verdict_snapshot(page) == before
    expect(page.get_by_text("Revised from")).to_have_count(0)

    page.goto(f"/d/{revision}")
    expect(page).to_have_url(re.compile(rf"/d/{revision}/review$"))
    finish(page, revision)
    expect(page.locator(".verdict-recommendation")).to_have_text(before["recommendation"])
    revised_from = page.locator("main a", has_text="Refund agent v1")
    expect(revised_from).to_have_attribute("href", re.compile(rf"/a/{original}$"))
