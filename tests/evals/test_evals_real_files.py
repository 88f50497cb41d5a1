"""The eval-run check on files the tools wrote themselves (tests/data/evals/, sources and trimming in
its SOURCES.md): each figure is checked against the tool's own numbers in the same file, or
against a count made here with Python's json and csv modules."""

import csv
import io
import json
from pathlib import Path

import pytest

from app import evals
from tests.evals.test_evals import (
    API,
    PAGE,
    check_from_draft,
    reach_accuracy_step,
    stored,
    wilson_reference,
)
from tests.helpers import count_assessments, html

DATA = Path(__file__).parent.parent / "data" / "evals"


def data(name: str) -> bytes:
    return (DATA / name).read_bytes()


def document(name: str) -> dict:
    return json.loads(data(name))


def wilson_of_share(share: float, n: int) -> tuple[float, float]:
    """The Wilson interval at p̂ = share on n trials (the closed form of test_evals, p̂ = k/n)."""
    return wilson_reference(share * n, n)


# --- Inspect epochs (F2) ------------------------------------------------------------------


def test_inspect_epochs_are_one_case_per_sample_at_inspects_own_accuracy():
    # inspect_ai 0.3.285, epochs=3, reducer mean; one sample (kenya) errored in all 3 epochs.
    log = document("insp_epochs.json")
    by_id: dict[str, list] = {}
    for sample in log["samples"]:
        by_id.setdefault(sample["id"], []).append(sample)
    errored = [i for i, epochs in by_id.items() if all(s.get("error") for s in epochs)]
    assert (len(log["samples"]), len(by_id), errored) == (30, 10, ["kenya"])
    inspects = log["results"]["scores"][0]
    assert inspects["scored_samples"] == 9

    report = evals.check([("insp_epochs.json", data("insp_epochs.json"))])

    assert (report["cases"], report["errors"], report["graded"], report["epochs"]) == (10, 1, 9, 3)
    assert report["accuracy"] == pytest.approx(inspects["metrics"]["accuracy"]["value"], abs=1e-12)
    # 17 passed epochs of the 27 graded, every graded sample having 3: 17/27.
    assert report["accuracy"] == pytest.approx(17 / 27, abs=1e-15)
    low, high = wilson_of_share(17 / 27, 9)
    assert (report["low"], report["high"]) == (pytest.approx(low), pytest.approx(high))
    assert report["percent"] == 62  # floor(100 * 17/27)
    # More than half of the graded epochs passed: hand count from the file, 6 samples.
    majority = sum(
        1
        for i, epochs in by_id.items()
        if i not in errored and 2 * sum(s["scores"]["match"]["value"] == "C" for s in epochs) > 3
    )
    assert (report["passed"], report["failed"]) == (majority, 9 - majority) == (6, 3)
    # Wilson on 9 samples reaches above 85%: the run can't tell that target yet.
    eighty_five = next(row for row in report["to_tell"] if row["target"] == 85)
    assert high > 0.85 and eighty_five["settled"] is False
    # How many would: more than the 9 that could not. At 17/27 the fewest cases whose interval
    # leaves out 85% is 7 (4 of 7 passes), fewer than the 9 graded here, and the page said
    # "about 7 cases at this accuracy would"; the first count above 9 is 10 (6 of 10 passes,
    # whose interval tops out at 0.8318 by the formula above).
    assert eighty_five["cases_needed"] == 10
    assert wilson_reference(6, 10)[1] < 0.85


def test_inspects_committed_two_epoch_log_is_two_cases():
    # inspect_ai tests/log/test_eval_log/log_streaming.eval: 2 samples x 2 epochs, accuracy 0.75.
    log = document("conv_log_streaming.json")
    report = evals.check([("log_streaming", data("conv_log_streaming.json"))])
    assert (report["cases"], report["graded"], report["epochs"]) == (2, 2, 2)
    assert report["accuracy"] == log["results"]["scores"][0]["metrics"]["accuracy"]["value"]
    # Sample 1: I then C (half: not a pass when paired); sample 2: C, C.
    assert (report["passed"], report["failed"]) == (1, 1)


def test_epochs_pair_by_sample_passing_in_more_than_half_of_its_epochs():
    report = evals.check([("one", data("insp_single.json")), ("epochs", data("insp_epochs.json"))])
    single = {s["id"]: s for s in document("insp_single.json")["samples"]}
    epochs: dict[str, list] = {}
    for sample in document("insp_epochs.json")["samples"]:
        epochs.setdefault(sample["id"], []).append(sample)

    def old_pass(i):
        return single[i]["scores"]["match"]["value"] == "C"

    def new_pass(i):
        return 2 * sum(s["scores"]["match"]["value"] == "C" for s in epochs[i]) > 3

    graded = [
        i
        for i in epochs
        if not single[i].get("error") and not all(s.get("error") for s in epochs[i])
    ]
    expected = {
        "both_pass": sum(old_pass(i) and new_pass(i) for i in graded),
        "only_new": sum(new_pass(i) and not old_pass(i) for i in graded),
        "only_old": sum(old_pass(i) and not new_pass(i) for i in graded),
        "both_fail": sum(not old_pass(i) and not new_pass(i) for i in graded),
    }
    assert {k: report["paired"][k] for k in expected} == expected
    assert report["paired"]["matched"] == len(graded) == 9


@pytest.mark.parametrize(
    ("lang", "start"),
    [("en", "9 samples, 3 epochs each: "), ("zh", "9 个样本，每个 3 轮：")],
)
def test_the_page_says_samples_and_epochs(client, lang, start):
    response = client.post(
        f"{PAGE}?lang={lang}", files={"file": ("insp_epochs.json", data("insp_epochs.json"))}
    )
    assert response.status_code == 200
    page = html(response)
    headline = page.select_one("[data-headline]").get_text(" ", strip=True)
    assert headline.startswith(start)
    assert page.select_one('[data-count="cases"]').get_text(strip=True) == "10"
    assert page.select_one('[data-count="accuracy"]').get_text(strip=True) == "63.0%"


def test_attaching_an_epoch_log_stores_the_samples_as_the_sample_size(client, app):
    token = reach_accuracy_step(client)
    check_id = check_from_draft(client, token, data("insp_epochs.json"))
    response = client.post(f"/d/{token}/accuracy/measured", data={"check": check_id})
    assert response.status_code == 303
    answers = stored(app, token).answers
    assert (answers["baseline_sample_size"], answers["baseline_accuracy"]) == (9, 62)
    notice = html(client.get(f"/d/{token}/accuracy")).select_one("#measured-baseline")
    assert "9 samples of 3 epochs each, 62% on average" in notice.get_text(" ", strip=True)


# --- Several prompts or providers in one promptfoo file (F4) ------------------------------


def refusal(client, name: str, lang: str = "en") -> dict:
    response = client.post(f"{API}?lang={lang}", files={"file": (name, data(name))})
    assert response.status_code == 422, response.text
    return response.json()["detail"][0]


def test_a_promptfoo_file_of_two_prompts_on_two_providers_is_refused_with_each_ones_counts(
    client, app
):
    # promptfoo 0.121.20: 2 prompts x 2 providers x 10 tests; its own per-prompt metrics.
    prompts = document("pf_multi.json")["results"]["prompts"]
    expected = sorted(
        f"{p['provider']} · {p['label']}: {m['testPassCount']}/{m['testFailCount']}/"
        f"{m['testErrorCount']}"
        for p in prompts
        for m in [p["metrics"]]
    )
    before = count_assessments(app)
    problem = refusal(client, "pf_multi.json")
    assert problem["code"] == "several_prompts"
    items = problem["message"].split(" of each: ", 1)[1].removesuffix(".").split("; ")
    assert sorted(items) == expected
    assert "model-a · What is the {{q}}?: 6/3/1" in items  # the braces as in the file
    assert count_assessments(app) == before
    zh = refusal(client, "pf_multi.json", "zh")
    assert (
        zh["code"] == "several_prompts" and "model-a · What is the {{q}}?: 6/3/1" in zh["message"]
    )
    page = client.post(PAGE, files={"file": ("pf_multi.json", data("pf_multi.json"))})
    assert page.status_code == 422
    assert html(page).select_one("#error-summary p").get_text(strip=True) == problem["message"]


def test_promptfoo_043_and_the_csv_export_of_several_prompts_are_refused_too(client):
    # promptfoo 0.43.1 (results.version 2: no promptIdx, prompts told apart by their template).
    results = document("pf043_multi.json")["results"]["results"]
    counts: dict[str, list[int]] = {}
    for r in results:
        name = f"{r['provider']['id']} · {r['prompt']['display']}"
        outcome = 0 if r["success"] else 1 if r.get("gradingResult") else 2
        counts.setdefault(name, [0, 0, 0])[outcome] += 1
    problem = refusal(client, "pf043_multi.json")
    items = problem["message"].split(" of each: ", 1)[1].removesuffix(".").split("; ")
    assert problem["code"] == "several_prompts"
    assert sorted(items) == sorted(f"{k}: {p}/{f}/{e}" for k, (p, f, e) in counts.items())
    # The CSV export: each prompt column's Status cells, counted with the csv module.
    rows = list(csv.reader(io.StringIO(data("pf_multi.csv").decode())))
    header = rows[0]
    columns = [i - 1 for i, name in enumerate(header) if name == "Status"]
    expected = [
        f"{header[c]}: {sum(r[c + 1] == 'PASS' for r in rows[1:])}/"
        f"{sum(r[c + 1] == 'FAIL' for r in rows[1:])}/{sum(r[c + 1] == 'ERROR' for r in rows[1:])}"
        for c in columns
    ]
    problem = refusal(client, "pf_multi.csv")
    assert problem["code"] == "several_prompts"
    assert problem["message"].split(" of each: ", 1)[1].removesuffix(".").split("; ") == expected
    assert len(expected) == 4


# --- Text quoted from the file keeps its braces (F7) --------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_quoted_header_keeps_its_double_braces(client, lang):
    response = client.post(
        f"{API}?lang={lang}", files={"file": ("t.csv", b"q,What is the {{q}}?\nx,y\n")}
    )
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert problem["code"] == "csv_columns"
    assert "q, What is the {{q}}?" in problem["message"]


# --- promptfoo runs pair test by test, not by position (F1) -------------------------------


def outcomes_by_question(name: str) -> dict[str, str]:
    """Each test's outcome, named by its question: from the JSON's results (success; an error
    without a grading result, or failureReason 2, is an error) or the CSV's Status column."""
    if name.endswith(".csv"):
        rows = list(csv.DictReader(io.StringIO(data(name).decode())))
        return {r["q"]: r["Status"].lower() for r in rows}
    found = {}
    for r in document(name)["results"]["results"]:
        errored = r.get("failureReason") == 2 or (r.get("error") and not r.get("gradingResult"))
        found[r["vars"]["q"]] = "pass" if r["success"] else "error" if errored else "fail"
    return found


def pairs_by_question(old: str, new: str) -> dict[str, int]:
    before, after = outcomes_by_question(old), outcomes_by_question(new)
    both = [q for q in after if q in before and "error" not in (before[q], after[q])]
    return {
        "both_pass": sum(before[q] == after[q] == "pass" for q in both),
        "only_new": sum(after[q] == "pass" != before[q] for q in both),
        "only_old": sum(before[q] == "pass" != after[q] for q in both),
        "both_fail": sum(before[q] == after[q] == "fail" for q in both),
        "with_error": sum(1 for q in after if q in before) - len(both),
        "only_in_new": sum(1 for q in after if q not in before),
        "only_in_old": sum(1 for q in before if q not in after),
    }


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # promptfoo 0.121.20: "capital of Germany" added at the top shifts every testIdx by 1.
        ("pf_baseline.json", "pf_later_added.json"),
        ("pf_baseline.csv", "pf_later_added.csv"),
        # promptfoo 0.43.1: no testIdx, results in the order they finished (concurrency 4).
        ("pf043_baseline.json", "pf043_later.json"),
        # The JSON output and the CSV export of the same tests name them alike.
        ("pf_baseline.json", "pf_later_added.csv"),
    ],
)
def test_promptfoo_runs_pair_by_test_not_by_position(old, new):
    report = evals.check([(old, data(old)), (new, data(new))])
    expected = pairs_by_question(old, new)
    assert {k: report["paired"][k] for k in expected} == expected
    # By hand (the reviewer's count, by question): France, Japan, Italy and Peru pass in both;
    # Spain, Chile and Canada only in the newer run; Norway only in the older; 2 errors.
    assert (expected["both_pass"], expected["only_new"], expected["only_old"]) == (4, 3, 1)
    assert expected["with_error"] == 2
    assert report["paired"]["p_value"] == 0.625  # 2·P(X ≤ 1), X ~ Bin(4, ½) = 2·5/16


def test_a_test_description_names_the_case_before_its_variables():
    def output(tests):
        results = [
            {
                "testIdx": i,
                "success": ok,
                "testCase": {"description": name, "vars": {"q": "same"}},
                "vars": {"q": "same"},
            }
            for i, (name, ok) in enumerate(tests)
        ]
        return json.dumps({"results": {"version": 3, "results": results}}).encode()

    # The same variables, told apart by description; the newer run lists them the other way.
    old = output([("first", True), ("second", False)])
    new = output([("second", False), ("first", True)])
    paired = evals.check([("old", old), ("new", new)])["paired"]
    # first passes in both, second fails in both (by position: one gained, one lost).
    counts = ("both_pass", "both_fail", "only_new", "only_old")
    assert tuple(paired[k] for k in counts) == (1, 1, 0, 0)


# --- Unfinished and unscored Inspect logs (F3, F9) ----------------------------------------


@pytest.mark.parametrize(
    ("name", "status", "completed", "total"),
    [
        # Killed (SIGKILL): status started, 10 samples of the dataset's 40 in the log.
        ("insp_started_killed.json", "started", 10, 40),
        # Interrupted (SIGINT): results.completed_samples 10 of a 40-sample dataset.
        ("insp_cancelled_sigint.json", "cancelled", 10, 40),
        # Committed in inspect_ai, cancelled, run with --limit 3 (config.limit) of 100.
        ("inspect_2025-05-12T20-28-13-04-00_popularity.json", "cancelled", 3, 3),
        # Committed, cancelled with no samples, log_samples true: no --no-log-samples advice.
        ("inspect_2025-05-12T20-28-13-04-00_no-samples.json", "cancelled", 3, 3),
    ],
)
def test_an_unfinished_inspect_log_is_refused_naming_its_status_and_progress(
    client, app, name, status, completed, total
):
    log = document(name)
    assert log["status"] == status
    before = count_assessments(app)
    en, zh = refusal(client, name), refusal(client, name, "zh")
    assert en["code"] == zh["code"] == "not_finished"
    assert f"(status: {status}; {completed} of {total} samples completed)" in en["message"]
    assert f"（状态：{status}；{total} 个样本中完成了 {completed} 个）" in zh["message"]
    assert "--no-log-samples" not in en["message"] + zh["message"]
    assert "no answer" not in en["message"]
    assert count_assessments(app) == before


def test_a_log_never_scored_says_to_score_it_not_that_every_case_is_an_error(client):
    # inspect_ai's tests/scorer/logs/..._dPiJ....eval: 10 answered samples, empty scores.
    log = document("conv_2025-02-11T15-17-00-05-00_popularity_dPiJifoWeEQBrfWsAopzWr.json")
    assert log["results"]["scores"] == [] and not any(s["scores"] for s in log["samples"])
    problem = refusal(
        client, "conv_2025-02-11T15-17-00-05-00_popularity_dPiJifoWeEQBrfWsAopzWr.json"
    )
    assert problem["code"] == "not_scored"
    assert "`inspect score <log>`" in problem["message"]


# --- No plateau claimed from steps too small to show a gain (F5) --------------------------


def test_a_last_step_that_did_better_on_too_few_pairs_is_not_a_plateau(client):
    # The reviewer's three runs: the baseline twice (no discordant pair), then the later run:
    # 6/9 -> 8/9, 3 gained and 1 lost on 8 matched pairs; 4 discordant pairs can never give
    # p < 0.05 (the least is 2 x 0.5^4 = 0.125).
    files = [
        ("previous", ("a.json", data("pf_baseline.json"))),
        ("previous", ("b.json", data("pf_baseline.json"))),
        ("file", ("c.json", data("pf_later.json"))),
    ]
    report = client.post(API, files=files).json()
    assert [(s["only_new"], s["only_old"], s["direction"]) for s in report["steps"]] == [
        (0, 0, "same"),
        (3, 1, "better"),
    ]
    assert report["plateaued"] is None
    for lang in ("en", "zh"):
        page = html(client.post(f"{PAGE}?lang={lang}", files=files))
        sentence = page.select_one("[data-plateau]").get_text(" ", strip=True)
        assert not sentence.startswith(("Prompting has plateaued", "提示工程已到瓶颈"))
    assert sentence.startswith("无法判断提示工程是否已到瓶颈")


def test_flat_steps_too_small_to_show_a_gain_are_not_a_plateau():
    def run(passing: set[int]) -> bytes:
        return "\n".join(["id,passed"] + [f"c{i},{int(i in passing)}" for i in range(40)]).encode()

    # 30/40 -> 29/40 -> 29/40 (one case lost, then two swapped): 1 and 2 discordant pairs.
    report = evals.check(
        [
            ("v1", run(set(range(30)))),
            ("v2", run(set(range(29)))),
            ("v3", run(set(range(1, 30)))),
        ]
    )
    assert [(s["only_new"], s["only_old"]) for s in report["steps"]] == [(0, 1), (1, 1)]
    assert report["plateaued"] is None


# --- promptfoo 0.43.1's CSV export (F6) ----------------------------------------------------


def test_promptfoo_043_csv_is_read_by_its_pass_fail_cells():
    # Its prompt column's header is the prompt as JSON; its cells begin [PASS] or [FAIL].
    rows = list(csv.reader(io.StringIO(data("pf043_baseline.csv").decode())))
    header, cells = rows[0], [r[2] for r in rows[1:]]
    assert header[:2] == ["a", "q"] and json.loads(header[2])["metrics"]["testPassCount"] == 6
    passed = sum(c.startswith("[PASS]") for c in cells)
    failed = sum(c.startswith("[FAIL]") for c in cells)
    report = evals.check([("pf043_baseline.csv", data("pf043_baseline.csv"))])
    assert report["format"] == "promptfoo_csv"
    assert (
        (report["cases"], report["passed"], report["failed"]) == (10, passed, failed) == (10, 6, 4)
    )
    # Its rows are named by their variables, so the CSV pairs with the same version's JSON.
    later = evals.check(
        [("old.csv", data("pf043_baseline.csv")), ("new.json", data("pf043_later.json"))]
    )
    assert later["paired"]["only_in_new"] == later["paired"]["only_in_old"] == 0


def test_a_finished_log_without_samples_advises_no_log_samples_only_when_it_was_used(client):
    def refused(log_samples: bool) -> tuple[str, bool]:
        config = {"log_samples": log_samples}
        log = {"version": 2, "status": "success", "eval": {"config": config}}
        response = client.post(API, files={"file": ("log.json", json.dumps(log).encode())})
        assert response.status_code == 422
        problem = response.json()["detail"][0]
        return problem["code"], "--no-log-samples" in problem["message"]

    assert refused(True) == ("no_cases", False)
    assert refused(False) == ("no_samples", True)


# --- Which scorer was counted (F8) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "includes (also in the log, not counted: match 40.0%)"),
        ("zh", "includes（日志中还有，未计入：match 40.0%）"),
    ],
)
def test_a_log_of_two_scorers_names_the_one_counted_and_the_others_accuracy(client, lang, text):
    # inspect_ai 0.3.285: includes 7/10 and match 4/10 on the same 10 samples.
    scores = document("insp_scorers_disagree.json")["results"]["scores"]
    assert [(s["name"], s["metrics"]["accuracy"]["value"]) for s in scores] == [
        ("includes", 0.7),
        ("match", 0.4),
    ]
    files = {"file": ("d.json", data("insp_scorers_disagree.json"))}
    body = client.post(f"{API}?lang={lang}", files=files).json()
    assert (body["scorer"], body["other_scorers"]) == (
        "includes",
        [{"name": "match", "accuracy": 0.4}],
    )
    assert body["accuracy"] == 0.7
    page = html(client.post(f"{PAGE}?lang={lang}", files=files))
    assert page.select_one("[data-scorer]").get_text(" ", strip=True) == text
