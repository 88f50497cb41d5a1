"""The published measurements the estimator is calibrated on and tested against, as workloads."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .estimator import Architecture, Workload, expected_memory, expected_seconds
from .gpus import GPUS

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True, slots=True)
class Cell:
    source: str
    model: str
    work: Workload
    memory_gb: float | None
    seconds_per_step: float | None  # published, or derived from tokens per second

    @property
    def label(self) -> str:
        w = self.work
        return f"{self.source}:{self.model}:{w.method}:{w.gpu.key}:seq{w.seq_len}:b{w.micro_batch}"

    def predicted_memory(self) -> float:
        return expected_memory(self.work)

    def predicted_step_seconds(self) -> float:
        # One optimizer step's worth of tokens.
        return expected_seconds(self.work)


def known_misses(name: str = "heldout") -> dict[str, str]:
    """ "memory <label>" / "time <label>" -> why the expected value misses the target there."""
    raw = json.loads((DATA / f"{name}.json").read_text())
    return dict(raw.get("known_misses", {}).get("cells", {}))


def load(name: str) -> list[Cell]:
    """`calibration` or `heldout`."""
    raw = json.loads((DATA / f"{name}.json").read_text())
    return _cells(raw, raw["cells"])


def out_of_memory(name: str = "heldout") -> list[Cell]:
    """Published runs that ran out of their GPU's memory (no figure: the run failed)."""
    raw = json.loads((DATA / f"{name}.json").read_text())
    return _cells(raw, raw.get("out_of_memory", {}).get("cells", []))


def _cells(raw: dict, rows: list[dict]) -> list[Cell]:
    shapes = {key: Architecture(**value) for key, value in raw["architectures"].items()}
    cells = []
    for c in rows:
        shape = shapes[c["model"]]
        step_tokens = c["seq_len"] * c["micro_batch"] * c["grad_accum"] * c["gpus"]
        work = Workload(
            params_b=shape.params_b,
            method=c["method"],
            gpu=GPUS[c["gpu"]],
            gpus=c["gpus"],
            seq_len=c["seq_len"],
            micro_batch=c["micro_batch"],
            grad_accum=c["grad_accum"],
            tokens=step_tokens,  # exactly one optimizer step
            epochs=1,
            lora_rank=c["lora_rank"],
            architecture=shape,
            # Set on a cell only where its source states it (estimator.Workload).
            loss_in_fp32=c.get("loss_in_fp32", True),
            fp32_non_quantized=c.get("fp32_non_quantized", False),
            fp32_norms=c.get("fp32_norms", False),
            gradient_checkpointing=c.get("gradient_checkpointing", True),
            attention_kernel=c.get("attention_kernel", "flash"),
            fp32_activations=c.get("fp32_activations", False),
        )
        seconds = c.get("seconds_per_step")
        if seconds is None and "seconds_per_micro_batch" in c:
            seconds = c["seconds_per_micro_batch"] * c["grad_accum"]
        if seconds is None and "tokens_per_second" in c:
            seconds = step_tokens / c["gpus"] / c["tokens_per_second"]
        cells.append(Cell(c["source"], c["model"], work, c.get("memory_gb"), seconds))
    return cells
