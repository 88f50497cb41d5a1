"""WCAG 2.2 AA in a real browser: axe-core on every page and state, in both languages, light and
dark; the live region; phones at 375 px; reduced motion.

axe-core comes from the npm registry (package.json) and is copied to static/vendor/ by
`make assets`, which the app serves. Playwright's `evaluate` imports it from there into each page
it audits: a same-origin script, which the page's CSP (default-src 'self') allows, so the pages are
checked with the exact headers and markup users get.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from live_server import ROOT
from playwright.sync_api import BrowserContext, Page, expect
from wizard_flow import (
    CUSTOMER_SERVICE_BOT,
    NOISY_CLAIMS,
    PRODUCT_SPECS_QA,
    Answers,
    clear_choices,
    create_finished,
    fill_step,
    next_button,
    step_answers,
    step_url,
)

from app.decision import QUESTIONS, STEP_KEYS, STEPS
from app.decision.questionnaire import DEFAULTS
from app.web.i18n import translations

pytestmark = pytest.mark.e2e

AXE_PATH = ROOT / "static" / "vendor" / "axe.min.js"
# The same file as the app serves it. Imported (not evaluated from Python's copy), the browser keeps
# it in the context's cache with its compiled code: 25-30 ms a page instead of 55 ms, measured on
# ten page loads of the verdict and how-we-decide pages in one context, medians of two rounds.
AXE_URL = "/static/vendor/axe.min.js"
# WCAG 2.0, 2.1 and 2.2, levels A and AA: the bar, and nothing on top (no best practices).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
LANGS = ("en", "zh")
SCHEMES = ("light", "dark")
PHONE = {"width": 375, "height": 812}

# More verdicts than the worked examples, so that every badge, pill and warning style is on screen:
# a low-confidence "fix the data first" with warnings, a low-confidence agentic workflow with
# warnings, a medium prompt-engineering and a medium RAG-and-fine-tune.
LOW_CONFIDENCE_DATA = {
    **CUSTOMER_SERVICE_BOT,
    "failure_mode": "missing_knowledge",
    "volume": "low",
    "hosting": "open_weights_preferred",
    "ml_capacity": "experienced",
    "data_quality": "noisy",
}
LOW_CONFIDENCE_AGENTIC = {
    **CUSTOMER_SERVICE_BOT,
    "prompting_effort": "none",
    "volume": "low",
    "ml_capacity": "experienced",
    "synthetic_data": "yes",
}
MEDIUM_PROMPTING = {
    **CUSTOMER_SERVICE_BOT,
    "task_type": "reasoning",
    "accuracy_target": "high",
    "latency_need": "relaxed",
}
# Medium: the baseline (95%) is measured, its sample size is not.
MEDIUM_BOTH = {
    **CUSTOMER_SERVICE_BOT,
    "hosting": "open_weights_preferred",
    "knowledge_source": "private_changing",
}
VERDICTS = {
    # High confidence needs the baseline's sample size (without it, medium at most).
    "fine-tune, high": {**CUSTOMER_SERVICE_BOT, "baseline_sample_size": 1000},
    "RAG, high": PRODUCT_SPECS_QA,
    "improve data, high": NOISY_CLAIMS,
    "fix the data, low, warnings": LOW_CONFIDENCE_DATA,
    "agentic, low, warnings": LOW_CONFIDENCE_AGENTIC,
    "prompting, medium": MEDIUM_PROMPTING,
    "RAG and fine-tune, medium": MEDIUM_BOTH,
}


# --- Running axe ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_PATH.exists():
        pytest.fail(f"{AXE_PATH.relative_to(ROOT)} is missing: run `make assets`.", pytrace=False)
    return AXE_PATH.read_text(encoding="utf-8")


@dataclass
class Audit:
    """Collects axe violations page by page, so one run reports every problem at once.

    `axe_source` is the file's text, read where a missing file fails the run with its remedy
    (`make assets`); the pages import the copy the app serves (AXE_URL), the same file."""

    axe_source: str = field(repr=False)
    found: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def __call__(self, page: Page, state: str) -> None:
        page.wait_for_load_state("load")
        results = page.evaluate(
            """async ([url, tags]) => {
                // Once per page load: an htmx swap keeps it.
                if (typeof window.axe !== "object") await import(url);
                // Judge the page at rest: a button's colour transition (Pico's 0.2 s) still
                // running after a click reads as a colour between two states.
                await Promise.all(document.getAnimations()
                    .filter((a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
                    .map((a) => a.finished.catch(() => null)));
                const results = await axe.run(document, {
                    runOnly: {type: "tag", values: tags},
                    resultTypes: ["violations"],
                    // axe preloads the media (for no-autoplay-audio, a wcag2a rule) and the
                    // CSSOM, which only css-orientation-lock reads: an experimental rule that
                    // tags never select. Fetching every stylesheet again cost 30-100 ms a run.
                    preload: {assets: ["media"]},
                });
                return results.violations.map((v) => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map((n) => ({
                        target: n.target.join(" "),
                        summary: (n.failureSummary || "").replace(/\\s+/g, " ").trim(),
                    })),
                }));
            }""",
            [AXE_URL, AXE_TAGS],
        )
        self.checked.append(state)
        for violation in results:
            for node in violation["nodes"]:
                self.found.append(
                    f"[{state}] {violation['id']} ({violation['impact']}): "
                    f"{violation['help']}\n    at {node['target']}\n"
                    f"    {node['summary']}"
                )

    def in_both_schemes(self, page: Page, state: str) -> None:
        """Audit the page light, then dark, then leave it light: the same loaded page, switched
        by emulation (our CSS reads the scheme from media queries alone, no script does), instead
        of loading every page and state a second time in a dark browser."""
        self(page, f"{state}, light")
        switch_scheme(page, "dark")
        self(page, f"{state}, dark")
        switch_scheme(page, "light")

    def assert_clean(self) -> None:
        assert self.checked, "no page was checked"
        if self.found:
            pytest.fail(
                f"axe found {len(self.found)} violation(s) on {len(self.checked)} page "
                "states:\n" + "\n".join(self.found),
                pytrace=False,
            )


def switch_scheme(page: Page, scheme: str) -> None:
    """Emulate `scheme` on the loaded page, at rest: the colour transitions the switch starts
    (Pico's 0.2 s) are jumped to their end, the colours a page loaded in `scheme` has.

    Every element's style is read first: Chromium styles hidden subtrees (a closed <details>)
    only when asked, and a transition started by axe's own reading would still be on its way.
    Measured on the home, start, verdict, what-if, manage, costs and how-we-decide pages, at
    1280 and 375 px: every colour, background, border, outline, shadow, of every element and its
    ::before, ::after, ::placeholder and ::marker, equals the page loaded in `scheme`."""
    page.emulate_media(color_scheme=scheme)
    page.evaluate(
        """() => {
            for (const element of document.querySelectorAll("*")) getComputedStyle(element).color;
            document.getAnimations()
                .filter((a) => a instanceof CSSTransition)
                .forEach((a) => a.finish());
        }"""
    )


# --- The pages --------------------------------------------------------------------------------


def open_in(
    new_context: Callable[..., BrowserContext], live_url: str, lang: str, **options
) -> Page:
    context = new_context(**options)
    # Cookies ignore the port, so this one language holds for both servers.
    context.add_cookies([{"name": "lang", "value": lang, "url": live_url}])
    return context.new_page()


def t(lang: str, message: str, **values) -> str:
    return translations(lang).gettext(message) % values


def problems(lang: str, count: int) -> str:
    return translations(lang).ngettext(
        "There is %(num)s problem to fix", "There are %(num)s problems to fix", count
    ) % {"num": count}


def start_draft(page: Page, title: str) -> str:
    """A new draft through the start form's plain POST (this browser remembers it); its token."""
    page.goto("/new")
    page.locator("#field-title").fill(title)
    page.locator("form[action$='/new'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/d/[A-Za-z0-9_-]{43}/task$"))
    page.wait_for_load_state("load")
    return page.url.rsplit("/", 2)[-2]


def answer_by_request(page: Page, token: str, steps: list[str], answers: Answers) -> None:
    """Save steps over HTTP (same cookies as the page), to reach a later step quickly."""
    for step in steps:
        form = {k: "" if v is None else str(v) for k, v in step_answers(step, answers).items()}
        response = page.request.post(f"/d/{token}/{step}", form={**form, "nav": "next"})
        assert response.ok, (step, response.status)


def static_pages(page: Page, check: Callable[[Page, str], None], empty_url: str) -> None:
    """Every page reached by a link or a plain form, empty and with data."""
    page.goto(f"{empty_url}/")
    expect(page.locator("#recent-heading + .empty")).to_be_visible()
    check(page, "home, nothing yet")
    page.goto(f"{empty_url}/assessments")
    expect(page.locator("#results .empty")).to_be_visible()
    check(page, "history, nothing yet")

    tokens = {
        name: create_finished(page.request, f"Accessibility: {name}", answers, team="Platform")
        for name, answers in VERDICTS.items()
    }
    for name, token in tokens.items():
        page.goto(f"/a/{token}")
        check(page, f"verdict, {name}")
    # What if: the form alone, a question chosen, a comparison, and a refused answer.
    token = next(iter(tokens.values()))
    page.goto(f"/a/{token}/what-if")
    check(page, "what if, empty")
    page.goto(f"/a/{token}/what-if?q=failure_mode")
    check(page, "what if, a question")
    page.goto(f"/a/{token}/what-if?q=failure_mode&v=reasoning")
    check(page, "what if, compared")
    page.goto(f"/a/{token}/what-if?q=failure_mode&v=nonsense")
    check(page, "what if, refused")

    page.goto("/new")
    check(page, "start")
    page.locator("form[action$='/new'] button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    check(page, "start with errors")
    start_draft(page, "Accessibility: a draft on the home page")
    page.goto("/")
    expect(page.locator("#drafts-heading")).to_be_visible()
    check(page, "home with drafts and verdicts")
    page.goto("/assessments")
    check(page, "history with results")
    page.goto("/assessments?recommendation=improve_data")
    check(page, "history filtered")
    page.goto("/assessments?q=nothing-matches-this-search")
    expect(page.locator("#results .empty")).to_be_visible()
    check(page, "history, no match")
    page.goto("/how-we-decide")
    check(page, "how we decide")
    page.goto("/costs")
    check(page, "cost calculator")
    page.locator("form.cost-form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    check(page, "cost calculator with errors")
    page.goto("/costs?example=1")
    page.locator("form.cost-form button[type=submit]").click()
    expect(page.locator("#results-heading")).to_be_visible()
    check(page, "cost calculator with results")
    assert page.goto("/no-such-page").status == 404
    check(page, "error 404")
    assert page.goto("/assessments?cursor=not-a-cursor").status == 400
    check(page, "error 400")


def wizard_pages(page: Page, check: Callable[[Page, str], None], lang: str) -> None:
    """The wizard with htmx: each step loaded, swapped in, refused with errors; details, review."""
    token = start_draft(page, "Accessibility: the wizard")
    check(page, "step 1, page load")
    for index, step in enumerate(STEP_KEYS):
        clear_choices(page)
        next_button(page).click()
        expect(page.locator("#error-summary")).to_be_focused()
        check(page, f"step {index + 1} with errors (htmx)")
        fill_step(page, step, CUSTOMER_SERVICE_BOT)
        next_button(page).click()
        following = STEP_KEYS[index + 1] if index + 1 < len(STEP_KEYS) else "review"
        expect(page).to_have_url(step_url(token, following))
        expect(page.locator("#step-heading")).to_be_focused()
        check(page, f"{following} (htmx)")
    page.locator(".progress-title a").click()
    expect(page.locator("#step-heading")).to_have_text(t(lang, "About this assessment"))
    check(page, "details (htmx)")
    page.goto(f"/d/{token}/review")
    check(page, "review, page load")
    # Steps already answered: checked options are drawn on a tinted background.
    page.locator(".review-step-head a").first.click()
    expect(page).to_have_url(step_url(token, STEP_KEYS[0]))
    expect(page.locator("#wizard input:checked").first).to_be_visible()
    check(page, "step 1 answered (htmx)")
    page.goto(f"/d/{token}/data")
    check(page, "step 5 answered, page load")


def wizard_pages_without_htmx(page: Page, check: Callable[[Page, str], None]) -> None:
    """Each step's 422 page, as a browser without JavaScript gets it. axe needs JavaScript to run,
    so the page keeps it but htmx is replaced by an empty file: forms then post plainly, exactly
    as with JavaScript off, and the server answers with the whole page."""
    page.context.route(
        "**/static/vendor/htmx.min.js*",
        lambda route: route.fulfill(
            status=200, content_type="text/javascript", body="// htmx left out"
        ),
    )
    token = start_draft(page, "Accessibility: without htmx")
    for index, step in enumerate(STEP_KEYS):
        clear_choices(page)
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            next_button(page).click()
        assert posted.value.status == 422
        expect(page.locator("#error-summary")).to_be_visible()
        assert page.evaluate("() => document.doctype !== null")  # a whole page, not a fragment
        check(page, f"step {index + 1} with errors (422 page)")
        fill_step(page, step, CUSTOMER_SERVICE_BOT)
        next_button(page).click()
        following = STEP_KEYS[index + 1] if index + 1 < len(STEP_KEYS) else "review"
        expect(page).to_have_url(step_url(token, following))
        check(page, f"{following} (page load)")


# --- axe ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_axe_finds_nothing_on_any_page(
    lang: str,
    axe_source: str,
    empty_url: str,
    live_url: str,
    new_context: Callable[..., BrowserContext],
) -> None:
    """Every page and state in light and in dark (SCHEMES): each is audited in both before the
    next, on the one loaded page."""
    audit = Audit(axe_source)
    page = open_in(new_context, live_url, lang, color_scheme="light")
    static_pages(page, audit.in_both_schemes, empty_url)
    audit.assert_clean()


@pytest.mark.parametrize("lang", LANGS)
def test_axe_finds_nothing_in_the_wizard(
    lang: str,
    axe_source: str,
    live_url: str,
    new_context: Callable[..., BrowserContext],
) -> None:
    """Each wizard state in light and in dark, as test_axe_finds_nothing_on_any_page."""
    audit = Audit(axe_source)
    page = open_in(new_context, live_url, lang, color_scheme="light")
    wizard_pages(page, audit.in_both_schemes, lang)
    audit.assert_clean()


@pytest.mark.parametrize("lang", LANGS)
def test_axe_finds_nothing_on_the_pages_served_without_htmx(
    lang: str, axe_source: str, live_url: str, new_context: Callable[..., BrowserContext]
) -> None:
    audit = Audit(axe_source)
    wizard_pages_without_htmx(open_in(new_context, live_url, lang), audit)
    audit.assert_clean()


@pytest.mark.parametrize("lang", LANGS)
def test_on_a_phone_no_page_scrolls_sideways_and_axe_finds_nothing_in_dark_mode(
    lang: str,
    axe_source: str,
    empty_url: str,
    live_url: str,
    new_context: Callable[..., BrowserContext],
) -> None:
    """The small-screen layout hides and moves things (step names, the ranking bars): at 375 px
    every page and state must fit the width (checked light, as a phone opens it), and pass axe
    in dark mode. One walk through the pages for both (they were two tests, each walking them):
    at each state the width is measured, then the page is switched to dark, audited, and
    switched back, so each failure is still reported with its state."""
    audit = Audit(axe_source)
    wide: list[str] = []

    def check(page: Page, state: str) -> None:
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            culprits = page.evaluate(
                """(limit) => [...document.querySelectorAll("body *")]
                    .filter((el) => el.getBoundingClientRect().right > limit + 0.5)
                    .slice(0, 5)
                    .map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
                         + (el.className && typeof el.className === "string"
                            ? "." + el.className.trim().split(/\\s+/).join(".") : ""))""",
                PHONE["width"],
            )
            wide.append(f"[{state}] {width}px wide: {', '.join(culprits)}")
        switch_scheme(page, "dark")
        audit(page, f"{state}, dark")
        switch_scheme(page, "light")

    options = {"viewport": PHONE, "color_scheme": "light", "is_mobile": True, "has_touch": True}
    static_pages(open_in(new_context, live_url, lang, **options), check, empty_url)
    wizard_pages(open_in(new_context, live_url, lang, **options), check, lang)
    # Both reports at once, as the two tests gave them.
    reports = []
    if wide:
        reports.append("pages wider than a 375 px phone:\n" + "\n".join(wide))
    if audit.found:
        reports.append(f"axe found {len(audit.found)} violation(s):\n" + "\n".join(audit.found))
    assert audit.checked, "no page was checked"
    assert not reports, "\n\n".join(reports)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_hovered_primary_button_keeps_its_contrast(
    scheme: str, axe_source: str, live_url: str, new_context: Callable[..., BrowserContext]
) -> None:
    """The pointer rests on Next after a click, so its hover colour is what people read: Pico's
    dark-mode hover (#017fc0) gave white text 4.38:1."""
    page = open_in(new_context, live_url, "en", color_scheme=scheme)
    start_draft(page, "Hovered buttons")
    button = next_button(page)
    button.hover()
    audit = Audit(axe_source)
    audit(page, f"Next hovered ({scheme})")
    background = button.evaluate("b => getComputedStyle(b).backgroundColor")
    assert background == "rgb(2, 101, 154)"  # #02659a in both schemes
    audit.assert_clean()


# --- The live region ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_live_region_announces_step_changes_and_errors(
    lang: str, live_url: str, new_context: Callable[..., BrowserContext]
) -> None:
    page = open_in(new_context, live_url, lang)
    announcer = page.locator("#announcer")
    start_draft(page, "Announcements")
    expect(announcer).to_have_attribute("aria-live", "polite")
    expect(announcer).to_have_attribute("aria-atomic", "true")
    total = len(STEPS)

    next_button(page).click()
    # The questions without an answer shown chosen (the usual ones come chosen).
    required = [q for q in STEPS[0].questions if not q.optional and q.key not in DEFAULTS]
    expect(announcer).to_have_text(problems(lang, len(required)))
    expect(page.locator("#error-summary")).to_be_focused()

    fill_step(page, "task", CUSTOMER_SERVICE_BOT)
    next_button(page).click()
    expect(announcer).to_have_text(
        t(
            lang,
            "Step %(number)s of %(total)s: %(title)s",
            number=2,
            total=total,
            title=STEPS[1].title.get(lang),
        )
    )
    expect(page.locator("#step-heading")).to_be_focused()
    # Still one live region after the swaps: the fragment's replaces the page's, it is not added.
    expect(page.locator("[aria-live]:not(#results)")).to_have_count(1)

    # One wrong answer: the singular, and the region changes even when the count is the same.
    fill_step(page, "accuracy", {**CUSTOMER_SERVICE_BOT, "baseline_accuracy": 250})
    next_button(page).click()
    expect(announcer).to_have_text(problems(lang, 1))
    expect(page.locator("#error-summary")).to_be_focused()

    page.locator("#wizard button[name=nav][value=back]").click()
    expect(announcer).to_have_text(
        t(
            lang,
            "Step %(number)s of %(total)s: %(title)s",
            number=1,
            total=total,
            title=STEPS[0].title.get(lang),
        )
    )


def test_a_history_search_announces_how_many_it_found(page: Page) -> None:
    """The results are not a live region (every row would be read out); the count is."""
    for title in ("Announced search: refunds", "Announced search: returns"):
        create_finished(page.request, title, CUSTOMER_SERVICE_BOT)
    page.goto("/assessments")
    page.wait_for_load_state("load")
    expect(page.locator("#results")).not_to_have_attribute("aria-live", re.compile(".*"))
    page.locator("#search-q").fill("Announced search")
    expect(page.locator("#announcer")).to_have_text("2 assessments found")
    page.locator("#search-q").fill("Announced search: refunds")
    expect(page.locator("#announcer")).to_have_text("1 assessment found")
    expect(page.locator("[aria-live]")).to_have_count(1)


def test_errors_are_in_the_page_title_without_javascript(nojs_page: Page) -> None:
    """Without JavaScript nothing moves the focus: the title, read on load, says it first."""
    nojs_page.goto("/new")
    nojs_page.locator("form[action$='/new'] button[type=submit]").click()
    expect(nojs_page).to_have_title(re.compile(r"^Error: Start an assessment"))
    nojs_page.locator("#field-title").fill("Titled")
    nojs_page.locator("form[action$='/new'] button[type=submit]").click()
    expect(nojs_page).to_have_title(re.compile(r"^The task"))
    next_button(nojs_page).click()
    expect(nojs_page).to_have_title(re.compile(r"^Error: The task"))


def test_an_invalid_number_is_announced_with_its_question(page: Page) -> None:
    """The error summary names the question, so its link makes sense read out on its own."""
    start_draft(page, "Named errors")
    fill_step(page, "task", CUSTOMER_SERVICE_BOT)
    next_button(page).click()
    page.locator("#input-baseline_accuracy").fill("250")
    next_button(page).click()
    link = page.locator("#error-summary a[href='#input-baseline_accuracy']")
    expect(link).to_contain_text(QUESTIONS["baseline_accuracy"].label.en)


# --- Small screens, colour, motion ---------------------------------------------------------------


def test_progress_states_are_told_in_words_not_only_in_colour(page: Page) -> None:
    token = start_draft(page, "Progress in words")
    answer_by_request(page, token, ["task", "accuracy"], CUSTOMER_SERVICE_BOT)
    page.goto(f"/d/{token}/task")
    items = page.locator("nav.progress li")
    # Answered steps say so, steps not reached yet say so, the current one is aria-current.
    expect(items.nth(0).locator("[aria-current=step]")).to_have_count(1)
    expect(items.nth(1)).to_contain_text("(answered)")
    expect(items.nth(2)).not_to_contain_text("(")  # the next step to answer: a plain link
    expect(items.nth(3)).to_contain_text("(not reached yet)")
    expect(items.nth(5)).to_contain_text("(not reached yet)")


def test_fixtures_reach_the_verdicts_they_are_named_after() -> None:
    from app.decision import evaluate

    got = {
        name: (v.recommendation, v.confidence, bool(v.warnings))
        for name, v in ((name, evaluate(answers)) for name, answers in VERDICTS.items())
    }
    assert got == {
        "fine-tune, high": ("fine_tune", "high", False),
        "RAG, high": ("rag", "high", False),
        "improve data, high": ("improve_data", "high", False),
        "fix the data, low, warnings": ("improve_data", "low", True),
        "agentic, low, warnings": ("agentic_workflow", "low", True),
        "prompting, medium": ("prompt_engineering", "medium", True),
        "RAG and fine-tune, medium": ("rag_and_fine_tune", "medium", False),
    }


def test_confidence_and_recommendation_are_words(page: Page) -> None:
    token = create_finished(page.request, "Words, not colours", LOW_CONFIDENCE_DATA)
    page.goto(f"/a/{token}")
    expect(page.locator(".verdict-confidence")).to_contain_text("Low")
    page.goto("/assessments?q=Words%2C%20not%20colours")
    row = page.locator(".assessment-row").first
    expect(row.locator(".badge")).not_to_be_empty()
    expect(row.locator(".pill:not(.status)")).to_have_text("Confidence: Low")
    expect(row.locator(".pill.status")).to_have_text("Proposed")


@pytest.mark.parametrize("reduced", [True, False], ids=["reduce", "no-preference"])
def test_motion_follows_the_reader_preference(
    reduced: bool, live_url: str, new_context: Callable[..., BrowserContext]
) -> None:
    context = new_context(reduced_motion="reduce" if reduced else "no-preference")
    page = context.new_page()
    start_draft(page, "Motion")
    durations = page.locator(".option").first.evaluate(
        "el => getComputedStyle(el).transitionDuration.split(',').map(parseFloat)"
    )
    if reduced:
        assert max(durations) <= 0.001, durations
    else:
        assert max(durations) > 0, durations
    behaviour = page.evaluate("() => getComputedStyle(document.documentElement).scrollBehavior")
    assert behaviour == "auto"


def test_dark_mode_changes_the_palette(new_context: Callable[..., BrowserContext]) -> None:
    """Our own colours (errors, warnings, confidence) have dark variants, not just Pico's."""
    colours = {}
    for scheme in SCHEMES:
        page = new_context(color_scheme=scheme).new_page()
        page.goto("/new")
        page.locator("form[action$='/new'] button[type=submit]").click()
        colours[scheme] = page.locator(".field-error").first.evaluate(
            "el => [getComputedStyle(el).color, getComputedStyle(document.body).backgroundColor]"
        )
    assert colours["light"] != colours["dark"], json.dumps(colours)


def test_tab_shows_the_skip_link_then_a_focus_ring(page: Page) -> None:
    page.goto("/new")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    # Drawn over the header, on a solid background: the element at its centre and its text's
    # corners is the link itself (the logo and the links showed through it before).
    on_top = page.evaluate(
        """() => {
          const link = document.querySelector('.skip-link');
          const box = link.getBoundingClientRect();
          const points = [[box.left + box.width / 2, box.top + box.height / 2],
                          [box.left + 6, box.top + 6], [box.right - 6, box.bottom - 6]];
          return [points.every(([x, y]) => link.contains(document.elementFromPoint(x, y))),
                  getComputedStyle(link).backgroundColor];
        }"""
    )
    assert on_top[0] is True, on_top
    assert on_top[1] not in ("transparent", "rgba(0, 0, 0, 0)"), on_top
    page.keyboard.press("Tab")
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth), s.boxShadow]; }"
    )
    assert (outline[0] != "none" and outline[1] >= 2) or outline[2] != "none", outline
