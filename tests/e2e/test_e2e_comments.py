"""Comments on the verdict page, in English and Chinese, with and without JavaScript, by keyboard."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from wizard_flow import CUSTOMER_SERVICE_BOT, create_finished

from app.web.i18n import translations

pytestmark = pytest.mark.e2e

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def t(lang: str, message: str, **values) -> str:
    return translations(lang).gettext(message) % values


def open_in(
    new_context: Callable[..., BrowserContext], live_url: str, lang: str, **options
) -> Page:
    context = new_context(**options)
    context.add_cookies([{"name": "lang", "value": lang, "url": live_url}])
    return context.new_page()


def items(page: Page):
    return page.locator("#comments .comment-list > li")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_comment_is_refused_when_empty_then_added_and_shown_as_typed(
    new_context: Callable[..., BrowserContext], live_url: str, lang: str, javascript: bool
) -> None:
    page = open_in(new_context, live_url, lang, javascript=javascript)
    token = create_finished(page.request, f"Comments {lang} {javascript}", CUSTOMER_SERVICE_BOT)
    page.goto(f"/a/{token}")
    expect(page.locator("#comments-heading")).to_have_text(t(lang, "Comments"))
    expect(items(page)).to_have_count(0)

    button = page.get_by_role("button", name=t(lang, "Add comment"), exact=True)
    button.click()
    expect(page.locator("#error-comment-author")).to_contain_text(
        t(lang, "Give a name your team will recognise (up to %(limit)s characters).", limit=80)
    )
    expect(page.locator("#error-comment-text")).to_contain_text(
        t(lang, "Write a comment (up to %(limit)s characters).", limit=2000)
    )
    expect(items(page)).to_have_count(0)

    page.get_by_label(t(lang, "Your name"), exact=True).fill("Ana <b>Li</b>")
    page.get_by_label(t(lang, "Comment"), exact=True).fill(f"{PAYLOAD}\n第二行 second line")
    page.get_by_role("button", name=t(lang, "Add comment"), exact=True).click()
    expect(items(page)).to_have_count(1)
    expect(items(page).locator(".comment-author")).to_have_text("Ana <b>Li</b>")
    expect(items(page).locator(".comment-text")).to_have_text(f"{PAYLOAD}\n第二行 second line")
    expect(page.locator("#comments img, #comments script")).to_have_count(0)
    expect(page.locator("#comment-author")).to_have_value("")
    expect(page.locator("#comment-text")).to_have_value("")
    expect(page.locator("#error-comment-author")).to_have_count(0)
    if javascript:
        # Swapped in by htmx: the same page, and the live region says what happened.
        assert page.url.endswith(f"/a/{token}")
        expect(page.locator("#announcer")).to_have_text(t(lang, "Your comment was added."))
    else:
        assert page.url.endswith(f"/a/{token}#comments")

    # A reader in another browser sees it too.
    reader = open_in(new_context, live_url, lang, javascript=javascript)
    reader.goto(f"/a/{token}")
    expect(items(reader).locator(".comment-author")).to_have_text("Ana <b>Li</b>")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_comment_by_keyboard_alone(
    new_context: Callable[..., BrowserContext], live_url: str, javascript: bool
) -> None:
    page = open_in(new_context, live_url, "en", javascript=javascript)
    token = create_finished(page.request, "Keyboard comments", CUSTOMER_SERVICE_BOT)
    page.goto(f"/a/{token}")
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "comment-author":
            break
    else:
        pytest.fail("Tab never reached the comment form's name field")
    page.keyboard.type("Kim")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "comment-text"
    page.keyboard.type("Typed without a mouse.")
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.tagName, document.activeElement.type]")
    assert focused == ["BUTTON", "submit"]
    page.keyboard.press("Enter")
    expect(items(page).locator(".comment-text")).to_have_text("Typed without a mouse.")
    expect(page).to_have_url(re.compile(rf"/a/{token}(#comments)?$"))
