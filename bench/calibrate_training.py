"""Fit the training estimator's constants on the calibration cells; report held-out errors.

    .venv/bin/python bench/calibrate_training.py          # errors with the committed constants
    .venv/bin/python bench/calibrate_training.py --fit    # grid search, prints the best constants

The fit minimises the worst relative error over the calibration cells (memory and time
separately); the held-out cells are only reported, never fitted.
"""

import argparse
import itertools
import statistics

from app.training import calibration, estimator


def errors(cells):
    mem, time = [], []
    for cell in cells:
        if cell.memory_gb is not None:
            mem.append((cell.label, cell.predicted_memory() / cell.memory_gb - 1))
        if cell.seconds_per_step is not None:
            time.append((cell.label, cell.predicted_step_seconds() / cell.seconds_per_step - 1))
    return mem, time


def report(title, cells):
    mem, time = errors(cells)
    print(f"== {title}")
    for label, e in mem:
        print(f"  memory {label:55s} {e:+.1%}")
    for label, e in time:
        print(f"  time   {label:55s} {e:+.1%}")
    if mem:
        print(
            f"  memory: median |error| {statistics.median(abs(e) for _, e in mem):.1%}, worst {max(abs(e) for _, e in mem):.1%}"
        )
    if time:
        print(
            f"  time:   median |error| {statistics.median(abs(e) for _, e in time):.1%}, worst {max(abs(e) for _, e in time):.1%}"
        )


def fit(cells):
    best = None
    for layer, logit, cuda, frag in itertools.product(
        (20, 34, 50, 70), (6, 8, 10, 12, 14, 16), (0.5, 1.0, 1.5, 2.0), (0.0, 0.05, 0.1)
    ):
        estimator.LAYER_WORKING_BYTES, estimator.LOGIT_BYTES = layer, logit
        estimator.CUDA_OVERHEAD_GIB, estimator.FRAGMENTATION = cuda, frag
        worst = max(abs(e) for _, e in errors(cells)[0])
        if best is None or worst < best[0]:
            best = (worst, layer, logit, cuda, frag)
    print(
        "memory: worst {:.3f} LAYER_WORKING_BYTES={} LOGIT_BYTES={} CUDA_OVERHEAD_GIB={} FRAGMENTATION={}".format(
            *best
        )
    )
    (
        _,
        estimator.LAYER_WORKING_BYTES,
        estimator.LOGIT_BYTES,
        estimator.CUDA_OVERHEAD_GIB,
        estimator.FRAGMENTATION,
    ) = best
    best = None
    for mfu, attn, layer_s, dequant, elementwise in itertools.product(
        [x / 100 for x in range(40, 91, 3)],
        (estimator.ATTENTION_MFU,),  # from the FlashAttention 2 paper, not fitted
        (0.0, 0.001, 0.002, 0.003),
        (2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 16.0),
        (0.0, 50.0, 100.0, 150.0, 200.0, 300.0),
    ):
        estimator.MFU, estimator.ATTENTION_MFU = mfu, attn
        estimator.LAYER_OVERHEAD_S, estimator.DEQUANT_BYTES = layer_s, dequant
        estimator.ELEMENTWISE_BYTES = elementwise
        worst = max(abs(e) for _, e in errors(cells)[1])
        if best is None or worst < best[0]:
            best = (worst, mfu, attn, layer_s, dequant, elementwise)
    print(
        "time: worst {:.3f} MFU={} ATTENTION_MFU={} LAYER_OVERHEAD_S={} DEQUANT_BYTES={} "
        "ELEMENTWISE_BYTES={}".format(*best)
    )
    (
        _,
        estimator.MFU,
        estimator.ATTENTION_MFU,
        estimator.LAYER_OVERHEAD_S,
        estimator.DEQUANT_BYTES,
        estimator.ELEMENTWISE_BYTES,
    ) = best


# Unsloth's Qwen3.5 guide: bf16 LoRA in 10, 22 and 56 GB for the 4B, 9B and 27B, with no sequence
# length, batch or rank stated. Printed as a rough check (the README quotes it), never fitted.
UNSLOTH_QWEN35_GB = {"qwen3.5-4b": 10, "qwen3.5-9b": 22, "qwen3.5-27b": 56}


def qwen35_check():
    from app.training.gpus import GPUS
    from app.training.models import MODELS_BY_KEY

    print("== Qwen3.5 bf16 LoRA, rank 16, one sequence, against Unsloth's guide (rough check)")
    for key, published in UNSLOTH_QWEN35_GB.items():
        model = MODELS_BY_KEY[key]
        said = []
        for seq, fp32_loss in ((1024, True), (1024, False), (2048, True)):
            work = estimator.Workload(
                model.params_b,
                "lora",
                GPUS["a100-80gb"],
                seq_len=seq,
                micro_batch=1,
                grad_accum=1,
                tokens=seq,
                epochs=1,
                lora_rank=16,
                architecture=model.architecture,
                loss_in_fp32=fp32_loss,
            )
            said.append(estimator.estimate(work).memory_gb.expected)
        print(
            f"  {key:12s} Unsloth {published} GB; 1,024 tokens {said[0]:.1f} GiB "
            f"({said[0] / published - 1:+.0%}; {said[1]:.1f} with the loss on BF16 logits), "
            f"2,048 tokens {said[2]:.1f} GiB"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--fit", action="store_true")
    args = parser.parse_args()
    cal, held = calibration.load("calibration"), calibration.load("heldout")
    if args.fit:
        fit(cal)
    report("calibration", cal)
    report("held-out", held)
    qwen35_check()
