"""Review r2's layout defects measured in Chromium, at 375 and 1280 px, in English and Chinese:
the costs form's radio cards (3), a check's eyebrow over its heading (4), the how-we-decide
contents (5), the eval report's versions table on a phone (6), Chinese headings kept whole (9),
the training plan's chart text on a phone (15) and the rules version as written (17)."""

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page
from wizard_flow import CUSTOMER_SERVICE_BOT, create_finished

from app import decision
from tests import eval_files as ef

pytestmark = pytest.mark.e2e

WIDTHS = {375: {"width": 375, "height": 740}, 1280: {"width": 1280, "height": 800}}


def open_page(new_context: Callable[..., BrowserContext], live_url: str, lang: str, width: int):
    context = new_context(viewport=WIDTHS[width])
    context.add_cookies([{"name": "lang", "value": lang, "url": live_url}])
    return context.new_page()


def one_line(page: Page, selector: str, phrase: str) -> int:
    """How many lines `phrase` in the element takes (1: not broken inside)."""
    return page.evaluate(
        """([selector, phrase]) => {
          const element = document.querySelector(selector);
          const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.data.indexOf(phrase);
            if (at < 0) continue;
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + phrase.length);
            return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
          }
          return -1;
        }""",
        [selector, phrase],
    )


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_costs_radio_choices_are_cards_with_the_circle_beside_the_label(
    new_context, live_url, lang, width
) -> None:
    page = open_page(new_context, live_url, lang, width)
    page.goto("/costs")
    options = page.evaluate(
        """[...document.querySelectorAll('.cost-choice')].map((group) =>
          [...group.querySelectorAll('label.option')].map((option) => {
            const box = option.getBoundingClientRect();
            const input = option.querySelector('input').getBoundingClientRect();
            const label = option.querySelector('.option-label').getBoundingClientRect();
            return {
              inside: input.left >= box.left && input.right <= box.right
                && input.top >= box.top && input.bottom <= box.bottom,
              beside: input.right <= label.left && input.top < label.top + 24,
              padded: input.left - box.left >= 8,
              top: Math.round(box.top),
            };
          }))"""
    )
    assert len(options) == 2 and [len(group) for group in options] == [2, 4]
    for group in options:
        for option in group:
            assert option == {**option, "inside": True, "beside": True, "padded": True}, option
    if width == 1280:  # each group's choices on one row
        assert [len({o["top"] for o in group}) for group in options] == [1, 1]


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_checks_opened_alone_put_the_eyebrow_over_the_heading(
    new_context, live_url, lang, width
) -> None:
    page = open_page(new_context, live_url, lang, width)
    for path in ("/datasets/check", "/evals/check"):
        page.goto(path)
        eyebrow, heading = page.evaluate(
            """['.page-head > .eyebrow', '.page-head > h1'].map((s) => {
              const r = document.querySelector(s).getBoundingClientRect();
              return [Math.round(r.left), Math.round(r.top), Math.round(r.bottom)]; })"""
        )
        assert heading[0] == eyebrow[0], (path, eyebrow, heading)
        assert heading[1] >= eyebrow[2], (path, eyebrow, heading)


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_how_we_decide_contents_heading_on_one_line_over_its_list(
    new_context, live_url, lang, width
) -> None:
    page = open_page(new_context, live_url, lang, width)
    page.goto("/how-we-decide")
    heading = "On this page" if lang == "en" else "本页内容"
    assert one_line(page, "#page-toc-heading", heading) == 1
    above = page.evaluate(
        """(() => { const h = document.querySelector('#page-toc-heading').getBoundingClientRect();
          const list = document.querySelector('.page-toc > ol').getBoundingClientRect();
          return h.bottom <= list.top; })()"""
    )
    assert above is True
    # The rules version as the verdicts write it, not upper-cased with the eyebrow (17).
    eyebrow = page.locator(".eyebrow").first.inner_text()
    assert eyebrow.endswith(decision.RULES_VERSION), eyebrow


def test_home_heading_in_chinese_breaks_between_its_phrases_on_a_phone(
    new_context, live_url
) -> None:
    """Balanced, the heading broke inside 十分钟 (十 / 分钟); English breaks at its spaces."""
    page = open_page(new_context, live_url, "zh", 375)
    page.goto("/")
    assert page.locator("main h1").inner_text().replace("\n", "") == "该不该微调？十分钟给你答案。"
    assert [
        one_line(page, "main h1", phrase) for phrase in ("该不该微调？", "十分钟给你答案。")
    ] == [1, 1]


@pytest.fixture
def eval_runs(tmp_path: Path) -> tuple[Path, Path]:
    latest = [(f"t{i:02d}", ef.PASS if i < 46 else ef.FAIL, "is-json") for i in range(50)]
    earlier = [(f"t{i:02d}", ef.PASS if i < 40 else ef.FAIL, "is-json") for i in range(50)]
    new, old = tmp_path / "results-v2.json", tmp_path / "results-v1.json"
    new.write_bytes(ef.build("promptfoo_json", latest))
    old.write_bytes(ef.build("promptfoo_json", earlier))
    return new, old


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_eval_report_on_a_phone_shows_its_versions_table_whole(
    new_context, live_url, lang, eval_runs
) -> None:
    page = open_page(new_context, live_url, lang, 375)
    page.goto("/evals/check")
    page.locator("#eval-file").set_input_files(eval_runs[0])
    page.locator("#previous-1").set_input_files(eval_runs[1])
    page.locator("form.dataset-form button[type=submit]").click()
    page.locator("#runs-heading").wait_for()
    clipped = page.evaluate(
        """(() => { const region = document.querySelector('#runs-heading ~ .table-scroll');
          return region.scrollWidth - region.clientWidth; })()"""
    )
    assert clipped <= 0, clipped
    heading = {"en": "What your eval run measured", "zh": "评测结果说明了什么"}[lang]
    assert page.locator("#check-heading").inner_text() == heading
    if lang == "zh":  # one line, not broken inside 结果 (结 / 果 at 375 before)
        assert one_line(page, "#check-heading", heading) == 1
        # The step column's heading whole too (变 / 化 before).
        step = "#runs-heading ~ .table-scroll thead th:last-child"
        assert one_line(page, step, "与上一版相比") == 1


@pytest.mark.parametrize("width", [375, 1280])
def test_training_plan_chart_text_is_at_least_12_px_and_inside_the_chart(
    new_context, live_url, width
) -> None:
    context = new_context(viewport=WIDTHS[width])
    token = create_finished(context.request, "Refund agent", CUSTOMER_SERVICE_BOT)
    page = context.new_page()
    page.goto(f"/a/{token}")
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    charts = page.evaluate(
        """[...document.querySelectorAll('svg.range-chart')].map((svg) => {
          const box = svg.getBoundingClientRect();
          const scale = box.width / svg.viewBox.baseVal.width;
          const texts = [...svg.querySelectorAll('text')];
          return {
            smallest: Math.min(...texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * scale)),
            outside: texts.filter((t) => t.getBoundingClientRect().right > box.right + 0.5)
              .map((t) => t.textContent),
          };
        })"""
    )
    assert len(charts) == 3
    for chart in charts:
        assert chart["smallest"] >= 12, chart
        assert chart["outside"] == [], chart


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_date_in_a_verdict_s_eyebrow_stays_whole_on_a_phone(new_context, live_url, lang):
    """Whatever the team's name, the date moves to the next line whole (2026年12月8日 broke
    between 12 and 月 at 375 px): team names of 1 to 60 characters, each measured."""
    page = open_page(new_context, live_url, lang, 375)
    token = create_finished(page.context.request, "Date kept whole", CUSTOMER_SERVICE_BOT, "T")
    page.goto(f"/a/{token}")
    broken = page.evaluate(
        """() => {
          const eyebrow = document.querySelector('.verdict-head .eyebrow');
          const time = eyebrow.querySelector('time');
          const team = [...eyebrow.childNodes].find((n) => n.nodeType === 3 && n.data.includes('T'));
          const broken = [];
          for (let n = 1; n <= 60; n++) {
            team.data = team.data.replace(/T[a-z]*/, 'T' + 'e'.repeat(n - 1));
            const lines = new Set([...time.getClientRects()].map((r) => Math.round(r.top))).size;
            if (lines !== 1) broken.push(n);
          }
          return broken;
        }"""
    )
    assert broken == []
