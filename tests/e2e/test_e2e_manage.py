"""Manage a decision in a real browser (issue 21): the manage key shown once on the manage view
after the wizard; invite a co-owner, who changes the status, and the audit trail shows it;
rotate after a confirmation, the new link shown with Copy; the old link's 410 page. In English
and Chinese, with and without JavaScript, by keyboard alone; axe on every state."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from test_e2e_accessibility import (  # noqa: F401 - axe_source is a fixture
    Audit,
    answer_by_request,
    axe_source,
    open_in,
    start_draft,
    t,
)
from test_e2e_wizard import tab_to
from wizard_flow import CUSTOMER_SERVICE_BOT, answer_all_steps, finish, start

from app.decision import STEP_KEYS

pytestmark = pytest.mark.e2e

TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


def create(page: Page, title: str) -> tuple[str, str]:
    """A finished assessment made through the API: (share token, manage key). The browser does
    not hold the key until it is pasted into the manage view."""
    response = page.request.post(
        "/api/v1/assessments", data={"title": title, "answers": dict(CUSTOMER_SERVICE_BOT)}
    )
    assert response.status == 201, response.text()
    body = response.json()
    return body["id"], body["manage_token"]


def unlock(page: Page, share: str, key: str, lang: str) -> None:
    page.goto(f"/a/{share}/manage")
    page.locator("#manage-token-input").fill(key)
    page.get_by_role("button", name=t(lang, "Manage"), exact=True).click()
    expect(page).to_have_url(re.compile(rf"/a/{share}/manage$"))


def new_share_token(page: Page) -> str:
    expect(page).to_have_url(re.compile(r"/a/[A-Za-z0-9_-]{43}/manage\?done=rotated$"))
    return page.url.split("/a/")[1].split("/")[0]


def test_the_wizard_leaves_the_manage_key_once_on_the_manage_view(
    new_context: Callable[..., BrowserContext],
) -> None:
    page = new_context().new_page()
    token = start(page, "Keep the key")
    answer_all_steps(page, token, CUSTOMER_SERVICE_BOT)
    finish(page, token)
    # The verdict page keeps no manage card: a note and one link.
    expect(page.locator("#manage")).to_have_count(0)
    expect(page.locator(".manage-key-waiting")).to_contain_text("This browser now manages")
    page.locator("#record a.manage-link").click()
    expect(page).to_have_url(re.compile(rf"/a/{token}/manage$"))
    shown = page.locator("#manage-token-new")
    expect(shown).to_be_visible()
    key = shown.input_value()
    assert TOKEN.fullmatch(key) and key not in page.url
    page.reload()
    expect(page.locator("#manage-token-new")).to_have_count(0)
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["manage"]["value"] == key
    assert cookies["manage"]["httpOnly"] and cookies["manage"]["sameSite"] == "Lax"
    assert "manage_new" not in cookies
    page.goto(f"/a/{token}")
    expect(page.locator(".manage-key-waiting")).to_have_count(0)
    expect(page.locator("#record a.manage-link")).to_be_visible()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_invite_a_co_owner_who_changes_the_status_and_the_trail_shows_it(
    new_context: Callable[..., BrowserContext], live_url: str, lang: str, javascript: bool
) -> None:
    owner = open_in(new_context, live_url, lang, javascript=javascript)
    share, key = create(owner, f"Invite {lang}")
    unlock(owner, share, key, lang)
    owner.get_by_label(t(lang, "Invite a co-owner: a label for their key")).fill("Ana")
    owner.get_by_role("button", name=t(lang, "Invite a co-owner"), exact=True).click()
    invited = owner.locator("#invited-key")
    expect(invited).to_be_visible()
    co_key = invited.input_value()
    assert TOKEN.fullmatch(co_key)
    copy = owner.locator("button[data-copy=invited-key]")
    expect(copy).to_be_visible() if javascript else expect(copy).to_be_hidden()

    colleague = open_in(new_context, live_url, lang, javascript=javascript)
    unlock(colleague, share, co_key, lang)
    colleague.locator("#record-status").select_option("accepted")
    colleague.get_by_label(t(lang, "Reason (optional, kept in the audit trail)")).first.fill(
        "Eval passed"
    )
    colleague.get_by_role("button", name=t(lang, "Save status")).click()
    expect(colleague).to_have_url(re.compile(rf"/a/{share}/manage\?done=status$"))
    first = colleague.locator(".audit-trail li").first
    expect(first.locator(".audit-who")).to_have_text("Ana")
    expect(first.locator(".audit-what")).to_have_text(
        t(
            lang,
            "v%(number)s: status %(old)s → %(new)s",
            number=1,
            old=t(lang, "Proposed"),
            new=t(lang, "Accepted"),
        )
    )
    expect(first.locator(".audit-reason")).to_have_text(
        t(lang, "Reason: %(reason)s", reason="Eval passed")
    )
    # The owner sees the same line, and Ana's key with its last use.
    owner.goto(f"/a/{share}/manage")
    expect(owner.locator(".audit-trail li").first.locator(".audit-who")).to_have_text("Ana")
    ana = owner.locator("table.keys tbody tr").nth(1)
    expect(ana.locator("th")).to_have_text("Ana")
    expect(ana.locator("td").nth(1)).not_to_have_text(t(lang, "Not used yet"))
    # Everyone sees the status on the verdict page.
    reader = open_in(new_context, live_url, lang, javascript=javascript)
    reader.goto(f"/a/{share}")
    expect(reader.locator(".title-line .status")).to_have_text(t(lang, "Accepted"))
    expect(reader.locator("#record a.manage-link")).to_have_count(0)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_rotate_after_confirmation_and_the_old_link_is_gone(
    new_context: Callable[..., BrowserContext], live_url: str, lang: str, javascript: bool
) -> None:
    page = open_in(new_context, live_url, lang, javascript=javascript)
    share, key = create(page, f"Rotate {lang}")
    unlock(page, share, key, lang)
    page.get_by_role("button", name=t(lang, "Rotate share link…")).click()
    expect(page).to_have_url(re.compile(rf"/a/{share}/rotate$"))
    expect(page.locator("h1")).to_have_text(
        t(lang, "Rotate the share link of “%(title)s”?", title=f"Rotate {lang}")
    )
    page.get_by_role("button", name=t(lang, "Rotate the link")).click()
    new = new_share_token(page)
    assert new != share
    field = page.locator("#manage-share-url")
    expect(field).to_have_value(re.compile(rf"/a/{new}$"))
    assert field.get_attribute("readonly") is not None
    copy = page.locator("button[data-copy=manage-share-url]")
    if javascript:
        expect(copy).to_be_visible()
        copy.click()
    else:
        expect(copy).to_be_hidden()

    reader = open_in(new_context, live_url, lang, javascript=javascript)
    response = reader.goto(f"/a/{share}")
    assert response is not None and response.status == 410
    expect(reader.locator("h1")).to_have_text(t(lang, "This link no longer works"))
    expect(reader.locator(".lead")).to_have_text(
        t(
            lang,
            "This link was replaced or has expired. Ask the person who shared it for the current link.",
        )
    )
    assert new not in reader.content()
    assert reader.goto(f"/a/{new}").status == 200


def test_rotate_by_keyboard_alone(new_context: Callable[..., BrowserContext]) -> None:
    page = new_context().new_page()
    share, key = create(page, "Keyboard rotate")
    page.goto(f"/a/{share}/manage")
    tab_to(page, "#manage-token-input")
    page.keyboard.type(key)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/a/{share}/manage$"))
    page.wait_for_load_state("load")
    tab_to(page, "#manage a[href$='/rotate']")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/a/{share}/rotate$"))
    page.wait_for_load_state("load")
    tab_to(page, "form[action$='/rotate'] button[type=submit]")
    page.keyboard.press("Enter")
    new = new_share_token(page)
    page.wait_for_load_state("load")
    tab_to(page, "input[name=days]")
    expect(page.locator("input[name=days][value=never]")).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(page.locator("input[name=days][value='90']")).to_be_checked()
    tab_to(page, "form.manage-expiry-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/a/{new}/manage\?done=expiry$"))
    expect(page.locator(".manage-expiry")).to_contain_text("The share link stops working on")
    assert page.request.get(f"/a/{share}").status == 410


def test_the_manage_view_has_no_axe_violations(
    new_context: Callable[..., BrowserContext],
    live_url: str,
    axe_source: str,  # noqa: F811
) -> None:
    audit = Audit(axe_source)
    for lang in ("en", "zh"):
        # Each state light and dark, switched on the one loaded page (Audit.in_both_schemes):
        # a second walk in a dark browser made the same states again, 20 page loads more.
        both = audit.in_both_schemes
        page = open_in(new_context, live_url, lang, color_scheme="light")
        share, key = create(page, f"Axe {lang}")
        page.goto(f"/a/{share}/manage")
        both(page, f"{lang}: manage view, visitor")
        page.locator("#manage-token-input").fill("x" * 43)
        page.locator("form.manage-unlock button").click()
        expect(page.locator("#manage-token-error")).to_be_visible()
        both(page, f"{lang}: manage view, wrong key")
        unlock(page, share, key, lang)
        both(page, f"{lang}: manage view, owner")
        page.locator("#invite-label").fill("Ana")
        page.locator("form.invite-form button").click()
        expect(page.locator("#invited-key")).to_be_visible()
        both(page, f"{lang}: co-owner invited")
        page.locator("#record-status").select_option("accepted")
        page.locator("form.status-form button").click()
        both(page, f"{lang}: status saved, audit trail")
        page.locator("#manage a[href$='/rotate']").click()
        both(page, f"{lang}: rotate confirmation")
        page.locator("form[action$='/rotate'] button[type=submit]").click()
        new_share_token(page)
        both(page, f"{lang}: rotated")
        page.goto(f"/a/{share}")
        both(page, f"{lang}: 410 page")
        page.goto(f"/a/{new_share_token_from_request(page, key)}")
        both(page, f"{lang}: verdict, owner")
        # Right after the wizard, at 375 px: the key shown once.
        page = open_in(new_context, live_url, lang)
        page.set_viewport_size({"width": 375, "height": 812})
        token = start_draft(page, "Axe: new key")
        answer_all_steps_by_request(page, token)
        page.locator("form[action$='/finish'] button[type=submit]").click()
        expect(page.locator(".manage-key-waiting")).to_be_visible()
        audit(page, f"{lang}: verdict with a key waiting, 375 px")
        page.locator("#record a.manage-link").click()
        expect(page.locator("#manage-token-new")).to_be_visible()
        audit(page, f"{lang}: manage view with the new key, 375 px")
    audit.assert_clean()


def new_share_token_from_request(page: Page, key: str) -> str:
    """The current link of the decision the key manages, from the API's listing."""
    items = page.request.get("/api/v1/assessments", headers={"X-Manage-Token": key}).json()
    return next(i["id"] for i in items["items"] if i["id"] is not None)


def answer_all_steps_by_request(page: Page, token: str) -> None:
    answer_by_request(page, token, list(STEP_KEYS), CUSTOMER_SERVICE_BOT)
    page.goto(f"/d/{token}/review")
