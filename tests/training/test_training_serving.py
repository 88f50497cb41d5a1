"""The plan's serving check (app/training/serving.py): floors worked out by hand, properties over
models, GPUs and token counts, and the check as the plan, the API, the page and the export show it."""

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.training import serving
from app.training.estimator import Workload, decode_weight_bytes, kv_cache_bytes
from app.training.gpus import GPUS
from app.training.models import MODELS, MODELS_BY_KEY
from app.training.plan import PLAN_GPUS, as_mappings, build_plan, localize
from tests.helpers import REFUND_BOT, html
from tests.unit.test_cost_formulas import EXAMPLE as COSTS

LLAMA_8B = MODELS_BY_KEY["llama-3.1-8b"]
H100 = GPUS["h100-80gb"]
FINE_TUNE = {"recommendation": "fine_tune", "method": "lora_sft"}
DECODERS = [m for m in MODELS if m.family != "encoder"]

# Llama 3.1 8B Instruct (models.py): 8.03B parameters, 32 layers, hidden 4,096, 8 KV heads of
# 128 (1,024), vocabulary 128,256, embeddings untied. H100 SXM: 3.35 TB/s, 790.59 TFLOPS measured.
INPUT_EMBEDDING = 128_256 * 4_096  # 525,336,576 parameters, a step reads one row of them
STEP_WEIGHTS = 2 * (8.03e9 - INPUT_EMBEDDING)  # 15,009,326,848 bytes
KV_PER_TOKEN = 2 * 32 * 1_024 * 2  # a key and a value, every layer, BF16: 131,072 bytes
BLOCKS = 8.03e9 - 2 * INPUT_EMBEDDING  # 6,979,326,848: not the embedding, not the head


def llama_on_h100(n_in: int, n_out: int) -> tuple[float, float, float]:
    """TTFT, TPOT and total in ms, by hand: the prefill's FLOPs at the measured matmul rate, then
    n_out - 1 steps, step j reading the weights and the KV cache of n_in + j tokens."""
    # 2 FLOPs a block parameter and 2 x 32 layers x (n_in / 2) x 4,096 of causal attention a
    # token, and the head (2 x 525,336,576) for the last token only.
    flops = n_in * (2 * BLOCKS + 2 * 32 * (n_in / 2) * 4_096) + 2 * INPUT_EMBEDDING
    ttft = max(flops / 790.59e12, STEP_WEIGHTS / 3.35e12) * 1000
    steps = n_out - 1
    cached = steps * n_in + steps * (steps + 1) / 2  # the sum of n_in + j, j = 1..steps
    tpot = (STEP_WEIGHTS + cached / steps * KV_PER_TOKEN) / 3.35e12 * 1000
    return ttft, tpot, ttft + steps * tpot


def check(need, tokens=(500, 400), models=(LLAMA_8B,), method="lora_sft", task="tool_use"):
    answers = {"latency_need": need, "task_type": task}
    costs = {"input_tokens": tokens[0], "output_tokens": tokens[1]} if tokens else None
    classifier = MODELS_BY_KEY["modernbert-large"]
    result = serving.check(answers, list(models), method, costs, None, PLAN_GPUS, classifier)
    return localize(as_mappings(result), "en")


def row(result, model, gpu):
    return next(r for r in result["rows"] if r["model"] == model and r["gpu"] == gpu)


# --- Figures by hand --------------------------------------------------------------------------


def test_an_8b_model_on_an_h100_reads_its_weights_once_a_token() -> None:
    work = Workload(8.03, "lora", H100, architecture=LLAMA_8B.architecture)
    # The estimator's decode read: every parameter in BF16, 16.06 GB, 4.8 ms at 3.35 TB/s ...
    assert decode_weight_bytes(work) == pytest.approx(16.06e9)
    assert decode_weight_bytes(work) / 3.35e12 * 1000 == pytest.approx(4.794, abs=1e-3)
    # ... of which a step reads the input embedding's one row only: 15.01 GB, 4.48 ms.
    assert serving.step_weight_bytes(LLAMA_8B, work) == pytest.approx(STEP_WEIGHTS)
    assert STEP_WEIGHTS == pytest.approx(15_009_326_848)


def test_a_realtime_team_with_400_token_answers_hears_that_an_8b_model_is_too_slow() -> None:
    ttft, tpot, total = llama_on_h100(500, 400)
    assert (round(ttft, 2), round(tpot, 2), round(total, 1)) == (8.87, 4.51, 1807.5)
    result = check("realtime")
    h100 = row(result, "llama-3.1-8b", "h100-80gb")
    assert h100 == {
        "model": "llama-3.1-8b",
        "name": "Llama 3.1 8B Instruct",
        "gpu": "h100-80gb",
        "gpu_name": "NVIDIA H100 SXM 80GB",
        "fits": True,
        # 16.06 GB of weights, 900 tokens x 131,072 bytes of cache, 1 GiB: 16.08 GiB.
        "memory_gb": round((16.06e9 + 900 * KV_PER_TOKEN) / 2**30 + 1, 1),
        "ttft_ms": round(ttft, 2),
        "tpot_ms": round(tpot, 2),
        "total_ms": round(total, 2),
        "budget_ms": 300,
        "meets": False,
    }
    assert result["status"] == "misses"
    assert result["summary"] == (
        "Even at its floor Llama 3.1 8B Instruct misses your need (under 300 ms): on the NVIDIA "
        "H100 SXM 80GB the first token takes 8.9 ms, then 4.5 ms a token, 1.81 s for 400 tokens."
    )
    # 300 ms leave (300 - 8.87) / 4.51 = 64.6 decode steps after the first token: 65 tokens
    # (8.87 + 64 x 4.51 = 297.4 ms; one more is 301.9). The largest model whose weights alone
    # fit: 300 ms / (2 x 500 / 790.59e12 + 2 x 399 / 3.35e12) seconds a parameter = 1.25B.
    fit = 1 + int((300 - ttft) // tpot)
    largest = 0.3 / (2 * 500 / 790.59e12 + 2 * 399 / 3.35e12)
    assert result["fixes"] == [
        f"Shorter answers: {fit} output tokens fit on the NVIDIA H100 SXM 80GB.",
        "Streaming, if only the first token must be fast: it comes after 8.9 ms.",
        f"A smaller model: at these token counts none above {largest / 1e9:.1f}B parameters can "
        "meet it on one NVIDIA H100 SXM 80GB in BF16.",
        serving.SPECULATIVE.en,
    ]
    assert (fit, f"{largest / 1e9:.1f}") == (65, "1.3")  # the figures the comment works out
    assert result["sources"] == [serving.VLLM_TPOT, serving.VLLM_SPECULATIVE]


def test_fp8_weights_are_offered_where_halving_the_read_meets_the_need() -> None:
    ttft, tpot, _ = llama_on_h100(500, 400)
    # Half the weight bytes a step: 4.51 - 15.01e9 / 2 / 3.35e12 = 2.27 ms; 8.87 + 399 x 2.27.
    quantised = ttft + 399 * (tpot - STEP_WEIGHTS / 2 / 3.35e12 * 1000)
    assert round(quantised, 1) == 913.6
    interactive = check("interactive")["fixes"]
    assert (
        "FP8 or INT8 weights, half the bytes a token reads: 914 ms on the NVIDIA H100 SXM 80GB; "
        "check the quantised model on the eval set."
    ) in interactive
    # Under 300 ms it would not be enough: not offered.
    assert not any(f.startswith("FP8") for f in check("realtime")["fixes"])


def test_what_meets_the_need_is_offered_only_where_it_fits() -> None:
    # A long prompt: the first token alone misses 300 ms, so shorter answers, streaming and
    # speculative decoding cannot help; shorter inputs can.
    long = check("realtime", tokens=(20_000, 50))
    assert long["status"] == "misses"
    assert long["fixes"][0].startswith("Shorter inputs: the first token alone takes ")
    assert not any(f.startswith(("Shorter answers", "Streaming")) for f in long["fixes"])
    assert serving.SPECULATIVE.en not in long["fixes"]
    # A classifier is offered to a classification task only.
    assert not any(f.startswith("A classifier") for f in check("realtime")["fixes"])
    classify = check("realtime", task="classification")["fixes"]
    assert any(f.startswith("A classifier for a fixed label set") for f in classify)
    # Another candidate that meets the need is named, in place of the size bound.
    small = MODELS_BY_KEY["llama-3.2-3b"]
    both = check("interactive", tokens=(500, 150), models=(LLAMA_8B, small))
    assert row(both, "llama-3.1-8b", "h100-80gb")["meets"] is True
    assert both["status"] == "meets"
    assert both["fixes"] == []
    slow = check("realtime", tokens=(500, 100), models=(LLAMA_8B, small))
    assert row(slow, "llama-3.2-3b", "h100-80gb")["meets"] is True
    named = [f for f in slow["fixes"] if f.startswith("Another candidate")]
    total = serving.duration(row(slow, "llama-3.2-3b", "h100-80gb")["total_ms"] / 1000)
    assert named == [
        f"Another candidate: Llama 3.2 3B Instruct takes {total} on the NVIDIA H100 SXM 80GB."
    ]


def test_an_encoder_classifier_answers_in_one_forward_pass() -> None:
    bert = MODELS_BY_KEY["modernbert-large"]
    result = check("realtime", tokens=(500, 1), models=(bert,), method="encoder_classifier")
    h100 = row(result, "modernbert-large", "h100-80gb")
    # 395M parameters less the 50,368 x 1,024 tied embedding: 2 FLOPs each and 2 x 28 layers x
    # 500 x 1,024 of attention over the whole input, for each of 500 tokens.
    blocks = 0.395e9 - 50_368 * 1_024
    flops = 500 * (2 * blocks + 2 * 28 * 500 * 1_024)
    assert h100["ttft_ms"] == round(flops / 790.59e12 * 1000, 2) == h100["total_ms"]
    assert h100["tpot_ms"] is None
    assert h100["meets"] is True and result["status"] == "meets"


def test_without_tokens_the_check_asks_for_the_cost_step_s() -> None:
    result = check("realtime", tokens=None)
    assert result["status"] == "no_tokens"
    assert result["rows"] == [] and result["fixes"] == []
    assert result["summary"] == serving.NO_TOKENS.en
    # The dataset check's average example stands in: 900,000 tokens over 2,400 examples, of
    # which 260,000 are answers: 267 input and 108 output tokens.
    profile = {"valid": 2_400, "tokens": {"total": 900_000, "trained": 260_000}}
    assert serving.request_tokens(None, profile) == {
        "input": 267,
        "output": 108,
        "source": "measured",
    }
    # The cost step's numbers come first.
    costs = {"input_tokens": 1_500.0, "output_tokens": 300.0}
    assert serving.request_tokens(costs, profile)["source"] == "cost_step"


def test_a_model_too_big_for_a_gpu_in_bf16_has_no_figures_there() -> None:
    big = MODELS_BY_KEY["qwen3-14b"]
    result = check("interactive", models=(big,))
    rtx = row(result, "qwen3-14b", "rtx4090-24gb")
    # 14.8B x 2 bytes = 27.6 GiB of weights alone, on a 24 GB card.
    assert rtx["fits"] is False and rtx["memory_gb"] > 24
    assert (rtx["ttft_ms"], rtx["tpot_ms"], rtx["total_ms"], rtx["meets"]) == (None,) * 4
    assert row(result, "qwen3-14b", "h100-80gb")["fits"] is True


# --- Properties -------------------------------------------------------------------------------

TOKENS = st.integers(min_value=0, max_value=30_000)
OUTPUTS = st.integers(min_value=1, max_value=4_000)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(DECODERS), st.sampled_from(PLAN_GPUS), TOKENS, OUTPUTS, OUTPUTS)
def test_more_output_tokens_are_never_faster(model, gpu, n_in, a, b) -> None:
    low, high = sorted((a, b))
    t_low = serving.timing(model, GPUS[gpu], n_in, low)
    t_high = serving.timing(model, GPUS[gpu], n_in, high)
    assert t_high.total >= t_low.total
    assert t_high.ttft == t_low.ttft


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(MODELS),
    st.sampled_from(PLAN_GPUS),
    TOKENS,
    OUTPUTS,
    st.floats(min_value=1.0, max_value=4.0),
)
def test_a_faster_bandwidth_gpu_is_never_slower(model, gpu, n_in, n_out, factor) -> None:
    slow = GPUS[gpu]
    fast = replace(slow, bandwidth_tbs=slow.bandwidth_tbs * factor)
    t_slow, t_fast = (serving.timing(model, g, n_in, n_out) for g in (slow, fast))
    assert t_fast.total <= t_slow.total
    assert t_fast.ttft <= t_slow.ttft
    assert (t_fast.tpot or 0) <= (t_slow.tpot or 0)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from(MODELS), min_size=1, max_size=3, unique=True),
    st.sampled_from(["lora_sft", "encoder_classifier", "distillation"]),
    TOKENS,
    OUTPUTS,
    st.sampled_from(["classification", "tool_use", "style"]),
)
def test_relaxed_never_warns(models, method, n_in, n_out, task) -> None:
    result = check("relaxed", (n_in, n_out), models, method, task)
    assert result["status"] == "unchecked"
    assert result["summary"] == serving.RELAXED.en
    assert result["fixes"] == [] and result["budget_ms"] is None
    assert all(r["meets"] is None and r["budget_ms"] is None for r in result["rows"])


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(MODELS),
    st.sampled_from(["realtime", "interactive"]),
    TOKENS,
    OUTPUTS,
)
def test_a_row_meets_the_need_exactly_when_its_floor_is_within_the_budget(
    model, need, n_in, n_out
) -> None:
    result = serving.check(
        {"latency_need": need},
        [model],
        "lora_sft",
        {"input_tokens": n_in, "output_tokens": n_out},
        None,
        PLAN_GPUS,
    )
    for r in result["rows"]:
        if not r["fits"]:
            assert r["meets"] is None
            continue
        budget = {"realtime": 300, "interactive": 1000}[need]
        exact = serving.timing(model, GPUS[r["gpu"]], n_in, n_out).total * 1000
        assert r["meets"] is (exact < budget if need == "realtime" else exact <= budget)
    if result["status"] == "misses":
        assert result["fixes"]  # a miss always says what would meet it


@settings(max_examples=80, deadline=None)
@given(
    st.sampled_from(DECODERS),
    st.integers(min_value=0, max_value=3_000),
    st.integers(min_value=0, max_value=1_500),
)
def test_the_cache_read_sum_is_the_sum_of_its_steps(model, prompt, steps) -> None:
    """The closed form against the sum itself (Gemma 3's windowed layers included)."""
    shape = model.architecture
    by_step = sum(kv_cache_bytes(shape, prompt + j) for j in range(1, steps + 1))
    assert serving.cache_reads(shape, prompt, steps) == pytest.approx(by_step, rel=1e-12)


# --- The plan, the API, the page and the export --------------------------------------------------


def test_the_plan_carries_the_check_for_its_candidates_on_its_gpus() -> None:
    answers = {**REFUND_BOT, "latency_need": "interactive"}
    plan = build_plan(answers, FINE_TUNE, None, costs=COSTS)
    result = plan["serving"]
    assert set(result) == {
        "need",
        "budget_ms",
        "tokens",
        "status",
        "rows",
        "summary",
        "fixes",
        "assumptions",
        "sources",
    }
    assert result["tokens"] == {"input": 1_500, "output": 300, "source": "cost_step"}
    assert [(r["model"], r["gpu"]) for r in result["rows"]] == [
        (c["key"], gpu) for c in plan["candidates"] for gpu in PLAN_GPUS
    ]
    assert all(
        set(r) >= {"ttft_ms", "tpot_ms", "total_ms", "meets", "budget_ms", "fits", "model", "gpu"}
        for r in result["rows"]
    )
    assert {r["budget_ms"] for r in result["rows"]} == {1000}
    assert set(result["summary"]) == {"en", "zh"}
    # Without the cost step, the plan's check asks for it.
    bare = build_plan(answers, FINE_TUNE, None)["serving"]
    assert bare["status"] == "no_tokens" and bare["rows"] == []


def created_with_costs(client, answers=REFUND_BOT) -> dict:
    body = {
        "title": "Refund agent",
        "answers": {**answers, "baseline_accuracy": 95},
        "costs": COSTS,
    }
    response = client.post("/api/v1/assessments", json=body)
    assert response.status_code == 201, response.text
    return response.json()


# Llama 3.1 8B on the H100 at the cost example's 1,500 input and 300 output tokens, by hand.
PAGE_TTFT, PAGE_TPOT, PAGE_TOTAL = llama_on_h100(1_500, 300)


def test_the_hand_figures_of_the_page_row() -> None:
    assert (round(PAGE_TTFT, 2), round(PAGE_TPOT, 3), round(PAGE_TOTAL, 1)) == (
        26.86,
        4.545,
        1385.8,
    )


def test_the_plan_api_returns_the_check(client) -> None:
    created = created_with_costs(client)
    plan = client.get(f"/api/v1/assessments/{created['id']}/plan").json()
    result = plan["serving"]
    assert result["need"] == "interactive" and result["budget_ms"] == 1000
    llama = row(result, "llama-3.1-8b", "h100-80gb")
    assert (llama["ttft_ms"], llama["tpot_ms"], llama["total_ms"], llama["meets"]) == (
        round(PAGE_TTFT, 2),
        round(PAGE_TPOT, 2),
        round(PAGE_TOTAL, 2),
        False,
    )
    assert result["status"] == "misses"
    zh = client.get(f"/api/v1/assessments/{created['id']}/plan?lang=zh").json()["serving"]
    assert zh["summary"].startswith("即使按下限估算")
    schema = client.get("/openapi.json").json()["components"]["schemas"]["PlanOut"]
    assert "serving" in schema["properties"] and "serving" in schema["required"]


@pytest.mark.parametrize(
    ("lang", "head", "cells"),
    [
        (
            "en",
            ["Model · GPU", "First token", "Each next token", "Whole answer", "In time"],
            ["27 ms", "4.5 ms", "1.39 s", "no"],
        ),
        (
            "zh",
            ["模型 · GPU", "首个 token", "其后每个 token", "完整回答", "是否及时"],
            ["27 ms", "4.5 ms", "1.39 s", "否"],
        ),
    ],
)
def test_the_page_shows_the_check_as_a_table(client, lang, head, cells) -> None:
    created = created_with_costs(client)
    page = html(client.get(f"{created['url']}?lang={lang}"))
    section = page.select_one("#plan table.plan-serving")
    assert [th.get_text() for th in section.select("thead th")] == head
    tr = section.select_one('tr[data-model="llama-3.1-8b"][data-gpu="h100-80gb"]')
    assert tr.select_one("th").get_text() == "Llama 3.1 8B Instruct · H100 80GB"
    assert [td.get_text() for td in tr.select("td")] == cells
    assert len(section.select("tbody tr")) == 9
    assert page.select_one("#plan .plan-serving-summary")["data-status"] == "misses"
    assert len(page.select("#plan .plan-serving-fixes li")) >= 3


def test_the_page_asks_for_the_cost_step_without_it(client) -> None:
    response = client.post(
        "/api/v1/assessments",
        json={"title": "Plain", "answers": {**REFUND_BOT, "baseline_accuracy": 95}},
    )
    page = html(client.get(response.json()["url"]))
    assert page.select_one("#plan table.plan-serving") is None
    summary = page.select_one("#plan .plan-serving-summary")
    assert summary.get_text() == serving.NO_TOKENS.en
    assert summary["data-status"] == "no_tokens"


def test_the_export_writes_the_check(client) -> None:
    created = created_with_costs(client)
    lines = client.get(f"/a/{created['id']}/export.md").text.splitlines()
    start = lines.index("### Can it answer in time?")
    block = lines[start : lines.index("### Settings")]
    assert "| Llama 3.1 8B Instruct · H100 80GB | 27 ms | 4.5 ms | 1.39 s | no |" in block
    assert "| Model · GPU | First token | Each next token | Whole answer | In time |" in block
    assert "1,500 input and 300 output tokens a request, from the cost step." in block
    zh = client.get(f"/a/{created['id']}/export.md?lang=zh").text.splitlines()
    assert "### 能否及时作答？" in zh
    note = next(line for line in zh if line.startswith("以上为下限"))
    assert "实际也达不到。[vLLM: TPOT](" + serving.VLLM_TPOT["url"] + ")" in note
