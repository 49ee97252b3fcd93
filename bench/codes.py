"""The codes, measured: seconds of each map projection, the replay's cost per epoch, and TopK
against L1 at equal sparsity.

1. Projections (`aelib.explore.projections.project`): seconds for PCA, t-SNE and (when
   `umap-learn` is installed) UMAP on the test codes of a dense autoencoder (32 numbers each),
   the median of `--rounds` runs. The issue's budget: t-SNE at most 7 s and PCA at most 2 s for
   2,000 codes on 2 cores.
2. Replay (`aelib.explore.replay.CodeReplay`): what recording one frame (500 test codes
   encoded, PCA, alignment) costs after each epoch, against the epoch itself, for the dense model
   at the lab's preset; the budget is 5% of an epoch.
3. TopK against L1: the TopK model with `--k` active units of 32, and the L1 sparse model at
   each `--l1`; for each, the share of code values active on the test images (above 1e-3), the
   test loss (binary cross-entropy per pixel) and the share of dead units (never active on a
   test image). Compare TopK with the L1 row of the nearest active share.

    python bench/codes.py [--points 2000] [--rounds 3] [--epochs 10] [--train 8000]
                          [--k 8] [--l1 1e-4,1e-3,3e-3]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import keras  # noqa: E402
import numpy as np  # noqa: E402

import aelib  # noqa: E402
from aelib.explore import projections  # noqa: E402
from aelib.explore.replay import CodeReplay  # noqa: E402
from aelib.training.progress import EpochEnded  # noqa: E402


def preset(name: str, epochs: int) -> dict:
    """The lab's training preset for `name`, with `epochs`."""
    return {**aelib.REGISTRY[name].training.settings(seed=0), "epochs": epochs}


def bench_projections(data, points: int, rounds: int, epochs: int) -> None:
    ae = aelib.build("dense", seed=0)
    aelib.train(ae, data, **preset("dense", epochs))
    codes = ae.encode(data.x_test)[:points]
    print(f"\n## projections of {len(codes)} {codes.shape[1]}-number codes, median of {rounds}")
    print(f"{'projection':>10} {'seconds':>8}")
    for method in projections.available_projections():
        seconds = []
        for _ in range(rounds):
            started = time.perf_counter()
            projections.project(codes, method, max_points=len(codes))
            seconds.append(time.perf_counter() - started)
        print(f"{method:>10} {statistics.median(seconds):>8.3f}", flush=True)
    if not projections.umap_available():
        print("      umap  (umap-learn not installed)")


def bench_replay(data, epochs: int) -> None:
    ae = aelib.build("dense", seed=0)
    replay = CodeReplay(data.x_test)
    epoch_seconds, frame_seconds = [], []

    def on_progress(event):
        if isinstance(event, EpochEnded):
            epoch_seconds.append(event.seconds)
            started = time.perf_counter()
            replay.record(ae, event.epoch)
            frame_seconds.append(time.perf_counter() - started)

    aelib.train(ae, data, on_progress=on_progress, **preset("dense", epochs))
    # The first epoch includes tracing and compiling: the steady ones are the honest measure.
    steady = slice(1, None) if len(epoch_seconds) > 1 else slice(None)
    epoch, frame = (statistics.median(epoch_seconds[steady]),
                    statistics.median(frame_seconds[steady]))
    print(f"\n## replay of {len(replay.indices)} test codes, dense model, {len(data.x_train)} "
          f"training images, median over epochs after the first")
    print(f"epoch {epoch * 1000:.1f} ms, frame {frame * 1000:.2f} ms: {frame / epoch:.1%} of an "
          "epoch", flush=True)


def sparsity_row(name: str, ae, data, result) -> str:
    codes = ae.encode(data.x_test)
    active = float(np.mean(np.abs(codes) > 1e-3))
    dead = float(np.mean(np.abs(codes).max(axis=0) <= 1e-3))
    return (f"{name:>14} {active:>7.1%} {result.history['val_loss'][-1]:>10.4f} "
            f"{dead:>6.1%}")


def bench_topk_against_l1(data, epochs: int, k: int, l1_values: list[float]) -> None:
    print(f"\n## TopK (k={k} of 32) against L1, {epochs} epochs each, lab presets")
    print(f"{'model':>14} {'active':>7} {'test loss':>10} {'dead':>6}")
    ae = aelib.build("topk", k=k, seed=0)
    result = aelib.train(ae, data, **preset("topk", epochs))
    print(sparsity_row(f"topk k={k}", ae, data, result), flush=True)
    for l1 in l1_values:
        ae = aelib.build("sparse", l1=l1, seed=0)
        result = aelib.train(ae, data, **preset("sparse", epochs))
        print(sparsity_row(f"l1={l1:g}", ae, data, result), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=2000, help="codes projected")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--train", type=int, default=8000, help="training images")
    parser.add_argument("--k", type=int, default=8)
    parser.add_argument("--l1", default="1e-4,1e-3,3e-3")
    args = parser.parse_args()
    data = aelib.load_dataset("bundled").subset(args.train, None, seed=0)
    print(f"# {platform.machine()}, {os.cpu_count()} CPUs, Keras {keras.__version__}, bundled "
          f"MNIST: {len(data.x_train)} training, {len(data.x_test)} test images")
    bench_projections(data, args.points, args.rounds, args.epochs)
    bench_replay(data, args.epochs)
    bench_topk_against_l1(data, args.epochs, args.k, [float(v) for v in args.l1.split(",")])


if __name__ == "__main__":
    main()
