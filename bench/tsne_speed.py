"""Seconds for the Codes page's t-SNE (`aelib.explore.analysis.tsne_map`) on 1,000 to 5,000 codes.

The codes are those of a dense autoencoder (32 numbers each) trained for 5 epochs on the bundled
MNIST sample; the map is of the first N training images' codes. Prints the median of several runs
for each N. The app computes the map of up to 2,000 test codes in the background as soon as a
training ends, so the Codes page usually finds it ready.

    python bench/tsne_speed.py [--sizes 1000,2000,5000] [--rounds 3]
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

import sklearn  # noqa: E402

import aelib  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,2000,5000")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    data = aelib.load_dataset("bundled")
    ae = aelib.build("dense", seed=0)
    aelib.train(ae, data, epochs=5, seed=0)
    codes = ae.encode(data.x_train)
    print(f"# {platform.machine()}, {os.cpu_count()} CPUs, scikit-learn {sklearn.__version__}, "
          f"{codes.shape[1]}-number codes, median of {args.rounds}")
    print(f"{'codes':>6} {'seconds':>8}")
    for size in map(int, args.sizes.split(",")):
        seconds = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            aelib.explore.analysis.tsne_map(codes[:size], max_points=size)
            seconds.append(time.perf_counter() - started)
        print(f"{size:>6} {statistics.median(seconds):>8.2f}", flush=True)


if __name__ == "__main__":
    main()
