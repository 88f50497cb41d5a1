"""The engine's evidence gate, fed by an attached eval run (issue 24, with the engine branch).

A 23/25 run against the `high` target (95%): 92% with a 95% Wilson interval of about 75%-98%,
which holds the target, so the gap that would make fine-tuning "the last mile" is not measured
yet: the verdict must not be to fine-tune. The same answers with 920/1000 (interval about
90.1%-93.6%, below 95) keep fine-tuning, so the gate, not the answers, makes the difference.

This file is expected to fail on the evals branch alone: the gate lands with the engine branch.
"""

import pytest

from tests import eval_files as ef
from tests.helpers import REFUND_BOT, html, start, step_answers

FINE_TUNING = {"fine_tune", "rag_and_fine_tune"}
ANSWERS = {**REFUND_BOT, "accuracy_target": "high"}


def run_file(passed: int, failed: int) -> bytes:
    rows = [(f"q{i}", ef.PASS, "x") for i in range(passed)]
    rows += [(f"f{i}", ef.FAIL, "x") for i in range(failed)]
    return ef.build("promptfoo_json", rows)


def verdict_with_run(client, passed: int, failed: int) -> dict:
    token = start(client)
    assert client.post(f"/d/{token}/task", data=step_answers("task", ANSWERS)).status_code == 303
    page = client.post(
        "/evals/check",
        files={"file": ("results.json", run_file(passed, failed))},
        data={"draft": token},
    )
    assert page.status_code == 200
    check = html(page).select_one("#attach input[name=check]")["value"]
    attached = client.post(f"/d/{token}/accuracy/measured", data={"check": check})
    assert attached.status_code == 303
    form = html(client.get(f"/d/{token}/accuracy"))
    measured = {
        key: form.select_one(f"#input-{key}")["value"]
        for key in ("baseline_accuracy", "baseline_sample_size")
    }
    assert measured == {
        "baseline_accuracy": str(passed * 100 // (passed + failed)),
        "baseline_sample_size": str(passed + failed),
    }
    for step in ("accuracy", "cost", "knowledge", "data"):
        data = {**step_answers(step, ANSWERS), **(measured if step == "accuracy" else {})}
        assert client.post(f"/d/{token}/{step}", data=data).status_code == 303
    assert client.post(f"/d/{token}/finish").status_code == 303
    response = client.get(f"/api/v1/assessments/{token}")
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_23_of_25_run_against_high_does_not_fine_tune(client):
    verdict = verdict_with_run(client, 23, 2)["verdict"]
    assert verdict["recommendation"] not in FINE_TUNING
    assert verdict["confidence"] != "high"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_same_answers_measured_on_1000_cases_still_fine_tune(client):
    verdict = verdict_with_run(client, 920, 80)["verdict"]
    assert verdict["recommendation"] in FINE_TUNING
