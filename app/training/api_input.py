"""The request of POST /api/v1/training-estimate: its schema and its validation, in one model."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .estimator import METHODS, Workload
from .gpus import GPUS

GPU_KEYS = tuple(GPUS)
LIMITS: dict[str, tuple[float, float]] = {
    "params_b": (0.01, 2000),
    "gpus": (1, 64),
    "seq_len": (64, 262_144),
    "micro_batch": (1, 512),
    "grad_accum": (1, 4096),
    "tokens": (1, 10**12),
    "epochs": (0.01, 100),
}


class TrainingEstimateIn(BaseModel):
    """One fine-tuning run to estimate."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)
    params_b: float = Field(
        ge=LIMITS["params_b"][0], le=LIMITS["params_b"][1], description="Parameters, billions"
    )
    method: Literal[METHODS] = Field(  # type: ignore[valid-type]
        description="lora (16-bit base), qlora (4-bit base), full (every weight)"
    )
    gpu: Literal[GPU_KEYS] = Field(description="A GPU key from GET /api/v1/training-estimate")  # type: ignore[valid-type]
    gpus: int = Field(1, ge=1, le=64, description="GPUs, data parallel")
    seq_len: int = Field(2048, ge=64, le=262_144, description="Tokens a packed sequence holds")
    micro_batch: int = Field(1, ge=1, le=512, description="Sequences per GPU per forward pass")
    grad_accum: int = Field(8, ge=1, le=4096, description="Micro-batches per optimizer step")
    tokens: int = Field(ge=1, le=10**12, description="Training tokens of one epoch")
    epochs: float = Field(1, ge=0.01, le=100, description="Passes over the tokens")

    def workload(self) -> Workload:
        return Workload(
            params_b=self.params_b,
            method=self.method,
            gpu=GPUS[self.gpu],
            gpus=self.gpus,
            seq_len=self.seq_len,
            micro_batch=self.micro_batch,
            grad_accum=self.grad_accum,
            tokens=self.tokens,
            epochs=self.epochs,
        )


def problems(error: ValidationError) -> list[tuple[str, str, dict[str, Any]]]:
    """(field, code, values) for each offending field: codes the web layer puts into words."""
    found: list[tuple[str, str, dict[str, Any]]] = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "body"
        kind = item["type"]
        if kind == "extra_forbidden":
            code = "unknown_field"
        elif kind == "missing":
            code = "required"
        elif field == "gpu":
            code = "unknown_gpu"
        elif field == "method":
            code = "unknown_method"
        elif kind in ("finite_number",):
            code = "not_finite"
        elif field in LIMITS:
            code = (
                "out_of_range"
                if kind.startswith(("greater", "less"))
                else (
                    "not_integer"
                    if field in ("gpus", "seq_len", "micro_batch", "grad_accum", "tokens")
                    else "not_number"
                )
            )
        else:
            code = "invalid"
        low, high = LIMITS.get(field, (None, None))
        found.append((field, code, {"low": low, "high": high}))
    return found
