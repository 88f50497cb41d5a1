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
            Approach(Rec.PE, Text("Better prompting")),
            Approach(Rec.AW, Text("A simple agentic workflow")),
            Approach(Rec.RAG, Text("Retrieval-augmented generation (RAG)")),
            Approach(Rec.FT, Text("Fine-tune a model")),
            Approach(Rec.RFT, Text("RAG and fine-tuning together")),
            Approach(Rec.ID, Text("Fix the data first")),
        )
    }
)

# When two approaches score the same, the simpler one wins: less to build, less to maintain.
SIMPLICITY_ORDER: tuple[Rec, ...] = (Rec.PE, Rec.AW, Rec.RAG, Rec.ID, Rec.FT, Rec.RFT)
