"""The training estimator against published measurements: those it was calibrated on, and,
separately, those it never saw (app/training/data/{calibration,heldout}.json); and the
properties any estimate must keep, over the whole input space."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.training import calibration, estimator
from app.training.estimator import Workload, architecture_for, estimate, expected_memory
from app.training.gpus import GPUS

CALIBRATION = calibration.load("calibration")
HELD_OUT = calibration.load("heldout")


def ids(cells):
    return [c.label for c in cells]


@pytest.mark.parametrize("cell", CALIBRATION, ids=ids(CALIBRATION))
def test_calibration_cells_within_target(cell) -> None:
    """Calibration: memory within ±20% and time within ±25% of the published figure."""
    if cell.memory_gb is not None:
        assert abs(cell.predicted_memory() / cell.memory_gb - 1) <= 0.20
    if cell.seconds_per_step is not None:
        assert abs(cell.predicted_step_seconds() / cell.seconds_per_step - 1) <= 0.25
    result = estimate(cell.work)
    if cell.memory_gb is not None:
        assert result.memory_gb.low <= cell.memory_gb <= result.memory_gb.high
    if cell.seconds_per_step is not None:
        assert result.hours.low <= cell.seconds_per_step / 3600 <= result.hours.high


KNOWN_MISSES = calibration.known_misses()


def held_out_errors(kind: str) -> dict[str, float]:
    if kind == "memory":
        return {
            f"memory {c.label}": c.predicted_memory() / c.memory_gb - 1
            for c in HELD_OUT
            if c.memory_gb is not None
        }
    return {
        f"time {c.label}": c.predicted_step_seconds() / c.seconds_per_step - 1
        for c in HELD_OUT
        if c.seconds_per_step is not None
    }


@pytest.mark.parametrize("cell", HELD_OUT, ids=ids(HELD_OUT))
def test_held_out_cells_inside_the_range(cell) -> None:
    """Cells the fit never saw: the published figure lies inside [low, high] of the estimate,
    except the known misses listed with their reasons in heldout.json."""
    result = estimate(cell.work)
    if cell.memory_gb is not None and f"memory {cell.label}" not in KNOWN_MISSES:
        assert result.memory_gb.low <= cell.memory_gb <= result.memory_gb.high
    if cell.seconds_per_step is not None and f"time {cell.label}" not in KNOWN_MISSES:
        hours = cell.seconds_per_step / 3600
        assert result.hours.low <= hours <= result.hours.high


def test_held_out_memory_expected_within_20_percent_but_the_known_misses() -> None:
    errors = held_out_errors("memory")
    assert len(errors) == 14
    misses = sorted(label for label, e in errors.items() if abs(e) > 0.20)
    assert misses == [
        "memory torchtune-4090:llama-3.1-8b:lora:seq2048:b2",
        "memory torchtune-4090:llama-3.1-8b:qlora:seq2048:b2",
    ]
    assert set(misses) <= set(KNOWN_MISSES)


def test_held_out_time_expected_within_25_percent_but_the_known_misses() -> None:
    """The held-out time cells, and which miss ±25% (README: how accurate the estimate is);
    every miss has its reason in heldout.json, and no listed miss has quietly come right."""
    errors = held_out_errors("time")
    assert len(errors) == 10
    misses = sorted(label for label, e in errors.items() if abs(e) > 0.25)
    assert misses == [
        "time llama-factory-hf-4bit:llama-2-7b:qlora:seq1024:b4",
        "time llama-factory:llama-2-7b:qlora:seq16384:b1",
        "time torchtune-4090:llama-3.1-8b:lora:seq2048:b2",
        "time torchtune-4090:llama-3.1-8b:qlora:seq2048:b2",
    ]
    listed = {k for k in KNOWN_MISSES if k.startswith("time ")}
    assert listed == set(misses)
    memory_listed = {k for k in KNOWN_MISSES if k.startswith("memory ")}
    assert memory_listed == {k for k, e in held_out_errors("memory").items() if abs(e) > 0.20}


def test_held_out_include_a_gpu_the_fit_never_saw() -> None:
    """Held-out cells beyond the A100s the fit used: the RTX 4090 (torchtune's README)."""
    assert {c.work.gpu.key for c in HELD_OUT} - {c.work.gpu.key for c in CALIBRATION} == {
        "rtx4090-24gb"
    }


def test_held_out_cells_are_not_calibration_cells() -> None:
    assert not set(ids(CALIBRATION)) & set(ids(HELD_OUT))
    assert {c.source for c in HELD_OUT} - {c.source for c in CALIBRATION} == {
        "llama-factory-16bit",
        "llama-factory-hf-4bit",
        "torchtune-4090",
        "unsloth-hf-fa2",
    }


def test_memory_parts_by_hand_for_a_7b_lora() -> None:
    """Qwen-7B, LoRA rank 64, 2,048 tokens, worked by hand from the formula in the docstring."""
    cell = next(c for c in CALIBRATION if c.model == "qwen-7b" and c.work.seq_len == 2048)
    parts = estimator.memory_parts(cell.work)
    gib = 2**30
    assert parts["weights"] == pytest.approx(7.72e9 * 2 / gib)
    d, f, layers = 4096, 11008, 32
    lora = 64 * (2 * (d + d) + 2 * (d + d) + 2 * (d + f) + (f + d)) * layers
    assert parts["trainable_state"] == pytest.approx(lora * 16 / gib)
    assert parts["activations"] == pytest.approx(2048 * d * (2 * layers + 34) / gib)
    assert parts["logits"] == pytest.approx(2048 * 151_936 * 12 / gib)
    total = (sum(parts.values()) - 1.0) * 1.10 + 1.0
    assert expected_memory(cell.work) == pytest.approx(total)


def test_one_optimizer_step_takes_the_contract_tokens() -> None:
    work = Workload(7, "lora", GPUS["a100-80gb"], 2, 2048, 2, 4, 2048 * 2 * 4 * 2 * 10, 3)
    assert estimator.optimizer_steps(work) == 30


sizes = st.floats(min_value=0.1, max_value=400, allow_nan=False)
seqs = st.sampled_from([256, 512, 1024, 2048, 4096, 8192, 16384])
token_counts = st.integers(min_value=1, max_value=10**10)
methods = st.sampled_from(["lora", "qlora", "full"])
gpus = st.sampled_from(sorted(GPUS))


def work(params=7.0, method="lora", gpu="a100-80gb", seq=2048, tokens=10**6, **kw):
    return Workload(params, method, GPUS[gpu], seq_len=seq, tokens=tokens, **kw)


@given(sizes, methods, gpus, seqs, token_counts, token_counts)
def test_more_tokens_never_cost_less(params, method, gpu, seq, a, b) -> None:
    small, large = sorted((a, b))
    x, y = (
        estimate(work(params, method, gpu, seq, small)),
        estimate(work(params, method, gpu, seq, large)),
    )
    assert y.hours.expected >= x.hours.expected
    assert y.cost_high >= x.cost_high and y.cost_low >= x.cost_low


@given(sizes, methods, gpus, seqs, seqs, st.integers(min_value=1, max_value=10**5))
def test_longer_sequences_never_cost_less(params, method, gpu, s1, s2, sequences) -> None:
    """Longer examples (the same number of sequences, each longer) take more memory, hours and
    money; so does packing the same tokens into longer sequences take more memory."""
    short, long = sorted((s1, s2))
    x = estimate(work(params, method, gpu, short, short * sequences))
    y = estimate(work(params, method, gpu, long, long * sequences))
    assert y.memory_gb.expected >= x.memory_gb.expected
    assert y.hours.expected >= x.hours.expected
    assert y.cost_high >= x.cost_high
    same = estimate(work(params, method, gpu, long, short * sequences))
    assert same.memory_gb.expected >= x.memory_gb.expected


@given(sizes, sizes, methods, gpus, seqs, token_counts)
def test_bigger_models_never_cost_less(a, b, method, gpu, seq, tokens) -> None:
    small, big = sorted((a, b))
    x, y = (
        estimate(work(small, method, gpu, seq, tokens)),
        estimate(work(big, method, gpu, seq, tokens)),
    )
    assert y.memory_gb.expected >= x.memory_gb.expected
    assert y.hours.expected >= x.hours.expected
    assert y.cost_high >= x.cost_high


@given(sizes, gpus, seqs, token_counts, st.integers(min_value=1, max_value=8))
def test_qlora_never_needs_more_memory_than_lora(params, gpu, seq, tokens, micro) -> None:
    q = estimate(work(params, "qlora", gpu, seq, tokens, micro_batch=micro))
    lo = estimate(work(params, "lora", gpu, seq, tokens, micro_batch=micro))
    assert q.memory_gb.expected <= lo.memory_gb.expected
    assert q.memory_gb.high <= lo.memory_gb.high


@given(sizes)
def test_guessed_shapes_grow_with_size(params) -> None:
    a, b = architecture_for(params), architecture_for(params * 1.5)
    assert b.hidden >= a.hidden and b.layers >= a.layers
    assert math.isclose(a.params_b, params)


def test_guessed_shape_of_a_7b_is_llama_like() -> None:
    shape = architecture_for(7.0)
    assert (shape.hidden, shape.layers) == (4096, 38)
