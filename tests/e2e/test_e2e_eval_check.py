"""The eval-run check in a real browser: from the accuracy step, upload a run and an earlier one,
attach the measured baseline, finish, and the verdict shows it as measured; with JavaScript and
without it, in English and in Chinese."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from wizard_flow import CUSTOMER_SERVICE_BOT, fill_step, next_button, start, step_url, verdict_url

from app.settings import ROOT
from tests import eval_files as ef

pytestmark = pytest.mark.e2e

TEXTS = {
    "en": {
        "heading": "What your eval run measured",
        "headline": "46 of 50 graded cases passed: 92.0%",
        "errors": "2 cases were errors",
        "attached": "Attached: 46 of 50 cases passed (92%)",
        "verdict": "46 of 50 graded cases passed, 92.0%",
        "measured_heading": "Measured baseline",
    },
    "zh": {
        "heading": "评测结果说明了什么",
        "headline": "50 个已评分案例中通过 46 个：92.0%",
        "errors": "2 个案例出错",
        "attached": "已附加：50 个案例中通过 46 个（92%）",
        "verdict": "50 个已评分案例中通过 46 个，92.0%",
        "measured_heading": "实测基线",
    },
}


@pytest.fixture
def runs(tmp_path: Path) -> tuple[Path, Path]:
    """The latest run: 46 pass, 4 fail, 2 errors; an earlier one of the same cases, 40 passing."""
    latest = [(f"t{i:02d}", ef.PASS if i < 46 else ef.FAIL, "is-json") for i in range(50)]
    latest += [("t50", ef.ERROR, "x"), ("t51", ef.ERROR, "x")]
    earlier = [(f"t{i:02d}", ef.PASS if i < 40 else ef.FAIL, "is-json") for i in range(52)]
    new, old = tmp_path / "results-v2.json", tmp_path / "results-v1.json"
    new.write_bytes(ef.build("promptfoo_json", latest))
    old.write_bytes(ef.build("promptfoo_json", earlier))
    return new, old


def upload_attach_finish(page: Page, lang: str, runs: tuple[Path, Path], seen=None) -> None:
    """The whole flow; `seen(page, state)` is called on each page it reaches."""
    seen = seen or (lambda page, state: None)
    texts = TEXTS[lang]
    token = start(page, f"Eval run ({lang})")
    if lang == "zh":
        origin = re.match(r"https?://[^/]+", page.url).group(0)
        page.context.add_cookies([{"name": "lang", "value": "zh", "url": origin + "/"}])
    fill_step(page, "task", CUSTOMER_SERVICE_BOT)
    next_button(page).click()
    expect(page).to_have_url(step_url(token, "accuracy"))
    page.locator("#measured-baseline a").click()
    expect(page).to_have_url(re.compile(rf"/evals/check\?draft={token}$"))
    seen(page, "check")
    page.locator("#eval-file").set_input_files(runs[0])
    page.locator("#previous-1").set_input_files(runs[1])
    page.locator("form.dataset-form button[type=submit]").click()
    expect(page.locator("#check-heading")).to_have_text(texts["heading"])
    expect(page.locator("[data-headline]")).to_contain_text(texts["headline"])
    expect(page.locator("[data-headline]")).to_contain_text(texts["errors"])
    expect(page.locator('[data-count="errors"]')).to_have_text("2")
    expect(page.locator('[data-paired="only_new"]')).to_have_text("6")
    expect(page.locator('[data-paired="only_old"]')).to_have_text("0")
    seen(page, "report")
    page.locator("#attach button").click()
    expect(page).to_have_url(re.compile(rf"/d/{token}/accuracy(#measured-baseline)?$"))
    expect(page.locator("#input-baseline_accuracy")).to_have_value("92")
    expect(page.locator("#input-baseline_sample_size")).to_have_value("50")
    expect(page.locator("#measured-baseline")).to_contain_text(texts["attached"])
    seen(page, "accuracy-step")
    answers = {**CUSTOMER_SERVICE_BOT, "baseline_accuracy": 92, "baseline_sample_size": 50}
    for step, following in (
        ("accuracy", "cost"),
        ("cost", "knowledge"),
        ("knowledge", "data"),
        ("data", "review"),
    ):
        fill_step(page, step, answers)
        next_button(page).click()
        expect(page).to_have_url(step_url(token, following))
    page.locator('form[action$="/finish"] button[type=submit]').click()
    expect(page).to_have_url(verdict_url(token))
    section = page.locator("section.eval-run")
    expect(section.locator("h2")).to_have_text(texts["measured_heading"])
    expect(section).to_contain_text(texts["verdict"])
    seen(page, "verdict")
    record = page.request.get(f"/api/v1/assessments/{token}").json()
    assert record["answers"]["baseline_accuracy"] == 92
    assert record["answers"]["baseline_sample_size"] == 50
    assert (record["eval_run"]["passed"], record["eval_run"]["errors"]) == (46, 2)
    assert record["eval_run"]["paired"]["only_new"] == 6


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_eval_run_without_javascript(nojs_page: Page, runs, lang) -> None:
    upload_attach_finish(nojs_page, lang, runs)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_eval_run_from_the_accuracy_step_to_the_verdict_passes_axe_and_fits_the_width(
    new_context, runs, lang
) -> None:
    """The flow with JavaScript, and on every page of it axe at 0 violations and nothing wider
    than the window, at 1280 px and at 375 px; screenshots into build/screenshots/evals/ to
    look at. Each page is checked at 1280, resized to 375 and checked (its layout is CSS
    alone; no script reads the width), then set back to 1280 to go on: one walk where the flow
    test and the axe test at each width walked it three times."""
    from test_e2e_accessibility import Audit, axe_source

    audit = Audit(axe_source.__wrapped__())
    shots = ROOT / "build" / "screenshots" / "evals"
    shots.mkdir(parents=True, exist_ok=True)
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()

    def seen(page: Page, state: str) -> None:
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 900})
            audit(page, f"{state} {lang} {width}")
            overflow = page.evaluate("() => document.documentElement.scrollWidth")
            assert overflow <= width, f"{state}: {overflow} px wide at {width}"
            page.screenshot(path=shots / f"{state}-{lang}-{width}.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})

    upload_attach_finish(page, lang, runs, seen)
    audit.assert_clean()
