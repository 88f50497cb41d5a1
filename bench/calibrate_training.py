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
    for mfu, q, layer_s in itertools.product(
        [x / 100 for x in range(30, 66, 2)],
        [x / 100 for x in range(50, 96, 5)],
        (0.0, 0.0005, 0.001, 0.0015, 0.002, 0.003),
    ):
        estimator.MFU, estimator.QLORA_SPEED, estimator.LAYER_OVERHEAD_S = mfu, q, layer_s
        worst = max(abs(e) for _, e in errors(cells)[1])
        if best is None or worst < best[0]:
            best = (worst, mfu, q, layer_s)
    print("time: worst {:.3f} MFU={} QLORA_SPEED={} LAYER_OVERHEAD_S={}".format(*best))
    _, estimator.MFU, estimator.QLORA_SPEED, estimator.LAYER_OVERHEAD_S = best


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--fit", action="store_true")
    args = parser.parse_args()
    cal, held = calibration.load("calibration"), calibration.load("heldout")
    if args.fit:
        fit(cal)
    report("calibration", cal)
    report("held-out", held)
