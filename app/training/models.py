"""Open-weight base models a plan can start from: size, licence, context, languages, shape.

Dated: sizes, context lengths and licences are as each model card states them on CHECKED_ON.
The shape (layers, hidden size, vocabulary) feeds the estimator, so memory and hours are
worked out for the model itself rather than for a generic one of its size.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from app.decision.text import Text

from .estimator import Architecture, LinearAttention

CHECKED_ON = "2026-12-06"
# Unsloth's Qwen3.5 fine-tuning guide: "It is not recommended to do QLoRA (4-bit) training" on
# Qwen3.5, dense or MoE, "because the quantization differences are larger than usual" (its zh
# page ends the sentence); bf16 LoRA instead (BaseModel.qlora_advised_against).
UNSLOTH_QWEN35_GUIDE = "https://unsloth.ai/docs/models/qwen3.5/fine-tune"
Family = Literal["qwen", "llama", "gemma", "gpt-oss", "mistral", "encoder"]
Size = Literal["small", "medium", "large"]


@dataclass(frozen=True, slots=True)
class BaseModel:
    key: str
    name: str
    hf_id: str
    family: Family
    size: Size  # small <= 4B, medium 7-14B, large above: what latency and cost allow
    architecture: Architecture
    active_params_b: float | None  # mixture-of-experts: parameters used per token
    licence: str
    licence_url: str
    open_licence: bool  # an OSI-style licence (Apache-2.0, MIT) rather than a custom one
    context: int
    languages: Text
    multilingual_cjk: bool  # trained for Chinese (and other CJK) text
    reasoning: bool  # has a thinking mode
    card: str
    checked_on: str = CHECKED_ON
    # A model its trainers advise against training in 4-bit (QLoRA): the plan gives it bf16 LoRA
    # on every GPU, and says where that does not fit, never a QLoRA row.
    qlora_advised_against: bool = False
    # The model a plan offers beside this one for GPUs its bf16 LoRA does not fit: same size,
    # trainable with QLoRA (a key of MODELS).
    qlora_alternative: str | None = None
    # config.json's model_type where the configs must treat the checkpoint apart: "qwen3_5", a
    # vision-language checkpoint whose text model the scripts load and train alone.
    model_type: str | None = None
    # Trained for a hundred languages or more, as `languages` says (Qwen3, Qwen3.5, Gemma 3,
    # XLM-RoBERTa, BGE-M3): the models a plan offers for text mostly in a script other than
    # Latin and CJK (Cyrillic, Arabic, ...), where the others list a few languages (Llama's 8,
    # Mistral's "dozens" naming none of those scripts) or English alone.
    many_languages: bool = False

    @property
    def params_b(self) -> float:
        return self.architecture.params_b


def _arch(params, layers, hidden, ffn, vocab, tied, kv, active=None):
    embedding = vocab * hidden * (1 if tied else 2) / 1e9
    return Architecture(params, layers, hidden, ffn, vocab, embedding, kv, active)


# Gemma 3's local attention (transformers: Gemma3TextConfig builds layer_types from
# sliding_window_pattern 6, every sixth layer "full_attention" and the others
# "sliding_attention"; convert_gemma3_weights.py sets sliding_window 1,024 for the 4B, 12B and
# 27B). The estimator caps those layers' KV cache at the window (module docstring of estimator).
GEMMA3_SLIDING_WINDOW = 1024
GEMMA3_PATTERN = 6


def _gemma3(params, layers, hidden, ffn, kv):
    shape = _arch(params, layers, hidden, ffn, 262_144, True, kv)
    sliding = layers - layers // GEMMA3_PATTERN
    return replace(shape, sliding_layers=sliding, sliding_window=GEMMA3_SLIDING_WINDOW)


def _hybrid(
    params, layers, hidden, ffn, tied, heads, value_heads, vocab=248_320, kv_heads=4, head_dim=256
):
    """A Qwen3.5 text model: every fourth layer gated softmax attention (heads x head_dim
    queries, a gate as wide, kv_heads x head_dim keys and values), the rest Gated DeltaNet with
    16 key heads and `value_heads` value heads of 128, and a convolution of kernel 4."""
    embedding = vocab * hidden * (1 if tied else 2) / 1e9
    linear = LinearAttention(layers - layers // 4, 16, value_heads, 128, 128, 4)
    return Architecture(
        params,
        layers,
        hidden,
        ffn,
        vocab,
        embedding,
        kv_heads * head_dim,
        None,
        attention_heads=heads,
        head_dim=head_dim,
        attention_gate=True,
        linear=linear,
    )


_QWEN_LANGS = Text("119 languages and dialects, Chinese and English first")
_QWEN35_LANGS = Text("201 languages and dialects")
# Qwen3.5 (QwenLM/Qwen3.5 README: 27B released 2026-02-24, 4B and 9B 2026-03-02; Apache-2.0).
# Shapes are config.json's text_config, checked against independent copies: THUDM/slime's
# scripts/models/qwen3.5-{4B,9B,27B}.sh (layers, hidden, ffn, heads, KV groups, head_dim 256,
# vocabulary, and --untie-embeddings-and-output-weights for 9B and 27B only: the 4B ties them),
# transformers' Qwen3_5TextConfig defaults (the 9B's), the 9B and 27B cards (Gated DeltaNet:
# 16 QK heads, 32 V heads for 9B, 48 for 27B, head size 128) and third-party copies of the
# config.json files (4B: 32 V heads). Layers: 3 Gated DeltaNet then 1 gated attention, repeated
# (full_attention_interval 4). Parameters: the language model alone, vision tower and MTP head
# left out (AutoModelForCausalLM loads Qwen3_5ForCausalLM, which skips them), counted from the
# shape: tests/training/test_training_qwen35.py does the arithmetic.
_QWEN35 = {
    "qlora_advised_against": True,
    "model_type": "qwen3_5",
    "checked_on": "2026-12-07",
    "many_languages": True,
}
MODELS: tuple[BaseModel, ...] = (
    BaseModel(
        "qwen3-4b",
        "Qwen3-4B",
        "Qwen/Qwen3-4B",
        "qwen",
        "small",
        _arch(4.02, 36, 2560, 9728, 151_936, True, 1024),
        None,
        "Apache-2.0",
        "https://huggingface.co/Qwen/Qwen3-4B/blob/main/LICENSE",
        True,
        32_768,
        _QWEN_LANGS,
        True,
        True,
        "https://huggingface.co/Qwen/Qwen3-4B",
        many_languages=True,
    ),
    BaseModel(
        "qwen3-8b",
        "Qwen3-8B",
        "Qwen/Qwen3-8B",
        "qwen",
        "medium",
        _arch(8.19, 36, 4096, 12288, 151_936, False, 1024),
        None,
        "Apache-2.0",
        "https://huggingface.co/Qwen/Qwen3-8B/blob/main/LICENSE",
        True,
        32_768,
        _QWEN_LANGS,
        True,
        True,
        "https://huggingface.co/Qwen/Qwen3-8B",
        many_languages=True,
    ),
    BaseModel(
        "qwen3-14b",
        "Qwen3-14B",
        "Qwen/Qwen3-14B",
        "qwen",
        "large",
        _arch(14.8, 40, 5120, 17408, 151_936, False, 1024),
        None,
        "Apache-2.0",
        "https://huggingface.co/Qwen/Qwen3-14B/blob/main/LICENSE",
        True,
        32_768,
        _QWEN_LANGS,
        True,
        True,
        "https://huggingface.co/Qwen/Qwen3-14B",
        many_languages=True,
    ),
    BaseModel(
        "qwen3.5-4b",
        "Qwen3.5-4B",
        "Qwen/Qwen3.5-4B",
        "qwen",
        "small",
        _hybrid(4.21, 32, 2560, 9216, True, 16, 32),
        None,
        "Apache-2.0",
        "https://huggingface.co/Qwen/Qwen3.5-4B/blob/main/LICENSE",
        True,
        262_144,
        _QWEN35_LANGS,
        True,
        True,
        "https://huggingface.co/Qwen/Qwen3.5-4B",
        qlora_alternative="qwen3-4b",
        **_QWEN35,
    ),
    BaseModel(
        "qwen3.5-9b",
        "Qwen3.5-9B",
        "Qwen/Qwen3.5-9B",
        "qwen",
        "medium",
        _hybrid(8.95, 32, 4096, 12288, False, 16, 32),
        None,
        "Apache-2.0",
        "https://huggingface.co/Qwen/Qwen3.5-9B/blob/main/LICENSE",
        True,
        262_144,
        _QWEN35_LANGS,
        True,
        True,
        "https://huggingface.co/Qwen/Qwen3.5-9B",
        qlora_alternative="qwen3-8b",
        **_QWEN35,
    ),
    BaseModel(
        "qwen3.5-27b",
        "Qwen3.5-27B",
        "Qwen/Qwen3.5-27B",
        "qwen",
        "large",
        _hybrid(26.9, 64, 5120, 17408, False, 24, 48),
        None,
        "Apache-2.0",
        "https://huggingface.co/Qwen/Qwen3.5-27B/blob/main/LICENSE",
        True,
        262_144,
        _QWEN35_LANGS,
        True,
        True,
        "https://huggingface.co/Qwen/Qwen3.5-27B",
        qlora_alternative="qwen3-14b",
        **_QWEN35,
    ),
    BaseModel(
        "llama-3.2-3b",
        "Llama 3.2 3B Instruct",
        "meta-llama/Llama-3.2-3B-Instruct",
        "llama",
        "small",
        _arch(3.21, 28, 3072, 8192, 128_256, True, 1024),
        None,
        "Llama 3.2 Community License",
        "https://www.llama.com/llama3_2/license/",
        False,
        131_072,
        Text("8 officially: English, German, French, Italian, Portuguese, Hindi, Spanish, Thai"),
        False,
        False,
        "https://huggingface.co/meta-llama/Llama-3.2-3B-Instruct",
    ),
    BaseModel(
        "llama-3.1-8b",
        "Llama 3.1 8B Instruct",
        "meta-llama/Llama-3.1-8B-Instruct",
        "llama",
        "medium",
        _arch(8.03, 32, 4096, 14336, 128_256, False, 1024),
        None,
        "Llama 3.1 Community License",
        "https://www.llama.com/llama3_1/license/",
        False,
        131_072,
        Text("8 officially: English, German, French, Italian, Portuguese, Hindi, Spanish, Thai"),
        False,
        False,
        "https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct",
    ),
    BaseModel(
        "gemma-3-4b",
        "Gemma 3 4B IT",
        "google/gemma-3-4b-it",
        "gemma",
        "small",
        _gemma3(4.3, 34, 2560, 10240, 1024),
        None,
        "Gemma Terms of Use",
        "https://ai.google.dev/gemma/terms",
        False,
        131_072,
        Text("Over 140 languages"),
        True,
        False,
        "https://huggingface.co/google/gemma-3-4b-it",
        many_languages=True,
    ),
    BaseModel(
        "gemma-3-12b",
        "Gemma 3 12B IT",
        "google/gemma-3-12b-it",
        "gemma",
        "medium",
        _gemma3(12.2, 48, 3840, 15360, 2048),
        None,
        "Gemma Terms of Use",
        "https://ai.google.dev/gemma/terms",
        False,
        131_072,
        Text("Over 140 languages"),
        True,
        False,
        "https://huggingface.co/google/gemma-3-12b-it",
        many_languages=True,
    ),
    BaseModel(
        "gpt-oss-20b",
        "gpt-oss-20b",
        "openai/gpt-oss-20b",
        "gpt-oss",
        "large",
        # LoRA on attention and one expert's width per layer; FLOPs from the 3.6B active.
        _arch(20.9, 24, 2880, 2880, 201_088, False, 512, 3.6),
        3.6,
        "Apache-2.0",
        "https://huggingface.co/openai/gpt-oss-20b/blob/main/LICENSE",
        True,
        131_072,
        Text("Mostly English"),
        False,
        True,
        "https://huggingface.co/openai/gpt-oss-20b",
    ),
    BaseModel(
        "mistral-small-3.2-24b",
        "Mistral Small 3.2 24B Instruct",
        "mistralai/Mistral-Small-3.2-24B-Instruct-2506",
        "mistral",
        "large",
        _arch(24.0, 40, 5120, 32768, 131_072, False, 1024),
        None,
        "Apache-2.0",
        "https://huggingface.co/mistralai/Mistral-Small-3.2-24B-Instruct-2506",
        True,
        131_072,
        Text("Dozens, incl. English, French, German, Spanish, Chinese, Japanese"),
        False,
        False,
        "https://huggingface.co/mistralai/Mistral-Small-3.2-24B-Instruct-2506",
    ),
    # Encoders, for a classifier head instead of generated text.
    BaseModel(
        "modernbert-large",
        "ModernBERT-large",
        "answerdotai/ModernBERT-large",
        "encoder",
        "small",
        _arch(0.395, 28, 1024, 2624, 50_368, True, 1024),
        None,
        "Apache-2.0",
        "https://huggingface.co/answerdotai/ModernBERT-large",
        True,
        8_192,
        Text("English (and code)"),
        False,
        False,
        "https://huggingface.co/answerdotai/ModernBERT-large",
    ),
    BaseModel(
        "xlm-roberta-large",
        "XLM-RoBERTa large",
        "FacebookAI/xlm-roberta-large",
        "encoder",
        "small",
        _arch(0.56, 24, 1024, 4096, 250_002, True, 1024),
        None,
        "MIT",
        "https://huggingface.co/FacebookAI/xlm-roberta-large",
        True,
        512,
        Text("100 languages, Chinese included"),
        True,
        False,
        "https://huggingface.co/FacebookAI/xlm-roberta-large",
        many_languages=True,
    ),
    # XLM-RoBERTa large's architecture, trained further by BAAI for retrieval over 100+
    # languages with positions to 8,192 tokens (config.json: max_position_embeddings 8194).
    BaseModel(
        "bge-m3",
        "BGE-M3",
        "BAAI/bge-m3",
        "encoder",
        "small",
        _arch(0.568, 24, 1024, 4096, 250_002, True, 1024),
        None,
        "MIT",
        "https://huggingface.co/BAAI/bge-m3",
        True,
        8_192,
        Text("100+ languages, Chinese included"),
        True,
        False,
        "https://huggingface.co/BAAI/bge-m3",
        many_languages=True,
    ),
)
MODELS_BY_KEY = {m.key: m for m in MODELS}
