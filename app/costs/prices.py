"""The shipped, dated price table (prices.json, beside this file): list prices per million tokens."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

PRICES_PATH = Path(__file__).resolve().parent / "prices.json"

Tier = Literal["frontier", "small", "fine_tuned", "open"]
TIERS: tuple[Tier, ...] = ("frontier", "small", "fine_tuned", "open")


@dataclass(frozen=True, slots=True)
class ModelPrice:
    id: str
    provider: str
    model: str
    tier: Tier
    input_per_million: float
    output_per_million: float
    source_url: str
    date: date

    @property
    def label(self) -> str:
        return f"{self.model} ({self.provider})"


@dataclass(frozen=True, slots=True)
class PriceTable:
    date: date  # when the prices were read; every row carries its own date as well
    note: str
    via_title: str
    via_url: str
    models: tuple[ModelPrice, ...]

    def get(self, model_id: str) -> ModelPrice | None:
        for entry in self.models:
            if entry.id == model_id:
                return entry
        return None

    def by_tier(self) -> list[tuple[Tier, list[ModelPrice]]]:
        return [(tier, [m for m in self.models if m.tier == tier]) for tier in TIERS]


def read_price_table(path: Path = PRICES_PATH) -> PriceTable:
    data = json.loads(path.read_text(encoding="utf-8"))
    models = tuple(
        ModelPrice(
            id=row["id"],
            provider=row["provider"],
            model=row["model"],
            tier=row["tier"],
            input_per_million=float(row["input_per_million"]),
            output_per_million=float(row["output_per_million"]),
            source_url=row["source_url"],
            date=date.fromisoformat(row["date"]),
        )
        for row in data["models"]
    )
    return PriceTable(
        date=date.fromisoformat(data["date"]),
        note=data["note"],
        via_title=data["via"]["title"],
        via_url=data["via"]["url"],
        models=models,
    )


@lru_cache(maxsize=1)
def price_table() -> PriceTable:
    """The table shipped with this version of the app (read once)."""
    return read_price_table()
