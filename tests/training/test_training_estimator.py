"""The training estimator against published measurements: those it was calibrated on, and,
separately, those it never saw (app/training/data/{calibration,heldout}.json); and the
properties any estimate must keep, over the whole input space."""

import math
import re
from dataclasses import replace

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


# The held-out cells whose expected value misses the target, by name: each has its reason in
# heldout.json ("known_misses"). A cell not listed that misses fails, and so does a listed cell
# that has come right (its entry must then go, and the README's figures change).
MEMORY_MISSES = [
    "memory torchtune-4090:llama-3.1-8b:lora:rtx4090-24gb:seq2048:b2",
    "memory torchtune-4090:llama-3.1-8b:qlora:rtx4090-24gb:seq2048:b2",
]
TIME_MISSES = [
    "time llama-factory-hf-4bit:llama-2-7b:qlora:a100-40gb:seq1024:b4",
    "time llama-factory:llama-2-7b:qlora:a100-40gb:seq16384:b1",
    "time philschmid-l4:llama-3.1-8b:qlora:l4-24gb:seq2048:b1",
    "time torchtune-4090:llama-3.1-8b:lora:rtx4090-24gb:seq2048:b2",
    "time torchtune-4090:llama-3.1-8b:qlora:rtx4090-24gb:seq2048:b2",
    *(
        f"time universal-llm-trainer:{model}:{method}:{gpu}:seq8192:b2"
        for model in ("llama-2-13b", "llama-3.1-8b", "phi-3-mini")
        for method in ("lora", "qlora")
        for gpu in ("a100-80gb", "h100-80gb")
    ),
]


def test_held_out_memory_expected_within_20_percent_but_the_known_misses() -> None:
    errors = held_out_errors("memory")
    assert len(errors) == 42
    misses = sorted(label for label, e in errors.items() if abs(e) > 0.20)
    assert misses == MEMORY_MISSES


def test_held_out_time_expected_within_25_percent_but_the_known_misses() -> None:
    """The held-out time cells, and which miss ±25% (README: how accurate the estimate is)."""
    errors = held_out_errors("time")
    assert len(errors) == 35
    misses = sorted(label for label, e in errors.items() if abs(e) > 0.25)
    assert misses == sorted(TIME_MISSES)


def test_every_known_miss_and_only_those_has_its_reason() -> None:
    assert sorted(KNOWN_MISSES) == sorted(MEMORY_MISSES + TIME_MISSES)
    assert all(reason.startswith("Expected ") for reason in KNOWN_MISSES.values())


def test_runs_that_ran_out_of_memory_do_not_fit_and_their_neighbours_do() -> None:
    """LitGPT's resource table on an A100 40GB: Llama 2 7B LoRA at micro-batch 4 and 13B at 2 and 4
    ran out of memory; the same models at the micro-batches below them did not."""
    failed = calibration.out_of_memory()
    assert [(c.model, c.work.micro_batch) for c in failed] == [
        ("llama-2-7b", 4),
        ("llama-2-13b", 2),
        ("llama-2-13b", 4),
    ]
    assert not any(estimate(c.work).fits for c in failed)
    ran = [c for c in HELD_OUT if c.source == "litgpt-a100-40gb" and c.work.method == "lora"]
    assert [(c.model, c.work.micro_batch) for c in ran] == [
        ("llama-2-7b", 1),
        ("llama-2-7b", 2),
        ("llama-2-13b", 1),
    ]
    assert all(estimate(c.work).fits for c in ran)


def test_held_out_include_gpus_the_fit_never_saw() -> None:
    """Held-out cells beyond the A100s the fit used: the RTX 4090 (torchtune's README), the
    H100 (universal-llm-trainer's GPU test, NeMo AutoModel's LoRA benchmarks) and the L4 (Philipp
    Schmid's QLoRA notebook)."""
    assert {c.work.gpu.key for c in HELD_OUT} - {c.work.gpu.key for c in CALIBRATION} == {
        "h100-80gb",
        "l4-24gb",
        "rtx4090-24gb",
    }


def test_held_out_cells_are_not_calibration_cells() -> None:
    assert not set(ids(CALIBRATION)) & set(ids(HELD_OUT))
    assert len(set(ids(HELD_OUT))) == len(HELD_OUT)
    assert {c.source for c in HELD_OUT} - {c.source for c in CALIBRATION} == {
        "fms-acceleration",
        "fms-acceleration-granite",
        "litgpt-a100-40gb",
        "llama-factory-16bit",
        "llama-factory-hf-4bit",
        "nemo-automodel",
        "philschmid-l4",
        "torchtune-4090",
        "unsloth-hf-fa2",
        "universal-llm-trainer",
    }


def test_settings_only_where_the_source_states_them() -> None:
    """The loss and upcast settings differ from the defaults only on the cells of the one source
    whose code states them (heldout.json, "sources"); the calibration keeps the defaults."""
    default = [
        c
        for c in CALIBRATION + HELD_OUT
        if c.work.loss_in_fp32 and not c.work.fp32_non_quantized and not c.work.fp32_norms
    ]
    assert {c.source for c in CALIBRATION + HELD_OUT if c not in default} == {
        "fms-acceleration",
        "fms-acceleration-granite",
        "philschmid-l4",
        "universal-llm-trainer",
    }
    # FP32 norms alone: fms-acceleration's QLoRA rows and the L4 notebook's, each prepared by
    # the TRL SFTTrainer of its time (v0.13.0, v0.9.6).
    norms = [c for c in HELD_OUT if c.work.fp32_norms]
    assert {c.source for c in norms} == {
        "fms-acceleration",
        "fms-acceleration-granite",
        "philschmid-l4",
    }
    assert {c.work.method for c in norms} == {"qlora"} and len(norms) == 7
    assert not any(c.work.fp32_non_quantized or not c.work.loss_in_fp32 for c in norms)
    assert all(c in default for c in CALIBRATION)
    stated = [c for c in HELD_OUT if c.source == "universal-llm-trainer"]
    assert all(not c.work.loss_in_fp32 for c in stated)
    assert {c.work.method for c in stated if c.work.fp32_non_quantized} == {"qlora"}
    # Gradient checkpointing is off only where the recipe leaves it at its default, off, or the
    # training code has none (LitGPT's finetune/lora.py of its resource tables).
    without = {c.source for c in CALIBRATION + HELD_OUT if not c.work.gradient_checkpointing}
    assert without == {"litgpt-a100-40gb", "nemo-automodel"}
    assert all(c.work.gradient_checkpointing for c in CALIBRATION)


def test_the_stated_checkpointing_is_what_brings_nemo_time_within_25_percent() -> None:
    """NeMo AutoModel's single-H100 LoRA rows: with the estimator's default (checkpointing on)
    the estimate is 36-40% slower than published; without the recomputed forward the recipes'
    setting removes, within 2.2%."""
    errors = {}
    for cell in (c for c in HELD_OUT if c.source == "nemo-automodel"):
        with_checkpointing = replace(cell.work, gradient_checkpointing=True)
        errors[cell.model] = (
            round(estimator.expected_seconds(with_checkpointing) / cell.seconds_per_step - 1, 3),
            round(cell.predicted_step_seconds() / cell.seconds_per_step - 1, 3),
        )
    assert errors == {"llama-3.1-8b": (0.362, -0.003), "qwen2.5-7b": (0.404, 0.022)}


def test_checkpointing_flops_and_memory_by_hand() -> None:
    """Llama 3.1 8B LoRA, 2 x 4,096 tokens: the recomputed forward is 2 x the block weights and
    2 x layers x seq x hidden of attention a token; without it every layer keeps its working set."""
    cell = next(c for c in HELD_OUT if c.label.startswith("nemo-automodel:llama-3.1-8b"))
    off, on = cell.work, replace(cell.work, gradient_checkpointing=True)
    blocks, head = 8.03e9 - 1.051e9, 1.051e9 / 2
    layers, seq, d = 32, 4096, 4096
    assert estimator.matrix_flops_per_token(off) == pytest.approx(4 * blocks + 4 * head)
    assert estimator.matrix_flops_per_token(on) == pytest.approx(6 * blocks + 4 * head)
    assert estimator.attention_flops_per_token(off) == 7 * layers * seq * d
    assert estimator.attention_flops_per_token(on) == 9 * layers * seq * d
    full = replace(off, method="full")
    assert estimator.matrix_flops_per_token(full) == pytest.approx(6 * blocks + 6 * head)
    gib, tokens = 2**30, 2 * seq
    assert estimator.memory_parts(off)["activations"] == pytest.approx(
        tokens * d * 34 * layers / gib
    )
    assert estimator.memory_parts(on)["activations"] == pytest.approx(
        tokens * d * (2 * layers + 34) / gib
    )


def test_the_stated_settings_are_what_bring_its_memory_within_20_percent() -> None:
    """universal-llm-trainer's cells with the estimator's defaults: the LoRA rows come out high
    (the FP32 loss they do not take), the QLoRA rows low (the FP32 parts they keep). With its
    settings, the additive mask of its attention included (0.25-0.5 GiB)."""
    errors = {}
    for cell in (c for c in HELD_OUT if c.source == "universal-llm-trainer"):
        as_default = replace(
            cell.work,
            loss_in_fp32=True,
            fp32_non_quantized=False,
            attention_kernel="flash",
            fp32_activations=False,
        )
        errors[cell.label] = (
            round(expected_memory(as_default) / cell.memory_gb - 1, 2),
            round(cell.predicted_memory() / cell.memory_gb - 1, 2),
        )
    for gpu in ("a100-80gb", "h100-80gb"):
        label = "universal-llm-trainer:{}:{}:" + gpu + ":seq8192:b2"
        assert errors[label.format("llama-3.1-8b", "lora")] == (0.40, 0.17)
        assert errors[label.format("phi-3-mini", "lora")] == (0.21, 0.10)
        assert errors[label.format("llama-2-13b", "lora")] == (0.03, -0.01)
        assert errors[label.format("llama-3.1-8b", "qlora")] == (-0.17, 0.16)
        assert errors[label.format("phi-3-mini", "qlora")] == (-0.28, 0.02)
        assert errors[label.format("llama-2-13b", "qlora")] == (-0.34, -0.07)


def test_fp32_norms_by_hand_and_what_they_bring() -> None:
    """Mistral-7B QLoRA, 4 x 4,096 tokens (fms-acceleration): FP32 norms make each layer's
    checkpointed input FP32, 2 bytes more a value, and change nothing else. Without the setting
    its code states, the four Mistral-7B and PowerLM-3b QLoRA rows miss memory by 21-28%."""
    cell = next(
        c
        for c in HELD_OUT
        if c.label == "fms-acceleration:mistral-7b-v0.1:qlora:a100-80gb:seq4096:b4"
    )
    gib, tokens, d, layers = 2**30, 16_384, 4096, 32
    norms = estimator.memory_parts(cell.work)
    plain = estimator.memory_parts(replace(cell.work, fp32_norms=False))
    assert norms["activations"] - plain["activations"] == pytest.approx(
        tokens * d * layers * 2 / gib
    )
    assert {k: v for k, v in norms.items() if k != "activations"} == {
        k: v for k, v in plain.items() if k != "activations"
    }
    # The setting is QLoRA's, and FP32 unquantised parts already hold FP32 hidden states.
    lora = replace(cell.work, method="lora")
    assert estimator.memory_parts(lora) == estimator.memory_parts(replace(lora, fp32_norms=False))
    both = replace(cell.work, fp32_non_quantized=True)
    assert estimator.memory_parts(both) == estimator.memory_parts(replace(both, fp32_norms=False))
    errors = {
        c.label: round(expected_memory(replace(c.work, fp32_norms=False)) / c.memory_gb - 1, 3)
        for c in HELD_OUT
        if c.work.fp32_norms and c.memory_gb is not None
    }
    assert sorted(e for e in errors.values() if abs(e) > 0.20) == [-0.282, -0.25, -0.239, -0.208]


def test_fp32_hidden_states_time_by_hand_and_what_they_bring() -> None:
    """The same Mistral-7B QLoRA cell's time (A100 80GB, 2.039 TB/s): FP32 hidden states move
    150 x 4,096 element-wise bytes more a token and layer, and every Linear4bit casts its input
    to BF16 and its product back (6 bytes a value of the inputs and outputs of q, k, v, o, gate,
    up and down: 9 x 4,096 + 2 x 1,024 + 3 x 14,336 values) in the forward, the recomputed
    forward and the backward. With it, each fms-acceleration QLoRA row comes within a point of
    the same model's LoRA row on the same GPU, where it was 10-12 points faster."""
    cell = next(
        c
        for c in HELD_OUT
        if c.label == "fms-acceleration:mistral-7b-v0.1:qlora:a100-80gb:seq4096:b4"
    )
    tokens, d, kv, ffn, layers = 16_384, 4096, 1024, 14_336, 32
    casts = 6 * 3 * (9 * d + 2 * kv + 3 * ffn)
    assert estimator.linear4bit_cast_bytes(cell.work) == casts
    plain = replace(cell.work, fp32_norms=False)
    assert estimator.linear4bit_cast_bytes(plain) == 0
    assert estimator.expected_seconds(cell.work) - estimator.expected_seconds(plain) == (
        pytest.approx(tokens * layers * (150 * d + casts) / 2.039e12, rel=1e-9)
    )
    # Mixtral-8x7B: each token passes through 2 of the 8 experts, so the MLP's casts count twice.
    mixtral = next(c for c in HELD_OUT if c.model == "mixtral-8x7b")
    assert estimator.linear4bit_cast_bytes(mixtral.work) == 6 * 3 * (
        (4 * d + 2 * d + 2 * kv) + 2 * (3 * d + 3 * ffn)
    )
    # LoRA has no Linear4bit to cast through.
    assert estimator.linear4bit_cast_bytes(replace(cell.work, method="lora")) == 0
    by_label = {c.label: c for c in HELD_OUT}
    for source, model in (
        ("fms-acceleration", "mistral-7b-v0.1"),
        ("fms-acceleration-granite", "powerlm-3b"),
    ):
        for size in ("b4", "b8"):
            lora, qlora = (
                by_label[f"{source}:{model}:{method}:a100-80gb:seq4096:{size}"]
                for method in ("lora", "qlora")
            )
            lora_error = lora.predicted_step_seconds() / lora.seconds_per_step - 1
            qlora_error = qlora.predicted_step_seconds() / qlora.seconds_per_step - 1
            without = estimator.expected_seconds(replace(qlora.work, fp32_norms=False))
            assert abs(qlora_error - lora_error) < 0.01, (model, size)
            assert lora_error - (without / qlora.seconds_per_step - 1) > 0.09, (model, size)


def test_logit_and_upcast_settings_by_hand() -> None:
    """Llama 3.1 8B, 2 x 8,192 tokens: the parts the two settings change, from the docstring."""
    cell = next(
        c
        for c in HELD_OUT
        if c.label == "universal-llm-trainer:llama-3.1-8b:qlora:h100-80gb:seq8192:b2"
    )
    gib, tokens, vocab, d, layers = 2**30, 16_384, 128_256, 4096, 32
    # The two settings alone: its attention kernel and FP32 activations are tested below.
    work = replace(cell.work, attention_kernel="flash", fp32_activations=False)
    upcast = estimator.memory_parts(work)
    plain = estimator.memory_parts(replace(work, fp32_non_quantized=False))
    assert upcast["logits"] == pytest.approx(tokens * vocab * 16 / gib)
    assert plain["logits"] == pytest.approx(tokens * vocab * 8 / gib)  # its loss is in BF16
    assert upcast["weights"] - plain["weights"] == pytest.approx(1.051e9 * 2 / gib)
    assert upcast["activations"] - plain["activations"] == pytest.approx(
        tokens * d * layers * 2 / gib
    )
    # LoRA never upcasts: the setting is QLoRA's.
    lora = replace(work, method="lora")
    assert estimator.memory_parts(lora) == estimator.memory_parts(
        replace(lora, fp32_non_quantized=False)
    )
    assert estimator.memory_parts(replace(lora, loss_in_fp32=True))["logits"] == pytest.approx(
        tokens * vocab * 12 / gib
    )


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


def test_a_cost_is_in_cents_and_never_free_when_something_runs() -> None:
    assert [estimator.cents(x) for x in (0.0, 0.0001, 0.004, 0.006, 0.526, 12.3449)] == [
        0.0,
        0.01,
        0.01,
        0.01,
        0.53,
        12.34,
    ]


def test_other_gpus_run_at_their_measured_matmul_on_the_a100_s_scale() -> None:
    """The time on a GPU other than the A100s is scaled by its measured BF16 matmul, 312 / 264.53
    times (what the A100's datasheet peak is to its own measurement), not by its datasheet."""
    l4 = GPUS["l4-24gb"]
    # By hand: 70.89 x 312 / 264.53 = 22,117.68 / 264.53 = 83.6112.
    assert l4.effective_tflops == pytest.approx(83.6112, abs=1e-4)
    assert GPUS["a100-80gb"].effective_tflops == GPUS["a100-40gb"].effective_tflops == 312
    unmeasured = replace(l4, matmul_tflops=None)
    assert unmeasured.effective_tflops == 121
    work = Workload(
        params_b=8,
        method="lora",
        gpu=l4,
        seq_len=2048,
        micro_batch=1,
        grad_accum=8,
        tokens=1_000_000,
    )
    tokens = estimator.optimizer_steps(work) * 8 * 2048
    per_token = (
        estimator.matrix_flops_per_token(work) / estimator.MFU
        + estimator.attention_flops_per_token(work) / estimator.ATTENTION_MFU
    )
    # Only the FLOPs' share moves: (1 / 83.6112 - 1 / 121) TFLOPS^-1 for each FLOP.
    moved = estimator.expected_seconds(work) - estimator.expected_seconds(
        replace(work, gpu=unmeasured)
    )
    assert moved == pytest.approx(
        tokens * per_token * (1 / (70.89 * 312 / 264.53) - 1 / 121) / 1e12, rel=1e-9
    )
    # The one held-out L4 run: still a known miss for the expected time (-39%; -47% before its
    # FP32 hidden states were modelled), but the published time is now inside [low, high], where
    # the datasheet's scale left it at 2.4 times expected.
    (cell,) = [c for c in HELD_OUT if c.work.gpu.key == "l4-24gb"]
    result = estimate(cell.work)
    hours = cell.seconds_per_step / 3600
    assert result.hours.low <= hours <= result.hours.high
    assert round(cell.predicted_step_seconds() / cell.seconds_per_step - 1, 3) == -0.391
    # The L4's note states that run's published time against the expected one, as computed now.
    ratio = cell.seconds_per_step / cell.predicted_step_seconds()
    assert dict(GPUS["l4-24gb"].note.params)["ratio"] == f"{ratio:.1f}" == "1.6"


def test_every_known_miss_states_the_error_the_estimator_gives() -> None:
    # Each reason opens with the error as the estimator now computes it ("Expected -47.2%", "+48%"),
    # at the precision it is written with: a change to the model must rewrite the reasons it moves.
    errors = {**held_out_errors("memory"), **held_out_errors("time")}
    for label, reason in KNOWN_MISSES.items():
        written = re.match(r"Expected ([+-]\d+(?:\.(\d))?)%", reason)
        assert written, label
        digits = 1 if written.group(2) is not None else 0
        assert f"{100 * errors[label]:+.{digits}f}" == written.group(1), label


# --- Attention that is not FlashAttention, and FP32 activations (universal-llm-trainer) -------


def test_the_attention_settings_only_where_the_source_states_them() -> None:
    """The memory-efficient kernel over a mask: universal-llm-trainer's 12 cells alone (its GPU
    test keeps the data set's padded mask); FP32 activations: its 6 QLoRA cells alone."""
    efficient = [c for c in CALIBRATION + HELD_OUT if c.work.attention_kernel != "flash"]
    assert {c.source for c in efficient} == {"universal-llm-trainer"} and len(efficient) == 12
    fp32 = [c for c in CALIBRATION + HELD_OUT if c.work.fp32_activations]
    assert {c.source for c in fp32} == {"universal-llm-trainer"} and len(fp32) == 6
    assert {c.work.method for c in fp32} == {"qlora"}
    assert all(c.work.fp32_non_quantized for c in fp32)


def test_masked_attention_by_hand() -> None:
    """Llama 3.1 8B LoRA, 2 x 8,192 tokens on an A100: the kernel computes the whole seq x seq,
    18 x layers x seq x hidden a token with checkpointing (14 without, 22 with a reference
    forward), and keeps the BF16 mask, 2 x 8,192^2 x 2 bytes; its extra time is those FLOPs at
    the attention's utilisation."""
    cell = next(
        c
        for c in HELD_OUT
        if c.label == "universal-llm-trainer:llama-3.1-8b:lora:a100-80gb:seq8192:b2"
    )
    masked, flash = cell.work, replace(cell.work, attention_kernel="flash")
    layers, seq, d, gib = 32, 8192, 4096, 2**30
    assert estimator.attention_flops_per_token(masked) == 18 * layers * seq * d
    assert estimator.attention_flops_per_token(flash) == 9 * layers * seq * d
    off = replace(masked, gradient_checkpointing=False)
    assert estimator.attention_flops_per_token(off) == 14 * layers * seq * d
    ref = replace(masked, reference_forward=True)
    assert estimator.attention_flops_per_token(ref) == 22 * layers * seq * d
    parts, flash_parts = estimator.memory_parts(masked), estimator.memory_parts(flash)
    assert parts["activations"] - flash_parts["activations"] == pytest.approx(
        2 * seq * seq * 2 / gib
    )
    assert {k: v for k, v in parts.items() if k != "activations"} == {
        k: v for k, v in flash_parts.items() if k != "activations"
    }
    tokens = 2 * seq * 32  # one optimizer step: micro-batch 2, gradient accumulation 32
    # 9 x 32 x 8,192 x 4,096 more FLOPs a token at 312 TFLOPS x 0.55.
    extra = tokens * 9 * layers * seq * d / (312e12 * 0.55)
    assert estimator.expected_seconds(masked) - estimator.expected_seconds(flash) == (
        pytest.approx(extra, rel=1e-9)
    )


def test_fp32_activations_by_hand() -> None:
    """Llama 3.1 8B QLoRA on an A100 (FP32 19.5, TF32 156, BF16 312 TFLOPS on its datasheet):
    against the same run in BF16, the head's 4 x 525.5M FLOPs a token move from 312 to 19.5
    TFLOPS and the masked attention's 18 x 32 x 8,192 x 4,096 from 312 to 156 / 3 = 52; the
    mask takes 4 bytes a value, not 2. The hidden states are FP32 in both (its FP32 unquantised
    parts), so their element-wise and cast bytes do not move."""
    cell = next(
        c
        for c in HELD_OUT
        if c.label == "universal-llm-trainer:llama-3.1-8b:qlora:a100-80gb:seq8192:b2"
    )
    fp32, bf16 = cell.work, replace(cell.work, fp32_activations=False)
    layers, seq, d, head, gib = 32, 8192, 4096, 1.051e9 / 2, 2**30
    tokens = 2 * seq * 32
    assert estimator.fp32_head_flops_per_token(fp32) == pytest.approx(4 * head)
    assert estimator.fp32_head_flops_per_token(bf16) == 0
    attention = 18 * layers * seq * d
    extra = tokens * (
        4 * head * (1 / (19.5e12 * 0.55) - 1 / (312e12 * 0.55))
        + attention * (1 / (52e12 * 0.55) - 1 / (312e12 * 0.55))
    )
    assert estimator.expected_seconds(fp32) - estimator.expected_seconds(bf16) == (
        pytest.approx(extra, rel=1e-9)
    )
    # Memory: the hidden states are FP32 already (fp32_non_quantized); the mask doubles.
    assert estimator.memory_parts(fp32)["activations"] - estimator.memory_parts(bf16)[
        "activations"
    ] == pytest.approx(2 * seq * seq * 2 / gib)
    # Without FP32 weights in the head, only the attention and the element-wise work move.
    bf16_head = replace(fp32, fp32_non_quantized=False)
    assert estimator.fp32_head_flops_per_token(bf16_head) == 0


def test_fp32_activations_need_a_kernel_and_a_gpu_that_take_them() -> None:
    base = Workload(8, "qlora", GPUS["a100-80gb"], attention_kernel="efficient")
    with pytest.raises(ValueError, match="FP16/BF16"):
        replace(base, attention_kernel="flash", fp32_activations=True)
    with pytest.raises(ValueError, match="no FP32 datasheet figures for l4-24gb"):
        replace(base, gpu=GPUS["l4-24gb"], fp32_activations=True)
    with pytest.raises(ValueError, match="attention_kernel"):
        replace(base, attention_kernel="math")
    assert replace(base, fp32_activations=True).fp32_activations


fp32_gpus = st.sampled_from(sorted(estimator.FP32_DATASHEET_TFLOPS))


@given(sizes, methods, gpus, seqs, st.integers(min_value=1, max_value=8), st.booleans())
def test_masked_attention_never_cheaper_than_flash(params, method, gpu, seq, micro, ckpt) -> None:
    kw = {"micro_batch": micro, "gradient_checkpointing": ckpt}
    flash = work(params, method, gpu, seq, **kw)
    masked = work(params, method, gpu, seq, attention_kernel="efficient", **kw)
    assert estimator.expected_seconds(masked) >= estimator.expected_seconds(flash)
    assert expected_memory(masked) >= expected_memory(flash)


@given(sizes, fp32_gpus, seqs, st.integers(min_value=1, max_value=8), st.booleans())
def test_fp32_activations_never_faster_than_bf16(params, gpu, seq, micro, upcast) -> None:
    kw = {"micro_batch": micro, "attention_kernel": "efficient", "fp32_non_quantized": upcast}
    bf16 = work(params, "qlora", gpu, seq, **kw)
    fp32 = work(params, "qlora", gpu, seq, fp32_activations=True, **kw)
    assert estimator.expected_seconds(fp32) >= estimator.expected_seconds(bf16)
    assert expected_memory(fp32) >= expected_memory(bf16)


@given(sizes, methods, fp32_gpus, seqs, seqs, st.booleans())
def test_masked_attention_memory_grows_with_the_sequence(params, method, gpu, s1, s2, fp32) -> None:
    short, long = sorted((s1, s2))
    kw = {"attention_kernel": "efficient", "fp32_activations": fp32 and method == "qlora"}
    x = work(params, method, gpu, short, short * 4, **kw)
    y = work(params, method, gpu, long, long * 4, **kw)
    assert expected_memory(y) >= expected_memory(x)
    assert estimator.expected_seconds(y) >= estimator.expected_seconds(x)
