"""Qwen3.5, the hybrid models: their shapes as their config.json files give them, what the
estimator counts for a model whose layers are mostly linear attention, and the configs that
train their language model alone, in bf16.

Shapes: config.json's text_config of Qwen/Qwen3.5-4B, -9B and -27B, as THUDM/slime's
scripts/models/qwen3.5-{4B,9B,27B}.sh (commit 624b824) hard-code them (layers, hidden, ffn,
heads, KV groups, head_dim, vocabulary; --untie-embeddings-and-output-weights for 9B and 27B
only), transformers' Qwen3_5TextConfig defaults (the 9B), the 9B and 27B cards' Gated DeltaNet
heads (16 for QK; 32 for V in the 9B, 48 in the 27B) and copies of the config.json files (the
4B's 32 V heads)."""

import ast
import re

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from app.training import configs, estimator
from app.training.estimator import Architecture, LinearAttention, Workload, lora_params
from app.training.gpus import GPUS
from app.training.models import MODELS, MODELS_BY_KEY
from app.training.plan import PLAN_GPUS, build_plan, localize
from tests.training.test_training_configs import KEYS, attribute_calls, calls, config_call
from tests.training.test_training_plan import PROFILE, snapshot
from tests.unit.decision_cases import CUSTOMER_SERVICE_BOT

# (layers, hidden, intermediate, heads, KV heads, head_dim, linear key heads, linear value
# heads, linear key/value head size, conv kernel, tied, context)
CONFIG = {
    "qwen3.5-4b": (32, 2560, 9216, 16, 4, 256, 16, 32, 128, 4, True, 262_144),
    "qwen3.5-9b": (32, 4096, 12288, 16, 4, 256, 16, 32, 128, 4, False, 262_144),
    "qwen3.5-27b": (64, 5120, 17408, 24, 4, 256, 16, 48, 128, 4, False, 262_144),
}
VOCAB = 248_320
# The language model's parameters, counted from the shape in
# test_the_language_model_parameters_by_hand, in billions to two decimals.
PARAMS_B = {"qwen3.5-4b": 4.21, "qwen3.5-9b": 8.95, "qwen3.5-27b": 26.9}


def config_shape(key: str) -> Architecture:
    """The estimator's shape of `key`, from CONFIG alone."""
    layers, hidden, ffn, heads, kv, head, lk, lv, ld, kernel, tied, _ = CONFIG[key]
    return Architecture(
        PARAMS_B[key],
        layers,
        hidden,
        ffn,
        VOCAB,
        VOCAB * hidden * (1 if tied else 2) / 1e9,
        kv * head,
        attention_heads=heads,
        head_dim=head,
        attention_gate=True,
        linear=LinearAttention(layers - layers // 4, lk, lv, ld, ld, kernel),
    )


@pytest.mark.parametrize("key", list(CONFIG))
def test_the_rows_have_the_config_json_shapes(key) -> None:
    layers, hidden, ffn, heads, kv, head, lk, lv, ld, kernel, tied, context = CONFIG[key]
    model = MODELS_BY_KEY[key]
    shape = model.architecture
    assert shape == config_shape(key)
    assert (shape.layers, shape.hidden, shape.ffn, shape.vocab) == (layers, hidden, ffn, VOCAB)
    assert (shape.attention_heads, shape.head_dim, shape.kv) == (heads, head, kv * head)
    assert shape.attention_gate is True
    lin = shape.linear
    assert (lin.key_heads, lin.value_heads, lin.key_dim, lin.value_dim) == (lk, lv, ld, ld)
    assert lin.conv_kernel == kernel
    # full_attention_interval 4: layers 3, 7, 11, ... attend, the other three of four are linear.
    assert (shape.attention_layers, lin.layers) == (layers // 4, layers * 3 // 4)
    assert shape.embedding_params_b == pytest.approx(VOCAB * hidden * (1 if tied else 2) / 1e9)
    assert model.context == context
    assert (model.licence, model.open_licence) == ("Apache-2.0", True)
    assert model.licence_url == f"https://huggingface.co/Qwen/{model.name}/blob/main/LICENSE"
    assert model.card == f"https://huggingface.co/Qwen/{model.name}"
    assert model.hf_id == f"Qwen/{model.name}"
    assert model.multilingual_cjk and model.reasoning and model.qlora_advised_against
    assert model.languages.msgid == "201 languages and dialects"
    assert model.model_type == "qwen3_5"
    assert model.checked_on == "2026-12-07"
    # The same-size Qwen3 it falls back to where bf16 LoRA does not fit (QLoRA does).
    alternative = MODELS_BY_KEY[model.qlora_alternative]
    assert (alternative.name[:6], alternative.size) == ("Qwen3-", model.size)
    assert not alternative.qlora_advised_against


def test_the_language_model_parameters_by_hand() -> None:
    # A Gated DeltaNet layer (h hidden, Kd = 16 x 128 = 2048 key width, Vd value width, nv value
    # heads): in_proj_qkv h x (2 Kd + Vd), in_proj_z h x Vd, in_proj_b and in_proj_a h x nv,
    # the depthwise convolution (2 Kd + Vd) x 4, dt_bias and A_log nv each, the gated norm 128,
    # out_proj Vd x h. An attention layer: q_proj h x 2 x heads x 256 (queries and gate), k_proj
    # and v_proj h x 1024, o_proj heads x 256 x h, q_norm and k_norm 256 each. Every layer: the
    # MLP 3 x h x ffn and two norms of h. Then the embedding (and an untied head) and the final
    # norm. Vision tower and MTP head left out.
    # 4B: GDN 2560*8192 + 2560*4096 + 2*2560*32 + 8192*4 + 64 + 128 + 4096*2560 = 42,139,840;
    # attention 2560*8192 + 2*2560*1024 + 4096*2560 + 512 = 36,700,672; MLP 70,778,880.
    four = 24 * (42_139_840 + 70_778_880 + 5_120) + 8 * (36_700_672 + 70_778_880 + 5_120)
    four += 248_320 * 2560 + 2560
    assert four == 4_205_751_296
    # 9B: GDN 4096*12288 + 4096*4096 + 2*4096*32 + 8192*4 + 64 + 128 + 4096*4096 = 67,403,968;
    # attention 4096*8192 + 2*4096*1024 + 4096*4096 + 512 = 58,720,768; MLP 150,994,944.
    nine = 24 * (67_403_968 + 150_994_944 + 8_192) + 8 * (58_720_768 + 150_994_944 + 8_192)
    nine += 2 * 248_320 * 4096 + 4096
    assert nine == 8_953_803_264
    # 27B: GDN 5120*10240 + 5120*6144 + 2*5120*48 + 10240*4 + 96 + 128 + 6144*5120 = 115,876,064;
    # attention 5120*12288 + 2*5120*1024 + 6144*5120 + 512 = 104,858,112; MLP 267,386,880.
    big = 48 * (115_876_064 + 267_386_880 + 10_240) + 16 * (104_858_112 + 267_386_880 + 10_240)
    big += 2 * 248_320 * 5120 + 5120
    assert big == 26_895_998_464
    for key, count in (("qwen3.5-4b", four), ("qwen3.5-9b", nine), ("qwen3.5-27b", big)):
        assert PARAMS_B[key] == round(count / 1e9, 2), key
    # The 9B checkpoint (19,306,216,416 bytes in BF16) holds 9,653,108,208 parameters: these
    # 8.95B plus the vision tower and the MTP head the text model does not load.
    assert 9_653_108_208 - nine == pytest.approx(0.70e9, abs=0.01e9)


def work(key, **changes) -> Workload:
    base = {
        "params_b": PARAMS_B[key],
        "method": "lora",
        "gpu": GPUS["a100-80gb"],
        "seq_len": 2048,
        "architecture": config_shape(key),
    }
    return Workload(**(base | changes))


def test_hybrid_attention_and_deltanet_flops_by_hand() -> None:
    # 9B at 2,048 tokens, gradient checkpointing: causal attention in its 8 full-attention layers
    # at the queries' width, 16 heads x 256 = 4,096: 9 x 8 x 2,048 x 4,096.
    softmax = 9 * 8 * 2048 * 4096
    assert softmax == 603_979_776
    # A Gated DeltaNet layer, forward, a token: 32 value heads x (6 x 128 x 128 + 64 x (6 x 128
    # + 4 x 128) + 64^2 / 3) plus the convolution, 2 x 4 x (2 x 2,048 + 4,096).
    per_head = 6 * 128 * 128 + 64 * (6 * 128 + 4 * 128) + 64 * 64 / 3
    layer = 32 * per_head + 2 * 4 * 8192
    assert layer == pytest.approx(5_876_394.667, abs=1e-3)
    shape = config_shape("qwen3.5-9b")
    assert shape.linear.forward_flops_per_token() == pytest.approx(layer, rel=1e-12)
    # Training: forward, recomputed forward and a backward of twice the forward, 24 layers.
    assert estimator.attention_flops_per_token(work("qwen3.5-9b")) == pytest.approx(
        softmax + 4 * 24 * layer, rel=1e-12
    )
    # Without checkpointing: 7 x and 3 x; a DPO reference forward adds 2 x and 1 x.
    off = work("qwen3.5-9b", gradient_checkpointing=False)
    assert estimator.attention_flops_per_token(off) == pytest.approx(
        7 * 8 * 2048 * 4096 + 3 * 24 * layer, rel=1e-12
    )
    dpo = work("qwen3.5-9b", reference_forward=True)
    assert estimator.attention_flops_per_token(dpo) == pytest.approx(
        11 * 8 * 2048 * 4096 + 5 * 24 * layer, rel=1e-12
    )
    # The recurrence grows with the sequence linearly: doubling it doubles the softmax part only.
    long = estimator.attention_flops_per_token(work("qwen3.5-9b", seq_len=4096))
    assert long == pytest.approx(2 * softmax + 4 * 24 * layer, rel=1e-12)
    # A forward pass (prefill, decode, an eval's loss): 2 a parameter, 2 x full layers x context
    # x query width, and one forward recurrence a Gated DeltaNet layer.
    assert estimator.forward_flops_per_token(work("qwen3.5-9b"), 1000) == pytest.approx(
        2 * 8.95e9 + 2 * 8 * 1000 * 4096 + 24 * layer, rel=1e-12
    )


def test_hybrid_kv_cache_and_state_by_hand() -> None:
    nine = config_shape("qwen3.5-9b")
    big = config_shape("qwen3.5-27b")
    # A key and a value of 4 x 256 BF16 values, in the full-attention layers only.
    assert estimator.kv_bytes_per_token(nine) == 2 * 8 * 1024 * 2 == 32_768
    assert estimator.kv_bytes_per_token(big) == 2 * 16 * 1024 * 2 == 65_536
    # Each Gated DeltaNet layer: value heads x 128 x 128 FP32, and the convolution's last 4
    # inputs of 2 x 2,048 + value width channels in BF16.
    assert estimator.recurrent_state_bytes(nine) == 24 * (32 * 128 * 128 * 4 + 8192 * 4 * 2)
    assert estimator.recurrent_state_bytes(nine) == 51_904_512
    assert estimator.recurrent_state_bytes(big) == 48 * (48 * 128 * 128 * 4 + 10240 * 4 * 2)
    # Generating 32 sequences of 2,000 tokens: the cache of every token and each sequence's state.
    w = work("qwen3.5-9b")
    parts = estimator.memory_parts(w)
    held = (
        parts["weights"]
        + parts["trainable_state"]
        + (32 * 2000 * 32_768 + 32 * 51_904_512 + 32 * 248_320 * 4) / estimator.GIB
    )
    expected = held * (1 + estimator.FRAGMENTATION) + estimator.CUDA_OVERHEAD_GIB
    assert estimator.generation_memory(w, 32, 2000) == pytest.approx(expected, rel=1e-12)


def test_hybrid_lora_parameters_by_hand() -> None:
    # 9B, rank 16. Attention layer: q 4,096 -> 8,192 (gate), k and v 4,096 -> 1,024, o 4,096
    # -> 4,096. GDN layer: in_proj_qkv 4,096 -> 8,192, in_proj_z 4,096 -> 4,096, out_proj
    # 4,096 -> 4,096. MLP: gate and up 4,096 -> 12,288, down 12,288 -> 4,096.
    attention = (4096 + 8192) + 2 * (4096 + 1024) + (4096 + 4096)
    deltanet = (4096 + 8192) + (4096 + 4096) + (4096 + 4096)
    mlp = 2 * (4096 + 12288) + (12288 + 4096)
    nine = 16 * (8 * (attention + mlp) + 24 * (deltanet + mlp))
    assert nine == 40_108_032
    assert lora_params(config_shape("qwen3.5-9b"), 16) == nine
    # 27B: q 5,120 -> 12,288, o 6,144 -> 5,120; in_proj_qkv 5,120 -> 10,240, in_proj_z and
    # out_proj 6,144 wide.
    attention = (5120 + 12288) + 2 * (5120 + 1024) + (6144 + 5120)
    deltanet = (5120 + 10240) + (5120 + 6144) + (6144 + 5120)
    mlp = 2 * (5120 + 17408) + (17408 + 5120)
    assert lora_params(config_shape("qwen3.5-27b"), 8) == 8 * (
        16 * (attention + mlp) + 48 * (deltanet + mlp)
    )


@pytest.mark.parametrize(
    "model", [m for m in MODELS if m.architecture.linear is None], ids=lambda m: m.key
)
def test_every_other_model_is_counted_as_before(model) -> None:
    # The dense formulas, written out: the hybrid terms never touch a model without them.
    shape = model.architecture
    d, kv, f, n = shape.hidden, shape.kv, shape.ffn, shape.layers
    assert (shape.attention_layers, shape.q_width) == (n, d)
    assert lora_params(shape, 16) == 16 * n * (2 * (d + d) + 2 * (d + kv) + 2 * (d + f) + (f + d))
    assert estimator.kv_bytes_per_token(shape) == 2 * n * kv * 2
    assert estimator.recurrent_state_bytes(shape) == 0
    w = Workload(model.params_b, "lora", GPUS["a100-80gb"], seq_len=1536, architecture=shape)
    if shape.sliding_window is None:
        assert estimator.attention_flops_per_token(w) == 9 * n * 1536 * d
    else:
        # Gemma 3's sliding layers attend to 1,024 keys at most: 2 x 1,024 - 1,024^2 / 1,536
        # in place of 1,536 (test_training_sliding_window.py).
        sliding, windowed = shape.sliding_layers, 2 * 1024 - 1024 * 1024 / 1536
        expected = 9 * ((n - sliding) * 1536 + sliding * windowed) * d
        assert estimator.attention_flops_per_token(w) == pytest.approx(expected, rel=1e-12)
    params = (shape.active_params_b or shape.params_b) * 1e9
    assert estimator.forward_flops_per_token(w, 700) == 2 * params + 2 * n * 700 * d


# --- The configs for a Qwen3.5 model ----------------------------------------------------------


def qwen35_numbers(method: str, model: str = "Qwen/Qwen3.5-9B") -> dict:
    return {
        "method": method,
        "model": model,
        "family": "qwen",
        "model_type": "qwen3_5",
        "seq_len": 1024,
        "lora_r": 16,
        "lora_alpha": 32,
        "learning_rate": 2e-4,
        "sft_learning_rate": 2e-4,
        "epochs": 2,
        "micro_batch": 2,
        "grad_accum": 8,
        "eval_cases": 285,
        "qlora": False,
    }


GENERATIVE = ["lora_sft", "distillation", "preference_tuning", "reinforcement_fine_tuning"]
SUPERVISED = {"lora_sft", "distillation"}


@pytest.mark.parametrize("method", GENERATIVE)
def test_qwen35_axolotl_configs_use_real_keys_its_examples_settings_and_no_4bit(method) -> None:
    files = configs.generate(qwen35_numbers(method))
    yamls = [files["axolotl"]] + ([files["axolotl_sft"]] if files["axolotl_sft"] else [])
    assert len(yamls) == (2 if method == "preference_tuning" else 1)
    for generated in yamls:
        text = generated["text"]
        config = yaml.safe_load(text)
        assert set(config) <= set(KEYS["axolotl"]["top_level"])
        for dataset in config["datasets"] + config["test_datasets"]:
            assert set(dataset) <= set(KEYS["axolotl"]["dataset"])
        assert config["lora_target_modules"] == configs.QWEN35_TARGET_MODULES
        assert config["chat_template"] == "qwen3_5"
        assert config["attn_implementation"] == "flash_attention_2"
        assert "flash_attention" not in config
        assert (config["adapter"], config["load_in_4bit"]) == ("lora", False)
        supervised = "rl" not in config
        assert supervised == (method in SUPERVISED or generated is files["axolotl_sft"])
        # The Cut Cross Entropy plugin and flash-linear-attention where Axolotl's examples have
        # them: supervised configs, which pack their sequences.
        assert config.get("plugins") == (configs.QWEN35_AXOLOTL_PLUGINS if supervised else None)
        assert config.get("sample_packing", False) is supervised
        # Said in the file that packs, and only there (not in DPO's second stage, nor GRPO's).
        assert ("flash-linear-attention==0.4.1" in text) is supervised
        assert ("Cut Cross Entropy" in text) is supervised


@pytest.mark.parametrize("method", GENERATIVE)
def test_qwen35_trl_script_loads_the_text_model_with_real_keys(method) -> None:
    text = configs.generate(qwen35_numbers(method))["trl"]["text"]
    tree = ast.parse(text)
    allowed = KEYS["trl"]
    for name, keywords in calls(tree).items():
        if name in ("SFTConfig", "DPOConfig", "GRPOConfig"):
            assert keywords <= set(allowed[name]) | set(allowed["TrainingArguments"]), name
            # The script loads the model itself: no model_init_kwargs for a trainer to ignore.
            assert "model_init_kwargs" not in keywords
        elif name in allowed:
            assert keywords <= set(allowed[name]), name
    loads = attribute_calls(tree)
    assert loads["AutoModelForCausalLM.from_pretrained"] == {"dtype", "attn_implementation"}
    assert loads["AutoModelForCausalLM.from_pretrained"] <= set(
        allowed["AutoModelForCausalLM.from_pretrained"]
    )
    trainers = [n for n in ("SFTTrainer", "DPOTrainer", "GRPOTrainer") if n in calls(tree)]
    assert (
        trainers
        == {
            "lora_sft": ["SFTTrainer"],
            "distillation": ["SFTTrainer"],
            "preference_tuning": ["SFTTrainer", "DPOTrainer"],
            "reinforcement_fine_tuning": ["GRPOTrainer"],
        }[method]
    )
    for trainer in trainers:
        call = config_call(text, trainer)
        assert call["processing_class"] == "tokenizer", trainer
        assert call["model"].startswith("text_model("), trainer
    lora = config_call(text, "LoraConfig")
    assert lora["target_modules"] == configs.QWEN35_TARGET_MODULES
    assert "BitsAndBytesConfig" not in text and "load_in_4bit" not in text
    install = next(line for line in text.splitlines() if line.startswith("Install:"))
    assert "'trl>=1.5'" in install and "'transformers>=5.2'" in install
    assert ("flash-linear-attention==0.4.1" in text) is configs.packs(method)
    # The TRL script installs causal-conv1d where it packs: transformers 5.20 and later raise on
    # packed Qwen3.5 sequences without it (run with transformers 5.25.0: "causal_conv1d_fn can't
    # keep packed sequences apart without causal-conv1d"). Axolotl's README removes it for the
    # older transformers Axolotl pins; the script never does.
    assert ("pip install causal-conv1d flash-linear-attention==0.4.1" in text) is configs.packs(
        method
    )
    assert "uninstall" not in text
    if method in SUPERVISED:
        # TRL (1.5.0 and later) has the training copy of Qwen3.5's chat template.
        assert config_call(text, "SFTConfig")["assistant_only_loss"] is True


def module_shapes(shape, prefix: str) -> dict[str, tuple[int, int]]:
    """Every Linear module of a Qwen3.5 text model, name -> (inputs, outputs), as
    transformers' modular_qwen3_5.py builds them, under `prefix`."""
    d, f, lin = shape.hidden, shape.ffn, shape.linear
    modules = {}
    for i in range(shape.layers):
        layer = f"{prefix}layers.{i}."
        if i % 4 == 3:
            q = shape.attention_heads * shape.head_dim
            modules |= {
                layer + "self_attn.q_proj": (d, 2 * q),
                layer + "self_attn.k_proj": (d, shape.kv),
                layer + "self_attn.v_proj": (d, shape.kv),
                layer + "self_attn.o_proj": (q, d),
            }
        else:
            modules |= {
                layer + "linear_attn.in_proj_qkv": (d, lin.conv_width),
                layer + "linear_attn.in_proj_z": (d, lin.value_width),
                layer + "linear_attn.in_proj_b": (d, lin.value_heads),
                layer + "linear_attn.in_proj_a": (d, lin.value_heads),
                layer + "linear_attn.out_proj": (lin.value_width, d),
            }
        modules |= {
            layer + "mlp.gate_proj": (d, f),
            layer + "mlp.up_proj": (d, f),
            layer + "mlp.down_proj": (f, d),
        }
    return modules


# The vision tower's and the MTP head's Linear modules in the full checkpoint
# (Qwen3_5ForConditionalGeneration: model.visual.*, from Qwen3-VL's vision model; mtp.* is
# skipped by the text model but present in the checkpoint), the output head and the embedding.
NOT_LANGUAGE = [
    "model.visual.patch_embed.proj",
    "model.visual.blocks.0.attn.qkv",
    "model.visual.blocks.0.attn.proj",
    "model.visual.blocks.26.mlp.linear_fc1",
    "model.visual.blocks.26.mlp.linear_fc2",
    "model.visual.merger.linear_fc1",
    "model.visual.merger.linear_fc2",
    "mtp.fc",
    "mtp.layers.0.self_attn.q_proj",
    "mtp.layers.0.mlp.gate_proj",
    "lm_head",
    "model.language_model.embed_tokens",
]


@pytest.mark.parametrize("key", list(CONFIG))
def test_the_lora_regex_targets_the_language_model_and_what_the_estimator_counts(key) -> None:
    shape = config_shape(key)
    for prefix in ("model.", "model.language_model."):  # text model, full checkpoint
        modules = module_shapes(shape, prefix)
        targeted = {n for n in modules if re.fullmatch(configs.QWEN35_TARGET_MODULES, n)}
        # Everything but in_proj_b and in_proj_a (one output a value head: nothing to adapt).
        assert targeted == {n for n in modules if not n.endswith(("in_proj_b", "in_proj_a"))}
        assert sum(16 * sum(modules[n]) for n in targeted) == lora_params(shape, 16)
    for name in NOT_LANGUAGE:
        assert not re.fullmatch(configs.QWEN35_TARGET_MODULES, name), name


# --- The plan: Qwen3.5 or Qwen3, and never 4-bit --------------------------------------------

QWEN35_KEYS = set(CONFIG)


def plan_for(method="lora_sft", profile=PROFILE, **answers):
    return build_plan(
        {**CUSTOMER_SERVICE_BOT, **answers}, snapshot("fine_tune", method=method), profile
    )


@given(
    example_count=st.sampled_from(["none", "under_100", "100_to_1k", "over_1k"]),
    latency=st.sampled_from(["relaxed", "interactive", "realtime"]),
    volume=st.sampled_from(["low", "medium", "high"]),
    method=st.sampled_from(
        ["lora_sft", "distillation", "preference_tuning", "reinforcement_fine_tuning"]
    ),
    script=st.sampled_from([None, "latin", "han"]),
)
@settings(max_examples=80, deadline=None)
def test_no_qwen35_row_is_ever_qlora(example_count, latency, volume, method, script) -> None:
    profile = None if script is None else {**PROFILE, "edge_cases": {"main_script": script}}
    team = {"example_count": example_count, "latency_need": latency, "volume": volume}
    plan = plan_for(method, profile, **team)
    leads_qwen35 = plan["candidates"][0]["key"] in QWEN35_KEYS
    for candidate in plan["candidates"]:
        if candidate["key"] not in QWEN35_KEYS:
            continue
        for row in candidate["compute"]:
            assert row["method"] == "lora", (candidate["key"], row["gpu"])
            said = " ".join(text["en"] for text in row["assumptions"])
            high_fits = row["memory_gb"]["high"] <= row["gpu_memory_gb"]
            # Where bf16 LoRA's high end is over the card: does not fit, and says why.
            assert ("advises against QLoRA for Qwen3.5" in said) is not high_fits
            if not high_fits:
                assert row["fits"] is False
        # Offered only where it fits some plan GPU; where it misses one, each row it misses names
        # the candidates that fit that card, or says none does, and its Qwen3 comes right after
        # it only if it fits such a card.
        fits = [row["fits"] for row in candidate["compute"]]
        assert any(fits)
        keys = [c["key"] for c in plan["candidates"]]
        alternative = MODELS_BY_KEY[candidate["key"]].qlora_alternative
        for i, row in enumerate(candidate["compute"]):
            if row["fits"]:
                continue
            others = [
                c["name"]
                for c in plan["candidates"]
                if c is not candidate and c["compute"][i]["fits"]
            ]
            last = row["assumptions"][-1]["en"]
            assert (
                last.startswith(f"For that card this plan offers {others[0]}")
                if others
                else last == f"No model this plan offers fits the {row['gpu_name']}."
            )
        if alternative in keys and keys.index(alternative) == keys.index(candidate["key"]) + 1:
            rows = plan["candidates"][keys.index(alternative)]["compute"]
            assert any(
                not mine["fits"] and theirs["fits"]
                for mine, theirs in zip(candidate["compute"], rows, strict=True)
            )
    # The configs of a Qwen3.5 lead: bf16, its text model, its regex.
    trl = plan["configs"]["trl"]["text"]
    if leads_qwen35:
        assert "BitsAndBytesConfig" not in trl
        assert "load_in_4bit: false" in plan["configs"]["axolotl"]["text"]
        assert "text_model(" in trl and configs.QWEN35_TARGET_MODULES in trl
        config = yaml.safe_load(plan["configs"]["axolotl"]["text"])
        assert config["lora_target_modules"] == configs.QWEN35_TARGET_MODULES
        assert set(config) <= set(KEYS["axolotl"]["top_level"])
    # Chinese text is never offered a model not trained for it.
    if script == "han":
        assert all(MODELS_BY_KEY[c["key"]].multilingual_cjk for c in plan["candidates"])


def test_qwen35_9b_leads_with_qwen3_8b_for_the_24_gb_card() -> None:
    plan = plan_for()
    assert [c["key"] for c in plan["candidates"]] == ["qwen3.5-9b", "qwen3-8b", "llama-3.1-8b"]
    lead, qwen3 = plan["candidates"][:2]
    # bf16 LoRA's high end at micro-batch 2 (the training split's 708,750 tokens are 553
    # sequences of 1,280: 18 a step, 2 x 9), 36.1 GB, is over the RTX 4090's 24, and at
    # micro-batch 1, 30.5: no QLoRA for it.
    card = lead["compute"][0]
    assert (card["gpu"], card["method"], card["fits"]) == ("rtx4090-24gb", "lora", False)
    assert (card["micro_batch"], card["grad_accum"]) == (2, 9)
    assert card["memory_gb"]["high"] == 36.1
    assert [r["fits"] for r in lead["compute"]] == [False, True, True]
    assert [r["gpu"] for r in lead["compute"]] == list(PLAN_GPUS)
    said = localize(plan, "en")
    assert said["candidates"][0]["compute"][0]["assumptions"][-2] == (
        "Qwen3.5-9B does not fit the NVIDIA GeForce RTX 4090 24GB: its bf16 LoRA needs up to "
        "36.1 GB of its 24 GB, and it is not trained in 4-bit, as Unsloth advises against QLoRA "
        "for Qwen3.5 (the quantisation error is larger than usual)."
    )
    assert said["candidates"][0]["compute"][0]["assumptions"][-1] == (
        "For that card this plan offers Qwen3-8B and Llama 3.1 8B Instruct, which fit it."
    )
    assert localize(plan, "zh")["candidates"][0]["compute"][0]["assumptions"][-2:] == [
        "Qwen3.5-9B 在 NVIDIA GeForce RTX 4090 24GB 上放不下：它的 bf16 LoRA 最多需要 36.1 GB，"
        "而这张卡只有 24 GB；它也不用 4 位训练，因为 Unsloth 不建议对 Qwen3.5 做 QLoRA（量化误差比"
        "通常更大）。",
        "这张卡可以用本方案提供的 Qwen3-8B、Llama 3.1 8B Instruct。",
    ]
    assert said["candidates"][1]["why"] == [
        "For the NVIDIA GeForce RTX 4090 24GB, where Qwen3.5-9B's bf16 LoRA does not fit: "
        "Qwen3-8B fits there, as it needs less memory and may also be trained in 4-bit (QLoRA), "
        "which Unsloth advises against for Qwen3.5."
    ]
    assert (qwen3["compute"][0]["method"], qwen3["compute"][0]["fits"]) == ("qlora", True)
    # The plan's numbers: never QLoRA for the lead, its text model's configs.
    assert "'transformers>=5.2'" in plan["configs"]["trl"]["text"]
    targets = next(s for s in said["settings"] if s["key"] == "lora_target_modules")
    assert targets["value"].endswith("linear attention: in_proj_qkv, in_proj_z, out_proj")


def test_a_qwen3_that_does_not_fit_the_card_either_is_not_offered_for_it() -> None:
    # 7,168-token sequences (a measured 95th percentile of 7,000): Qwen3.5-9B's bf16 LoRA is
    # over the RTX 4090, and so is Qwen3-8B's QLoRA, even at micro-batch 1 (the estimator's
    # high end, whatever the tokens, epochs and accumulation). The plan offered it "for the
    # GPUs where Qwen3.5-9B's bf16 LoRA does not fit" all the same.
    qwen3 = MODELS_BY_KEY["qwen3-8b"]
    smallest = estimator.estimate(
        Workload(
            qwen3.params_b,
            "qlora",
            GPUS["rtx4090-24gb"],
            seq_len=7168,
            micro_batch=1,
            grad_accum=1,
            tokens=7168,
            epochs=1,
            lora_rank=8,
            architecture=qwen3.architecture,
        )
    )
    assert smallest.memory_gb.high > 24
    long = {
        **PROFILE,
        "valid": 500,
        "tokens": {**PROFILE["tokens"], "p95": 7_000, "max": 9_500, "total": 2_600_000},
    }
    plan = localize(build_plan(CUSTOMER_SERVICE_BOT, snapshot("fine_tune"), long), "en")
    assert plan["tokens"]["seq_len"] == 7168
    keys = [c["key"] for c in plan["candidates"]]
    assert keys[0] == "qwen3.5-9b" and "qwen3-8b" not in keys
    assert not [w for c in plan["candidates"] for w in c["why"] if w.startswith("For the")]
    cards = [c["compute"][0] for c in plan["candidates"]]
    assert [r["fits"] for r in cards] == [False] * len(cards)
    assert cards[0]["assumptions"][-1] == (
        "No model this plan offers fits the NVIDIA GeForce RTX 4090 24GB."
    )
    assert plan["alternatives"] == []


def test_a_qwen35_that_fits_no_plan_gpu_gives_way_to_its_qwen3() -> None:
    # Large, from the answers alone (2,048-token sequences, micro-batch 2): Qwen3.5-27B's bf16
    # LoRA reaches more than 80 GB, so Qwen3-14B, which QLoRA fits on a 24 GB card, leads.
    plan = plan_for(profile=None, latency_need="relaxed", volume="low")
    assert plan["candidates"][0]["key"] == "qwen3-14b"
    assert not QWEN35_KEYS & {c["key"] for c in plan["candidates"]}
    # The measured 1,280-token sequences fit it on an 80 GB card: it leads, Qwen3-14B after it.
    plan = plan_for(latency_need="relaxed", volume="low")
    keys = [c["key"] for c in plan["candidates"]]
    assert keys[:2] == ["qwen3.5-27b", "qwen3-14b"]
    assert [r["fits"] for r in plan["candidates"][0]["compute"]] == [False, True, True]


def test_a_qwen35_that_fits_every_plan_gpu_comes_alone() -> None:
    plan = plan_for(latency_need="realtime")
    keys = [c["key"] for c in plan["candidates"]]
    assert keys[0] == "qwen3.5-4b" and "qwen3-4b" not in keys
    assert all(r["fits"] and r["method"] == "lora" for r in plan["candidates"][0]["compute"])


@pytest.mark.parametrize("method", GENERATIVE)
def test_qwen35_text_model_docstring_says_what_its_trainers_do(method) -> None:
    # Packing and assistant_only_loss are said only where the script sets them (SFTConfig).
    text = configs.generate(qwen35_numbers(method))["trl"]["text"]
    (function,) = [
        n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef) and n.name == "text_model"
    ]
    loads = (
        "Qwen3.5 is a vision-language checkpoint: AutoModelForCausalLM loads its text\n"
        "model alone (Qwen3_5ForCausalLM skips the vision tower and the MTP head), and\n"
    )
    assert (
        ast.get_docstring(function)
        == loads
        + {
            "lora_sft": "the trainer gets its tokenizer, not the processor, so that TRL packs the\n"
            "sequences and applies its training chat template (assistant_only_loss).",
            "distillation": "the trainer gets its tokenizer, not the processor, so that TRL packs the\n"
            "sequences and applies its training chat template (assistant_only_loss).",
            "preference_tuning": "both trainers get its tokenizer, not the processor TRL would load "
            "for it,\nso that TRL treats it as a text model and stage 1 packs its sequences.",
            "reinforcement_fine_tuning": "the trainer gets its tokenizer, not the processor TRL would "
            "load for it:\nthe prompts are text.",
        }[method]
    )
    sft = config_call(text, "SFTConfig") if method != "reinforcement_fine_tuning" else {}
    assert sft.get("packing", False) is (method != "reinforcement_fine_tuning")
    assert sft.get("assistant_only_loss", False) is (method in SUPERVISED)
