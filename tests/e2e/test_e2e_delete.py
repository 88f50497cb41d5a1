"""Deleting an assessment: owners confirm on a page of its own, in English and Chinese, with and
without JavaScript, by keyboard alone; axe finds nothing on the new pages."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from test_e2e_accessibility import AXE_PATH, Audit
from wizard_flow import CUSTOMER_SERVICE_BOT

from app.web.i18n import translations
from tests.test_api import api_answers

pytestmark = pytest.mark.e2e


def t(lang: str, message: str, **values) -> str:
    return translations(lang).gettext(message) % values


def open_in(
    new_context: Callable[..., BrowserContext], live_url: str, lang: str, **options
) -> Page:
    context = new_context(**options)
    context.add_cookies([{"name": "lang", "value": lang, "url": live_url}])
    return context.new_page()


def create_owned(page: Page, title: str) -> str:
    """A finished assessment made through the API, whose manage token this browser then holds
    (pasted into the manage form, as an owner on another machine would)."""
    response = page.request.post(
        "/api/v1/assessments",
        data={
            "title": title,
            "answers": api_answers(dict(CUSTOMER_SERVICE_BOT, baseline_accuracy="95")),
        },
    )
    assert response.status == 201, response.text()
    body = response.json()
    unlocked = page.request.post(
        f"/a/{body['id']}/manage", form={"manage_token": body["manage_token"]}, max_redirects=0
    )
    assert unlocked.status == 303, unlocked.text()
    return body["id"]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_owner_cancels_then_deletes_after_confirming(
    new_context: Callable[..., BrowserContext], live_url: str, lang: str, javascript: bool
) -> None:
    page = open_in(new_context, live_url, lang, javascript=javascript)
    title = f"Deleted {lang} {javascript}"
    token = create_owned(page, title)
    page.goto(f"/a/{token}")
    page.get_by_role("button", name=t(lang, "Delete…"), exact=True).click()
    expect(page).to_have_url(re.compile(rf"/a/{token}/delete$"))
    expect(page.locator("h1")).to_have_text(t(lang, "Delete “%(title)s”?", title=title))
    page.get_by_role("link", name=t(lang, "Cancel, keep it"), exact=True).click()
    expect(page).to_have_url(re.compile(rf"/a/{token}$"))

    page.get_by_role("button", name=t(lang, "Delete…"), exact=True).click()
    page.get_by_role("button", name=t(lang, "Delete for good"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/assessments\?deleted=1$"))
    expect(page.locator("p.notice[role=status]")).to_have_text(
        t(lang, "The assessment was deleted, with its comments.")
    )
    expect(page.locator(".row-title", has_text=title)).to_have_count(0)
    assert page.goto(f"/a/{token}").status == 404

    # Someone who only has the link never sees the way to delete.
    reader = open_in(new_context, live_url, lang, javascript=javascript)
    other = create_owned(page, f"Kept {lang} {javascript}")
    reader.goto(f"/a/{other}")
    expect(reader.locator(".danger-zone")).to_have_count(0)
    assert reader.goto(f"/a/{other}/delete").status == 404


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_deleting_by_keyboard_alone(
    new_context: Callable[..., BrowserContext], live_url: str, javascript: bool
) -> None:
    page = open_in(new_context, live_url, "en", javascript=javascript)
    token = create_owned(page, "Keyboard delete")
    page.goto(f"/a/{token}")
    for _ in range(250):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href') || ''").endswith("/delete"):
            break
    else:
        pytest.fail("Tab never reached the delete link")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/a/{token}/delete$"))
    for _ in range(50):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('danger')"):
            break
    else:
        pytest.fail("Tab never reached the delete button")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/assessments\?deleted=1$"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_axe_finds_nothing_on_the_confirmation_page_and_the_comments(
    new_context: Callable[..., BrowserContext], live_url: str, lang: str
) -> None:
    audit = Audit(AXE_PATH.read_text(encoding="utf-8"))
    page = open_in(new_context, live_url, lang)
    token = create_owned(page, f"Accessible delete {lang}")
    page.goto(f"/a/{token}")
    page.locator("#comment-author").fill("Ana")
    page.locator("#comment-text").fill("A comment, with the owner's delete button next to it.")
    page.locator("form.comment-form button[type=submit]").click()
    expect(page.locator("#comments .comment-list > li")).to_have_count(1)
    audit(page, f"verdict with comments, owner ({lang})")
    page.locator("form.comment-form button[type=submit]").click()
    expect(page.locator("#error-comment-author")).to_be_visible()
    audit(page, f"comment form with errors ({lang})")
    page.goto(f"/a/{token}/delete")
    audit(page, f"delete confirmation ({lang})")
    page.emulate_media(color_scheme="dark")
    page.reload()
    audit(page, f"delete confirmation, dark ({lang})")
    page.get_by_role("button", name=t(lang, "Delete for good"), exact=True).click()
    expect(page.locator("p.notice[role=status]")).to_be_visible()
    audit(page, f"history after deleting ({lang})")
    audit.assert_clean()
