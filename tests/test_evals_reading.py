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


@hypothesis_settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(documents(messy=False) | documents(messy=True))
def test_a_json_document_reads_the_same_both_ways(document):
    data = json.dumps(document).encode()
    assert outcome(data) == slow_outcome(data)


@hypothesis_settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
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
