"""The eval-run check (issue 24): counts, intervals and tests against computations written here,
independently of app/evals; every format; bad files; the API; attaching to a draft."""

import gzip
import io
import json
import math
import zipfile
from fractions import Fraction
from statistics import NormalDist

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from scipy.stats import binomtest
from sqlalchemy import select
from starlette.testclient import TestClient

from app import evals
from app.decision.baseline import cases_to_settle
from app.evals import stats
from app.main import create_app
from app.models import Assessment
from app.settings import ROOT, Settings
from tests import eval_files as ef
from tests.helpers import REFUND_BOT, count_assessments, html, start, step_answers

API = "/api/v1/evals/check"
PAGE = "/evals/check"
Z = NormalDist().inv_cdf(0.975)


# --- References, computed here from the closed forms ----------------------------------------


def wilson_reference(k: int, n: int) -> tuple[float, float]:
    """Wilson (1927): (p + z²/2n ± z √(p(1-p)/n + z²/4n²)) / (1 + z²/n)."""
    p = k / n
    centre = p + Z * Z / (2 * n)
    spread = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return max(0.0, (centre - spread) / (1 + Z * Z / n)), min(
        1.0, (centre + spread) / (1 + Z * Z / n)
    )


def mcnemar_reference(b: int, c: int) -> float:
    """2 × Σ_{i ≤ min(b,c)} C(b+c, i) / 2^(b+c), at most 1, as an exact fraction."""
    n = b + c
    if n == 0:
        return 1.0
    tail = Fraction(sum(math.comb(n, i) for i in range(min(b, c) + 1)), 2**n)
    return float(min(Fraction(1), 2 * tail))


def tally(rows):
    passed = sum(1 for r in rows if r[1] == ef.PASS)
    failed = sum(1 for r in rows if r[1] == ef.FAIL)
    errors = sum(1 for r in rows if r[1] == ef.ERROR)
    return passed, failed, errors


# --- Counts and intervals in every format ----------------------------------------------------


@pytest.mark.parametrize("fmt", ef.FORMATS)
@pytest.mark.parametrize(("n", "seed"), [(25, 1), (137, 2), (1000, 3)])
def test_counts_and_wilson_bounds_in_every_format(fmt, n, seed):
    rows = ef.outcomes(n, seed)
    report = evals.check([("run", ef.build(fmt, rows))])
    passed, failed, errors = tally(rows)
    graded = passed + failed
    low, high = wilson_reference(passed, graded)
    assert report["format"] == ef.DETECTED[fmt]
    assert (report["cases"], report["passed"], report["failed"], report["errors"]) == (
        n,
        passed,
        failed,
        errors,
    )
    assert report["graded"] == graded
    assert report["accuracy"] == pytest.approx(passed / graded, abs=1e-12)
    assert report["low"] == pytest.approx(low, abs=1e-9)
    assert report["high"] == pytest.approx(high, abs=1e-9)
    assert report["percent"] == math.floor(100 * passed / graded + 1e-12)


def test_errors_are_counted_apart_never_as_a_pass_or_a_fail():
    rows = [(f"c{i}", ef.PASS, "x") for i in range(23)] + [
        (f"e{i}", ef.ERROR, "x") for i in range(2)
    ]
    for fmt in ef.FORMATS:
        report = evals.check([("run", ef.build(fmt, rows))])
        assert (report["cases"], report["passed"], report["failed"], report["errors"]) == (
            25,
            23,
            0,
            2,
        ), fmt
        assert report["accuracy"] == 1.0


def test_a_run_of_only_errors_has_no_accuracy():
    rows = [(f"e{i}", ef.ERROR, "x") for i in range(5)]
    with pytest.raises(evals.Unreadable) as refused:
        evals.check([("run", ef.build("csv", rows))])
    assert refused.value.code == "all_errors"


def test_failures_by_assertion_name_the_most_frequent_first():
    rows = ef.outcomes(400, 9)
    expected = {}
    for _, outcome, category in rows:
        if outcome == ef.FAIL:
            expected[category] = expected.get(category, 0) + 1
    wanted = sorted(expected.items(), key=lambda kv: (-kv[1], kv[0]))
    for fmt in ("csv", "promptfoo_json", "inspect"):
        report = evals.check([("run", ef.build(fmt, rows))])
        assert [(f["name"], f["count"]) for f in report["failures"]] == wanted, fmt
    openai = evals.check([("run", ef.build("openai_evals", rows))])
    assert [(f["name"], f["count"]) for f in openai["failures"]] == [
        (f"expected {ef.LABELS[name]}", count) for name, count in wanted
    ]


def wilson_real(p: float, n: int) -> tuple[float, float]:
    centre = p + Z * Z / (2 * n)
    spread = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return (centre - spread) / (1 + Z * Z / n), (centre + spread) / (1 + Z * Z / n)


def settles_by_hand(p: float, n: int, target: float) -> bool:
    """n cases at accuracy p are round(p * n) passes; their interval leaves the target out."""
    k = round(p * n)
    low, high = wilson_real(k / n, n)
    return (high < target) if p < target else (low >= target)


def fewest_by_brute_force(p: float, target: float) -> int:
    for n in range(1, 200_000):
        if settles_by_hand(p, n, target):
            return n
    raise AssertionError("none")


def test_cases_to_tell_the_target_from_the_baseline():
    """23/25 against 95%: the interval (75.0%-97.8%) holds 95, so the target can't be told apart.
    The number of cases the report gives is the verdict's own (decision.baseline.cases_to_settle):
    a round number (two significant figures) that really settles it, at least the fewest found by
    brute force here and less than a tenth above the next round number past it."""
    rows = [(f"c{i}", ef.PASS, "x") for i in range(23)] + [(f"f{i}", ef.FAIL, "x") for i in (1, 2)]
    report = evals.check([("run", ef.build("csv", rows))])
    by_target = {row["target"]: row for row in report["to_tell"]}
    assert set(by_target) == {85, 95, 99}
    # 99 lies above the whole interval (high 97.8%): settled, below it.
    assert [by_target[t]["settled"] for t in (85, 95, 99)] == [False, False, True]
    assert by_target[99]["cases_needed"] is None
    assert by_target[95]["cases_needed"] == 210  # the fewest is 182; 190 and 200 don't settle
    for target in (85, 95):
        assert by_target[target]["cases_needed"] == cases_to_settle(0.92, target / 100)
    for p, target in [
        (0.92, 0.85),
        (0.92, 0.95),
        (0.5, 0.85),
        (0.97, 0.95),
        (0.999, 0.99),
        (0.6, 0.95),
        (0.9, 0.85),
    ]:
        said, fewest = cases_to_settle(p, target), fewest_by_brute_force(p, target)
        assert settles_by_hand(p, said, target), (p, target, said)
        assert fewest <= said, (p, target, said, fewest)
        assert said == float(f"{said:.2g}") or not settles_by_hand(
            p, int(float(f"{said:.2g}")), target
        ), (p, target, said)
    assert cases_to_settle(0.95, 0.95) is None
    assert cases_to_settle(0.9499, 0.95) is None  # would take millions of cases


# --- The exact McNemar test ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("b", "c"),
    [
        (0, 0),
        (1, 0),
        (0, 7),
        (3, 3),
        (9, 4),
        (2, 14),
        (30, 12),
        (120, 95),
        (800, 700),
        (3100, 2950),
    ],
)
def test_mcnemar_p_value_is_the_exact_binomial_sum(b, c):
    p = stats.mcnemar_exact(b, c)
    assert p == pytest.approx(mcnemar_reference(b, c), rel=1e-9, abs=1e-300)
    if b + c:
        assert p == pytest.approx(binomtest(min(b, c), b + c, 0.5).pvalue, rel=1e-9)


def test_mcnemar_beyond_the_exact_limit_agrees_with_the_exact_sum():
    b, c = 2600, 2500  # 5,100 discordant pairs: the log-space branch
    assert b + c > stats.EXACT_LIMIT
    assert stats.mcnemar_exact(b, c) == pytest.approx(mcnemar_reference(b, c), rel=1e-9)
    assert stats.mcnemar_exact(b, c) == pytest.approx(binomtest(c, b + c, 0.5).pvalue, rel=1e-9)


def _run(outcomes: dict[str, str]) -> bytes:
    return ef.build("csv", [(case, outcome, "x") for case, outcome in outcomes.items()])


def test_two_runs_are_matched_by_id_with_errors_and_strays_left_out():
    old = {"a": ef.PASS, "b": ef.PASS, "c": ef.FAIL, "d": ef.FAIL, "e": ef.ERROR, "f": ef.PASS}
    new = {"b": ef.FAIL, "a": ef.PASS, "c": ef.PASS, "d": ef.FAIL, "e": ef.PASS, "g": ef.PASS}
    report = evals.check([("old.csv", _run(old)), ("new.csv", _run(new))])
    paired = report["paired"]
    assert {k: paired[k] for k in ("both_pass", "only_new", "only_old", "both_fail")} == {
        "both_pass": 1,
        "only_new": 1,
        "only_old": 1,
        "both_fail": 1,
    }
    assert (paired["with_error"], paired["only_in_new"], paired["only_in_old"]) == (1, 1, 1)
    assert paired["p_value"] == mcnemar_reference(1, 1) == 1.0
    assert paired["real"] is False
    assert [run["file_name"] for run in report["runs"]] == ["old.csv", "new.csv"]


def test_a_real_improvement_and_a_plateau():
    ids = [f"q{i}" for i in range(200)]

    def version(passing: int) -> dict[str, str]:
        return {case: ef.PASS if i < passing else ef.FAIL for i, case in enumerate(ids)}

    # 120 -> 170 passes, nested: 50 discordant pairs, all one way.
    improving = evals.check([("v1", _run(version(120))), ("v2", _run(version(170)))])
    assert improving["paired"]["only_new"] == 50 and improving["paired"]["only_old"] == 0
    assert improving["paired"]["p_value"] == pytest.approx(mcnemar_reference(50, 0), rel=1e-12)
    assert improving["paired"]["real"] is True and improving["plateaued"] is False

    # Three versions that each move 20 cases, 10 each way (p = 1): no step is real though each
    # could have been (20 discordant pairs), so it has plateaued.
    def passing(ids_passing) -> dict[str, str]:
        return {case: ef.PASS if i in ids_passing else ef.FAIL for i, case in enumerate(ids)}

    flat = evals.check(
        [
            ("v1", _run(passing(range(0, 160)))),
            ("v2", _run(passing(range(10, 170)))),
            ("v3", _run(passing(range(0, 160)))),
        ]
    )
    assert [(s["only_new"], s["only_old"], s["real"]) for s in flat["steps"]] == [
        (10, 10, False),
        (10, 10, False),
    ]
    assert flat["plateaued"] is True
    # One flat step is not yet a plateau.
    one_step = evals.check([("v1", _run(version(160))), ("v2", _run(version(161)))])
    assert one_step["plateaued"] is None


def test_at_most_five_runs():
    run = _run({"a": ef.PASS})
    with pytest.raises(evals.Unreadable) as refused:
        evals.check([("r", run)] * 6)
    assert refused.value.code == "too_many_runs"


# --- What each format means, case by case --------------------------------------------------


def test_csv_passed_spellings_and_empty_is_an_error():
    data = b"id,passed\n1,1\n2,0\n3,TRUE\n4,false\n5,Pass\n6,FAIL\n7,\n8,yes\n9,error\n"
    report = evals.check([("r", data)])
    assert (report["passed"], report["failed"], report["errors"]) == (4, 3, 2)


def test_csv_expected_actual_is_nfc_and_strip_and_case_sensitive():
    data = (
        "id,expected,actual\n"
        'a,café,"  cafe\u0301 \n"\n'  # NFC equal after strip: pass
        "b,Yes,yes\n"  # case differs: fail
        "c,x,\n"  # no answer: error
    ).encode()
    report = evals.check([("r", data)])
    assert (report["passed"], report["failed"], report["errors"]) == (1, 1, 1)


def test_inspect_no_answer_is_an_error_and_partial_a_fail_and_epochs_are_one_case():
    samples = [
        {"id": 1, "epoch": 1, "scores": {"m": {"value": "C"}}},
        {"id": 1, "epoch": 2, "scores": {"m": {"value": "I"}}},
        {"id": 2, "epoch": 1, "scores": {"m": {"value": "P"}}},
        {"id": 2, "epoch": 2, "scores": {"m": {"value": "N"}}},
        {"id": 3, "epoch": 1, "scores": {"m": {"value": 1.0}}},
        {"id": 3, "epoch": 2, "scores": {}, "error": None},
    ]
    data = json.dumps({"version": 2, "status": "success", "eval": {}, "samples": samples})
    report = evals.check([("r", data.encode())])
    # Per sample, its graded epochs: 1 is C, I (half passed: a fail when paired); 2 is P (a
    # fail; N is an error); 3 is 1.0 (the unscored epoch is an error). Shares 1/2, 0, 1.
    assert (report["cases"], report["passed"], report["failed"], report["errors"]) == (3, 1, 2, 0)
    assert report["accuracy"] == 0.5 and report["epochs"] == 2
    assert {"name": "partial", "count": 1} in report["failures"]


def test_promptfoo_failure_reasons():
    results = [
        {"testIdx": 0, "success": True, "failureReason": 0},
        {"testIdx": 1, "success": False, "failureReason": 1, "error": "Expected 'a'"},
        {"testIdx": 2, "success": False, "failureReason": 2, "error": "timeout"},
        # Older files without failureReason: graded means a fail, an error alone an error.
        {"testIdx": 3, "success": False, "gradingResult": {"pass": False}},
        {"testIdx": 4, "success": False, "error": "ECONNRESET"},
    ]
    data = json.dumps({"results": {"version": 2, "results": results}}).encode()
    report = evals.check([("r", data)])
    assert (report["passed"], report["failed"], report["errors"]) == (1, 2, 2)
    assert report["format_version"] == "2"


def test_openai_evals_sample_fails_when_any_match_fails():
    lines = [
        {"spec": {"eval_name": "e", "run_id": "r1"}},
        {
            "run_id": "r1",
            "event_id": 0,
            "sample_id": "s0",
            "type": "match",
            "data": {"correct": True},
        },
        {
            "run_id": "r1",
            "event_id": 1,
            "sample_id": "s0",
            "type": "match",
            "data": {"correct": False},
        },
        {
            "run_id": "r1",
            "event_id": 2,
            "sample_id": "s1",
            "type": "metrics",
            "data": {"correct": True},
        },
        {"run_id": "r1", "event_id": 3, "sample_id": "s2", "type": "sampling", "data": {}},
        {"final_report": {"accuracy": 0.5}},
    ]
    data = "\n".join(json.dumps(line) for line in lines).encode()
    report = evals.check([("r", data)])
    assert (report["cases"], report["passed"], report["failed"], report["errors"]) == (3, 1, 1, 1)


def test_the_examples_in_docs_are_read_with_their_format():
    from app.settings import ROOT

    expected = {
        "eval-run-passed.csv": "csv",
        "eval-run-expected-actual.csv": "csv",
        "promptfoo-results.json": "promptfoo_json",
        "promptfoo-results.csv": "promptfoo_csv",
        "openai-evals-log.jsonl": "openai_evals",
        "inspect-log.json": "inspect",
    }
    for name, fmt in expected.items():
        report = evals.check([(name, (ROOT / "docs" / "examples" / name).read_bytes())])
        assert report["format"] == fmt, name
        assert report["cases"] >= 10


# --- Bad files ---------------------------------------------------------------------------

BAD_FILES = {
    "empty": (b"", "empty"),
    "blank": (b"\n \n", "empty"),
    "gzip": (gzip.compress(b"id,passed\n1,1\n"), "compressed"),
    "utf16": ("id,passed\n1,1\n".encode("utf-16"), "utf16"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
    "latin1": (b"id,passed\n1,1\ncaf\xe9,0\n", "encoding"),
    "json array": (b'[{"id": 1, "passed": true}]', "json_array"),
    "other json": (b'{"hello": "world"}', "unknown_json"),
    "broken json": (b'{"results": {"results": [', "not_json"),
    "deep json": (b"{" + b'"a":[' * 100_000, "not_json"),
    "csv without columns": (b"question,answer\nq,a\n", "csv_columns"),
    "bad passed": (b"id,passed\n1,1\n2,maybe\n3,1\n", "bad_lines"),
    "duplicate id": (b"id,passed\n1,1\n1,0\n", "bad_lines"),
    "ragged csv": (b"id,passed\n1,1,extra\n", "bad_lines"),
    "no id": (b"id,passed\n,1\n", "bad_lines"),
    "promptfoo no success": (b'{"results": {"results": [{"testIdx": 0}]}}', "bad_lines"),
    "inspect no samples": (b'{"version": 2, "status": "success", "eval": {}}', "no_samples"),
    "inspect failed run": (b'{"version": 2, "status": "error", "eval": {}}', "not_finished"),
    "inspect odd score": (
        b'{"samples": [{"id": 1, "scores": {"m": {"value": {"a": 1}}}}]}',
        "bad_lines",
    ),
    "openai no outcomes": (
        b'{"spec": {}}\n{"run_id": "r", "sample_id": "s", "type": "sampling", "data": {}}\n',
        "no_outcomes",
    ),
    "openai bad line": (
        b'{"spec": {}}\n{"run_id": "r", "sample_id": "s", "type": "match", "data": {"correct": true}}\nnot json\n',
        "bad_lines",
    ),
    "promptfoo csv bad status": (b"q,[openai:x] p,Status\nq1,out,MAYBE\n", "bad_lines"),
    "only errors": (b"id,passed\n1,\n2,error\n", "all_errors"),
}


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("header.json", "{}")
    return buffer.getvalue()


BAD_FILES["inspect .eval (zip)"] = (_zip_bytes(), "zip")


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_are_refused_with_a_named_problem(name):
    data, code = BAD_FILES[name]
    with pytest.raises(evals.Unreadable) as refused:
        evals.check([("bad", data)])
    assert refused.value.code == code


def test_a_bad_line_is_named():
    with pytest.raises(evals.Unreadable) as refused:
        evals.check([("r", b"id,passed\n1,1\n2,1\n3,maybe\n4,0\n")])
    assert [(p.line, p.code) for p in refused.value.problems] == [(4, "bad_passed")]


@given(st.binary(max_size=600))
def test_any_bytes_give_a_report_or_a_named_refusal(data):
    try:
        report = evals.check([("fuzz", data)])
    except evals.Unreadable as refused:
        assert refused.code in evals.messages.FILE_PROBLEMS
    else:
        assert report["passed"] + report["failed"] + report["errors"] == report["cases"]
        assert 0 <= report["low"] <= report["accuracy"] <= report["high"] <= 1


@given(
    st.lists(
        st.tuples(
            st.text(max_size=8),
            st.sampled_from(["1", "0", "", "true", "x", "pass", '"', "\r"]),
        ),
        max_size=30,
    ),
    st.sampled_from(["id,passed", "id,expected,actual", "[p] x,Status"]),
)
def test_csv_shaped_fuzz_gives_a_report_or_a_named_refusal(rows, header):
    data = (header + "\n" + "\n".join(f"{a},{b}" for a, b in rows)).encode()
    try:
        evals.check([("fuzz", data)])
    except evals.Unreadable as refused:
        assert refused.code in evals.messages.FILE_PROBLEMS


# --- HTTP --------------------------------------------------------------------------------


def post(client, data: bytes, name: str = "run.csv", previous=(), url=API, extra=None):
    files = [("previous", (f"old{i}.csv", p)) for i, p in enumerate(previous)]
    files.append(("file", (name, data)))
    return client.post(url, files=files, data=extra or {})


def test_the_api_reports_a_run(client):
    rows = ef.outcomes(60, 4)
    response = post(client, ef.build("inspect", rows), "log.json")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    passed, failed, errors = tally(rows)
    assert (body["format"], body["passed"], body["failed"], body["errors"]) == (
        "inspect",
        passed,
        failed,
        errors,
    )
    assert body["file_name"] == "log.json"
    assert body["paired"] is None and body["plateaued"] is None


def test_the_api_compares_with_previous_runs(client):
    old, new = ef.outcomes(80, 5), ef.outcomes(80, 6)
    response = post(client, ef.build("csv", new), previous=[ef.build("promptfoo_csv", old)])
    assert response.status_code == 200
    paired = response.json()["paired"]
    # The promptfoo CSV names its cases by their variables; the plain CSV by id: none match.
    assert paired["matched"] == 0 and paired["only_in_new"] == 80
    same_ids = post(client, ef.build("csv", new), previous=[ef.build("csv", old)]).json()
    b = sum(1 for o, n in zip(old, new, strict=True) if n[1] == ef.PASS and o[1] == ef.FAIL)
    c = sum(1 for o, n in zip(old, new, strict=True) if n[1] == ef.FAIL and o[1] == ef.PASS)
    assert (same_ids["paired"]["only_new"], same_ids["paired"]["only_old"]) == (b, c)
    assert same_ids["paired"]["p_value"] == pytest.approx(mcnemar_reference(b, c), rel=1e-12)


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_get_422_naming_the_problem_and_store_nothing(client, app, name):
    data, code = BAD_FILES[name]
    before = count_assessments(app)
    response = post(client, data)
    assert response.status_code == 422, response.text
    problem = response.json()["detail"][0]
    assert problem["code"] == code
    assert problem["message"] and "{" not in problem["message"].replace('{"', "")
    assert count_assessments(app) == before
    page = client.post(PAGE, files={"file": ("bad.csv", data)})
    assert page.status_code == 422
    assert html(page).select_one("#error-summary p").get_text(strip=True) == problem["message"]


def test_a_bad_earlier_run_is_named(client):
    good = ef.build("csv", ef.outcomes(20, 1))
    response = post(client, good, previous=[good, b"id,passed\n1,maybe\n"])
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert (problem["field"], problem["run"], problem["code"]) == ("previous", 2, "bad_lines")
    assert problem["message"].startswith("Run 2 (old1.csv):")
    assert problem["errors"][0]["line"] == 2


def test_problems_in_chinese(client):
    response = client.post(
        API, files={"file": ("a.csv", b"q,a\n1,2\n")}, headers={"accept-language": "zh"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["message"].startswith("这个 CSV")


def test_no_file_and_not_multipart(client):
    response = client.post(API, files={"other": ("a.csv", b"id,passed\n1,1\n")})
    assert (response.status_code, response.json()["detail"][0]["code"]) == (422, "no_file")
    response = client.post(API, content=b"id,passed", headers={"content-type": "text/csv"})
    assert (response.status_code, response.json()["detail"][0]["code"]) == (422, "not_multipart")


def test_too_many_runs_is_422(client):
    run = ef.build("csv", ef.outcomes(5, 1))
    response = post(client, run, previous=[run] * 5)
    assert (response.status_code, response.json()["detail"][0]["code"]) == (422, "too_many_runs")


@pytest.fixture
def small_limit_client(database_url):
    application = create_app(Settings(database_url=database_url, max_upload_bytes=10_000))
    with TestClient(application, follow_redirects=False) as client:
        yield client
    application.state.db.dispose()


def test_over_the_limit_is_413(small_limit_client):
    big = ef.build("csv", ef.outcomes(3000, 1))
    assert len(big) > 10_000 + 64 * 1024
    response = post(small_limit_client, big)
    assert response.status_code == 413
    assert response.json()["detail"][0]["code"] == "too_large"


def test_over_the_limit_while_streaming_is_413(small_limit_client):
    """No Content-Length: the files together pass the limit as the body streams in."""
    part = ef.build("csv", ef.outcomes(150, 1))
    assert 5_000 < len(part) < 10_000
    boundary = "EvAl"

    def stream():
        for field in ("previous", "file"):
            yield (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
                f'filename="{field}.csv"\r\n\r\n'
            ).encode()
            for i in range(0, len(part), 1000):
                yield part[i : i + 1000]
            yield b"\r\n"
        yield f"--{boundary}--\r\n".encode()

    response = small_limit_client.post(
        API, content=stream(), headers={"content-type": f"multipart/form-data; boundary={boundary}"}
    )
    assert response.status_code == 413


# No deadline: a request through the whole app can take longer than 200 ms on a busy machine.
@hypothesis_settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.binary(max_size=300))
def test_fuzzed_uploads_never_get_a_5xx(client, data):
    response = post(client, data)
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        assert response.json()["detail"][0]["message"]


# --- Attaching to a draft ----------------------------------------------------------------


def reach_accuracy_step(client, answers=REFUND_BOT) -> str:
    token = start(client)
    response = client.post(f"/d/{token}/task", data=step_answers("task", answers))
    assert response.status_code == 303
    return token


def check_from_draft(client, token: str, data: bytes, previous=()) -> str:
    response = post(client, data, url=PAGE, previous=previous, extra={"draft": token})
    assert response.status_code == 200, response.text
    form = html(response).select_one("#attach form")
    assert form["action"].endswith(f"/d/{token}/accuracy/measured")
    return form.select_one("input[name=check]")["value"]


def stored(app, token: str) -> Assessment:
    with app.state.db.read() as session:
        return session.scalars(select(Assessment).where(Assessment.share_token == token)).one()


def test_attach_fills_the_baseline_from_what_the_server_computed(client, app):
    token = reach_accuracy_step(client)
    rows = [(f"c{i}", ef.PASS, "x") for i in range(23)] + [
        ("f1", ef.FAIL, "x"),
        ("f2", ef.FAIL, "x"),
        ("e1", ef.ERROR, "x"),
    ]
    check_id = check_from_draft(client, token, ef.build("promptfoo_json", rows))
    held = stored(app, token)
    assert held.eval_run is None and held.eval_check["id"] == check_id
    # Numbers posted with the form are ignored: only the held check's id counts.
    response = client.post(
        f"/d/{token}/accuracy/measured",
        data={"check": check_id, "baseline_accuracy": "99", "passed": "25"},
    )
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/d/{token}/accuracy#measured-baseline")
    assessment = stored(app, token)
    assert assessment.answers["baseline_accuracy"] == 92  # 23/25
    assert assessment.answers["baseline_sample_size"] == 25  # graded: the error left out
    assert assessment.eval_run["passed"] == 23 and assessment.eval_run["errors"] == 1
    assert assessment.eval_check is None
    step = html(client.get(f"/d/{token}/accuracy"))
    assert step.select_one("#input-baseline_accuracy")["value"] == "92"
    assert step.select_one("#input-baseline_sample_size")["value"] == "25"
    assert "23 of 25" in step.select_one("#measured-baseline").get_text()


def test_attach_refuses_an_id_the_draft_does_not_hold(client, app):
    token = reach_accuracy_step(client)
    other = reach_accuracy_step(client)
    rows = ef.outcomes(30, 1)
    first = check_from_draft(client, token, ef.build("csv", rows))
    theirs = check_from_draft(client, other, ef.build("csv", rows))
    for check in ("", "forged-id-forged-id", theirs):
        response = client.post(f"/d/{token}/accuracy/measured", data={"check": check})
        assert response.status_code == 409
        assert stored(app, token).eval_run is None
    # A newer check replaces the one held: the first id is stale.
    check_from_draft(client, token, ef.build("csv", ef.outcomes(40, 2)))
    response = client.post(f"/d/{token}/accuracy/measured", data={"check": first})
    assert response.status_code == 409
    assert "baseline_accuracy" not in stored(app, token).answers


def test_a_rejected_upload_changes_nothing_held(client, app):
    token = reach_accuracy_step(client)
    check_id = check_from_draft(client, token, ef.build("csv", ef.outcomes(30, 1)))
    response = post(client, b"id,passed\n1,maybe\n", url=PAGE, extra={"draft": token})
    assert response.status_code == 422
    assert stored(app, token).eval_check["id"] == check_id


def test_the_verdict_shows_the_measured_baseline(client, app):
    token = reach_accuracy_step(client)
    rows = [(f"c{i}", ef.PASS, "x") for i in range(46)] + [
        (f"f{i}", ef.FAIL, "x") for i in range(4)
    ]
    check_id = check_from_draft(client, token, ef.build("csv", rows))
    client.post(f"/d/{token}/accuracy/measured", data={"check": check_id})
    answers = {k: v for k, v in REFUND_BOT.items() if k not in ("baseline_accuracy",)}
    for step in ("accuracy", "cost", "knowledge", "data"):
        data = step_answers(step, answers)
        if step == "accuracy":
            data.update(baseline_accuracy="92", baseline_sample_size="50")
        assert client.post(f"/d/{token}/{step}", data=data).status_code == 303
    assert client.post(f"/d/{token}/finish").status_code == 303
    page = html(client.get(f"/a/{token}"))
    section = page.select_one("section.eval-run")
    assert section is not None
    text = section.get_text(" ", strip=True)
    assert "46 of 50 graded cases passed, 92.0%" in text
    assert text.count("measured") >= 2
    # Revising keeps the measured run with the new draft.
    assert stored(app, token).eval_run["passed"] == 46


def test_inspect_partial_credit_counted_as_a_fail_is_said_with_its_count(client):
    """The review's log: values C, I, 0.5, "1", 1.0, 0 and true, here with "P" and "0.25" too.
    By hand: C, "1", 1.0 and true pass (4); I, 0.5, 0, P and 0.25 fail (5), three of them with
    partial credit (0.5, P, 0.25: Inspect's value_to_float gives each a share of 1)."""
    values = ["C", "I", 0.5, "1", 1.0, 0, True, "P", "0.25"]
    samples = [
        {"id": n, "epoch": 1, "scores": {"m": {"value": value}}}
        for n, value in enumerate(values, 1)
    ]
    data = json.dumps({"version": 2, "status": "success", "eval": {}, "samples": samples}).encode()
    report = evals.check([("log.json", data)])
    assert (report["passed"], report["failed"], report["errors"]) == (4, 5, 0)
    assert report["partial_as_fail"] == 3
    body = post(client, data, "log.json").json()
    assert body["partial_as_fail"] == 3
    page = client.post(PAGE, files={"file": ("log.json", data)})
    assert page.status_code == 200
    said = html(page).select_one("[data-partial]")
    assert said["data-partial"] == "3"
    assert said.get_text(" ", strip=True) == (
        "3 samples were given partial credit (P, or a score between 0 and 1), counted here as "
        "fails: the accuracy and its interval count whole passes and fails."
    )
    zh = client.post(PAGE, files={"file": ("log.json", data)}, headers={"accept-language": "zh"})
    assert html(zh).select_one("[data-partial]").get_text(" ", strip=True) == (
        "3 个样本得到了部分分（P，或 0 到 1 之间的分数），这里按失败计：准确率及其区间只按完整的通过与失败计数。"
    )
    # A log without partial credit says nothing of it.
    plain = client.post(PAGE, files={"file": ("log.json", ef.build("inspect", ef.outcomes(20, 3)))})
    assert html(plain).select_one("[data-partial]") is None


def test_cases_needed_is_a_rounded_number_as_the_readme_and_page_say_not_the_fewest():
    """The review's run: 30 passed, 8 failed, 2 errors against 85%. By the hand Wilson interval,
    126 cases at 30/38 are the fewest that leave 85% out, and every number from 141 does; the
    report says 150 (two significant figures), and the README and the page say it is rounded up,
    not the fewest."""
    p = 30 / 38
    assert fewest_by_brute_force(p, 0.85) == 126
    assert not settles_by_hand(p, 140, 0.85)
    assert all(settles_by_hand(p, n, 0.85) for n in range(141, 2_000))
    rows = [(f"p{i}", ef.PASS, "x") for i in range(30)]
    rows += [(f"f{i}", ef.FAIL, "x") for i in range(8)]
    rows += [(f"e{i}", ef.ERROR, "x") for i in range(2)]
    report = evals.check([("run", ef.build("csv", rows))])
    [eighty_five] = [row for row in report["to_tell"] if row["target"] == 85]
    assert eighty_five["cases_needed"] == 150
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert "`cases_needed`: the fewest" not in readme
    assert "rounded up to two significant figures" in readme
    assert "30 of 38 graded against 85%: 150, where 126" in readme
    page = (ROOT / "templates" / "evals" / "_report.html").read_text(encoding="utf-8")
    assert "The fewest cases at this accuracy" not in page
    assert "rounded up to two significant figures" in page


@pytest.mark.parametrize("sep", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_eval_csvs_separated_by_semicolons_or_tabs_are_read_as_the_dataset_check_reads_them(
    client, sep
):
    """By hand: a and c pass, b fails, d ("error") and e (empty) are errors; in the second file
    1 passes ("a, b" both sides, quoted: the comma is inside a cell), 2 fails."""
    rows = [("id", "passed"), ("a", "1"), ("b", "0"), ("c", "true"), ("d", "error"), ("e", "")]
    data = "\ufeff" + "".join(sep.join(row) + "\r\n" for row in rows)
    report = evals.check([("run.csv", data.encode())])
    assert (report["format"], report["passed"], report["failed"], report["errors"]) == (
        "csv",
        2,
        1,
        2,
    )
    pairs = f'id{sep}expected{sep}actual\n1{sep}"a, b"{sep}"a, b"\n2{sep}x{sep}y\n'.encode()
    response = post(client, pairs)
    assert response.status_code == 200, response.text
    assert (response.json()["passed"], response.json()["failed"]) == (1, 1)
