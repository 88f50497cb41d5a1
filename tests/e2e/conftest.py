"""End-to-end fixtures: one live uvicorn on a fresh SQLite file and one Chromium per run, a fresh
browser context (cookies, storage) per test, with JavaScript on or off."""

import os
from collections.abc import Callable, Iterator

import pytest
from live_server import CHROMIUM_ARGS, SHELL_INSTALL_HINT, find_chromium, live_server
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

# Long enough for a slow CI machine, short enough that a broken selector fails in seconds.
ACTION_TIMEOUT_MS = 10_000
# Chromium logs every 4xx response as a console error; a 422 for an invalid step is by design.
IGNORED_CONSOLE = "Failed to load resource: the server responded with a status of"


@pytest.fixture(scope="session")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(tmp_path_factory.mktemp("live")) as url:
        yield url


@pytest.fixture(scope="session")
def empty_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second server on a database nobody writes to: the home page and history with nothing
    yet. Its users (the accessibility and HTML checks) only read it, so one per run (per xdist
    worker) serves them all: each module started its own, 3-5 s a start."""
    with live_server(tmp_path_factory.mktemp("empty")) as url:
        yield url


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium(headless_shell=True)
    if path is None:
        # Never a skip: a suite that silently drops its browser tests looks green while
        # proving nothing.
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(
                f"REQUIRE_BROWSER=1 but no Chromium was found. {SHELL_INSTALL_HINT}", pytrace=False
            )
        pytest.fail(
            f"The e2e tests need a system Chromium and none was found. {SHELL_INSTALL_HINT} "
            "Or leave them out with `-m 'not e2e'`.",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser: Browser, live_url: str) -> Iterator[Callable[..., BrowserContext]]:
    """Open as many independent browsers (own cookies) as a test needs; all closed afterwards.

    Any uncaught script error or console error (a CSP refusal, an htmx failure) fails the test:
    those break the page for users while every assertion on the DOM may still pass.
    """
    contexts: list[BrowserContext] = []
    problems: list[str] = []

    def watch(page: Page) -> None:
        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error" and not message.text.startswith(IGNORED_CONSOLE):
                problems.append(f"{page.url}: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: problems.append(f"{page.url}: uncaught {error}"))

    def open_context(*, javascript: bool = True, **options) -> BrowserContext:
        context = browser.new_context(
            base_url=live_url, java_script_enabled=javascript, locale="en-GB", **options
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.on("page", watch)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()
    assert not problems, "the browser reported errors:\n" + "\n".join(problems)


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    return new_context().new_page()


@pytest.fixture
def nojs_page(new_context: Callable[..., BrowserContext]) -> Page:
    return new_context(javascript=False).new_page()
