"""Issue 22 measured in a real browser: the verdict answer first (where the next steps start),
the header's height, the clicks from home to a verdict, what-if without JavaScript, and links out
of a wizard step that save it first. Each assertion is a target of the issue; a change that
breaks one fails here."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from wizard_flow import (
    CUSTOMER_SERVICE_BOT,
    NOISY_CLAIMS,
    PRODUCT_SPECS_QA,
    create_finished,
    step_url,
    token_of,
)

from app.decision import APPROACHES, QUESTIONS, STEPS
from app.decision.questionnaire import DEFAULTS

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
# Next steps start within 1.2 screens on a desktop, 2 on a phone (issue 22, point 1).
SCREENS = {1280: 1.2, 375: 2.0}


def top_of(page: Page, selector: str) -> float:
    return page.evaluate(
        "(s) => document.querySelector(s).getBoundingClientRect().top + window.scrollY", selector
    )


def line_height(page: Page) -> float:
    """One line of body text, in px: the unit of "the owner's view adds at most one line"."""
    return page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('main p')).lineHeight)"
    )


VERDICTS = {"ft": CUSTOMER_SERVICE_BOT, "rag": PRODUCT_SPECS_QA, "data": NOISY_CLAIMS}


def open_in(context: BrowserContext, live_url: str, lang: str) -> Page:
    context.add_cookies([{"name": "lang", "value": lang, "url": live_url}])
    return context.new_page()


def failures_of(checks: dict[str, Callable[[], None]]) -> list[str]:
    """Run every check, each to its first failed assertion: all the failures, each named."""
    failed = []
    for name, check in checks.items():
        try:
            check()
        except AssertionError as error:
            failed.append(f"[{name}] {error}")
    return failed


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
def test_next_steps_start_within_the_target_on_the_teammate_view(
    new_context: Callable[..., BrowserContext], live_url: str, viewport, lang
) -> None:
    """Each of the three verdicts (VERDICTS) in turn, in the same two browsers: the owner's and a
    teammate's. (They were a test each, two new browsers each: 16 browsers more for the same
    pages.)"""
    # The owner made them (and holds their manage keys); a teammate opens the shared links.
    owner_context, teammate_context = new_context(viewport=viewport), new_context(viewport=viewport)
    tokens = {
        name: create_finished(
            owner_context.request, "Refund agent for the support bot", answers, "Support"
        )
        for name, answers in VERDICTS.items()
    }
    owner = open_in(owner_context, live_url, lang)
    teammate = open_in(teammate_context, live_url, lang)

    def check(token: str) -> None:
        owner.goto(f"/a/{token}")
        teammate.goto(f"/a/{token}")
        expect(owner.locator(".manage-link")).to_have_count(1)
        expect(teammate.locator(".manage-link")).to_have_count(0)
        top = top_of(teammate, "#next-heading")
        limit = SCREENS[viewport["width"]] * viewport["height"]
        assert top <= limit, f"next steps start at {top:.0f} px, the target is {limit:.0f} px"
        # The answer comes before everything else on the page: title, status, recommendation,
        # why.
        order = [
            top_of(teammate, s)
            for s in ("#verdict-title", ".verdict-recommendation", "#next-heading")
        ]
        assert order == sorted(order)
        assert top_of(teammate, "#reasons-heading") < top
        assert top_of(teammate, "#change-heading") > top
        assert top_of(teammate, "#ranking-heading") > top
        # The owner's view adds at most one line above the fold: the manage link's, one row high.
        added = top_of(owner, "#next-heading") - top
        line = line_height(owner)
        assert 0 < added <= 2 * line, f"the owner's view adds {added:.0f} px (a line is {line:.0f})"
        row = owner.evaluate(
            "(() => { const r = document.querySelector('.record-line');"
            " return [r.getBoundingClientRect().height, parseFloat(getComputedStyle(r).lineHeight)"
            " || 0]; })()"
        )
        assert row[0] < 2 * max(row[1], line), row

    failed = failures_of({name: lambda token=token: check(token) for name, token in tokens.items()})
    assert not failed, "\n".join(failed)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_header_shows_every_item_whole_one_row_at_1280_and_none_overlapping(
    new_context: Callable[..., BrowserContext], live_url: str, lang
) -> None:
    """Each page (PATHS) loaded in turn in one browser at 1280, measured, then resized to a
    phone's width (the header's layout is CSS alone; no script reads the width): a second
    browser loaded it again, and each page was a test with its own browser.

    At 1280 one row; on a phone the links wrap on rows below the brand (review r2, defect 7:
    a sideways strip cut its last item mid-word, the rest out of sight). At both widths every
    control lies wholly in the window and no two overlap (defect 8: Pico's negative link
    margins made neighbours overlap by 12 px at 1280)."""
    page = open_in(new_context(viewport=DESKTOP), live_url, lang)

    def check(path: str) -> None:
        page.set_viewport_size(DESKTOP)
        if path == "step":
            page.goto("/new")
            page.locator("#field-title").fill("Header check")
            page.locator("main form button[type=submit]").click()
            expect(page).to_have_url(re.compile(r"/task$"))
        else:
            page.goto(path)
        assert page.viewport_size == DESKTOP
        for viewport in (DESKTOP, PHONE):
            page.set_viewport_size(viewport)
            height = page.evaluate(
                "document.querySelector('.site-header').getBoundingClientRect().height"
            )
            tops = page.evaluate(
                "[...document.querySelectorAll('.site-header nav > ul > li')]"
                ".filter(li => li.offsetParent !== null).map(li => Math.round(li.getBoundingClientRect().top + li.offsetHeight / 2))"
            )
            if viewport is DESKTOP:  # every item on one line (middles within a few pixels)
                assert max(tops) - min(tops) <= 6, tops
            boxes = page.evaluate(
                "[...document.querySelectorAll('.site-header a, .site-header button')]"
                ".filter(e => e.offsetParent !== null).map(e => { const r = e.getBoundingClientRect();"
                " return [e.textContent.trim(), r.left, r.right, r.top, r.bottom]; })"
            )
            names = [box[0] for box in boxes]
            assert len(names) == (8 if viewport is DESKTOP else 7), names
            outside = [b[0] for b in boxes if b[1] < 0 or b[2] > viewport["width"]]
            assert outside == [], outside
            overlapping = [
                (a[0], b[0])
                for i, a in enumerate(boxes)
                for b in boxes[i + 1 :]
                if min(a[2], b[2]) - max(a[1], b[1]) > 0.5
                and min(a[4], b[4]) - max(a[3], b[3]) > 0.5
            ]
            assert overlapping == [], overlapping
            # Nothing scrolls sideways out of sight.
            hidden = page.evaluate(
                "(() => { const ul = document.querySelector('.site-header nav > ul:last-child');"
                " return ul.scrollWidth - ul.clientWidth; })()"
            )
            assert hidden <= 0, hidden
            # The language switch never scrolls away: every one of its visible controls lies
            # wholly inside the window, at 1280 both languages, on a phone the other one only.
            switch = page.evaluate(
                "[...document.querySelectorAll('.site-header .lang-switch a, .site-header .lang-phone a, "
                ".site-header .lang-switch button, .site-header .lang-phone button')].filter(e => e.offsetParent !== null)"
                ".map(e => { const r = e.getBoundingClientRect();"
                " return [e.textContent.trim(), r.left >= 0 && r.right <= innerWidth]; })"
            )
            other = "English" if lang == "zh" else "中文"
            shown = ["English", "中文"] if viewport is DESKTOP else [other]
            assert switch == [[name, True] for name in shown], switch
            if viewport is PHONE:  # the brand's row and two rows of links
                assert height <= 100, height
            else:
                assert height <= 80, height

    failed = failures_of({path: lambda path=path: check(path) for path in PATHS})
    assert not failed, "\n".join(failed)


PATHS = ("/", "/new", "/assessments", "/how-we-decide", "step")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_on_a_phone_tab_reaches_every_header_control_in_sight(
    new_context: Callable[..., BrowserContext], live_url: str, lang
) -> None:
    """At 375 px, by keyboard alone: after the brand comes the other language, beside it; then
    each link, every one wholly in sight (they wrap on rows of their own, none off the edge)."""
    page = open_in(new_context(viewport=PHONE), live_url, lang)
    page.goto("/")
    seen = []
    for _ in range(12):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const e = document.activeElement;"
            " if (!e.closest('.site-header')) return null;"
            " const r = e.getBoundingClientRect();"
            " const shown = Math.min(r.right, innerWidth) - Math.max(r.left, 0);"
            " return [e.textContent.trim(), shown / r.width]; })()"
        )
        if focused is None:
            if seen:
                break
            continue  # the skip link
        seen.append(focused)
    other = "English" if lang == "zh" else "中文"
    assert [name for name, _ in seen][1] == other, seen
    assert seen[1][1] == 1.0, seen
    assert len(seen) == 7, seen  # brand, language, five links
    assert all(share == 1.0 for _, share in seen), seen


class Clicks:
    """Counts every click the test makes, as a user would count them."""

    def __init__(self, page: Page) -> None:
        self.page, self.count = page, 0

    def click(self, locator) -> None:
        self.count += 1
        locator.click()


def walk_to_verdict(page: Page, *, accept_usual: bool) -> int:
    """Home to verdict as a user does it: an answer already chosen (the usual one, shown chosen)
    is not clicked again; a team accepting the usual answers leaves them, and the optional
    questions, as they are."""
    clicks = Clicks(page)
    page.goto("/")
    clicks.click(page.locator("main a[href$='/new']").first)
    clicks.click(page.locator("#field-title"))
    page.keyboard.type("Refund agent")
    clicks.click(page.locator("main form button[type=submit]"))
    expect(page).to_have_url(re.compile(r"/task$"))
    page.wait_for_load_state("load")
    answers = CUSTOMER_SERVICE_BOT
    for step in STEPS:
        expect(page).to_have_url(re.compile(rf"/{step.key}$"))
        expect(page.locator("#step-heading")).to_have_text(step.title.en)
        for q in step.questions:
            if accept_usual and (q.key in DEFAULTS or q.optional):
                continue
            if q.kind == "integer":
                if answers.get(q.key) is not None and page.locator(f"#input-{q.key}").is_visible():
                    clicks.click(page.locator(f"#input-{q.key}"))
                    page.keyboard.type(str(answers[q.key]))
                continue
            option = page.locator(f'input[name="{q.key}"][value="{answers[q.key]}"]')
            if option.is_visible() and not option.is_checked():
                clicks.click(option)
        clicks.click(page.locator('#wizard button[name="nav"][value="next"]'))
    expect(page).to_have_url(re.compile(r"/review$"))
    clicks.click(page.get_by_role("button", name="Finish and see the verdict"))
    expect(page).to_have_url(re.compile(r"/a/[A-Za-z0-9_-]+$"))
    return clicks.count


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_home_to_verdict_in_at_most_20_clicks_with_the_usual_answers(
    new_context: Callable[..., BrowserContext], javascript
) -> None:
    page = new_context(viewport=DESKTOP, javascript=javascript).new_page()
    # 3 to start, the 4 questions without a usual answer (task type, rules written down,
    # knowledge source, examples), 5 steps, 1 to finish.
    assert walk_to_verdict(page, accept_usual=True) == 13 <= 20


def test_home_to_verdict_answering_everything_in_at_most_28_clicks(
    new_context: Callable[..., BrowserContext],
) -> None:
    """Every answer of worked example 1 given, the optional evidence questions included: a click
    per answer that differs from the one shown chosen, one per step, three to start, one to
    finish."""
    page = new_context(viewport=DESKTOP).new_page()
    clicks = walk_to_verdict(page, accept_usual=False)
    # Counted by hand from QUESTIONNAIRE.md and the bot's answers: 15 answers differ from the
    # usual (or, optional, "not sure") one: task_type, spec_clarity, verifiable_outputs,
    # accuracy_target, prompting_effort, strongest_model_tried, failure_mode, knowledge_source,
    # knowledge_volume, knowledge_form, example_count, data_quality, data_diversity, edge_cases,
    # synthetic_data; 8 are the usual ones (task_scope, volume, latency_need, cost_pressure,
    # hosting, ml_capacity, needs_citations, domain_language); 1 number, the baseline.
    assert clicks == 3 + 15 + 1 + len(STEPS) + 1 == 25 <= 28
    # And the verdict is the one those answers give: all of them were stored.
    token = token_of(page, "a")
    stored = page.request.get(f"/api/v1/assessments/{token}").json()["answers"]
    assert {k: stored[k] for k in CUSTOMER_SERVICE_BOT} == dict(CUSTOMER_SERVICE_BOT)


def test_usual_answers_are_marked_and_chosen_already(page: Page) -> None:
    page.goto("/new")
    page.locator("#field-title").fill("Usual")
    page.locator("main form button[type=submit]").click()
    token = token_of(page, "d")
    page.goto(f"/d/{token}/cost")
    expect(page).to_have_url(step_url(token, "task"))  # not reached yet: back to step 1
    for key, value in DEFAULTS.items():
        if QUESTIONS[key].step == "task":
            option = page.locator(f'input[name="{key}"][value="{value}"]')
            tag = page.locator(f'label:has(input[name="{key}"][value="{value}"]) .usual-tag')
            expect(tag).to_have_text("usual")
            expect(option).to_be_checked()
    # An optional question shows the "not sure" its omission stands for; a question without a
    # usual answer shows none, and going on without it says which.
    expect(page.locator('input[name="verifiable_outputs"][value="unsure"]')).to_be_checked()
    expect(page.locator('input[name="task_type"]:checked')).to_have_count(0)
    page.locator('#wizard button[name="nav"][value="next"]').click()
    expect(page.locator("#error-task_type")).to_be_visible()
    expect(page.locator("#error-task_scope")).to_have_count(0)
    expect(page.locator('input[name="task_scope"][value="narrow"]')).to_be_checked()


STEP_SCREEN = 800  # px: a step, help folded, fits one screen at 1280 × 800 (issue 22, point 3)
NEXT_BUTTON = '#wizard button[name="nav"][value="next"]'


def bottom_of(page: Page, selector: str) -> float:
    return page.evaluate(
        "(s) => document.querySelector(s).getBoundingClientRect().bottom + window.scrollY", selector
    )


def fieldset_columns(page: Page) -> int:
    """How many different left edges the step's visible questions start at."""
    return page.evaluate(
        "[...new Set([...document.querySelectorAll('#wizard-form > fieldset.question:not([hidden])')]"
        ".map(f => Math.round(f.getBoundingClientRect().left)))].length"
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_step_fits_one_screen_at_1280_and_one_column_at_375(
    new_context: Callable[..., BrowserContext], live_url: str, lang
) -> None:
    """One walk through the wizard, each step measured at 1280 and at 375 px on the one loaded
    page (the layout is CSS alone: no script reads the width), Next pressed at 375: a walk at
    each width, which this was, loaded every step twice."""
    page = open_in(new_context(viewport=DESKTOP), live_url, lang)
    page.goto("/new")
    page.locator("#field-title").fill("Refund agent for the support bot")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    for step in STEPS:
        expect(page).to_have_url(re.compile(rf"/{step.key}$"))
        expect(page.locator("details.help-fold[open]")).to_have_count(0)
        # The cost step's optional numbers come folded too, as the step opens.
        expect(page.locator("#cost-numbers")).to_have_count(1 if step.key == "cost" else 0)
        expect(page.locator("#cost-numbers[open]")).to_have_count(0)
        for viewport in (DESKTOP, PHONE):
            page.set_viewport_size(viewport)
            card = page.evaluate(
                "(() => { const r = document.querySelector('.wizard-card').getBoundingClientRect();"
                " return [r.height, r.bottom + window.scrollY]; })()"
            )
            # Nothing wider than the screen, on a phone too.
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], (step.key, viewport["width"], width)
            if viewport is DESKTOP:
                assert card[0] <= STEP_SCREEN, f"{step.key} ({lang}) is {card[0]:.0f} px tall"
                # The whole step as it opens, header and progress bar included, ends on the
                # first screen: Next is reached without scrolling, the usual answers in place.
                bottom = bottom_of(page, NEXT_BUTTON)
                assert bottom <= STEP_SCREEN, f"{step.key} ({lang}): Next ends at {bottom:.0f} px"
                # Questions side by side: the step's fieldsets use both halves of the card.
                assert fieldset_columns(page) == 2, step.key
            else:
                # One column on a phone: every question starts at the same left edge.
                assert fieldset_columns(page) == 1, step.key
        page.set_viewport_size(DESKTOP)
        for q in step.questions:
            answer = CUSTOMER_SERVICE_BOT.get(q.key)
            if q.kind == "integer":
                page.locator(f"#input-{q.key}").fill("" if answer is None else str(answer))
            else:
                page.locator(f'input[name="{q.key}"][value="{answer}"]').check()
        # And still, once this team's answers are given.
        bottom = bottom_of(page, NEXT_BUTTON)
        assert bottom <= STEP_SCREEN, f"{step.key} ({lang}), answered: Next ends at {bottom:.0f} px"
        page.set_viewport_size(PHONE)
        page.locator(NEXT_BUTTON).click()
    expect(page).to_have_url(re.compile(r"/review$"))


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_link_out_of_a_step_saves_it_first(
    new_context: Callable[..., BrowserContext], javascript
) -> None:
    """Each link of the header (LEAVE), out of a new draft's step, in turn in one browser (they
    were a test each, with a browser each)."""
    page = new_context(javascript=javascript).new_page()

    def check(link: str) -> None:
        page.goto("/new")
        page.locator("#field-title").fill("Nothing lost")
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/d/[A-Za-z0-9_-]{43}/task$"))
        token = token_of(page, "d")
        page.wait_for_load_state("load")
        page.locator('input[name="task_type"][value="classification"]').check()
        page.locator(f'.site-header button[name="leave"][value="{link}"]').click()
        expect(page).to_have_url(re.compile(LEAVE[link]))
        # The browser's Back, and coming back by the draft's link, both show the saved answer.
        page.go_back()
        expect(page).to_have_url(step_url(token, "task"))
        expect(page.locator('input[name="task_type"][value="classification"]')).to_be_checked()
        page.goto(f"/d/{token}")
        expect(page.locator('input[name="task_type"][value="classification"]')).to_be_checked()

    failed = failures_of({link: lambda link=link: check(link) for link in LEAVE})
    assert not failed, "\n".join(failed)


LEAVE = {
    "history": r"/assessments$",
    # The calculator opens for this draft: its numbers, and a way back to it.
    "calculator": r"/costs\?draft=[A-Za-z0-9_-]{43}$",
    "how": r"/how-we-decide$",
}


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_what_if_shows_the_new_verdict_beside_the_current_one_and_saves_a_revision(
    new_context: Callable[..., BrowserContext], javascript
) -> None:
    context = new_context(javascript=javascript)
    token = create_finished(context.request, "Refund agent", CUSTOMER_SERVICE_BOT)
    page = context.new_page()
    page.goto(f"/a/{token}")
    page.locator("#what-would-change a.what-if-link").first.scroll_into_view_if_needed()
    first = page.locator("#what-would-change > ul.changes a.what-if-link").first
    first.click()
    expect(page).to_have_url(re.compile(rf"/a/{token}/what-if\?q=\w+&v=\w+$"))
    sides = page.locator(".compare-grid .what-if-side")
    expect(sides).to_have_count(2)
    expect(sides.nth(0).locator(".verdict-recommendation")).to_have_text(
        APPROACHES["fine_tune"].label.en
    )
    expect(sides.nth(1).locator(".verdict-recommendation")).not_to_have_text(
        APPROACHES["fine_tune"].label.en
    )
    # Another answer from the answers list, then its form: a GET, the same without JavaScript.
    page.goto(f"/a/{token}")
    page.locator("#answers > summary").click()
    page.locator('#answers a.what-if-link[href$="q=knowledge_source"]').click()
    page.locator('input[name="v"][value="private_changing"]').check()
    page.get_by_role("button", name="Compare").click()
    expect(page).to_have_url(re.compile(r"q=knowledge_source&v=private_changing"))
    expect(page.locator(".what-if-headline")).to_contain_text(
        "Internal documents or code that change"
    )
    # Saved only when asked: a new version with that answer, which supersedes this one.
    page.get_by_role("button", name="Save this as a revision").click()
    expect(page).to_have_url(re.compile(r"/d/[A-Za-z0-9_-]+/review$"))
    expect(page.locator("main")).to_contain_text("Internal documents or code that change")
    page.get_by_role("button", name="Finish and see the verdict").click()
    expect(page).to_have_url(re.compile(r"/a/[A-Za-z0-9_-]+$"))
    assert token_of(page, "a") != token
    page.goto(f"/a/{token}")
    expect(page.locator(".title-line .pill.status")).to_have_text("Superseded")
