"""The dataset check in a real browser: from the data step, upload a file, accept the suggested
answers, finish, and the measured profile is attached; with JavaScript and without it."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from wizard_flow import CUSTOMER_SERVICE_BOT, fill_step, finish, next_button, start, step_url

from tests import dataset_files as files

pytestmark = pytest.mark.e2e


def walk_to_data_step(page: Page, title: str) -> str:
    token = start(page, title)
    for step, following in (
        ("task", "accuracy"),
        ("accuracy", "cost"),
        ("cost", "knowledge"),
        ("knowledge", "data"),
    ):
        fill_step(page, step, CUSTOMER_SERVICE_BOT)
        next_button(page).click()
        expect(page).to_have_url(step_url(token, following))
    return token


def check_accept_and_finish(page: Page, token: str, sample: Path) -> None:
    page.get_by_role("link", name="check your data and get suggested answers").click()
    expect(page.locator("#check-heading")).to_have_text("Check your training data")
    page.locator("#dataset-file").set_input_files(sample)
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#check-heading")).to_have_text("What your training data looks like")
    suggested = {
        q: page.locator(f"#suggestion-{q} [data-suggested]").get_attribute("data-suggested")
        for q in ("example_count", "data_quality", "data_diversity", "edge_cases")
    }
    assert suggested == {
        "example_count": "100_to_1k",
        "data_quality": "clean",
        "data_diversity": "clustered",
        "edge_cases": "no",
    }
    page.locator('input[name="attach"]').check()
    page.get_by_role("button", name="Use all four answers").click()
    expect(page).to_have_url(re.compile(rf"/d/{token}/data(#measured)?$"))
    for question, option in suggested.items():
        expect(page.locator(f'input[name="{question}"][value="{option}"]')).to_be_checked()
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
    record = page.request.get(f"/api/v1/assessments/{token}").json()
    assert record["data_profile"]["valid"] == 300
    assert abs(record["data_profile"]["near_duplicate_share"] - 0.4) <= 0.05
    assert {q: record["answers"][q] for q in suggested} == suggested


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "support-sample.jsonl"
    path.write_bytes(files.near_duplicates(300, share=0.4))
    return path


def test_dataset_check_from_the_data_step_to_the_verdict(page: Page, sample: Path) -> None:
    token = walk_to_data_step(page, "Dataset check (JS)")
    check_accept_and_finish(page, token, sample)


def test_dataset_check_without_javascript(nojs_page: Page, sample: Path) -> None:
    token = walk_to_data_step(nojs_page, "Dataset check (no JS)")
    check_accept_and_finish(nojs_page, token, sample)


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
