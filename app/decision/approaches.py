"""The six things a team can do, from the simplest to the most work."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from .text import Text


class Rec(StrEnum):
    """The one spelling of the six recommendation keys (the contract's `recommendation`)."""

    PE = "prompt_engineering"
    AW = "agentic_workflow"
    RAG = "rag"
    FT = "fine_tune"
    RFT = "rag_and_fine_tune"
    ID = "improve_data"


FINE_TUNING: frozenset[Rec] = frozenset({Rec.FT, Rec.RFT})
RETRIEVAL: frozenset[Rec] = frozenset({Rec.RAG, Rec.RFT})


@dataclass(frozen=True, slots=True)
class Approach:
    key: Rec
    label: Text


APPROACHES: Mapping[str, Approach] = MappingProxyType(
    {
        a.key.value: a
        for a in (
            Approach(Rec.PE, Text("Better prompting", "改进提示工程")),
            Approach(Rec.AW, Text("A simple agentic workflow", "简单的智能体工作流")),
            Approach(Rec.RAG, Text("Retrieval-augmented generation (RAG)", "检索增强生成（RAG）")),
            Approach(Rec.FT, Text("Fine-tune a model", "微调模型")),
            Approach(Rec.RFT, Text("RAG and fine-tuning together", "RAG 与微调结合")),
            Approach(Rec.ID, Text("Fix the data first", "先改进数据")),
        )
    }
)

# When two approaches score the same, the simpler one wins: less to build, less to maintain.
SIMPLICITY_ORDER: tuple[Rec, ...] = (Rec.PE, Rec.AW, Rec.RAG, Rec.ID, Rec.FT, Rec.RFT)
