"""Can the fine-tuned model answer within the team's latency need? Floors from first principles.

One request at a time (batch 1) on one GPU, the merged model in BF16, as the plan's ship
criteria serve it:
- Time to first token (TTFT): the prefill, the forward pass over the request's input tokens.
  Its matrix FLOPs are 2 a parameter of the transformer blocks for each token (the input
  embedding is a lookup; a server computes the output head for the last position only, once),
  plus the causal attention `forward_flops_per_token` counts; divided by the GPU's best measured
  BF16 matrix throughput (gpus.MATMUL_BENCHMARK) at PREFILL_UTILISATION. The prefill also reads
  every weight once, so it takes at least that at the memory bandwidth.
- Time per output token (TPOT): each decode step reads every weight it multiplies -- all but
  the input embedding's table, of which a step reads one row (a mixture of experts: its active
  parameters) -- and the KV cache of the tokens so far, at the datasheet's memory bandwidth; a
  hybrid model also reads and writes its recurrent state. At batch 1 that bound is far above the
  FLOPs' (2 a parameter), which are taken if larger.
- Whole answer = TTFT + (output tokens - 1) x TPOT: the prefill writes the first token, as vLLM's
  benchmark counts it (VLLM_TPOT: tpot = (latency - ttft) / (output_len - 1)).
- An encoder classifier (method `encoder_classifier`): one forward pass with attention over the
  whole input, no decoding.
Each figure is a floor: real servers add kernel launches, scheduling, sampling, the network and
other requests' batching. So a floor that misses the need misses it, and one that meets it says
only that the need is not ruled out: it is measured on the eval cases.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.decision.text import Text

from .estimator import (
    CUDA_OVERHEAD_GIB,
    GIB,
    Architecture,
    Workload,
    decode_weight_bytes,
    forward_flops_per_token,
    kv_bytes_per_token,
    kv_cache_bytes,
    recurrent_state_bytes,
)
from .gpus import GPU, GPUS, REFERENCE_MATMUL_TFLOPS, REFERENCE_PEAK_TFLOPS
from .models import BaseModel

# The latency needs of the questionnaire (QUESTIONNAIRE.md, `latency_need`), in its own words;
# `relaxed` (seconds are fine) has no budget and gets no check.
BUDGET_MS = {"realtime": 300, "interactive": 1000}
NEED_WORDS = {"realtime": Text("under 300 ms"), "interactive": Text("about 1 s")}
# The share of the GPU's best measured BF16 matrix throughput a prefill is taken to reach: all of
# it, so that the time to first token is a floor like the rest. An assumption, not a measurement:
# a prefill of a few hundred tokens multiplies thinner matrices than the benchmark's best size.
PREFILL_UTILISATION = 1.0
# FP8 or INT8 weights: 1 byte a parameter in place of BF16's 2.
QUANTISED_BYTES_SHARE = 0.5
VLLM_TPOT = {
    "title": "vLLM: TPOT",
    "url": "https://github.com/vllm-project/vllm/blob/009e6d4a1cd6ba3fb2a9fc00f4ec06f5297232a1/vllm/benchmarks/serve.py",
}
VLLM_SPECULATIVE = {
    "title": "vLLM: speculative decoding",
    "url": "https://docs.vllm.ai/en/v0.19.0/features/speculative_decoding/",
}
ENCODER_METHOD = "encoder_classifier"
# The encoder a generative plan's classifier fix is timed with: the plan's own English one, or
# the multilingual one when the team writes Chinese.
CLASSIFIER_MODELS = ("modernbert-large", "xlm-roberta-large")


@dataclass(frozen=True, slots=True)
class Timing:
    """One model on one GPU, one request: floors in seconds (`tpot` None for an encoder)."""

    fits: bool
    memory_gib: float
    ttft: float
    tpot: float | None
    total: float


def matmul_tflops(gpu: GPU) -> float:
    """The GPU's best measured BF16 torch.mm throughput (gpus.MATMUL_BENCHMARK); an A100, the
    benchmark's reference, its own measurement; a GPU with none, its datasheet peak scaled as
    the A100's measurement is to the A100's datasheet."""
    return gpu.effective_tflops * REFERENCE_MATMUL_TFLOPS / REFERENCE_PEAK_TFLOPS


def unshared_input_embedding(shape: Architecture) -> float:
    """Parameters of an input embedding the output head does not share (untied): a step reads
    one row of it. A tied table is the head's weight too, read whole by every step."""
    return max(0.0, shape.embedding_params_b * 1e9 - shape.vocab * shape.hidden)


def step_weight_bytes(model: BaseModel, work: Workload) -> float:
    """Weight bytes one decode step reads in BF16 (`decode_weight_bytes` less the input
    embedding's table but for a row); a mixture of experts reads its active parameters."""
    if model.active_params_b:
        return model.active_params_b * 1e9 * 2
    return decode_weight_bytes(work) - 2 * unshared_input_embedding(work.shape)


def cache_reads(shape: Architecture, prompt: int, steps: int) -> float:
    """KV-cache bytes read by `steps` decode steps after a prompt of `prompt` tokens: step j
    (1-based) attends to prompt + j tokens, so the sum of kv_cache_bytes(prompt + j), in closed
    form; a sliding-window layer (Gemma 3) reads at most its window."""
    if steps <= 0:
        return 0.0
    positions = steps * prompt + steps * (steps + 1) / 2  # the sum of prompt + j
    if shape.sliding_window is None:
        return positions * kv_bytes_per_token(shape)
    window = shape.sliding_window
    below = min(steps, max(0, window - prompt))  # steps that see fewer tokens than the window
    windowed = below * prompt + below * (below + 1) / 2 + (steps - below) * window
    per_layer = kv_bytes_per_token(shape) / shape.attention_layers
    full = shape.attention_layers - shape.sliding_layers
    return per_layer * (full * positions + shape.sliding_layers * windowed)


def timing(model: BaseModel, gpu: GPU, input_tokens: int, output_tokens: int) -> Timing:
    """The floors of one request (module docstring)."""
    shape = model.architecture
    work = Workload(params_b=shape.params_b, method="lora", gpu=gpu, architecture=shape)
    flops_per_s = matmul_tflops(gpu) * 1e12 * PREFILL_UTILISATION
    bandwidth = gpu.bandwidth_tbs * 1e12
    all_params = shape.params_b * 1e9
    # forward_flops_per_token less its 2 FLOPs a parameter: attention (and a hybrid's
    # recurrence), the part that is not a weight's product.
    products = 2 * (shape.active_params_b or shape.params_b) * 1e9
    if model.family == "encoder":
        # Every token attends to the whole input; no output head, no decoding.
        blocks = all_params - shape.embedding_params_b * 1e9
        flops = input_tokens * (2 * blocks + forward_flops_per_token(work, input_tokens) - products)
        ttft = max(flops / flops_per_s, 2 * blocks / bandwidth)
        memory = 2 * all_params + CUDA_OVERHEAD_GIB * GIB
        return Timing(memory <= gpu.memory_gb * GIB, memory / GIB, ttft, None, ttft)
    matrix = (model.active_params_b or 0) * 1e9 or all_params - shape.embedding_params_b * 1e9
    head = 0.0 if model.active_params_b else 2 * shape.vocab * shape.hidden
    causal = forward_flops_per_token(work, input_tokens / 2) - products
    prefill_flops = input_tokens * (2 * matrix + causal) + head
    weights = step_weight_bytes(model, work)
    ttft = max(prefill_flops / flops_per_s, weights / bandwidth)
    steps = output_tokens - 1
    state = 2 * recurrent_state_bytes(shape)  # read and written back each step
    per_step = max(1, steps)
    read = per_step * (weights + state) + cache_reads(shape, input_tokens, per_step)
    tpot = max(read / per_step / bandwidth, products / flops_per_s)
    tokens = input_tokens + output_tokens
    memory = (
        2 * all_params
        + kv_cache_bytes(shape, tokens)
        + recurrent_state_bytes(shape)
        + CUDA_OVERHEAD_GIB * GIB
    )
    total = ttft + steps * tpot
    return Timing(memory <= gpu.memory_gb * GIB, memory / GIB, ttft, tpot, total)


def request_tokens(
    costs: Mapping[str, Any] | None, profile: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    """Input and output tokens of a request: the cost step's, else the dataset check's average
    example (its answer tokens are the output); None when neither says. The questionnaire asks
    for no token counts."""
    costs = costs or {}
    given = [costs.get("input_tokens"), costs.get("output_tokens")]
    if all(_count(v) is not None for v in given):
        return {"input": _count(given[0]), "output": _count(given[1]), "source": "cost_step"}
    tokens = (profile or {}).get("tokens") or {}
    total, trained = _count(tokens.get("total")), _count(tokens.get("trained"))
    examples = _count((profile or {}).get("valid"))
    if total and trained is not None and examples and trained <= total:
        return {
            "input": round((total - trained) / examples),
            "output": round(trained / examples),
            "source": "measured",
        }
    return None


def _count(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return round(value) if value >= 0 else None


def duration(seconds: float) -> str:
    """ "4.8 ms", "212 ms", "1.92 s": what the page and the export write."""
    ms = seconds * 1000
    if ms < 10:
        return f"{ms:.1f} ms"
    if ms < 1000:
        return f"{ms:.0f} ms"
    return f"{seconds:,.2f} s"


def check(
    answers: Mapping[str, Any],
    models: Iterable[BaseModel],
    method: str,
    costs: Mapping[str, Any] | None,
    profile: Mapping[str, Any] | None,
    gpu_keys: Iterable[str],
    classifier: BaseModel | None = None,
) -> dict[str, Any]:
    """The plan's `serving` section: for each candidate and GPU the floors and whether they meet
    the answers' latency need; when the lead candidate's floor misses it, what would meet it,
    each only where it fits the answers. `classifier` times the fixed-label-set fix."""
    models, gpus = list(models), [GPUS[k] for k in gpu_keys]
    need = answers.get("latency_need")
    budget = BUDGET_MS.get(need) if isinstance(need, str) else None
    tokens = request_tokens(costs, profile)
    result: dict[str, Any] = {
        "need": need if isinstance(need, str) else None,
        "budget_ms": budget,
        "tokens": tokens,
        "status": "no_tokens",
        "rows": [],
        "summary": None,
        "fixes": [],
        "assumptions": ASSUMPTIONS,
        "sources": [VLLM_TPOT],
    }
    if need == "relaxed":
        result["summary"] = RELAXED
    if tokens is None:
        result["summary"] = NO_TOKENS if budget else result["summary"]
        result["status"] = "no_tokens" if budget else "unchecked"
        return result
    n_in, n_out = tokens["input"], max(1, tokens["output"])
    timings = {(m.key, g.key): timing(m, g, n_in, n_out) for m in models for g in gpus}
    for m in models:
        for g in gpus:
            t = timings[m.key, g.key]
            result["rows"].append(_row(m, g, t, need if budget else None, budget))
    if budget is None:
        result["status"] = "unchecked"
        return result
    lead = models[0]
    fitting = [(g, timings[lead.key, g.key]) for g in gpus if timings[lead.key, g.key].fits]
    if not fitting:
        result["status"] = "no_fit"
        result["summary"] = Text(
            "{model} does not fit one of these GPUs in BF16 with a request's KV cache.",
            model=lead.name,
        )
        return result
    gpu, best = min(fitting, key=lambda pair: pair[1].total)
    where = {"gpu": gpu.name, "need": NEED_WORDS[need]}
    if within(best.total, need):
        result["status"] = "meets"
        result["summary"] = Text(
            "At its floor {model} answers in {total} on the {gpu}, within your need ({need}); "
            "a real server is slower: measure it on the eval cases.",
            model=lead.name,
            total=duration(best.total),
            **where,
        )
        return result
    result["status"] = "misses"
    decodes = method != ENCODER_METHOD
    result["summary"] = (
        Text(
            "Even at its floor {model} misses your need ({need}): on the {gpu} the first token "
            "takes {ttft}, then {tpot} a token, {total} for {tokens} tokens.",
            model=lead.name,
            ttft=duration(best.ttft),
            tpot=duration(best.tpot or 0),
            total=duration(best.total),
            tokens=f"{n_out:,}",
            **where,
        )
        if decodes
        else Text(
            "Even at its floor {model} misses your need ({need}): one forward pass over "
            "{tokens} input tokens takes {total} on the {gpu}.",
            model=lead.name,
            total=duration(best.total),
            tokens=f"{n_in:,}",
            **where,
        )
    )
    result["fixes"] = _fixes(
        answers, models, method, gpus, timings, (lead, gpu, best), need, n_in, n_out, classifier
    )
    if any(f is SPECULATIVE for f in result["fixes"]):
        result["sources"] = [VLLM_TPOT, VLLM_SPECULATIVE]
    return result


def within(seconds: float, need: str) -> bool:
    """Within the need, in the questionnaire's words: realtime is under 300 ms, interactive
    about 1 s (up to it)."""
    budget = BUDGET_MS[need] / 1000
    return seconds < budget if need == "realtime" else seconds <= budget


def _row(
    model: BaseModel, gpu: GPU, t: Timing, need: str | None, budget: int | None
) -> dict[str, Any]:
    ms = (lambda s: round(s * 1000, 2)) if t.fits else (lambda s: None)
    return {
        "model": model.key,
        "name": model.name,
        "gpu": gpu.key,
        "gpu_name": gpu.name,
        "fits": t.fits,
        "memory_gb": round(t.memory_gib, 1),
        "ttft_ms": ms(t.ttft),
        "tpot_ms": ms(t.tpot) if t.tpot is not None else None,
        "total_ms": ms(t.total),
        "budget_ms": budget,
        # Within the need, at the floor: realtime is "under 300 ms", interactive "about 1 s".
        "meets": within(t.total, need) if (t.fits and need) else None,
    }


def _fixes(
    answers: Mapping[str, Any],
    models: list[BaseModel],
    method: str,
    gpus: list[GPU],
    timings: dict[tuple[str, str], Timing],
    lead_timing: tuple[BaseModel, GPU, Timing],
    need: str,
    n_in: int,
    n_out: int,
    classifier: BaseModel | None,
) -> list[Text]:
    """What would meet the need, each only where it fits the answers and the figures."""
    lead, gpu, best = lead_timing
    limit = BUDGET_MS[need] / 1000
    fixes: list[Text] = []
    on = {"gpu": gpu.name}
    if best.ttft >= limit:
        fixes.append(
            Text(
                "Shorter inputs: the first token alone takes {ttft} for {tokens} input tokens.",
                ttft=duration(best.ttft),
                tokens=f"{n_in:,}",
            )
        )
    elif best.tpot is not None:
        # Decode steps that fit after the first token: strictly within "under 300 ms".
        room = (limit - best.ttft) / best.tpot
        fitting = math.ceil(room) if need == "realtime" else math.floor(room) + 1
        if fitting < n_out:
            fixes.append(
                Text(
                    "Shorter answers: {tokens} output tokens fit on the {gpu}.",
                    tokens=f"{fitting:,}",
                    **on,
                )
            )
        fixes.append(
            Text(
                "Streaming, if only the first token must be fast: it comes after {ttft}.",
                ttft=duration(best.ttft),
            )
        )
    others = [
        (m, g, timings[m.key, g.key])
        for m in models[1:]
        for g in gpus
        if timings[m.key, g.key].fits and within(timings[m.key, g.key].total, need)
    ]
    if others:
        m, g, t = min(others, key=lambda x: x[2].total)
        fixes.append(
            Text(
                "Another candidate: {model} takes {total} on the {gpu}.",
                model=m.name,
                total=duration(t.total),
                gpu=g.name,
            )
        )
    elif best.tpot is not None:
        # The largest dense model whose weights alone fit the budget at these token counts on
        # the fastest GPU: P x (2 x input / throughput + 2 x (output - 1) / bandwidth) <= budget.
        fastest = max(gpus, key=lambda g: g.bandwidth_tbs)
        seconds_per_param = 2 * n_in / (matmul_tflops(fastest) * 1e12 * PREFILL_UTILISATION) + 2 * (
            n_out - 1
        ) / (fastest.bandwidth_tbs * 1e12)
        largest = limit / seconds_per_param / 1e9
        # A bound at or above the lead's own size says nothing a smaller model would change.
        if largest < (lead.active_params_b or lead.params_b):
            fixes.append(
                Text(
                    "A smaller model: at these token counts none above {size}B parameters can "
                    "meet it on one {gpu} in BF16.",
                    size=f"{largest:.0f}" if largest >= 10 else f"{largest:.2g}",
                    gpu=fastest.name,
                )
            )
    if (
        answers.get("task_type") == "classification"
        and method != ENCODER_METHOD
        and classifier is not None
    ):
        t = timing(classifier, gpu, n_in, 1)
        fixes.append(
            Text(
                "A classifier for a fixed label set: one forward pass, no decoding ({model}: "
                "{total} on the {gpu}).",
                model=classifier.name,
                total=duration(t.total),
                **on,
            )
        )
    if best.tpot is not None:
        quantised = _quantised(lead, gpu, best, n_out)
        if within(quantised, need):
            fixes.append(
                Text(
                    "FP8 or INT8 weights, half the bytes a token reads: {total} on the {gpu}; "
                    "check the quantised model on the eval set.",
                    total=duration(quantised),
                    **on,
                )
            )
    if best.tpot is not None and n_out > 1 and best.ttft < limit:
        fixes.append(SPECULATIVE)
    return fixes


def _quantised(model: BaseModel, gpu: GPU, t: Timing, n_out: int) -> float:
    """The floor with 1-byte weights: every weight read takes half the time (the KV cache stays
    BF16); the prefill's FLOPs are left as they are, a BF16 prefill, so this is no lower than
    FP8 arithmetic would give."""
    shape = model.architecture
    work = Workload(params_b=shape.params_b, method="lora", gpu=gpu, architecture=shape)
    bandwidth = gpu.bandwidth_tbs * 1e12
    if t.tpot is None:
        return t.total
    saved = QUANTISED_BYTES_SHARE * step_weight_bytes(model, work) / bandwidth
    tpot = max(t.tpot - saved, 0.0)
    return t.ttft + (n_out - 1) * tpot


RELAXED = Text("Seconds are fine, your answers say: no latency check.")
NO_TOKENS = Text(
    "This check needs the cost step's tokens per request (input and output): add them to see "
    "whether the model answers in time."
)
SPECULATIVE = Text(
    "Speculative decoding, which lowers the time per token when serving is memory-bound; how much "
    "depends on how many drafted tokens are accepted: measure it."
)
ASSUMPTIONS = Text(
    "Floors: one request on one GPU, the merged model in BF16, at the GPU's best measured matrix "
    "throughput and full memory bandwidth. Real servers are slower: a floor that misses the need "
    "misses it."
)
