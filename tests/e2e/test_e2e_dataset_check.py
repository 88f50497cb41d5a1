"""The dataset check in a real browser: from the data step, upload a file, accept the suggested
answers, finish, and the measured profile is attached; with JavaScript and without it."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from test_e2e_accessibility import answer_by_request
from wizard_flow import CUSTOMER_SERVICE_BOT, finish, next_button, start, step_url

from tests import dataset_files as files

pytestmark = pytest.mark.e2e


def walk_to_data_step(page: Page, title: str) -> str:
    """A draft started in this browser, its first four steps posted as their plain forms post
    them (this browser's cookies; test_e2e_wizard walks them by hand), open at the data step."""
    token = start(page, title)
    answer_by_request(page, token, ["task", "accuracy", "cost", "knowledge"], CUSTOMER_SERVICE_BOT)
    page.goto(f"/d/{token}/data")
    expect(page).to_have_url(step_url(token, "data"))
    page.wait_for_load_state("load")
    return token


HEADINGS = {
    "en": (
        "Check your training data",
        "What your training data looks like",
        "Measured training data",
    ),
    "zh": ("检查训练数据", "你的训练数据是什么样", "实测的训练数据"),
}


def set_language(page: Page, lang: str) -> None:
    page.context.add_cookies([{"name": "lang", "value": lang, "url": page.url}])


def check_accept_and_finish(page: Page, token: str, sample: Path, lang: str = "en") -> None:
    before, report, measured = HEADINGS[lang]
    set_language(page, lang)
    page.reload()
    page.locator(".dataset-check-link button[name=leave]").click()  # saves the step first
    expect(page).to_have_url(re.compile(rf"/d/{token}/data/check$"))  # no token in a query
    expect(page.locator("#check-heading")).to_have_text(before)
    page.locator("#dataset-file").set_input_files(sample)
    page.locator("form.dataset-form button[type=submit]").click()
    expect(page.locator("#check-heading")).to_have_text(report)
    # The report has an address of its own: reloading shows it again, not an empty form.
    expect(page).to_have_url(re.compile(rf"/d/{token}/data/checks/[A-Za-z0-9_-]{{32}}$"))
    page.reload()
    expect(page.locator("#check-heading")).to_have_text(report)
    suggested = {
        q: page.locator(f"#suggestion-{q} [data-suggested]").get_attribute("data-suggested")
        for q in ("example_count", "data_quality", "data_diversity", "edge_cases")
    }
    assert suggested == {
        "example_count": "100_to_1k",
        "data_quality": "unsure",  # no problem found is not "reviewed and correct"
        "data_diversity": "clustered",
        "edge_cases": "unsure",
    }
    # The form carries the check's id, not numbers.
    assert page.locator('form[action$="/data/measured"] input[name="profile"]').count() == 0
    page.locator('input[name="attach"]').check()
    page.locator('button[name="accept"][value="all"]').click()
    expect(page).to_have_url(re.compile(rf"/d/{token}/data(#measured)?$"))
    for question, option in suggested.items():
        expect(page.locator(f'input[name="{question}"][value="{option}"]')).to_be_checked()
    set_language(page, "en")
    page.reload()
    expect(page.locator(".dataset-check-link")).to_contain_text(
        "A measured profile of 300 examples is attached."
    )
    page.locator('input[name="synthetic_data"][value="no"]').check()
    next_button(page).click()
    expect(page).to_have_url(step_url(token, "review"))
    finish(page, token)
    # The verdict says what was measured: the profile, and a note beside the reasons it backs.
    expect(page.locator("#data-profile-heading")).to_have_text("Measured training data")
    expect(page.locator("ol.reasons .reason-measured").first).to_contain_text(
        "measured on 300 examples"
    )
    set_language(page, lang)
    page.reload()
    expect(page.locator("#data-profile-heading")).to_have_text(measured)
    record = page.request.get(f"/api/v1/assessments/{token}").json()
    assert record["data_profile"]["valid"] == 300
    assert abs(record["data_profile"]["near_duplicate_share"] - 0.4) <= 0.05
    assert {q: record["answers"][q] for q in suggested} == suggested


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "support-sample.jsonl"
    path.write_bytes(files.near_duplicates(300, share=0.4))
    return path


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_dataset_check_from_the_data_step_to_the_verdict(page: Page, sample: Path, lang) -> None:
    token = walk_to_data_step(page, "Dataset check (JS)")
    check_accept_and_finish(page, token, sample, lang)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_dataset_check_without_javascript(nojs_page: Page, sample: Path, lang) -> None:
    token = walk_to_data_step(nojs_page, "Dataset check (no JS)")
    check_accept_and_finish(nojs_page, token, sample, lang)


def test_a_long_check_shows_how_many_examples_were_read(page: Page, tmp_path: Path) -> None:
    big = tmp_path / "big.jsonl"
    big.write_bytes(files.clean_diverse(12_000))  # several seconds of checking
    page.goto("/datasets/check")
    page.wait_for_load_state("load")
    # While a form submission is pending, Playwright's DOM queries don't see the page's updates:
    # the page itself reports each change of the status line to the console instead.
    page.evaluate("""() => {
      const status = document.querySelector("[data-check-progress]");
      new MutationObserver(() => { if (!status.hidden) console.log("progress: " + status.textContent); })
        .observe(status, {attributes: true, childList: true, characterData: true, subtree: true});
    }""")
    page.locator("#dataset-file").set_input_files(big)
    with page.expect_console_message(
        lambda message: (
            re.fullmatch(
                r"progress: Checking… [\d,]*[1-9][\d,]* examples read so far", message.text
            )
            is not None
        ),
        timeout=30_000,
    ):
        page.get_by_role("button", name="Check the file").click(no_wait_after=True)
    expect(page.locator("#check-heading")).to_have_text(
        "What your training data looks like", timeout=60_000
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_full_report_has_no_axe_violations_on_a_phone(new_context, live_url, tmp_path, lang):
    """Every section shown: bad lines, warnings, templates, near-duplicates, leakage, downloads."""
    from test_e2e_accessibility import AXE_PATH, Audit

    lines = (
        files.near_duplicates(200, share=0.3).splitlines() + files.single_template(100).splitlines()
    )
    lines.insert(5, b'{"messages": [{"role": "user", "content": NaN}]}')
    lines.insert(
        9,
        b'{"messages": [{"role": "user", "content": "hi", "x": 1}, '
        b'{"role": "assistant", "content": "ok"}]}',
    )
    sample = tmp_path / "train.jsonl"
    sample.write_bytes(b"\n".join(lines) + b"\n")
    evaluation = tmp_path / "eval.jsonl"
    evaluation.write_bytes(b"\n".join(lines[20:25]) + b"\n" + files.clean_diverse(10, seed=4))
    context = new_context(viewport={"width": 375, "height": 812})
    context.add_cookies([{"name": "lang", "value": lang, "url": live_url}])
    page = context.new_page()
    page.goto("/datasets/check")
    page.locator("#dataset-file").set_input_files(sample)
    page.locator("#eval-file").set_input_files(evaluation)
    page.locator("form.dataset-form button[type=submit]").click()
    expect(page.locator("#leakage-heading")).to_be_visible()
    for heading in ("#errors-heading", "#warnings-heading", "#downloads-heading"):
        expect(page.locator(heading)).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375  # no sideways scroll
    audit = Audit(AXE_PATH.read_text(encoding="utf-8"))
    audit(page, f"dataset report ({lang}, 375 px)")
    audit.assert_clean()
