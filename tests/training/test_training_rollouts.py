"""What the plan's compute rows include beyond packed supervised training: GRPO's generated
completions (estimator.generation_seconds) and DPO's chosen/rejected pairs and reference pass."""

import math

import pytest
import yaml

from app.training import configs, estimator
from app.training.estimator import (
    Architecture,
    Workload,
    architecture_for,
    cents,
    estimate,
    forward_seconds,
    generation_seconds,
)
from app.training.gpus import GPUS
from app.training.models import MODELS_BY_KEY
from app.training.plan import (
    GRPO_EVAL_BATCH,
    GRPO_GENERATIONS,
    GRPO_MAX_COMPLETION,
    batch_shape,
    build_plan,
    config_numbers,
    grpo_evaluations,
)
from tests.training.test_training_plan import (
    PROFILE,
    PROFILE_TRAIN_TOKENS,
    profile_estimate,
    snapshot,
)
from tests.unit.decision_cases import CUSTOMER_SERVICE_BOT

A100 = GPUS["a100-80gb"]
# An 8B dense model with grouped-query attention (Llama 3.1 8B's shape, rounded).
SHAPE = Architecture(
    params_b=8.0,
    layers=32,
    hidden=4096,
    ffn=14336,
    vocab=128_256,
    embedding_params_b=1.05,
    kv_hidden=1024,
)


def lora(gpu=A100, shape=SHAPE, method="lora") -> Workload:
    return Workload(shape.params_b, method, gpu, architecture=shape)


def plan(method, profile=PROFILE, answers=CUSTOMER_SERVICE_BOT):
    return build_plan(answers, snapshot("fine_tune", method=method), profile)


def test_one_generate_call_by_hand() -> None:
    # 16 sequences, prompts of 100 tokens, 1,000 decode steps, at half the A100's 2.039 TB/s.
    # Weights a step: 8e9 x 2 B = 16e9 B. KV cache a token: 2 x 32 layers x 1,024 x 2 B = 131,072 B.
    # Cached tokens read over the steps: 16 x (1,000 x 100 + 1,000 x 999 / 2) = 9,592,000.
    # Bytes: 1,000 x 16e9 + 9,592,000 x 131,072 = 1.6e13 + 1.257242624e12 = 17,257,242,624,000,
    # at 1.0195e12 B/s: 16.9272 s. Compute: 16,000 tokens x (2 x 8e9 + 2 x 32 x 600 x 4,096) =
    # 2.585e14 FLOPs at 312e12 x 0.55 = 1.51 s, less, so memory-bound.
    # Prefill: 1,600 tokens x (1.6e10 + 2 x 32 x 50 x 4,096) = 2.5621e13 FLOPs / 1.716e14 =
    # 0.1493 s (more than reading the weights once, 0.0157 s). Total 17.0765 s.
    decode = 17_257_242_624_000 / (2.039e12 * 0.5)
    prefill = 1_600 * (1.6e10 + 2 * 32 * 50 * 4096) / (312e12 * 0.55)
    assert decode == pytest.approx(16.9272, abs=1e-4)
    assert prefill == pytest.approx(0.1493, abs=1e-4)
    seconds = generation_seconds(lora(), 16, 16, 100, 1000, share=0.5)
    assert seconds == pytest.approx(decode + prefill, rel=1e-9)
    assert seconds == pytest.approx(17.0765, abs=1e-3)
    # 40 sequences 16 at a time: two full calls and one of 8 (the same weights, half the cache).
    forty = generation_seconds(lora(), 40, 16, 100, 1000, share=0.5)
    eight = generation_seconds(lora(), 8, 8, 100, 1000, share=0.5)
    assert forty == pytest.approx(2 * seconds + eight, rel=1e-9)


def test_qlora_decoding_reads_nf4_and_its_bf16_copy() -> None:
    # Quantised blocks: (8 - 1.05)e9 x (4.127 / 8 + 4) B; embeddings and head: 1.05e9 x 2 B.
    expected = 6.95e9 * (4.127 / 8 + 4) + 1.05e9 * 2
    assert estimator.decode_weight_bytes(lora(method="qlora")) == pytest.approx(expected)
    assert estimator.decode_weight_bytes(lora()) == 16e9


def test_generation_never_takes_less_with_more_work() -> None:
    base = dict(sequences=256, batch=32, prompt_tokens=300, new_tokens=512)

    def t(work=None, **change):
        args = {**base, **change}
        return generation_seconds(work or lora(), **args)

    for key, values in {
        "sequences": (1, 8, 33, 256, 1000),
        "prompt_tokens": (1, 100, 300, 2000),
        "new_tokens": (1, 64, 512, 1024, 4096),
    }.items():
        times = [t(**{key: v}) for v in values]
        assert times == sorted(times) and times[0] < times[-1], key
    sizes = [t(lora(shape=architecture_for(p))) for p in (0.5, 1.5, 3, 7, 14, 32, 70)]
    assert sizes == sorted(sizes)
    shares = [t(share=s) for s in (0.55, 0.34, 0.21)]
    assert shares == sorted(shares)
    # A faster memory is never slower.
    gpus = [t(lora(gpu=GPUS[k])) for k in ("h100-80gb", "a100-80gb", "rtx4090-24gb")]
    assert gpus == sorted(gpus)


def test_the_rft_row_is_training_plus_rollouts_plus_evaluations() -> None:
    rft = plan("reinforcement_fine_tuning")
    sft = plan("lora_sft")
    first = rft["candidates"][0]
    model = MODELS_BY_KEY[first["key"]]
    row = first["compute"][1]  # the A100
    assert row["gpu"] == "a100-80gb" and row["method"] == "lora"
    # PROFILE: 2,400 examples of 900,000 tokens (375 each); 300 held out as the eval set (the
    # test needs 285, a 99% target's eval set 300), 210 (a tenth of the 2,100 left) as the
    # validation set, 1,890 prompts to train on, 1 epoch
    # (open-r1's GRPO recipes), seq_len 1,280, so completions of at most
    # min(1,280, 1,024) = 1,024 tokens.
    assert (rft["data"]["eval_cases"], rft["data"]["validation_cases"]) == (300, 210)
    prompts, prompt_tokens, maximum, epochs = 1890, 375, 1024, 1
    # Generation batch: 1,890 x 8 completions / 30 steps -> 32 a step, micro-batches of 2 (up
    # to 2,048 tokens: 375 + 1,024), so 2 x 16 = 32 completions decoded together.
    assert (row["micro_batch"], row["grad_accum"]) == (2, 16)
    assert batch_shape(prompts * 8, prompt_tokens + maximum, multiple_of=8) == (2, 16)
    seq = prompt_tokens + maximum // 2  # the expected mean completion: 512
    work = Workload(
        model.params_b,
        "lora",
        A100,
        seq_len=seq,
        micro_batch=2,
        grad_accum=16,
        tokens=prompts * 8 * seq,
        epochs=epochs,
        lora_rank=16,
        architecture=model.architecture,
    )
    training = estimate(work)
    steps = training.optimizer_steps
    assert steps == math.ceil(1890 * 8 * 1 / 32) == 473
    # eval_steps = 0.1 -> every ceil(47.3) = 48 steps: 473 // 48 = 9 evaluations, each on the
    # 210 validation prompts (not the 300 eval cases, which are scored once, at the end).
    assert grpo_evaluations(steps) == 9
    eval_sequences = 9 * 210 * 8
    share = estimator.DECODE_BANDWIDTH_SHARE
    rollouts = generation_seconds(work, prompts * 8 * epochs, 32, prompt_tokens, maximum, share)
    evaluation = generation_seconds(work, eval_sequences, 8, prompt_tokens, maximum, share)
    evaluation += forward_seconds(work, eval_sequences, seq)
    expected = training.hours.expected + (rollouts + evaluation) / 3600
    assert row["hours"]["expected"] == round(expected, 3)
    # Generation, not training, is most of it: over fifty times the SFT row on the same data
    # (84 times: 21.03 hours against 0.25).
    sft_row = sft["candidates"][0]["compute"][1]
    assert row["hours"]["expected"] / sft_row["hours"]["expected"] > 50
    # Its cost follows its hours: the low hours at the low price, the high at the high.
    gpu = GPUS[row["gpu"]]
    assert row["cost_usd"]["low"] == pytest.approx(row["hours"]["low"] * gpu.price_low, abs=0.01)
    assert row["cost_usd"]["high"] == pytest.approx(row["hours"]["high"] * gpu.price_high, abs=0.01)
    assert row["hours"]["low"] < row["hours"]["expected"] < row["hours"]["high"]


def test_more_prompts_never_take_less_rft_time() -> None:
    hours = []
    for valid in (100, 400, 1600, 6400):
        profile = {**PROFILE, "valid": valid, "tokens": {**PROFILE["tokens"], "total": valid * 375}}
        rows = plan("reinforcement_fine_tuning", profile)["candidates"][0]["compute"]
        hours.append([r["hours"]["expected"] if r["fits"] else None for r in rows])
    # Qwen3.5-9B fits no 24 GB card (no hours there); the A100 and H100 columns grow.
    assert [h[0] for h in hours] == [None] * 4
    for gpu in (1, 2):
        column = [h[gpu] for h in hours]
        assert column == sorted(column), column


def test_the_rft_generation_batch_holds_whole_groups() -> None:
    # TRL's GRPOConfig refuses a generation batch (micro_batch x grad_accum) that is not a
    # multiple of num_generations; the plan's small datasets used to give 4.
    for answers_count in ("under_100", "100_to_1k", "over_1k", "none"):
        answers = {**CUSTOMER_SERVICE_BOT, "example_count": answers_count}
        row = plan("reinforcement_fine_tuning", None, answers)["candidates"][0]["compute"][0]
        assert (row["micro_batch"] * row["grad_accum"]) % GRPO_GENERATIONS == 0


def test_the_grpo_constants_are_the_generated_script_s() -> None:
    rft = plan("reinforcement_fine_tuning")
    script = rft["configs"]["trl"]["text"]
    assert f"num_generations={GRPO_GENERATIONS}," in script
    assert f"max_completion_length={min(1280, GRPO_MAX_COMPLETION)}," in script
    assert "eval_steps=0.1," in script and 'eval_strategy="steps"' in script
    # Set to 8, a whole group (TRL rejects an eval batch that is not): the plan's GRPO_EVAL_BATCH.
    assert f"per_device_eval_batch_size={GRPO_EVAL_BATCH}," in script and GRPO_EVAL_BATCH == 8
    # The lead, Qwen3.5-9B, is a vision-language checkpoint: Hugging Face generate.
    assert "use_vllm" not in script  # GRPOConfig's default: False
    assert configs.axolotl_config({**_numbers(rft)})["trl"]["use_vllm"] is False


def _numbers(p):
    settings = {s["key"]: s["value"] for s in p["settings"]}
    row = p["candidates"][0]["compute"][0]
    return {
        "method": p["method"]["key"],
        "model": p["candidates"][0]["hf_id"],
        "family": "qwen",
        "seq_len": p["tokens"]["seq_len"],
        "lora_r": settings["lora_r"],
        "lora_alpha": settings["lora_alpha"],
        "learning_rate": settings["learning_rate"],
        "epochs": settings["num_epochs"],
        "micro_batch": row["micro_batch"],
        "grad_accum": row["grad_accum"],
        "eval_cases": p["data"]["eval_cases"],
        "qlora": False,
    }


def test_rft_rows_say_what_they_include() -> None:
    row = plan("reinforcement_fine_tuning")["candidates"][0]["compute"][1]
    said = " ".join(a["en"] for a in row["assumptions"])
    assert "8 completions of about 512 tokens (at most 1,024)" in said
    # One epoch, as open-r1's GRPO recipes run.
    assert "1,890 training prompts in one epoch, 32 at a time" in said
    assert "9 evaluations" in said and "210 validation prompts, 8 at a time" in said
    assert "21%–55% of the GPU's memory bandwidth (expected 34%)" in said


def test_generation_memory_by_hand() -> None:
    # SHAPE with LoRA rank 16 on an A100, 32 sequences of 1,399 tokens:
    # weights 8e9 x 2 B = 16e9 B = 14.9012 GiB; LoRA parameters per layer 16 x (2 x 8,192 +
    # 2 x 5,120 + 2 x 18,432 + 18,432) = 16 x 81,920 = 1,310,720, x 32 layers = 41,943,040,
    # x 16 B = 671,088,640 B = 0.625 GiB; KV cache 32 x 1,399 x (2 x 32 x 1,024 x 2 B = 131,072)
    # = 5,867,831,296 B = 5.4648 GiB; scores 32 x 128,256 x 4 B = 16,416,768 B = 0.01529 GiB.
    # Held 21.0063 GiB, x 1.1 fragmentation = 23.1069, + 1 GiB CUDA overhead = 24.1069.
    work = Workload(8.0, "lora", A100, lora_rank=16, architecture=SHAPE)
    held = (16e9 + 671_088_640 + 5_867_831_296 + 16_416_768) / 2**30
    assert held == pytest.approx(21.0063, abs=1e-4)
    assert estimator.generation_memory(work, 32, 1399) == pytest.approx(held * 1.1 + 1, rel=1e-12)
    # More sequences or longer ones never hold less.
    assert estimator.generation_memory(work, 33, 1399) > estimator.generation_memory(work, 32, 1399)
    assert estimator.generation_memory(work, 32, 1400) > estimator.generation_memory(work, 32, 1399)


def test_an_rft_row_peaks_at_training_or_generating_whichever_is_more() -> None:
    # Every GRPO row's memory is the larger of the training estimate on a padded micro-batch and
    # the generation batch's KV cache at its full length; LoRA only where its high end fits.
    rft = plan("reinforcement_fine_tuning")
    # The same data in Chinese: Gemma 3 12B is offered there (in the first plan, Qwen3-8B, the
    # 24 GB card's alternative to Qwen3.5-9B, takes the third place).
    chinese = plan("reinforcement_fine_tuning", {**PROFILE, "edge_cases": {"main_script": "han"}})
    prompt_tokens, maximum = 375, 1024
    padded = prompt_tokens + maximum
    for candidate in rft["candidates"] + chinese["candidates"]:
        model = MODELS_BY_KEY[candidate["key"]]
        for row in candidate["compute"]:
            gpu = GPUS[row["gpu"]]
            batch = row["micro_batch"] * row["grad_accum"]

            def work(method, gpu=gpu, row=row, model=model):
                return Workload(
                    model.params_b,
                    method,
                    gpu,
                    seq_len=padded,
                    micro_batch=row["micro_batch"],
                    grad_accum=row["grad_accum"],
                    tokens=1890 * 8 * padded,
                    epochs=3,
                    lora_rank=16,
                    architecture=model.architecture,
                )

            def peak(method, work=work, batch=batch):
                return max(
                    estimate(work(method)).memory_gb.expected,
                    estimator.generation_memory(work(method), batch, padded),
                )

            if row["generation"] == "vllm":
                # Generating with vLLM beside training: the training estimate plus vLLM's share
                # of the card (a multiple of 0.05 that holds what vLLM needs), bf16 LoRA only.
                train = estimate(work("lora")).memory_gb
                need = estimator.vllm_memory(work("lora"), batch, padded)
                share = math.ceil(need / gpu.memory_gb * 20) / 20
                assert row["vllm_gpu_memory_utilization"] == share
                assert row["method"] == "lora" and row["fits"]
                assert row["memory_gb"]["expected"] == round(train.expected + share * 80, 1)
                assert row["memory_gb"]["high"] == round(train.high + share * 80, 1) <= 80
                continue
            assert row["vllm_gpu_memory_utilization"] is None
            high_fits = peak("lora") * 1.25 <= gpu.memory_gb
            # Never QLoRA for a model trained in bf16 only (Qwen3.5): its row does not fit.
            bf16_only = model.qlora_advised_against
            method = "lora" if high_fits or bf16_only else "qlora"
            assert row["method"] == method, (candidate["key"], row["gpu"])
            assert row["memory_gb"]["expected"] == round(peak(method), 1)
            assert row["memory_gb"]["high"] == round(peak(method) * 1.25, 1)
            fits = peak(method) <= gpu.memory_gb and (high_fits or not bf16_only)
            assert row["fits"] == fits
    # Gemma 3 12B's KV cache (48 layers x 2,048 wide, 40 of them sliding-window layers that keep
    # at most 1,024 tokens) for 32 sequences of 1,399 tokens is 32 x 8,192 B x (8 x 1,399 +
    # 40 x 1,024) = 12.7 GiB (16.4 if every layer kept every token): generating, not training,
    # still sets its peak (24.08 GB with a 4-bit base, training 20.49), and even with a 4-bit
    # base it does not fit a 24 GB card, if only by 0.08 GB (28.1 GB before the window).
    gemma = next(c for c in chinese["candidates"] if c["key"] == "gemma-3-12b")
    card = gemma["compute"][0]
    assert (card["gpu"], card["method"], card["fits"]) == ("rtx4090-24gb", "qlora", False)
    assert card["memory_gb"]["expected"] == 24.1
    said = " ".join(a["en"] for a in card["assumptions"])
    assert (
        "Gemma 3 12B IT's peak memory is the larger of training on a micro-batch and generating: "
        "32 completions at once hold a KV cache of 12.7 GB at their full 1,399 tokens."
    ) in said


def test_dpo_flops_by_hand() -> None:
    # Per token with LoRA and gradient checkpointing: 6 x blocks + 4 x head for the training
    # pass, and the reference forward 2 x (blocks + head): 8 x blocks + 6 x head.
    head = SHAPE.embedding_params_b * 1e9 / 2
    blocks = SHAPE.params_b * 1e9 - 2 * head
    sft = lora()
    dpo = Workload(8.0, "lora", A100, architecture=SHAPE, reference_forward=True)
    assert estimator.matrix_flops_per_token(sft) == pytest.approx(6 * blocks + 4 * head)
    assert estimator.matrix_flops_per_token(dpo) == pytest.approx(8 * blocks + 6 * head)
    # Attention: 9 x layers x seq x hidden, and the reference's causal forward 2 more.
    assert estimator.attention_flops_per_token(dpo) == 11 * 32 * 2048 * 4096
    # Chosen and rejected: twice the tokens, so 2 x 8/6 of the block FLOPs of SFT an example.
    blocks_ratio = 2 * 8 / 6
    assert blocks_ratio == pytest.approx(8 / 3)


def test_the_dpo_row_is_one_supervised_epoch_then_dpo_over_both_sequences() -> None:
    # Stage 1: one epoch of supervised LoRA over prompt + chosen (the token basis: one sequence
    # an example, as a chat file's are) of the training split (PROFILE_TRAIN_TOKENS); stage 2:
    # DPO over chosen and rejected with the reference pass, 1 epoch. The same GPU, method and batch shape; hours and cost add up,
    # memory is the larger stage's.
    dpo = plan("preference_tuning")
    first = dpo["candidates"][0]
    model = MODELS_BY_KEY[first["key"]]
    for row in first["compute"]:
        if not row["fits"]:
            assert (row["hours"], row["cost_usd"]) == (None, None), row["gpu"]
            continue

        def work(stage: str, row=row) -> Workload:
            pairs = 2 if stage == "dpo" else 1
            return Workload(
                model.params_b,
                row["method"],
                GPUS[row["gpu"]],
                seq_len=1280,
                micro_batch=pairs * row["micro_batch"],
                grad_accum=row["grad_accum"],
                tokens=pairs * PROFILE_TRAIN_TOKENS,
                epochs=1,
                lora_rank=16,
                architecture=model.architecture,
                reference_forward=stage == "dpo",
            )

        sft, preference = estimate(work("sft")), estimate(work("dpo"))
        assert row["hours"] == {
            "low": round(sft.hours.low + preference.hours.low, 3),
            "expected": round(sft.hours.expected + preference.hours.expected, 3),
            "high": round(sft.hours.high + preference.hours.high, 3),
        }, row["gpu"]
        assert row["cost_usd"] == {
            "low": cents(sft.cost_low + preference.cost_low),
            "high": cents(sft.cost_high + preference.cost_high),
        }
        peak = max(sft.memory_gb.expected, preference.memory_gb.expected)
        assert row["memory_gb"]["expected"] == round(peak, 1)
        assert row["fits"] is (peak <= GPUS[row["gpu"]].memory_gb)
    row = first["compute"][1]
    said = row["assumptions"][0]["en"]
    assert said.startswith(
        "Includes both stages, on the training split (1,890 pairs; the held-out cases are not "
        "trained on). First, one epoch of supervised training on each prompt and its chosen "
        "answer. Then 1 epoch of DPO: two sequences for every pair, the prompt with the "
        "chosen answer and with the rejected one"
    )
    assert "Sequences up to 1,280 tokens; the peak memory is the larger stage's (DPO's)" in said


def test_dpo_on_its_own_is_8_3_of_supervised_training_at_most() -> None:
    # DPO's stage alone: 8/3 of the FLOPs; the fixed costs a step and a micro-batch do not grow,
    # so between 2 and 8/3 of the supervised plan's hours.
    first = plan("preference_tuning")["candidates"][0]
    model = MODELS_BY_KEY[first["key"]]
    row = first["compute"][1]
    work = Workload(
        model.params_b,
        row["method"],
        GPUS[row["gpu"]],
        seq_len=1280,
        micro_batch=2 * row["micro_batch"],
        grad_accum=row["grad_accum"],
        tokens=2 * PROFILE_TRAIN_TOKENS,
        epochs=3,
        lora_rank=16,
        architecture=model.architecture,
        reference_forward=True,
    )
    sft = plan("lora_sft")["candidates"][0]["compute"][1]
    assert 2 < estimate(work).hours.expected / sft["hours"]["expected"] < 8 / 3


@pytest.mark.parametrize("method", ["lora_sft", "distillation"])
def test_supervised_rows_are_unchanged(method) -> None:
    """Packed supervised training as the estimator gives it, for the 708,750 tokens of PROFILE's
    training split over 3 epochs (OpenAI's default for 2,400 examples): no rollouts, no pairs. (An encoder's rows are
    its classifier script's padded batches: test_training_plan.)"""
    first = plan(method)["candidates"][0]
    rows = first["compute"]
    for row in rows:
        if not row["fits"]:
            assert (row["hours"], row["cost_usd"]) == (None, None), row["gpu"]
            continue
        expected = profile_estimate(first["key"], row)
        assert row["hours"]["expected"] == round(expected.hours.expected, 3), row["gpu"]
    # And the same as the SFT path's Workload: packed, no reference pass.
    for row in rows:
        assert row["micro_batch"] * row["grad_accum"] >= 4
        assert "packed into sequences of 1,280 tokens" in row["assumptions"][0]["en"]


# The reviewer's extraction team with checkable answers failing on reasoning: Qwen3.5-9B leads
# (generate), Qwen3-8B follows, and on an A100 it generates with vLLM beside training.
RFT_EXTRACTION = {
    **CUSTOMER_SERVICE_BOT,
    "task_type": "extraction",
    "verifiable_outputs": "yes",
    "failure_mode": "reasoning",
    "accuracy_target": "critical",
    "baseline_accuracy": 90,
    "example_count": "over_1k",
}


def test_qwen3_generates_with_vllm_beside_training_and_its_hours_say_so() -> None:
    p = build_plan(RFT_EXTRACTION, snapshot("fine_tune", method="reinforcement_fine_tuning"), None)
    qwen3 = next(c for c in p["candidates"] if c["key"] == "qwen3-8b")
    row = qwen3["compute"][1]
    assert (row["gpu"], row["method"], row["generation"]) == ("a100-80gb", "lora", "vllm")
    # About 3,162 examples of 200-800 tokens: the middle prompt is 1,264,911 / 3,162 = 400
    # tokens, so a sequence is 400 + 1,024 = 1,424 tokens. vLLM needs its BF16 weights,
    # 8.19e9 x 2 B = 16.38e9 B; a KV cache of 32 x 1,424 x (2 x 36 layers x 1,024 x 2 B =
    # 147,456 B) = 6,719,275,008 B; scores 32 x 151,936 x 4 B = 19,447,808 B: 23,118,722,816 B =
    # 21.5310 GiB, x 1.1 + 1 = 24.6841 GiB, 0.3086 of the card: vllm_gpu_memory_utilization 0.35.
    need = (16.38e9 + 6_719_275_008 + 19_447_808) / 2**30 * 1.1 + 1
    assert need == pytest.approx(24.6841, abs=1e-4)
    work = Workload(8.19, "lora", A100, architecture=MODELS_BY_KEY["qwen3-8b"].architecture)
    assert estimator.vllm_memory(work, 32, 1424) == pytest.approx(need, rel=1e-12)
    assert row["vllm_gpu_memory_utilization"] == 0.35
    said = " ".join(a["en"] for a in row["assumptions"])
    assert (
        "Qwen3-8B's peak memory is training on a micro-batch plus the 28.0 GB "
        "(vllm_gpu_memory_utilization 0.35) vLLM holds beside it: it needs 24.7 GB for its own "
        "BF16 copy of the weights and the KV cache of 32 completions at their full 1,424 tokens "
        "(6.3 GB)."
    ) in said
    assert "32 at a time with vLLM in TRL's colocate mode" in said
    assert "58%–63% of the GPU's memory bandwidth (expected 60%)" in said
    # Its hours: training, the rollouts and 9 evaluations of the 100 validation prompts, decoded
    # at vLLM's measured share (11.36 ms a token for 14.50 GB on an A100: 62.6%; Lambda's).
    assert estimator.VLLM_DECODE_SHARE == pytest.approx(math.sqrt(0.578 * 0.626))
    assert 14.50e9 / 11.3609e-3 / 2.039e12 == pytest.approx(0.626, abs=5e-4)
    model = MODELS_BY_KEY["qwen3-8b"]
    prompts, seq = p["data"]["train_examples"], 400 + 512
    assert (prompts, p["data"]["validation_cases"]) == (2762, 100)
    work = Workload(
        model.params_b,
        "lora",
        A100,
        seq_len=seq,
        micro_batch=2,
        grad_accum=16,
        tokens=prompts * 8 * seq,
        epochs=1,
        lora_rank=16,
        architecture=model.architecture,
    )
    training = estimate(work)
    assert training.optimizer_steps == 691 and grpo_evaluations(691) == 9
    vllm = estimator.VLLM_DECODE_SHARE
    rollouts = generation_seconds(work, prompts * 8, 32, 400, 1024, vllm)
    evaluation = generation_seconds(work, 9 * 100 * 8, 8, 400, 1024, vllm)
    evaluation += forward_seconds(work, 9 * 100 * 8, seq)
    expected = training.hours.expected + (rollouts + evaluation) / 3600
    assert row["hours"]["expected"] == round(expected, 3)
    # The evaluations' decoding: 900 calls of 8 completions (9 x 100 prompts x 8), each 1,024
    # steps reading the weights, 1,024 x 16.38e9 B, and the cache, 8 x (1,024 x 400 + 1,024 x
    # 1,023 / 2) = 7,467,008 tokens x 147,456 B: 1.787418e13 B a call, plus a prefill of 3,200
    # tokens x (2 x 8.19e9 + 2 x 36 x 200 x 4,096) FLOPs at 312e12 x 0.55 = 0.3066 s. At
    # generate's 34.0% of 2.039 TB/s, 25.794 + 0.307 s a call: 6.53 hours of the 14.57 the run
    # took; at vLLM's 60.2%, 14.573 + 0.307 s: 3.72 hours, and the run 9.22.
    call = 1024 * 16.38e9 + 7_467_008 * 147_456
    prefill = 3200 * (2 * 8.19e9 + 2 * 36 * 200 * 4096) / (312e12 * 0.55)
    assert prefill == pytest.approx(0.3066, abs=1e-4)
    by_hand = {
        share: 900 * (call / (2.039e12 * share) + prefill) / 3600
        for share in (estimator.DECODE_BANDWIDTH_SHARE, estimator.VLLM_DECODE_SHARE)
    }
    assert [round(h, 2) for h in by_hand.values()] == [6.53, 3.72]
    generate = estimator.DECODE_BANDWIDTH_SHARE
    before = (
        training.hours.expected
        + (
            generation_seconds(work, prompts * 8, 32, 400, 1024, generate)
            + generation_seconds(work, 9 * 100 * 8, 8, 400, 1024, generate)
            + forward_seconds(work, 9 * 100 * 8, seq)
        )
        / 3600
    )
    assert round(before, 2) == 14.57 and round(expected, 2) == 9.22
    for share, hours in by_hand.items():
        seconds = generation_seconds(work, 7200, 8, 400, 1024, share)
        assert seconds / 3600 == pytest.approx(hours, rel=1e-9)
    # The 24 GB card keeps generate, and says why.
    card = qwen3["compute"][0]
    assert (card["generation"], card["vllm_gpu_memory_utilization"]) == ("transformers", None)
    assert any(
        "vLLM beside bf16 LoRA training does not fit" in a["en"] for a in card["assumptions"]
    )


def test_the_vllm_configs_say_what_the_hours_assume() -> None:
    p = build_plan(
        {**RFT_EXTRACTION, "hosting": "self_hosted_required", "latency_need": "relaxed"},
        snapshot("fine_tune", method="reinforcement_fine_tuning"),
        None,
    )
    rows = {c["key"]: c for c in p["candidates"]}
    numbers = config_numbers(
        MODELS_BY_KEY["qwen3-8b"],
        "reinforcement_fine_tuning",
        rows["qwen3-8b"]["compute"],
        2048,
        16,
        1,
        p["data"],
    )
    script = configs.trl_script(numbers)
    for line in (
        "use_vllm=True,",
        'vllm_mode="colocate",',
        "vllm_gpu_memory_utilization=0.35,",
        # A prompt of up to 2,048 tokens and a completion of up to 1,024.
        "vllm_max_model_length=3072,",
    ):
        assert f"    {line}\n" in script, line
    assert "Install: pip install 'trl[vllm]' peft datasets 'transformers>=5.2' flash-attn" in script
    # Axolotl 0.19.0 passes colocate mode no max_model_len: its file keeps generate, and says so.
    text = configs.axolotl_yaml(numbers)
    assert yaml.safe_load(text)["trl"]["use_vllm"] is False
    assert "# Generates with Hugging Face generate (use_vllm: false), slower than train.py," in text
    # Generate where the plan's row does: no vLLM keys at all.
    plain = configs.trl_script({**numbers, "vllm_gpu_memory_utilization": None})
    assert "vllm" not in plain
