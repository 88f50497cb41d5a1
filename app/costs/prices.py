"""The shipped, dated price table (prices.json, beside this file): list prices per million tokens.

Rows come from LiteLLM's model_prices_and_context_window.json (scripts/refresh_prices.py copies the
rows the table names). A row past its `deprecation_date` is kept, so saved assessments that name it
still render, but no picker offers it. "Past" is judged on the later of the table's date and
today: a model that retires after the table was read leaves the pickers the day after its
deprecation date.
"""

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
    cached_input_per_million: float | None = None
    batch_input_per_million: float | None = None
    batch_output_per_million: float | None = None
    deprecation_date: date | None = None
    open_weights: bool = False

    @property
    def label(self) -> str:
        return f"{self.model} ({self.provider})"

    def retired_on(self, day: date) -> bool:
        """Past its deprecation date on `day`: the provider no longer serves it."""
        return self.deprecation_date is not None and self.deprecation_date < day


@dataclass(frozen=True, slots=True)
class PriceTable:
    date: date  # when the prices were read; every row carries its own date as well
    note: str
    via_title: str  # the file, as named; the sentence around it is the page's, translated
    via_url: str
    via_licence: str
    via_version: str  # the litellm release the file was read from
    models: tuple[ModelPrice, ...]

    def get(self, model_id: str) -> ModelPrice | None:
        for entry in self.models:
            if entry.id == model_id:
                return entry
        return None

    def day(self, today: date | None = None) -> date:
        """The day retirements are judged on: the table's date, or today once it is later."""
        return max(self.date, today or date.today())

    def by_tier(
        self, chosen: str | None = None, today: date | None = None
    ) -> list[tuple[Tier, list[ModelPrice]]]:
        """The rows a picker offers, by tier: none past its deprecation date (on `day`), except
        `chosen` (a saved assessment's model still shows as picked)."""
        day = self.day(today)
        shown = [m for m in self.models if not m.retired_on(day) or m.id == chosen]
        return [(tier, [m for m in shown if m.tier == tier]) for tier in TIERS]

    def retired(self, today: date | None = None) -> tuple[ModelPrice, ...]:
        """The rows kept for saved assessments and no longer offered."""
        day = self.day(today)
        return tuple(m for m in self.models if m.retired_on(day))


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
            cached_input_per_million=_price(row.get("cached_input_per_million")),
            batch_input_per_million=_price(row.get("batch_input_per_million")),
            batch_output_per_million=_price(row.get("batch_output_per_million")),
            deprecation_date=(
                date.fromisoformat(row["deprecation_date"]) if row.get("deprecation_date") else None
            ),
            open_weights=bool(row.get("open_weights", False)),
        )
        for row in data["models"]
    )
    return PriceTable(
        date=date.fromisoformat(data["date"]),
        note=data["note"],
        via_title=data["via"]["title"],
        via_url=data["via"]["url"],
        via_licence=data["via"]["licence"],
        via_version=data["via"]["version"],
        models=models,
    )


def _price(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def price_table() -> PriceTable:
    """The table shipped with this version of the app (read once)."""
    return read_price_table()
