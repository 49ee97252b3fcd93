"""Colour images: aelib.train vs plain `model.fit` on 32x32x3 coloured shapes, every architecture.

The same comparison as `bench/train_speed.py` (whose timing functions it uses: same model and
seed, aelib's seeded batches and steps per execution against a plain `compile` + `fit(x, x,
shuffle=True)`, alternating), on 10,000 training and 2,000 validation images of the coloured
shapes (`aelib.data.shapes.make_shapes`, 32x32x3), batch 256. Prints, per architecture, the median
seconds per epoch (first epoch of every run excluded: tracing and compilation), the median
total seconds of a whole training (first epoch included), the speed-up of each (plain / aelib)
and the final validation losses, with the load average before and after.

    python bench/image_speed.py [--epochs 4] [--rounds 2] [--only dense,conv] [--side 32]
                                [--train-images 10000]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics

from train_speed import time_aelib, time_bare_fit

import aelib  # noqa: E402  (train_speed put the repository on the path)
from aelib.data.shapes import make_shapes  # noqa: E402

TRAIN_IMAGES = 10_000  # and a fifth as many test images


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--side", type=int, default=32)
    parser.add_argument("--only", default=",".join(aelib.ARCHITECTURES))
    parser.add_argument("--train-images", type=int, default=TRAIN_IMAGES)
    args = parser.parse_args()
    train = args.train_images
    images, factors = make_shapes(train + train // 5, args.side, seed=0)
    data = aelib.Dataset("shapes", "aelib.data.shapes.make_shapes", images[:train],
                         factors["shape"][:train], images[train:], factors["shape"][train:])
    import keras

    print(f"# {platform.machine()}, {os.cpu_count()} CPUs, keras {keras.__version__} "
          f"({keras.backend.backend()}), {train} train images of "
          f"{'x'.join(map(str, data.image_shape))}, {args.epochs} epochs x {args.rounds} rounds, "
          f"batch {args.batch_size}, load average {os.getloadavg()[0]:.1f}")
    print(f"{'model':<10} {'aelib s/ep':>10} {'fit s/ep':>9} {'speed-up':>8} {'aelib total':>11} "
          f"{'fit total':>9} {'speed-up':>8} {'aelib val':>9} {'fit val':>8}")
    for name in args.only.split(","):
        ours, theirs = {"epochs": [], "total": [], "loss": []}, {"epochs": [], "total": [],
                                                                 "loss": []}
        for _ in range(args.rounds):
            for timings, timer in ((ours, time_aelib), (theirs, time_bare_fit)):
                seconds, total, loss = timer(name, data, args.epochs, args.batch_size)
                timings["epochs"] += seconds[1:]
                timings["total"].append(total)
                timings["loss"].append(loss)
        a, b = statistics.median(ours["epochs"]), statistics.median(theirs["epochs"])
        ta, tb = statistics.median(ours["total"]), statistics.median(theirs["total"])
        print(f"{name:<10} {a:>10.3f} {b:>9.3f} {b / a:>8.2f} {ta:>11.2f} {tb:>9.2f} "
              f"{tb / ta:>8.2f} {statistics.median(ours['loss']):>9.4f} "
              f"{statistics.median(theirs['loss']):>8.4f}", flush=True)
    print(f"# load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
