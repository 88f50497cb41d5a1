"""Issue 12, point 4 in a real browser: an old link says it is superseded and leads to the newer
version; the history filters by status; in English and Chinese, with and without JavaScript,
and by keyboard alone; axe finds nothing on the new states."""

import re
import uuid
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from test_e2e_accessibility import Audit, axe_source, open_in, t  # noqa: F401 - a fixture
from wizard_flow import CUSTOMER_SERVICE_BOT, PRODUCT_SPECS_QA, create_finished, verdict_url

pytestmark = pytest.mark.e2e
LANGS = ("en", "zh")


def revise_and_finish(page: Page, token: str, lang: str) -> str:
    """Revise a copy and finish it, by the page's own buttons; the revision's token."""
    page.goto(f"/a/{token}")
    page.get_by_role("button", name=t(lang, "Revise a copy"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/d/[A-Za-z0-9_-]{43}/review$"))
    revision = page.url.split("/")[-2]
    page.get_by_role("button", name=t(lang, "Finish and see the verdict")).click()
    expect(page).to_have_url(verdict_url(revision))
    return revision


def tab_to(page: Page, selector: str, limit: int = 40) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("lang", LANGS)
def test_an_old_link_says_superseded_and_leads_to_the_newer_version_by_keyboard(
    lang: str, javascript: bool, live_url: str, new_context: Callable[..., BrowserContext]
) -> None:
    page = open_in(new_context, live_url, lang, javascript=javascript)
    title = f"rec{uuid.uuid4().hex[:8]}"
    original = create_finished(page.request, title, CUSTOMER_SERVICE_BOT)
    page.goto(f"/a/{original}")
    expect(page.locator(".title-line .status")).to_have_text(t(lang, "Proposed"))
    expect(page.locator(".superseded-notice")).to_have_count(0)

    revision = revise_and_finish(page, original, lang)
    expect(page.locator("#verdict-title")).to_have_text(f"{title} v2")
    expect(page.locator(".revised-from a")).to_have_text(f"{title} · v1")

    page.goto(f"/a/{original}")
    notice = page.locator(".superseded-notice")
    expect(notice).to_contain_text(t(lang, "Superseded."))
    expect(page.locator(".title-line .status")).to_have_text(t(lang, "Superseded"))
    link = notice.locator("a.superseded-by")
    expect(link).to_have_text(f"{title} · v2")
    tab_to(page, "a.superseded-by")
    page.keyboard.press("Enter")
    expect(page).to_have_url(verdict_url(revision))
    expect(page.locator("#verdict-title")).to_have_text(f"{title} v2")


@pytest.mark.parametrize("lang", LANGS)
def test_history_filters_by_status_with_htmx(
    lang: str, live_url: str, new_context: Callable[..., BrowserContext]
) -> None:
    page = open_in(new_context, live_url, lang)
    prefix = f"st{uuid.uuid4().hex[:8]}"
    old = create_finished(page.request, f"{prefix} bot", CUSTOMER_SERVICE_BOT)
    create_finished(page.request, f"{prefix} specs", PRODUCT_SPECS_QA)
    revise_and_finish(page, old, lang)

    page.goto(f"/assessments?q={prefix}")
    page.evaluate("window.__marker = 1")
    rows = page.locator("#results .assessment-list .assessment-row")
    expect(rows).to_have_count(3)
    page.locator("#search-status").select_option("superseded")
    expect(page).to_have_url(re.compile(r"[?&]status=superseded(&|$)"))
    expect(rows).to_have_count(1)
    expect(rows.locator(".row-title")).to_have_text(f"{prefix} bot")
    expect(rows.locator(".status")).to_have_text(t(lang, "Superseded"))
    expect(page.locator(".counts a[aria-current=true] .count")).to_have_text("1")
    assert page.evaluate("window.__marker") == 1  # swapped in place, no page load

    page.locator("#search-status").select_option("proposed")
    expect(rows).to_have_count(2)
    expect(rows.first.locator(".row-title")).to_have_text(f"{prefix} bot v2")
    expect(page.locator(".counts a[aria-current=true] .count")).to_have_text("2")
    assert page.evaluate("window.__marker") == 1


def test_history_filters_by_status_without_javascript_by_keyboard(
    live_url: str, new_context: Callable[..., BrowserContext]
) -> None:
    page = open_in(new_context, live_url, "en", javascript=False)
    prefix = f"nj{uuid.uuid4().hex[:8]}"
    old = create_finished(page.request, f"{prefix} bot", CUSTOMER_SERVICE_BOT)
    revise_and_finish(page, old, "en")

    page.goto(f"/assessments?q={prefix}")
    page.locator("#search-status").select_option("superseded")
    page.locator("#search-status").focus()
    tab_to(page, "button.search-button")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"\?q={prefix}&recommendation=&status=superseded$"))
    rows = page.locator("#results .assessment-list .assessment-row")
    expect(rows).to_have_count(1)
    expect(rows.locator(".row-title")).to_have_text(f"{prefix} bot")

    # The status links work as plain links too.
    page.locator(".status-filter a", has_text="Proposed").click()
    expect(page).to_have_url(re.compile(r"status=proposed$"))
    expect(rows.locator(".row-title")).to_have_text([f"{prefix} bot v2"])


def test_copy_link_is_the_main_action_for_a_viewer(
    new_context: Callable[..., BrowserContext],
) -> None:
    page = new_context(permissions=["clipboard-read", "clipboard-write"]).new_page()
    token = create_finished(page.request, "Viewer check", CUSTOMER_SERVICE_BOT)
    page.goto(f"/a/{token}")
    copy = page.get_by_role("button", name="Copy link")
    # The first button of the actions, by keyboard: the copy button comes before Revise.
    tab_to(page, ".verdict-actions button")
    expect(copy).to_be_focused()
    page.keyboard.press("Enter")
    expect(copy).to_have_class(re.compile(r"\bcopied\b"))
    assert (
        page.evaluate("navigator.clipboard.readText()") == page.locator("#share-url").input_value()
    )

    nojs = new_context(javascript=False).new_page()
    nojs.goto(f"/a/{token}")
    expect(nojs.get_by_role("button", name="Copy link")).to_be_hidden()
    field = nojs.locator("#share-url")
    expect(field).to_have_attribute("readonly", "")
    expect(field).to_have_value(re.compile(rf"/a/{token}$"))


@pytest.mark.parametrize("lang", LANGS)
def test_axe_finds_nothing_on_the_record_states(
    lang: str,
    axe_source: str,  # noqa: F811 - the fixture
    live_url: str,
    new_context: Callable[..., BrowserContext],
) -> None:
    audit = Audit(axe_source)
    page = open_in(new_context, live_url, lang)
    prefix = f"ax{uuid.uuid4().hex[:8]}"
    old = create_finished(page.request, f"{prefix} bot", CUSTOMER_SERVICE_BOT)
    revision = revise_and_finish(page, old, lang)
    audit(page, "revision (v2)")
    page.goto(f"/a/{old}")
    audit(page, "superseded verdict")
    page.goto(f"/assessments?q={prefix}&status=superseded")
    audit(page, "history by status")
    page.goto(f"/a/{revision}/manage")
    expect(page.locator("#record-status")).to_be_visible()
    audit(page, "revision's manage view with the status control")
    page.locator("#record-status").select_option("rejected")
    page.locator(".status-form button").click()
    expect(page.locator(".status")).to_have_text(t(lang, "Rejected"))
    audit(page, "status changed")
    audit.assert_clean()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("lang", LANGS)
def test_an_owner_changes_the_status_on_the_manage_view_by_keyboard(
    lang: str, javascript: bool, live_url: str, new_context: Callable[..., BrowserContext]
) -> None:
    page = open_in(new_context, live_url, lang, javascript=javascript)
    title = f"sc{uuid.uuid4().hex[:8]}"
    original = create_finished(page.request, title, CUSTOMER_SERVICE_BOT)
    revision = revise_and_finish(page, original, lang)
    # The verdict page: the status, and for owners one link to the manage view.
    expect(page.locator("#record-status")).to_have_count(0)
    expect(page.locator(".title-line .status")).to_have_text(t(lang, "Proposed"))
    tab_to(page, "#record a.manage-link")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/a/{revision}/manage$"))
    page.wait_for_load_state("load")
    tab_to(page, "#record-status")
    page.keyboard.press("ArrowDown")  # proposed -> accepted
    expect(page.locator("#record-status")).to_have_value("accepted")
    tab_to(page, ".status-form button")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/a/{revision}/manage\?done=status$"))
    expect(page.locator("p[role=status]")).to_have_text(
        t(lang, "Status saved: %(status)s", status=t(lang, "Accepted"))
    )
    expect(page.locator("#record-status")).to_have_value("accepted")
    page.goto(f"/a/{revision}")
    expect(page.locator(".title-line .status")).to_have_text(t(lang, "Accepted"))

    # A reader with only the link sees the status, and no control.
    reader = open_in(new_context, live_url, lang, javascript=javascript)
    reader.goto(f"/a/{revision}")
    expect(reader.locator(".title-line .status")).to_have_text(t(lang, "Accepted"))
    expect(reader.locator("#record a.manage-link")).to_have_count(0)
    reader.goto(f"/assessments?q={title}&status=accepted")
    expect(reader.locator("#results .row-title")).to_have_text([f"{title} v2"])
