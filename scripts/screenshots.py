"""Full-page screenshots of every page, in English and Chinese, on a desktop and a phone.

    .venv/bin/python scripts/screenshots.py [--out build/screenshots] [--verdicts]

`make screenshots` runs both kinds into build/screenshots/ (git-ignored); the README's few are
copies kept in docs/images/.

With --verdicts, only the verdict page for four recommendations (fine-tune, RAG, fix the data,
prompting), and a table of how tall each page is and where its deciding reasons end.

Starts the app on a fresh SQLite file (the same way the e2e suite does), fills it through the real
HTTP flow (the JSON API for finished verdicts, the wizard's forms for drafts), then saves
`{page}-{lang}-{width}.png`. Needs the system Chromium and, for Chinese, CJK fonts
(`apt-get install -y chromium fonts-noto-cjk`).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The live server and the wizard steps are the e2e suite's; reuse them rather than drift.
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "e2e")]

from live_server import CHROMIUM_ARGS, INSTALL_HINT, find_chromium, live_server  # noqa: E402
from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402
from wizard_flow import (  # noqa: E402
    CUSTOMER_SERVICE_BOT,
    NOISY_CLAIMS,
    PRODUCT_SPECS_QA,
    create_finished,
    fill_step,
    next_button,
    start,
)

from app.decision import STEP_KEYS  # noqa: E402

LANGUAGES = ("en", "zh")
WIDTHS = (1280, 375)
HEIGHT = {1280: 800, 375: 740}

BEFORE_PROMPTING = {**CUSTOMER_SERVICE_BOT, "prompting_effort": "none", "baseline_accuracy": None}
MEETING_NOTES = {
    **CUSTOMER_SERVICE_BOT,
    "task_type": "simple_generation",
    "spec_clarity": "partial",
    "accuracy_target": "best_effort",
    "prompting_effort": "basic",
    "baseline_accuracy": None,
    "failure_mode": "format",
    "example_count": "none",
    "volume": "low",
    "cost_pressure": "none",
}
RELEASE_NOTES = {
    **CUSTOMER_SERVICE_BOT,
    "task_type": "style",
    "failure_mode": "format",
    "knowledge_source": "private_changing",
    "needs_citations": "yes",
}

# (title, team, answers), oldest first; the history lists them newest first.
FINISHED = [
    ("Refund agent, before any prompting", "Support", BEFORE_PROMPTING),
    ("Medical claims routing", "Claims operations", NOISY_CLAIMS),
    ("会议纪要自动摘要", "效率工具组", MEETING_NOTES),
    ("Brand-voice release notes from changelogs", "Developer relations", RELEASE_NOTES),
    ("本月产品规格问答", "销售支持", PRODUCT_SPECS_QA),
    ("Product spec Q&A for the sales team", "Sales enablement", PRODUCT_SPECS_QA),
    ("客服机器人的退款操作", "客服平台", CUSTOMER_SERVICE_BOT),
    ("Refund agent for the support bot", "Support", CUSTOMER_SERVICE_BOT),
]
VERDICT_TITLE = {"en": "Refund agent for the support bot", "zh": "客服机器人的退款操作"}
DRAFT = {
    "en": (
        "Invoice field extraction",
        "Finance automation",
        "Today: GPT-4o with a 2-page prompt.\nPlatform: the accounts-payable inbox.",
    ),
    "zh": ("发票字段抽取", "财务自动化", "现状：GPT-4o 加两页长的提示。\n场景：应付账款邮箱。"),
}


def make_draft(page: Page, title: str, team: str, notes: str) -> str:
    """Walk the wizard to its review page through the real forms; the draft stays unfinished."""
    token = start(page, title, team)
    page.goto(f"/d/{token}/details")
    page.locator("#field-notes").fill(notes)
    page.locator("#wizard form button[type=submit]").click()
    page.wait_for_url(f"**/d/{token}/task")
    for step, following in zip(STEP_KEYS, [*STEP_KEYS[1:], "review"], strict=True):
        fill_step(page, step, CUSTOMER_SERVICE_BOT)
        next_button(page).click()
        page.wait_for_url(f"**/d/{token}/{following}")
    return token


def seed(browser: Browser, base_url: str) -> dict[str, object]:
    context = browser.new_context(base_url=base_url, locale="en-GB")
    page = context.new_page()
    tokens = {
        title: create_finished(page.request, title, answers, team)
        for title, team, answers in FINISHED
    }
    drafts = {lang: make_draft(page, *DRAFT[lang]) for lang in LANGUAGES}
    blank = start(page, "Support ticket triage")  # left on step 1 with nothing answered
    context.close()
    return {"finished": tokens, "drafts": drafts, "blank": blank}


def settle(page: Page) -> None:
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")


def shoot(page: Page, path: Path) -> None:
    settle(page)
    page.screenshot(path=str(path), full_page=True, animations="disabled", caret="hide")


def capture(
    browser: Browser, base_url: str, seeded: dict, lang: str, width: int, out: Path
) -> list[Path]:
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": width, "height": HEIGHT[width]},
        device_scale_factor=1,
        is_mobile=width < 600,
        has_touch=width < 600,
        color_scheme="light",
        reduced_motion="reduce",
        locale="zh-CN" if lang == "zh" else "en-GB",
    )
    draft = seeded["drafts"][lang]
    context.add_cookies(
        [
            {"name": "lang", "value": lang, "url": base_url},
            {"name": "drafts", "value": draft, "url": base_url},
        ]
    )
    page = context.new_page()
    written = []

    def save(name: str) -> None:
        path = out / f"{name}-{lang}-{width}.png"
        shoot(page, path)
        written.append(path)

    def visit(path: str, status: int = 200) -> None:
        # A 500 page saved as "history-zh-375.png" would look like a screenshot of a working page.
        response = page.goto(path)
        if response is None or response.status != status:
            raise RuntimeError(f"GET {path}: expected {status}, got {response and response.status}")

    visit("/")
    save("home")
    visit("/new")
    save("start")
    for step in STEP_KEYS:
        visit(f"/d/{draft}/{step}")
        save(step)
    visit(f"/d/{seeded['blank']}/task")
    settle(page)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        next_button(page).click()
    if posted.value.status != 422:
        raise RuntimeError(f"an empty step 1 answered {posted.value.status}, not 422")
    # wait_for_function would need eval, which the app's CSP rightly refuses.
    expect(page.locator("#error-summary")).to_be_focused()
    save("step-errors")
    visit(f"/d/{draft}/review")
    save("review")
    visit(f"/a/{seeded['finished'][VERDICT_TITLE[lang]]}")
    save("verdict")
    visit("/assessments")
    save("history")
    visit("/how-we-decide")
    save("how-we-decide")
    visit("/no-such-page", status=404)
    save("404")
    context.close()
    return written


# One verdict per recommendation that teams meet most, for --verdicts.
VERDICTS = {
    "fine_tune": "Refund agent for the support bot",
    "rag": "Product spec Q&A for the sales team",
    "improve_data": "Medical claims routing",
    "prompt_engineering": "会议纪要自动摘要",
}


def capture_verdicts(
    browser: Browser, base_url: str, seeded: dict, lang: str, width: int, out: Path
) -> list[Path]:
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": width, "height": HEIGHT[width]},
        device_scale_factor=1,
        is_mobile=width < 600,
        has_touch=width < 600,
        color_scheme="light",
        reduced_motion="reduce",
        locale="zh-CN" if lang == "zh" else "en-GB",
    )
    context.add_cookies([{"name": "lang", "value": lang, "url": base_url}])
    page = context.new_page()
    written = []
    for recommendation, title in VERDICTS.items():
        response = page.goto(f"/a/{seeded['finished'][title]}")
        if response is None or response.status != 200:
            raise RuntimeError(f"verdict {title}: {response and response.status}")
        path = out / f"verdict-{recommendation}-{lang}-{width}.png"
        shoot(page, path)
        written.append(path)
        height = page.evaluate("document.documentElement.scrollHeight")
        reasons_end = page.evaluate(
            "(() => { const r = document.querySelector('ol.reasons').getBoundingClientRect();"
            " return Math.round(r.bottom + window.scrollY); })()"
        )
        screens = reasons_end / HEIGHT[width]
        print(
            f"{recommendation:20} {lang} {width:>4} px: page {height:>5} px, "
            f"reasons end at {reasons_end:>5} px ({screens:.2f} screens)"
        )
    context.close()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "screenshots")
    parser.add_argument(
        "--verdicts",
        action="store_true",
        help="only the verdict page of four recommendations, with their heights",
    )
    args = parser.parse_args()
    chromium = find_chromium()
    if chromium is None:
        print(f"No Chromium found. {INSTALL_HINT}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="screenshots-") as workdir,
        live_server(Path(workdir)) as base_url,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        seeded = seed(browser, base_url)
        shots = capture_verdicts if args.verdicts else capture
        written = [
            path
            for lang in LANGUAGES
            for width in WIDTHS
            for path in shots(browser, base_url, seeded, lang, width, args.out)
        ]
        browser.close()
    total = sum(path.stat().st_size for path in written)
    print(
        f"{len(written)} screenshots, {total / 1e6:.1f} MB, in {args.out} "
        f"({time.monotonic() - began:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
