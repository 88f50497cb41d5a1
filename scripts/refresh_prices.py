"""Refresh app/costs/prices.json from a copy of LiteLLM's model_prices_and_context_window.json.

    python scripts/refresh_prices.py path/to/model_prices_and_context_window.json [--date YYYY-MM-DD]

Each row of prices.json names its `litellm_key`; this copies that entry's list prices (per token
in LiteLLM, per million here), its cache-read and batch prices where LiteLLM has them, and its
`deprecation_date`, and stamps every row and the table with the date checked (today by default).
Which rows the table holds, their names and tiers stay as written: adding a model is adding a row
with its key, then running this. Nothing is downloaded: you give it the file.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

PRICES = Path(__file__).resolve().parents[1] / "app" / "costs" / "prices.json"
PER_MILLION = 1_000_000
FIELDS = {
    "input_per_million": "input_cost_per_token",
    "output_per_million": "output_cost_per_token",
    "cached_input_per_million": "cache_read_input_token_cost",
    "batch_input_per_million": "input_cost_per_token_batches",
    "batch_output_per_million": "output_cost_per_token_batches",
}


def per_million(value: float) -> float:
    return round(value * PER_MILLION, 6) + 0.0  # 2.5e-06 -> 2.5, without float noise


def refresh(table: dict, litellm: dict, checked_on: str) -> list[str]:
    """Update `table` in place; return the keys LiteLLM does not have (left unchanged)."""
    missing = []
    for row in table["models"]:
        entry = litellm.get(row["litellm_key"])
        if entry is None or entry.get("input_cost_per_token") is None:
            missing.append(row["litellm_key"])
            continue
        for ours, theirs in FIELDS.items():
            if entry.get(theirs) is not None:
                row[ours] = per_million(entry[theirs])
            elif ours not in ("input_per_million", "output_per_million"):
                row.pop(ours, None)
        if entry.get("deprecation_date"):
            row["deprecation_date"] = entry["deprecation_date"]
        else:
            row.pop("deprecation_date", None)
        row["date"] = checked_on
    table["date"] = checked_on
    return missing


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("litellm_file", type=Path)
    parser.add_argument("--date", default=date.today().isoformat())
    args = parser.parse_args(argv)
    table = json.loads(PRICES.read_text(encoding="utf-8"))
    litellm = json.loads(args.litellm_file.read_text(encoding="utf-8"))
    missing = refresh(table, litellm, date.fromisoformat(args.date).isoformat())
    PRICES.write_text(json.dumps(table, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for key in missing:
        print(f"not in LiteLLM's file, left as it was: {key}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
