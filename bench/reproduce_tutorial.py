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
from aelib.tutorial import TUTORIAL_RUNS, tutorial_jobs  # noqa: E402


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
    print("| model | epochs | tutorial reported | our train loss | our test loss "
          "| code mean (tutorial) | seconds |")
    print("|---|---|---|---|---|---|---|")
    for run, snapshot in zip(TUTORIAL_RUNS, snapshots):
        metrics = store.get(snapshot.run_id).metrics
        code_mean = f"{metrics['code_mean']:.2f}" + (
            f" ({run.reported_code_mean})" if run.reported_code_mean else "")
        print(f"| {run.architecture} | {snapshot.epochs} | {run.reported_loss} "
              f"| {snapshot.history['loss'][-1]:.4f} | {metrics['test_loss']:.4f} "
              f"| {code_mean} | {snapshot.seconds:.0f} |", flush=True)


if __name__ == "__main__":
    main()
