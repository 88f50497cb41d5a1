"""The GPUs the estimator knows, with dated rental prices and where they come from.

Prices are US dollars per GPU-hour: `price_low` is RunPod's Community Cloud rate (hosts it
vets, the cheapest of its tiers) and `price_high` its Secure Cloud rate (its own data centres),
both on demand, so a cost range spans what a team would actually pay; each GPU says on which day
they were published and where they were read.

Peak throughput is dense BF16 tensor math with FP32 accumulation, from the vendor's datasheet.
A datasheet peak is not what a card sustains: at its best size a 72 W L4 multiplies BF16 matrices
at 59% of it, a GeForce RTX 4090 at 100%, an A100 at 85%, in one published benchmark run the same
way on each (square torch.mm, 1,024 to 10,240, the best size; MATMUL_BENCHMARK). The estimator's
utilisation was fitted on A100s, so the time on another GPU is scaled by what that GPU measured
there against what the A100 measured (`effective_tflops`), not by the two datasheets; a GPU with
no measurement keeps its datasheet peak. The A100s define the scale and keep theirs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from app.decision.text import Text

# Prices: RunPod's Community Cloud (low) and Secure Cloud (high) on-demand rates, as RunPod's own
# price API and pricing page gave them on the dates below, read in dated public snapshots (the
# live pages are not reachable from where this table is kept). RunPod raised its Secure prices for
# the H100, H200 and A100 80GB between 2026-10-08 and 2026-10-10; the L4, RTX 4090 and RTX 3090 have
# no Secure reading after that, so their high prices may be low.
RUNPOD_PRICING = "https://www.runpod.io/pricing"
# Daily snapshot of RunPod's price API (communityPrice, securePrice) and Lambda's, 2026-10-10.
SNAPSHOT_2026_10_10 = (
    "https://github.com/ewyluda/gpu-price-index/blob/main/data/observations/2026/2026-10-10.csv"
)
# Cheapest RunPod price per GPU, collected daily; the line of 2026-10-04.
SNAPSHOT_2026_10_04 = (
    "https://github.com/toolshedlabs-hash/gpu-price-feed/blob/main/data/history/v2/2026-10.jsonl"
)
# RunPod's offers by tier (community, secure), collected 2026-08-23.
SNAPSHOT_2026_08_23 = (
    "https://github.com/toolshedlabs-hash/gpu-price-feed/blob/main/data/prices.json"
)
# RunPod's pricing page, checked 2026-09-25.
SNAPSHOT_2026_09_25 = (
    "https://github.com/tgarg01/silybench-data/blob/main/derived/csv/gpu_prices.csv"
)
LAMBDA_PRICES = "https://lambda.ai/pricing"

# BF16 matrix multiplication as measured: zzc0721/torch-performance-test-data's table of
# torch.mm runs (its test.py: square sizes 1,024-10,240, 30 timed runs after warm-up, between
# CUDA synchronisations; the best size is reported), contributed per card, at this commit
# (2026-01-12). The A100 SXM4 80GB row is the reference the estimator's utilisation is fitted to.
MATMUL_BENCHMARK = (
    "https://github.com/zzc0721/torch-performance-test-data/blob/"
    "9d82827637262c4351e3f9483f96b8cff57a601f/database.md"
)
REFERENCE_MATMUL_TFLOPS = 264.53  # "NVIDIA A100 SXM4 80GB", BF16
REFERENCE_PEAK_TFLOPS = 312.0  # its datasheet


@dataclass(frozen=True, slots=True)
class GPU:
    key: str
    name: str
    memory_gb: float  # what the card has, GiB as nvidia-smi and PyTorch report it
    peak_tflops: float  # dense BF16, FP32 accumulate
    bandwidth_tbs: float  # memory bandwidth, TB/s, from the same datasheet
    price_low: float  # USD per GPU-hour
    price_high: float
    prices_as_of: str  # the day of the older of the two prices
    price_sources: tuple[str, ...]
    datasheet: str
    # True where published training measurements on this GPU were used to calibrate.
    calibrated: bool = False
    note: Text | None = None
    # BF16 torch.mm TFLOPS measured on this card in MATMUL_BENCHMARK (the median of its rows for
    # the card as sold); None where there is none, and for the A100s that define the scale.
    matmul_tflops: float | None = None

    @property
    def effective_tflops(self) -> float:
        """The peak the estimator divides by: the datasheet's on the reference (A100) scale, i.e.
        this card's measured BF16 matmul times what an A100's datasheet peak is to its own."""
        if self.matmul_tflops is None:
            return float(self.peak_tflops)
        return self.matmul_tflops * REFERENCE_PEAK_TFLOPS / REFERENCE_MATMUL_TFLOPS

    def to_dict(self, lang: str = "en") -> dict[str, object]:
        return {
            "key": self.key,
            "name": self.name,
            "memory_gb": self.memory_gb,
            "peak_bf16_tflops": self.peak_tflops,
            "measured_bf16_matmul_tflops": self.matmul_tflops,
            "effective_bf16_tflops": round(self.effective_tflops, 1),
            "memory_bandwidth_tbs": self.bandwidth_tbs,
            "price_usd_per_hour": {"low": self.price_low, "high": self.price_high},
            "prices_as_of": self.prices_as_of,
            "price_sources": list(self.price_sources),
            "datasheet": self.datasheet,
            "calibrated": self.calibrated,
            "note": self.note.get(lang) if self.note else "",
        }


_RUNPOD_OCTOBER = (RUNPOD_PRICING, SNAPSHOT_2026_10_10)


def _late_high(when: str) -> Text:
    return Text(
        "The high price is RunPod's Secure Cloud rate of {when}, before its October increase for "
        "other GPUs; the low one was unchanged on 2026-10-04.",
        when=when,
    )


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
                3.99,
                "2026-10-10",
                _RUNPOD_OCTOBER,
                "https://www.nvidia.com/en-us/data-center/h100/",
                matmul_tflops=790.59,  # "H100 80GB HBM3": 797.51 and 783.66
            ),
            GPU(
                "b200-180gb",
                "NVIDIA B200 (HGX, 1,000 W)",
                179,  # 183,359 MiB as nvidia-smi reports it; NVIDIA sells it as 180 GB
                2250,  # dense BF16 of the HGX B200 at 1,000 W (4,500 with sparsity)
                7.7,  # 7,680-bit bus at 3,996 MHz, as the driver reports it (8 TB/s as sold)
                5.98,
                7.99,
                "2026-10-10",
                _RUNPOD_OCTOBER,
                "https://www.nvidia.com/en-us/data-center/hgx/",
                note=Text(
                    "No published fine-tuning measurement on a B200 was found, so its time range "
                    "is the wider one, and the attention's utilisation the time assumes was "
                    "measured on an A100."
                ),
                matmul_tflops=1696.03,  # "B200 180GB", GCP a4-highgpu-8g
            ),
            GPU(
                "h200-141gb",
                "NVIDIA H200 141GB",
                141,
                989,
                4.8,
                3.59,
                5.29,
                "2026-10-10",
                _RUNPOD_OCTOBER,
                "https://www.nvidia.com/en-us/data-center/h200/",
                matmul_tflops=790.29,  # "H200"
            ),
            GPU(
                "a100-80gb",
                "NVIDIA A100 SXM 80GB",
                80,
                312,
                2.039,
                1.39,
                1.79,
                "2026-10-10",
                _RUNPOD_OCTOBER,
                "https://www.nvidia.com/en-us/data-center/a100/",
                calibrated=True,
            ),
            GPU(
                "a100-40gb",
                "NVIDIA A100 40GB",
                40,
                312,
                1.555,
                1.0,
                1.99,
                "2026-10-10",
                (RUNPOD_PRICING, LAMBDA_PRICES, SNAPSHOT_2026_10_10),
                "https://www.nvidia.com/en-us/data-center/a100/",
                calibrated=True,
                note=Text(
                    "Low: RunPod Community Cloud (RunPod has no Secure price for it); high: "
                    "Lambda's on-demand rate."
                ),
            ),
            GPU(
                "l40s-48gb",
                "NVIDIA L40S 48GB",
                48,
                362,
                0.864,
                0.79,
                1.09,
                "2026-10-10",
                _RUNPOD_OCTOBER,
                "https://www.nvidia.com/en-us/data-center/l40s/",
                matmul_tflops=269.15,  # "L40S"
            ),
            GPU(
                "l4-24gb",
                "NVIDIA L4 24GB",
                24,
                121,
                0.3,
                0.49,
                0.49,
                "2026-10-04",
                (RUNPOD_PRICING, SNAPSHOT_2026_10_04, SNAPSHOT_2026_08_23),
                "https://www.nvidia.com/en-us/data-center/l4/",
                note=Text(
                    "RunPod offers it on Secure Cloud only, at one price (2026-08-23, still the "
                    "cheapest on 2026-10-04). A 72 W card: power capping holds its measured BF16 "
                    "matrix multiplication to 70.9 TFLOPS, where its datasheet says 121, and the "
                    "time is scaled by that measurement; the one published run held out (Llama "
                    "3.1 8B QLoRA) still took {ratio} times the expected time, inside its range.",
                    # That run's published seconds a step over the expected ones (heldout.json),
                    # to one decimal; tests/training/test_training_estimator.py recomputes it.
                    ratio="1.6",
                ),
                # "L4", bare metal; its best size, 2,048 (56.90-59.40 at 8,192-10,240)
                matmul_tflops=70.89,
            ),
            GPU(
                "rtx4090-24gb",
                "NVIDIA GeForce RTX 4090 24GB",
                24,
                165,
                1.008,
                0.34,
                0.74,
                "2026-09-25",
                (RUNPOD_PRICING, SNAPSHOT_2026_10_04, SNAPSHOT_2026_09_25),
                "https://images.nvidia.com/aem-dam/Solutions/geforce/ada/nvidia-ada-gpu-architecture.pdf",
                note=_late_high("2026-09-25"),
                matmul_tflops=165.26,  # the median of the six rows of the card as sold (24 GB or unstated), 162.39-173.31
            ),
            GPU(
                "rtx3090-24gb",
                "NVIDIA GeForce RTX 3090 24GB",
                24,
                71,
                0.936,
                0.22,
                0.5,
                "2026-08-23",
                (RUNPOD_PRICING, SNAPSHOT_2026_10_04, SNAPSHOT_2026_08_23),
                "https://www.nvidia.com/content/PDF/nvidia-ampere-ga-102-gpu-architecture-whitepaper-v2.pdf",
                note=_late_high("2026-08-23"),
                matmul_tflops=76.58,  # the median of three rows, 76.34-76.68
            ),
        )
    }
)
