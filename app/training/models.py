"""Open-weight base models a plan can start from: size, licence, context, languages, shape.

Dated: sizes, context lengths and licences are as each model card states them on CHECKED_ON.
The shape (layers, hidden size, vocabulary) feeds the estimator, so memory and hours are
worked out for the model itself rather than for a generic one of its size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from app.decision.text import Text

from .estimator import Architecture

CHECKED_ON = "2026-12-06"
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

    @property
    def params_b(self) -> float:
        return self.architecture.params_b


def _arch(params, layers, hidden, ffn, vocab, tied, kv, active=None):
    embedding = vocab * hidden * (1 if tied else 2) / 1e9
    return Architecture(params, layers, hidden, ffn, vocab, embedding, kv, active)


_QWEN_LANGS = Text("119 languages and dialects, Chinese and English first")
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
        _arch(4.3, 34, 2560, 10240, 262_144, True, 1024),
        None,
        "Gemma Terms of Use",
        "https://ai.google.dev/gemma/terms",
        False,
        131_072,
        Text("Over 140 languages"),
        True,
        False,
        "https://huggingface.co/google/gemma-3-4b-it",
    ),
    BaseModel(
        "gemma-3-12b",
        "Gemma 3 12B IT",
        "google/gemma-3-12b-it",
        "gemma",
        "medium",
        _arch(12.2, 48, 3840, 15360, 262_144, True, 2048),
        None,
        "Gemma Terms of Use",
        "https://ai.google.dev/gemma/terms",
        False,
        131_072,
        Text("Over 140 languages"),
        True,
        False,
        "https://huggingface.co/google/gemma-3-12b-it",
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
    ),
)
MODELS_BY_KEY = {m.key: m for m in MODELS}
