"""Which kind of fine-tuning: "fine-tune" is not one thing, and a senior names the method.

A verdict of `fine_tune`, `rag_and_fine_tune` or `improve_data` carries one method, chosen by the
first entry of METHODS whose condition holds: the data's format first (preference pairs can
only train a preference method), then the case (a large model that meets the target is a
teacher), then what a program can check, then a fixed label set with thousands of examples;
otherwise supervised fine-tuning with LoRA.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from .approaches import Rec
from .text import (
    DEEPSEEK_R1,
    DEVLIN_2019_BERT,
    HU_2021_LORA,
    NG_BATCH_294,
    OPENAI_DISTILLATION,
    OPENAI_RFT,
    RAFAILOV_2023_DPO,
    Source,
    Text,
)

MethodKey = Literal[
    "lora_sft",
    "preference_tuning",
    "reinforcement_fine_tuning",
    "distillation",
    "encoder_classifier",
]
# The verdicts that name a method (the contract, third wave).
WITH_METHOD: frozenset[Rec] = frozenset({Rec.FT, Rec.RFT, Rec.ID})
# What a stored verdict from before the third wave meant by "fine-tune".
DEFAULT_METHOD: MethodKey = "lora_sft"


@dataclass(frozen=True, slots=True)
class Method:
    key: MethodKey
    label: Text
    # When this method fits; facts are the engine's (answers, derived facts, evidence keys).
    fits: Callable[[Rec, Mapping[str, object]], bool]
    reason: Text
    sources: tuple[Source, ...]
    # When it is chosen, in general words, for "How we decide".
    when: Text


def _preference(rec: Rec, facts: Mapping[str, object]) -> bool:
    return facts.get("preference_pairs") == "yes"


def _distillation(rec: Rec, facts: Mapping[str, object]) -> bool:
    # A reasoning failure is trained only against a program that checks the answers (the
    # no-reasoning-by-fine-tuning principle), never by copying a large model's outputs.
    return facts["distill"] == "yes" and facts["failure_mode"] != "reasoning"


def _reinforcement(rec: Rec, facts: Mapping[str, object]) -> bool:
    return facts["rft_ready"] == "yes" and (
        facts["failure_mode"] == "reasoning"
        or (facts["task_type"] == "reasoning" and facts["failure_mode"] != "format")
    )


def _encoder(rec: Rec, facts: Mapping[str, object]) -> bool:
    return (
        rec is not Rec.RFT
        and facts["task_type"] == "classification"
        and facts["task_scope"] == "narrow"
        and facts["example_count"] == "over_1k"
    )


METHODS: tuple[Method, ...] = (
    Method(
        "preference_tuning",
        Text("Preference tuning (DPO)"),
        _preference,
        Text(
            "Your dataset holds pairs of a preferred and a rejected answer: train on the preference "
            "directly (Direct Preference Optimization), which learns from such pairs without a "
            "separate reward model, usually after a short supervised pass on the preferred answers."
        ),
        (RAFAILOV_2023_DPO,),
        Text("When the attached dataset holds preferred and rejected answers."),
    ),
    Method(
        "distillation",
        Text("Distillation into a small model"),
        _distillation,
        Text(
            "A large model already does the job (measured at your target, or with quality you call "
            "acceptable) but cost, latency or hosting keeps it out of production: run it on real "
            "inputs, keep the outputs you would accept, and fine-tune a small model on them until it "
            "matches the large one on your eval set."
        ),
        (NG_BATCH_294, OPENAI_DISTILLATION),
        Text(
            "When a large model meets the target and cost, latency or hosting keeps it out of "
            "production."
        ),
    ),
    Method(
        "reinforcement_fine_tuning",
        Text("Reinforcement fine-tuning (RFT)"),
        _reinforcement,
        Text(
            "A program can check every answer and the strongest model you measured still gets "
            "answers wrong: train with that check as the reward (reinforcement fine-tuning) rather "
            "than on worked examples, which teach the form of an answer more than the reasoning."
        ),
        (OPENAI_RFT, DEEPSEEK_R1),
        Text(
            "When reasoning fails, a program can check every answer, prompting is extensive and the "
            "strongest model was measured."
        ),
    ),
    Method(
        "encoder_classifier",
        Text("A small encoder classifier"),
        _encoder,
        Text(
            "A fixed set of labels and more than a thousand labelled examples: fine-tune a small "
            "encoder (a BERT-style model) with a classification head. It answers in milliseconds "
            "on a GPU, in tens to hundreds on a CPU by its size and the input's length, and "
            "returns a probability per label that you can threshold."
        ),
        (DEVLIN_2019_BERT,),
        Text(
            "When a narrow classification task has more than a thousand labelled examples (not with "
            "retrieval)."
        ),
    ),
    Method(
        "lora_sft",
        Text("Supervised fine-tuning with LoRA"),
        lambda rec, facts: True,
        Text(
            "Supervised fine-tuning on input→output examples, with LoRA on a small open-weights "
            "model (usually 4–14B parameters, larger only where latency and cost allow): it trains "
            "a small fraction of the weights, so it is affordable and the adapter is easy to serve "
            "and move."
        ),
        (HU_2021_LORA, NG_BATCH_294),
        Text("Otherwise."),
    ),
)
METHODS_BY_KEY: Mapping[str, Method] = MappingProxyType({m.key: m for m in METHODS})


def choose(rec: Rec, facts: Mapping[str, object]) -> Method | None:
    """The method for this verdict, or None for a recommendation that trains nothing."""
    if rec not in WITH_METHOD:
        return None
    return next(m for m in METHODS if m.fits(rec, facts))
