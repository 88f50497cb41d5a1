"""Gemma 3's sliding-window (local) attention layers: their KV cache holds at most the window
(estimator module docstring, "Sliding-window attention"); every other model is counted as before."""

import pytest

from app.training import estimator
from app.training.estimator import Workload
from app.training.gpus import GPUS
from app.training.models import MODELS, MODELS_BY_KEY

A100 = GPUS["a100-80gb"]
GEMMA = [m for m in MODELS if m.key.startswith("gemma-3")]
OTHERS = [m for m in MODELS if not m.key.startswith("gemma-3")]


def layer_types(layers: int, pattern: int = 6) -> list[str]:
    """transformers' Gemma3TextConfig when config.json gives no layer_types: layer i (0-based) is
    "sliding_attention" unless i + 1 is a multiple of sliding_window_pattern (6)."""
    return ["sliding_attention" if (i + 1) % pattern else "full_attention" for i in range(layers)]


def test_gemma3_shapes_follow_the_config_pattern() -> None:
    # 4B: 34 layers, the 6th, 12th, 18th, 24th and 30th global: 29 sliding. 12B: 48 layers,
    # every 6th of them global: 40 sliding. Window 1,024 (convert_gemma3_weights.py, 4B-27B).
    assert [m.key for m in GEMMA] == ["gemma-3-4b", "gemma-3-12b"]
    for model, sliding in (("gemma-3-4b", 29), ("gemma-3-12b", 40)):
        shape = MODELS_BY_KEY[model].architecture
        assert shape.sliding_layers == layer_types(shape.layers).count("sliding_attention")
        assert shape.sliding_layers == sliding
        assert shape.sliding_window == 1024


def test_gemma3_kv_cache_by_hand() -> None:
    # Gemma 3 12B: 48 layers, 8 KV heads x head_dim 256 = 2,048 wide, BF16 (2 B): a key and a
    # value of one token in one layer = 2 x 2,048 x 2 = 8,192 B. At 1,399 tokens the 8 global
    # layers hold 1,399 tokens and the 40 sliding ones their 1,024-token window:
    # 8,192 x (8 x 1,399 + 40 x 1,024) = 8,192 x 52,152 = 427,229,184 B a sequence, where every
    # layer at full length held 8,192 x 48 x 1,399 = 550,109,184 B (28.8% more).
    twelve = MODELS_BY_KEY["gemma-3-12b"].architecture
    assert estimator.kv_cache_bytes(twelve, 1399) == 8192 * (8 * 1399 + 40 * 1024) == 427_229_184
    assert 1399 * estimator.kv_bytes_per_token(twelve) == 550_109_184
    # 32 sequences: 13,671,333,888 B = 12.7324 GiB (16.3945 GiB at full length).
    assert 32 * estimator.kv_cache_bytes(twelve, 1399) / 2**30 == pytest.approx(12.7324, abs=1e-4)
    # Gemma 3 4B: 34 layers, 4 KV heads x 256 = 1,024 wide: 2 x 1,024 x 2 = 4,096 B a token and
    # layer; 5 global layers at 1,399 tokens and 29 sliding ones at 1,024:
    # 4,096 x (5 x 1,399 + 29 x 1,024) = 4,096 x 36,691 = 150,286,336 B.
    four = MODELS_BY_KEY["gemma-3-4b"].architecture
    assert estimator.kv_cache_bytes(four, 1399) == 4096 * (5 * 1399 + 29 * 1024) == 150_286_336
    # Within the window every layer holds every token: 34 x 1,000 x 4,096 = 139,264,000 B.
    assert estimator.kv_cache_bytes(four, 1000) == 34 * 1000 * 4096 == 139_264_000


def test_gemma3_generation_memory_by_hand() -> None:
    # Gemma 3 12B, LoRA rank 16 on an A100, 32 sequences of 1,399 tokens:
    # weights 12.2e9 x 2 B = 24.4e9 B; LoRA per layer 16 x (2 x (3,840 + 3,840) + 2 x (3,840 +
    # 2,048) + 2 x (3,840 + 15,360) + (15,360 + 3,840)) = 16 x 84,736 = 1,355,776, x 48 layers
    # = 65,077,248, x 16 B = 1,041,235,968 B; KV cache 32 x 427,229,184 = 13,671,333,888 B;
    # scores 32 x 262,144 x 4 B = 33,554,432 B. Held 39,146,124,288 B = 36.4577 GiB, x 1.1
    # fragmentation + 1 GiB = 41.1034 GiB (45.1 with every layer's cache at full length).
    model = MODELS_BY_KEY["gemma-3-12b"]
    work = Workload(model.params_b, "lora", A100, lora_rank=16, architecture=model.architecture)
    held = (24.4e9 + 1_041_235_968 + 13_671_333_888 + 33_554_432) / 2**30
    assert held == pytest.approx(36.4577, abs=1e-4)
    memory = estimator.generation_memory(work, 32, 1399)
    assert memory == pytest.approx(held * 1.1 + 1, rel=1e-12)
    assert memory == pytest.approx(41.1034, abs=1e-4)


@pytest.mark.parametrize("model", GEMMA, ids=lambda m: m.key)
def test_sliding_cache_never_exceeds_the_full_cache(model) -> None:
    shape = model.architecture
    window = shape.sliding_window
    for tokens in (1, 2, 100, 512, window - 1, window, window + 1, 1399, 4096, 32_768, 131_072):
        full = tokens * estimator.kv_bytes_per_token(shape)
        sliding = estimator.kv_cache_bytes(shape, tokens)
        assert sliding <= full
        if tokens <= window:
            assert sliding == full
        else:
            assert sliding < full
        # One more token never holds less, and past the window only the global layers grow.
        grown = estimator.kv_cache_bytes(shape, tokens + 1) - sliding
        per_layer = 2 * shape.kv * estimator.KV_BYTES
        global_layers = shape.layers - shape.sliding_layers
        assert grown == per_layer * (shape.layers if tokens < window else global_layers)


@pytest.mark.parametrize("model", OTHERS, ids=lambda m: m.key)
def test_every_other_model_keeps_its_full_cache(model) -> None:
    # No sliding-window layers: the cache and generation memory of the formula before the
    # window, written out (a cache of sequences x tokens x kv_bytes_per_token), exactly.
    shape = model.architecture
    assert (shape.sliding_layers, shape.sliding_window) == (0, None)
    work = Workload(model.params_b, "lora", A100, lora_rank=16, architecture=shape)
    for sequences, tokens in ((1, 1), (8, 1024), (32, 1399), (16, 4096)):
        assert estimator.kv_cache_bytes(shape, tokens) == tokens * estimator.kv_bytes_per_token(
            shape
        )
        parts = estimator.memory_parts(work)
        cache = sequences * tokens * estimator.kv_bytes_per_token(shape)
        cache += sequences * estimator.recurrent_state_bytes(shape)
        scores = sequences * shape.vocab * 4
        held = parts["weights"] + parts["trainable_state"] + (cache + scores) / estimator.GIB
        expected = held * (1 + estimator.FRAGMENTATION) + estimator.CUDA_OVERHEAD_GIB
        assert estimator.generation_memory(work, sequences, tokens) == expected


def test_gemma3_training_attention_flops_by_hand() -> None:
    # Gemma 3 12B, LoRA with gradient checkpointing (9 x the causal term), hidden 3,840. At
    # 2,048 tokens a sliding layer's token attends to min(position, 1,024) keys, 1,024 - 1,024^2
    # / (2 x 2,048) = 768 on average where a global layer's attends to 1,024: it counts
    # 2 x 768 = 1,536 in place of 2,048. 9 x (8 x 2,048 + 40 x 1,536) x 3,840 = 9 x 77,824 x
    # 3,840 = 2,689,597,440 FLOPs a token, where every layer at full length was 9 x 48 x 2,048 x
    # 3,840 = 3,397,386,240 (20.8% less).
    model = MODELS_BY_KEY["gemma-3-12b"]

    def work(seq: int) -> Workload:
        return Workload(model.params_b, "lora", A100, seq_len=seq, architecture=model.architecture)

    assert estimator.attention_flops_per_token(work(2048)) == 9 * 77_824 * 3840 == 2_689_597_440
    # Within the window nothing is masked away by it: 9 x 48 x 1,024 x 3,840.
    assert estimator.attention_flops_per_token(work(1024)) == 9 * 48 * 1024 * 3840
    assert estimator.attention_flops_per_token(work(900)) == 9 * 48 * 900 * 3840
    # Never more than every layer at full length, and still growing with the sequence.
    previous = 0.0
    for seq in (512, 1024, 1025, 1399, 2048, 4096, 8192, 32_768):
        flops = estimator.attention_flops_per_token(work(seq))
        assert flops <= 9 * 48 * seq * 3840
        assert flops > previous
        previous = flops


@pytest.mark.parametrize("model", OTHERS, ids=lambda m: m.key)
def test_every_other_model_keeps_its_attention_flops(model) -> None:
    shape = model.architecture
    for seq in (512, 1399, 4096):
        w = Workload(model.params_b, "lora", A100, seq_len=seq, architecture=shape)
        if shape.linear is None:
            assert estimator.attention_flops_per_token(w) == 9 * shape.layers * seq * shape.hidden
