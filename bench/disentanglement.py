"""Seconds per disentanglement score on 5,000 codes, and the β study: scores against β.

Part 1 times each score of `aelib.disentanglement` on 5,000 codes of 64 dimensions (the shapes'
five factors plus 59 noise dimensions), the worst case the Latent lab meets, and the
interventional scores of a trained model. Part 2 trains the dense β-VAE on `shapes` for each
β and seed and prints the scorecard and the reconstruction loss, mean ± standard deviation over
the seeds, with the epochs and the wall time. Run it on a quiet machine
(`../shared/tools/quiet`): the CPU's BLAS threads spin when other processes hold the cores.

    python bench/disentanglement.py [--codes 5000] [--betas 1 2 4 8 16] [--seeds 3]
                                    [--epochs 20] [--skip-study]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aelib  # noqa: E402
from aelib.data import shapes  # noqa: E402

STUDY_SCORES = ("mig", "sap", "dci_disentanglement", "modularity", "factor_vae", "beta_vae")


def time_scores(num_codes: int) -> None:
    metrics = aelib.disentanglement
    factors = shapes.random_factors(num_codes, seed=1)
    noise = np.random.default_rng(0).normal(size=(num_codes, 59))
    codes = np.hstack([metrics.factor_table(factors).values, noise])
    print(f"| score | seconds for {num_codes:,} codes of 64 dimensions |\n|---|---|")
    for name in ("mig", "sap", "dci", "modularity_explicitness", "gaussian_total_correlation"):
        metric = getattr(metrics, name)
        started = time.perf_counter()
        metric(codes) if name == "gaussian_total_correlation" else metric(codes, factors)
        print(f"| {name} | {time.perf_counter() - started:.2f} |")


def study(betas, seeds: int, epochs: int, num_codes: int) -> None:
    data = aelib.load_dataset("shapes")
    rows = {}
    started = time.perf_counter()
    for beta in betas:
        for seed in range(seeds):
            ae = aelib.build("vae", beta=float(beta), latent_dim=10, seed=seed,
                             image_shape=data.image_shape)
            aelib.train(ae, data, epochs=epochs, batch_size=128, learning_rate=1e-3, seed=seed)
            score_started = time.perf_counter()
            scores = aelib.disentanglement.scorecard(ae, data, num_codes=num_codes, seed=seed)
            scoring = time.perf_counter() - score_started
            losses = aelib.analysis.reconstruction_losses(ae, data)
            rows.setdefault(beta, []).append([scores[name] for name in STUDY_SCORES]
                                             + [losses.test_loss, scoring])
    minutes = (time.perf_counter() - started) / 60
    print(f"\nβ study: dense VAE, latent_dim 10, {epochs} epochs of batch 128 on shapes "
          f"(8,000 images), {seeds} seeds, {minutes:.1f} minutes in all")
    header = [*STUDY_SCORES, "test_loss", "scoring_s"]
    print("| β | " + " | ".join(header) + " |")
    print("|---" * (len(header) + 1) + "|")
    for beta, values in rows.items():
        values = np.array(values, np.float64)
        cells = [f"{m:.3f} ± {s:.3f}" for m, s in zip(values.mean(0), values.std(0))]
        print(f"| {beta:g} | " + " | ".join(cells) + " |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codes", type=int, default=5000)
    parser.add_argument("--betas", type=float, nargs="+", default=[1, 2, 4, 8, 16])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--skip-study", action="store_true")
    args = parser.parse_args()
    time_scores(args.codes)
    if not args.skip_study:
        study(args.betas, args.seeds, args.epochs, args.codes)


if __name__ == "__main__":
    main()
