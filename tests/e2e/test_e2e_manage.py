"""Manage a verdict in a real browser: the token shown once after the wizard; rotate and expire
the share link in English and Chinese, with and without JavaScript, and by keyboard alone;
axe on the manage view."""

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
from app.web.i18n import translations

pytestmark = pytest.mark.e2e

TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


def create(page: Page, title: str) -> tuple[str, str]:
    """A finished assessment made through the API: (share token, manage token)."""
    response = page.request.post(
        "/api/v1/assessments", data={"title": title, "answers": dict(CUSTOMER_SERVICE_BOT)}
    )
    assert response.status == 201, response.text()
    body = response.json()
    return body["id"], body["manage_token"]


def status_of(page: Page, path: str) -> int:
    return page.request.get(path).status


def new_share_token(page: Page) -> str:
    expect(page).to_have_url(re.compile(r"/a/[A-Za-z0-9_-]{43}/manage\?done=rotated$"))
    return page.url.split("/a/")[1].split("/")[0]


def test_the_wizard_shows_the_manage_token_once_and_the_browser_keeps_it(
    new_context: Callable[..., BrowserContext],
) -> None:
    page = new_context().new_page()
    token = start(page, "Keep the token")
    answer_all_steps(page, token, CUSTOMER_SERVICE_BOT)
    finish(page, token)
    shown = page.locator("#manage-token-new")
    expect(shown).to_be_visible()
    manage_token = shown.input_value()
    assert TOKEN.fullmatch(manage_token)
    assert manage_token not in page.url
    expect(page.locator("label[for=manage-token-new]")).to_contain_text("Keep it somewhere safe")
    page.reload()
    expect(page.locator("#manage-token-new")).to_have_count(0)
    # The browser that finished it manages from here without the token.
    expect(page.locator("form.manage-rotate button")).to_be_visible()
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["manage"]["value"] == manage_token
    assert cookies["manage"]["httpOnly"] and cookies["manage"]["sameSite"] == "Lax"
    assert "manage_new" not in cookies
    # The token works from another browser too, by the API.
    other = new_context().new_page()
    rotated = other.request.post(
        f"/api/v1/assessments/{token}/rotate", headers={"X-Manage-Token": manage_token}
    )
    assert rotated.status == 200


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_rotate_and_expire_with_a_pasted_token(
    new_context: Callable[..., BrowserContext], live_url: str, lang: str, javascript: bool
) -> None:
    page = open_in(new_context, live_url, lang, javascript=javascript)
    share, manage_token = create(page, f"Rotate {lang}")
    page.goto(f"/a/{share}")
    # Someone who only views: the section is folded, and holds only the token field.
    section = page.locator("details#manage")
    expect(section.locator("summary h2")).to_have_text(t(lang, "Manage this verdict"))
    section.locator("summary").click()
    page.locator("#manage-token-input").fill(manage_token)
    page.get_by_role("button", name=t(lang, "Manage"), exact=True).click()
    expect(page).to_have_url(re.compile(rf"/a/{share}/manage$"))
    expect(page.locator("h1")).to_have_text(t(lang, "Manage “%(title)s”", title=f"Rotate {lang}"))

    page.get_by_role("button", name=t(lang, "Rotate share link")).click()
    new = new_share_token(page)
    assert new != share
    expect(page.locator("#manage p[role=status]")).to_have_text(
        t(lang, "The share link was rotated: the old link no longer works. Share the new one.")
    )
    reader = new_context().new_page()
    assert status_of(reader, f"/a/{share}") == 404
    assert status_of(reader, f"/a/{new}") == 200

    page.get_by_label(t(lang, "In %(num)s day", num=30) if lang == "zh" else "In 30 days").check()
    page.get_by_role("button", name=t(lang, "Save expiry")).click()
    expect(page).to_have_url(re.compile(rf"/a/{new}/manage\?done=expiry$"))
    stops = translations(lang).gettext("The share link stops working on %(when)s.")
    expect(page.locator("#manage .manage-expiry")).to_contain_text(stops.split("%(when)s")[0])
    page.goto(f"/a/{new}")
    expect(page.locator("#share-url")).to_have_value(re.compile(rf"/a/{new}$"))


def test_rotate_by_keyboard_alone(new_context: Callable[..., BrowserContext]) -> None:
    page = new_context().new_page()
    share, manage_token = create(page, "Keyboard rotate")
    page.goto(f"/a/{share}/manage")
    tab_to(page, "#manage-token-input")
    page.keyboard.type(manage_token)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/a/{share}/manage$"))
    page.wait_for_load_state("load")
    tab_to(page, "form.manage-rotate button")
    page.keyboard.press("Enter")
    new = new_share_token(page)
    page.wait_for_load_state("load")
    # The expiry: Tab into the radio group (the checked "Never" takes focus), arrow to 90 days.
    tab_to(page, "input[name=days]")
    expect(page.locator("input[name=days][value=never]")).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(page.locator("input[name=days][value='90']")).to_be_checked()
    tab_to(page, "form.manage-expiry-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/a/{new}/manage\?done=expiry$"))
    expect(page.locator("#manage .manage-expiry")).to_contain_text(
        "The share link stops working on"
    )
    assert status_of(page, f"/a/{share}") == 404


def test_the_manage_view_has_no_axe_violations(
    new_context: Callable[..., BrowserContext],
    live_url: str,
    axe_source: str,  # noqa: F811
) -> None:
    audit = Audit(axe_source)
    for lang in ("en", "zh"):
        for scheme in ("light", "dark"):
            page = open_in(new_context, live_url, lang, color_scheme=scheme)
            share, manage_token = create(page, f"Axe {lang}")
            page.goto(f"/a/{share}/manage")
            audit(page, f"{lang} {scheme}: manage view, visitor")
            page.goto(f"/a/{share}")
            page.locator("details#manage summary").click()
            audit(page, f"{lang} {scheme}: verdict, manage folded open")
            page.locator("#manage-token-input").fill(manage_token)
            page.locator("form.manage-unlock button").click()
            expect(page.locator("form.manage-rotate")).to_be_visible()
            audit(page, f"{lang} {scheme}: manage view, manager")
            page.locator("form.manage-rotate button").click()
            new_share_token(page)
            audit(page, f"{lang} {scheme}: rotated")
            page.locator("form.manage-expiry-form button[type=submit]").click()
            audit(page, f"{lang} {scheme}: expiry saved")
            page.goto(f"/a/{new_share_token_from(page)}")
            audit(page, f"{lang} {scheme}: verdict, manager")
        # Right after the wizard: the token shown once.
        page = open_in(new_context, live_url, lang)
        token = start_draft(page, "Axe: new token")
        answer_all_steps_by_request(page, token)
        page.locator("form[action$='/finish'] button[type=submit]").click()
        expect(page.locator("#manage-token-new")).to_be_visible()
        audit(page, f"{lang}: verdict with the new manage token")
        page.set_viewport_size({"width": 375, "height": 812})
        page.goto(page.url.split("#")[0] + "/manage")
        audit(page, f"{lang}: manage view at 375 px")
    audit.assert_clean()


def new_share_token_from(page: Page) -> str:
    return page.url.split("/a/")[1].split("/")[0]


def answer_all_steps_by_request(page: Page, token: str) -> None:
    answer_by_request(page, token, list(STEP_KEYS), CUSTOMER_SERVICE_BOT)
    page.goto(f"/d/{token}/review")
