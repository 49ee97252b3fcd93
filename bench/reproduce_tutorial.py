"""Reproduce the classic tutorial's four image experiments and print the comparison table.

Runs the same queue as the Runs page's "Reproduce the tutorial" button (dense and conv 50 epochs,
sparse and deep 100, adam, the tutorial's batch sizes), on the bundled MNIST sample (8,000
training images instead of the tutorial's 60,000), and prints a Markdown table.

    python bench/reproduce_tutorial.py [--epochs N] [--train-size N] [--dataset bundled]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import aelib  # noqa: E402
from aelib.jobs.tutorial import comparison_rows, tutorial_jobs  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=None, help="default: the tutorial's")
    parser.add_argument("--train-size", type=int, default=None)
    parser.add_argument("--dataset", default="bundled")
    args = parser.parse_args()
    data = aelib.load_dataset(args.dataset)
    store = aelib.RunStore(tempfile.mkdtemp(prefix="aelib-tutorial-"))
    queue = aelib.JobQueue(tutorial_jobs(data, args.epochs, args.train_size, store=store))
    snapshots = queue.start().wait()
    print(f"# {data.source}; {args.train_size or len(data.x_train)} training images, "
          f"{len(data.x_test)} test images")
    rows = comparison_rows(snapshots)
    print("| " + " | ".join(rows[0]) + " |")
    print("|" + "---|" * len(rows[0]))
    for row in rows:
        print("| " + " | ".join(_cell(value) for value in row.values()) + " |", flush=True)


def _cell(value) -> str:
    return f"{value:.4f}" if isinstance(value, float) and value < 10 else str(value)


if __name__ == "__main__":
    main()
