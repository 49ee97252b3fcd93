"""Every architecture at its default training settings, trained the app's way: how long, how
good against PCA, and how recognisable its reconstructions are.

For each architecture, builds the model at its default hyperparameters and trains it with its
registry defaults (`aelib.REGISTRY[name].training`) in an `aelib.TrainingJob`, as the Train page
does, on the bundled MNIST sample (8,000 training images, 2,000 test images). Prints a Markdown
table with:

- seconds from the click to the job's "finished" (model build, compilation and the per-epoch
  preview reconstructions included), with the 1-minute load average before and after: other
  work on the machine inflates them;
- the test loss (mean per-pixel binary cross-entropy of the reconstructions) against PCA's with
  as many components as the code has numbers, and `aelib.explore.advice.pca_verdict`'s answer;
- the accuracy of a 5-nearest-neighbour digit classifier fit on the raw training images and
  evaluated on the model's reconstructions of the test images (on the raw test images it scores
  the "pixels" line, on PCA's reconstructions the PCA column): recognisable reconstructions
  score near the raw images.

For the denoising model it also prints the same for its real task, the noisy test images it
validates on (the 5-NN on the noisy images themselves for reference); for the VAE, where the test
codes sit (mean and standard deviation per latent dimension, and the share inside the Generate
page's manifold, the central 90% of N(0, 1) in each dimension).

    python bench/defaults.py [--only dense,vae] [--seed 0]
                             [--epochs N] [--batch-size N] [--learning-rate X]  # to try others
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import keras  # noqa: E402
import numpy as np  # noqa: E402

import aelib  # noqa: E402
from aelib.explore.advice import pca_verdict  # noqa: E402
from aelib.explore.analysis import knn_accuracy, pca_baseline, reconstruction_errors  # noqa: E402
from aelib.data.noise import add_noise  # noqa: E402
from aelib.training.fit import VALIDATION_NOISE_SEED  # noqa: E402

MANIFOLD_EDGE = 1.645  # the Generate page's grid spans N(0, 1)'s 5% to 95% quantiles


def train_the_app_way(name, data, settings):
    """Build and train `name` as the Train page does; returns (model, seconds to finished)."""
    started = time.perf_counter()
    ae = aelib.build(name, seed=settings["seed"], image_shape=data.image_shape)
    job = aelib.TrainingJob(ae, data, settings, data.x_test[:10]).start()
    while not job.snapshot().done:
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    if job.snapshot().status != "finished":
        raise RuntimeError(f"{name} did not finish: {job.snapshot().message}")
    return ae, seconds


def describe_settings(settings):
    rate = aelib.settings.learning_rate_for(settings["optimizer"], settings["learning_rate"])
    return (f"{settings['epochs']} × batch {settings['batch_size']}, "
            f"{settings['optimizer']} {rate:g}")


def denoising_report(ae, data):
    noisy = add_noise(data.x_test, ae.noise_factor, VALIDATION_NOISE_SEED)
    denoised = ae.reconstruct(noisy)
    loss = float(reconstruction_errors(data.x_test, denoised).mean())
    knn = knn_accuracy(data.x_train, data.y_train, denoised, data.y_test)
    knn_noisy = knn_accuracy(data.x_train, data.y_train, noisy, data.y_test)
    return (f"Denoising the noisy test images (noise {ae.noise_factor}): loss {loss:.4f} against "
            f"the clean ones, 5-NN {knn:.1%} on the denoised images ({knn_noisy:.1%} on the "
            f"noisy ones)")


def latent_report(ae, data):
    codes = ae.encode(data.x_test)
    inside = np.all(np.abs(codes) <= MANIFOLD_EDGE, axis=1).mean()
    dims = ", ".join(f"z{i}: {m:+.2f} ± {s:.2f}"
                     for i, (m, s) in enumerate(zip(codes.mean(0), codes.std(0))))
    return f"VAE test codes (mean ± std): {dims}; {inside:.0%} inside the manifold's ±1.64"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(aelib.ARCHITECTURES))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, help="instead of each default")
    parser.add_argument("--batch-size", type=int, help="instead of each default")
    parser.add_argument("--learning-rate", type=float, help="instead of each default")
    args = parser.parse_args()
    overrides = {key: value for key, value in (("epochs", args.epochs),
                                               ("batch_size", args.batch_size),
                                               ("learning_rate", args.learning_rate))
                 if value is not None}
    data = aelib.load_dataset("bundled")
    pixels = knn_accuracy(data.x_train, data.y_train, data.x_test, data.y_test)
    print(f"# {platform.machine()}, {os.cpu_count()} CPUs, Keras {keras.__version__} on "
          f"{keras.backend.backend()}; {data.source}: {len(data.x_train)} training and "
          f"{len(data.x_test)} test images. 5-NN on the raw test images (pixels): {pixels:.1%}")
    print("| model | settings | seconds (load before→after) | test loss | PCA loss "
          "| beats PCA | 5-NN on reconstructions | 5-NN on PCA's |")
    print("|---|---|---|---|---|---|---|---|")
    notes = []
    for name in args.only.split(","):
        settings = {**aelib.REGISTRY[name].training.settings(args.seed), **overrides}
        load_before = os.getloadavg()[0]
        ae, seconds = train_the_app_way(name, data, settings)
        load_after = os.getloadavg()[0]
        reconstructions = ae.reconstruct(data.x_test)
        loss = float(reconstruction_errors(data.x_test, reconstructions).mean())
        pca = pca_baseline(data.x_train, data.x_test, ae.code_size)
        verdict = pca_verdict(loss, pca.loss, ae.code_size)
        knn = knn_accuracy(data.x_train, data.y_train, reconstructions, data.y_test)
        knn_pca = knn_accuracy(data.x_train, data.y_train, pca.reconstructions, data.y_test)
        print(f"| {name} | {describe_settings(settings)} | {seconds:.1f} ({load_before:.1f}→"
              f"{load_after:.1f}) | {loss:.4f} | {pca.loss:.4f} "
              f"| {'yes' if verdict.beats_pca else 'no'} | {knn:.1%} | {knn_pca:.1%} |",
              flush=True)
        if ae.noise_factor:
            notes.append(denoising_report(ae, data))
        if ae.architecture == "vae":
            notes.append(latent_report(ae, data))
    for note in notes:
        print(f"\n{note}")


if __name__ == "__main__":
    main()
