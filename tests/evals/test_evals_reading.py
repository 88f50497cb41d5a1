"""The eval-run reader's two paths agree: msgspec (the fast path, which decodes only the fields
read) and the standard library (which reads whatever the fast path does not take, and names the
problems). Every generated document is read both ways and must give the same run, or the same
refusal with the same problems."""

import json
import math

import msgspec
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from app.evals import reading
from tests import eval_files as ef


def outcome(data: bytes):
    try:
        run = reading.read(data)
    except reading.Unreadable as refused:
        problems = [(p.code, p.detail, p.line, p.item) for p in refused.problems]
        return ("refused", refused.code, refused.detail, problems)
    return ("run", run.format, run.outcomes, dict(run.categories), run.version, run.name)


class _NeverDecodes:
    def decode(self, _):
        raise msgspec.DecodeError("the standard library's turn")


def slow_outcome(data: bytes):
    """The same file read without msgspec: documents by json.loads alone, JSON Lines line by
    line by json.loads."""

    def slow_only(_):
        raise reading._Slow

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reading, "_read_json_fast", slow_only)
        patch.setattr(reading, "_EVENT", _NeverDecodes())
        return outcome(data)


# Any JSON value, with the odd ones the fast path hands over: NaN, Infinity, integers past 64 bits.
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-2, 3)
    | st.integers(2**64, 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=4)
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["pass", "type", "value", "id", "x"]), inner, max_size=3)
    ),
    max_leaves=6,
)


def documents(messy: bool):
    """promptfoo outputs, Inspect logs and openai/evals logs: each field of its expected shape,
    or (messy) now and then any other value."""

    def some(**fields):
        if messy:
            fields = {k: st.one_of(v, v, v, values) for k, v in fields.items()}
        return st.fixed_dictionaries({}, optional=fields)

    assertion = some(
        type=st.sampled_from(["equals", "contains"]),
        metric=st.text(max_size=3),
        metricOnly=st.booleans(),
    )
    component = some(
        pass_=st.booleans(), assertion=assertion, metadata=some(metricOnly=st.booleans())
    ).map(lambda c: {("pass" if k == "pass_" else k): v for k, v in c.items()})
    grading = some(componentResults=st.lists(component, max_size=3), assertion=assertion)
    result = some(
        failureReason=st.sampled_from([0, 1, 2]),
        error=st.sampled_from([None, "", "timeout"]),
        gradingResult=grading,
        testIdx=st.integers(0, 4),
        id=st.text(max_size=2),
        promptIdx=st.integers(0, 1),
        provider=st.sampled_from(["a", "b"])
        | some(id=st.sampled_from(["a", "b"]), label=st.text(max_size=2)),
    )
    success = st.one_of(st.booleans(), values) if messy else st.booleans()
    result = st.tuples(result, success).map(lambda r: {**r[0], "success": r[1]})
    promptfoo = st.fixed_dictionaries(
        {
            "results": st.fixed_dictionaries(
                {"results": st.lists(result, min_size=1, max_size=6)},
                optional={"version": st.sampled_from([2, 3]) | values},
            )
        },
        optional={"config": some(description=st.text(max_size=4)), "version": values},
    )
    score = some(value=st.sampled_from(["C", "I", "P", "N", "1", "0.5", "nan", "x"]) | st.floats())
    sample = some(
        epoch=st.integers(1, 2),
        scores=st.dictionaries(st.sampled_from(["m", "k"]), score, max_size=2),
        error=st.sampled_from([None, {"message": "x", "traceback": "", "traceback_ansi": ""}]),
        metadata=some(category=st.text(max_size=3)),
    )
    sample_id = (
        st.one_of(st.integers(0, 4), st.text(max_size=2), values)
        if messy
        else (st.integers(0, 4) | st.text(max_size=2))
    )
    sample = st.tuples(sample, sample_id).map(lambda s: {**s[0], "id": s[1]})
    inspect = st.fixed_dictionaries(
        {"samples": st.lists(sample, min_size=1, max_size=6)},
        optional={
            "version": st.just(2),
            "status": st.sampled_from(["success", "error"]),
            "eval": some(task=st.text(max_size=3), model=st.text(max_size=3)),
            "results": some(scores=st.lists(some(name=st.sampled_from(["m", "k"])), max_size=2)),
        },
    )
    if messy:
        inspect = inspect | some(
            version=st.just(2),
            status=st.sampled_from(["success", "error"]),
            eval=some(task=st.text(max_size=3)),
            samples=st.lists(sample, max_size=3),
        )
    return promptfoo | inspect


def event_lines(messy: bool):
    def some(**fields):
        if messy:
            fields = {k: st.one_of(v, v, v, values) for k, v in fields.items()}
        return st.fixed_dictionaries({}, optional=fields)

    data = (
        some(correct=st.booleans(), expected=st.sampled_from(["a", "b"]))
        if messy
        else st.fixed_dictionaries(
            {"correct": st.booleans()}, optional={"expected": st.sampled_from(["a", "b"])}
        )
    )
    event = st.fixed_dictionaries(
        {
            "run_id": st.just("r1") if not messy else st.sampled_from(["r1", "r2"]) | values,
            "sample_id": st.sampled_from(["s0", "s1", 2]),
            "type": st.sampled_from(["match", "metrics", "sampling", "error"]),
        },
        optional={"data": data},
    )
    spec = st.fixed_dictionaries(
        {"spec": some(run_id=st.just("r1"), eval_name=st.text(max_size=3))}
    )
    lines = st.lists(event | spec if messy else event, min_size=1, max_size=8)
    return lines.map(lambda lines: [{"spec": {"run_id": "r1"}}, *lines])


@hypothesis_settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(documents(messy=False) | documents(messy=True))
def test_a_json_document_reads_the_same_both_ways(document):
    data = json.dumps(document).encode()
    assert outcome(data) == slow_outcome(data)


@hypothesis_settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(event_lines(messy=False) | event_lines(messy=True), st.sampled_from(["\n", "\n\n", "\r\n"]))
def test_a_json_lines_log_reads_the_same_both_ways(lines, separator):
    data = separator.join(json.dumps(line) for line in lines).encode()
    assert outcome(data) == slow_outcome(data)


@pytest.mark.parametrize("fmt", ["promptfoo_json", "inspect", "openai_evals"])
def test_generated_runs_read_the_same_both_ways(fmt):
    data = ef.build(fmt, ef.outcomes(500, seed=7))
    fast = outcome(data)
    assert fast[0] == "run"
    assert fast == slow_outcome(data)


def test_an_unscored_inspect_sample_nan_is_an_error():
    """Inspect writes Score.unscored() as the JSON constant NaN (ser_json_inf_nan="constants"):
    the scorer gave no value, so the case is an error; the file is read by the standard library."""
    samples = [
        {"id": 1, "epoch": 1, "scores": {"m": {"value": "C"}}},
        {"id": 2, "epoch": 1, "scores": {"m": {"value": math.nan}}},
        {"id": 3, "epoch": 1, "scores": {"m": {"value": "0"}}},
        {"id": 4, "epoch": 1, "scores": {"m": {"value": "1.0"}}},
    ]
    data = json.dumps({"version": 2, "status": "success", "eval": {}, "samples": samples})
    assert "NaN" in data
    run = reading.read(data.encode())
    assert run.outcomes == {"1": 1, "2": 2, "3": 0, "4": 1}


# --- Against the tools' own rules (read in their sources; see app/evals/reading.py) ---------


def promptfoo_stats(results):
    """promptfoo's evaluator: success -> successes; failureReason ERROR (2) -> errors; else
    failures."""
    stats = {"successes": 0, "failures": 0, "errors": 0}
    for result in results:
        key = (
            "successes"
            if result["success"]
            else "errors"
            if result.get("failureReason") == 2
            else "failures"
        )
        stats[key] += 1
    return stats


def test_promptfoo_json_counts_as_promptfoo_counts_its_stats():
    component = {"pass": False, "score": 0, "reason": "no", "assertion": {"type": "equals"}}
    results = [
        {"testIdx": 0, "success": True, "failureReason": 0, "gradingResult": {"pass": True}},
        {"testIdx": 1, "success": False, "failureReason": 1, "gradingResult": {"pass": False}},
        {"testIdx": 2, "success": False, "failureReason": 2, "error": "429", "gradingResult": None},
        # NONE with an error and no grading: promptfoo counts a failure (its CSV says ERROR).
        {"testIdx": 3, "success": False, "failureReason": 0, "error": "odd"},
        {
            "testIdx": 4,
            "success": False,
            "failureReason": 1,
            "gradingResult": {
                "pass": False,
                "componentResults": [
                    component,
                    # A metric-only assertion records a score; it takes no part in pass/fail.
                    {**component, "assertion": {"type": "similar", "metricOnly": True}},
                    {**component, "assertion": {"type": "cost"}, "metadata": {"metricOnly": True}},
                ],
            },
        },
    ]
    data = json.dumps({"evalId": "e", "results": {"version": 3, "results": results}}).encode()
    run = reading.read(data)
    stats = promptfoo_stats(results)
    counts = [list(run.outcomes.values()).count(o) for o in (1, 0, 2)]
    assert counts == [stats["successes"], stats["failures"], stats["errors"]] == [1, 3, 1]
    assert dict(run.categories) == {"equals": 1}
    assert run == reading.read(data) and outcome(data) == slow_outcome(data)


def test_a_generated_promptfoo_file_agrees_with_its_own_stats():
    data = ef.build("promptfoo_json", ef.outcomes(2000, seed=5))
    document = json.loads(data)
    stats = document["results"]["stats"]
    assert stats == {**promptfoo_stats(document["results"]["results"]), "tokenUsage": ANY_USAGE}
    run = reading.read(data)
    values = list(run.outcomes.values())
    assert (values.count(1), values.count(0), values.count(2)) == (
        stats["successes"],
        stats["failures"],
        stats["errors"],
    )


ANY_USAGE = {"total": 0, "prompt": 0, "completion": 0, "cached": 0}


@pytest.mark.parametrize(
    ("header", "row"),
    [
        # Today's export: the output, then Reasoning, then Status (buildCsvHeaders).
        (
            "q,[openai:gpt-4.1] v1,Reasoning,Status,Score,Named Scores,Grader Reason,Comment",
            "q{n},out,thought,{status},1.00,,,",
        ),
        # A prompt without a provider is labelled by its label alone.
        (
            "q,v1,Reasoning,Status,Score,Named Scores,Grader Reason,Comment",
            "q{n},out,,{status},,,,",
        ),
        # Before the Reasoning column.
        (
            "q,[openai:gpt-4.1] v1,Status,Score,Named Scores,Grader Reason,Comment",
            "q{n},out,{status},,,,",
        ),
        # Older: the outcome at the start of the output cell.
        ("q,[openai:gpt-4.1] v1", 'q{n},"[{status}] (1.00)\n\nout"'),
    ],
)
def test_promptfoo_csv_layouts(header, row):
    statuses = ["PASS", "PASS", "FAIL", "ERROR", "PASS"]
    lines = [header, *(row.format(n=n, status=s) for n, s in enumerate(statuses))]
    run = reading.read("\n".join(lines).encode())
    assert run.format == "promptfoo_csv"
    # Each row is named by its variable columns (here q), as the JSON output names its tests.
    names = [json.dumps({"q": f"q{n}"}, separators=(",", ":")) for n in range(5)]
    assert run.outcomes == dict(zip(names, [1, 1, 0, 2, 1], strict=True))


def test_openai_evals_final_report_carries_the_run_id():
    """LocalRecorder.record_final_report writes {"final_report": ..., "run_id": ...}."""
    data = ef.build("openai_evals", ef.outcomes(30, seed=3))
    last = json.loads(data.splitlines()[-1])
    assert set(last) == {"final_report", "run_id"}
    assert reading.read(data).format == "openai_evals"
