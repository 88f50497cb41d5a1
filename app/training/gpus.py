"""The GPUs the estimator knows, with dated rental prices and where they come from.

Prices are US dollars per GPU-hour: `price_low` is the cheapest published rate (spot or
community hosts), `price_high` the on-demand rate, so a cost range spans what a team would
actually pay. Peak throughput is dense BF16 tensor math with FP32 accumulation, from the
vendor's datasheet; the estimator was calibrated on A100s (see estimator.py), so on other GPUs
its time ranges are wider.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

PRICES_AS_OF = "2026-03-10"
RUNPOD_PRICES = "https://deploybase.ai/articles/runpod-gpu-pricing"
RUNPOD_SERVERLESS = "https://docs.runpod.io/serverless/pricing"
LAMBDA_PRICES = "https://lambda.ai/pricing"


@dataclass(frozen=True, slots=True)
class GPU:
    key: str
    name: str
    memory_gb: float  # what the card has, GiB as nvidia-smi and PyTorch report it
    peak_tflops: float  # dense BF16, FP32 accumulate
    bandwidth_tbs: float  # memory bandwidth, TB/s, from the same datasheet
    price_low: float  # USD per GPU-hour
    price_high: float
    prices_as_of: str
    price_sources: tuple[str, ...]
    datasheet: str
    # True where published training measurements on this GPU were used to calibrate.
    calibrated: bool = False
    note: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "key": self.key,
            "name": self.name,
            "memory_gb": self.memory_gb,
            "peak_bf16_tflops": self.peak_tflops,
            "memory_bandwidth_tbs": self.bandwidth_tbs,
            "price_usd_per_hour": {"low": self.price_low, "high": self.price_high},
            "prices_as_of": self.prices_as_of,
            "price_sources": list(self.price_sources),
            "datasheet": self.datasheet,
            "calibrated": self.calibrated,
            "note": self.note,
        }


_RUNPOD = (RUNPOD_PRICES, RUNPOD_SERVERLESS)
GPUS: Mapping[str, GPU] = MappingProxyType(
    {
        g.key: g
        for g in (
            GPU(
                "h100-80gb",
                "NVIDIA H100 SXM 80GB",
                80,
                989,
                3.35,
                2.69,
                4.76,
                PRICES_AS_OF,
                _RUNPOD,
                "https://www.nvidia.com/en-us/data-center/h100/",
            ),
            GPU(
                "h200-141gb",
                "NVIDIA H200 141GB",
                141,
                989,
                4.8,
                3.59,
                6.35,
                PRICES_AS_OF,
                _RUNPOD,
                "https://www.nvidia.com/en-us/data-center/h200/",
            ),
            GPU(
                "a100-80gb",
                "NVIDIA A100 SXM 80GB",
                80,
                312,
                2.039,
                1.39,
                2.45,
                PRICES_AS_OF,
                _RUNPOD,
                "https://www.nvidia.com/en-us/data-center/a100/",
                calibrated=True,
            ),
            GPU(
                "a100-40gb",
                "NVIDIA A100 40GB",
                40,
                312,
                1.555,
                1.29,
                1.99,
                "2025-06-01",
                (LAMBDA_PRICES,),
                "https://www.nvidia.com/en-us/data-center/a100/",
                calibrated=True,
                note="Price not re-checked against a dated source in 2026; rarely listed now.",
            ),
            GPU(
                "l40s-48gb",
                "NVIDIA L40S 48GB",
                48,
                362,
                0.864,
                0.79,
                1.40,
                PRICES_AS_OF,
                _RUNPOD,
                "https://www.nvidia.com/en-us/data-center/l40s/",
            ),
            GPU(
                "l4-24gb",
                "NVIDIA L4 24GB",
                24,
                121,
                0.3,
                0.44,
                0.78,
                PRICES_AS_OF,
                _RUNPOD,
                "https://www.nvidia.com/en-us/data-center/l4/",
            ),
            GPU(
                "rtx4090-24gb",
                "NVIDIA GeForce RTX 4090 24GB",
                24,
                165,
                1.008,
                0.34,
                0.60,
                PRICES_AS_OF,
                _RUNPOD,
                "https://images.nvidia.com/aem-dam/Solutions/geforce/ada/nvidia-ada-gpu-architecture.pdf",
            ),
            GPU(
                "rtx3090-24gb",
                "NVIDIA GeForce RTX 3090 24GB",
                24,
                71,
                0.936,
                0.22,
                0.39,
                PRICES_AS_OF,
                _RUNPOD,
                "https://www.nvidia.com/content/PDF/nvidia-ampere-ga-102-gpu-architecture-whitepaper-v2.pdf",
            ),
        )
    }
)
