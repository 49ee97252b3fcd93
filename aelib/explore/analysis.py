"""What a trained autoencoder learned, as numbers: errors, sparsity, t-SNE, PCA, kNN, latents;
new images and single units from `aelib.explore.sampling` and `aelib.explore.units`.

Every function takes numpy arrays (or an `Autoencoder`) and returns numpy arrays or small
dataclasses; figures of these live in `aelib.explore.figures`. Reconstruction errors, PSNR and SSIM
are in `aelib.explore.quality`. scikit-learn is imported where used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from aelib.architectures import LOSS_LABELS
from aelib.explore.metrics import INTERVENTIONAL, METRICS, SCORECARD
from aelib.explore.quality import image_quality, reconstruction_errors
# Re-exported, so that notebooks find them with the other analyses:
# `aelib.analysis.mixture_samples(ae, data, n)`, `aelib.analysis.unit_top_images(codes, unit)`.
from aelib.explore.sampling import Samples, mixture_samples, prior_samples  # noqa: F401
from aelib.explore.units import dead_units, unit_atom, unit_top_images  # noqa: F401

if TYPE_CHECKING:
    from aelib.data.datasets import Dataset
    from aelib.model.autoencoder import Autoencoder

KNN_WORKING_MEMORY_MB = 64
TSNE_POINTS = 2000  # a t-SNE map of more points takes long, and shows little more
MIN_TSNE_POINTS = 10
# scikit-learn's default is 1,000. On 2,000 codes of the dense model, 500 iterations keep the
# map as trustworthy (0.9858 against 0.9856 at 5 neighbours) in 60% of the time (3.5 s, not 5.8).
TSNE_ITERATIONS = 500


@dataclass(frozen=True)
class SparsityStats:
    """How sparse a set of codes is.

    Args:
        mean_activation: mean of all code values (the tutorial's `encoded_imgs.mean()`).
        inactive_fraction: share of code units that never exceed `threshold` on any image.
        zero_fraction: share of all code values at or below `threshold`.
        per_unit_mean: mean activation of each unit, shaped (code_size,).
        histogram_counts, histogram_edges: distribution of all code values.
        threshold: the activity threshold used.
    """

    mean_activation: float
    inactive_fraction: float
    zero_fraction: float
    per_unit_mean: np.ndarray
    histogram_counts: np.ndarray
    histogram_edges: np.ndarray
    threshold: float


def sparsity_stats(codes: np.ndarray, threshold: float = 1e-3, bins: int = 40) -> SparsityStats:
    """Sparsity statistics of codes shaped (n, ...); units are the flattened code positions."""
    flat = np.asarray(codes, dtype=np.float64).reshape(len(codes), -1)
    counts, edges = np.histogram(flat, bins=bins)
    return SparsityStats(
        mean_activation=float(flat.mean()),
        inactive_fraction=float(np.mean(np.abs(flat).max(axis=0) <= threshold)),
        zero_fraction=float(np.mean(np.abs(flat) <= threshold)),
        per_unit_mean=flat.mean(axis=0),
        histogram_counts=counts,
        histogram_edges=edges,
        threshold=threshold,
    )


@dataclass(frozen=True)
class TSNEMap:
    """A 2-D t-SNE embedding of codes; `indices` says which rows of the input each point is."""

    embedding: np.ndarray  # (m, 2)
    indices: np.ndarray  # (m,)


def tsne_map(codes: np.ndarray, max_points: int = TSNE_POINTS, perplexity: float | None = None,
             seed: int = 0) -> TSNEMap:
    """t-SNE of up to `max_points` codes (a seeded subsample), after PCA to 50 dimensions when
    the codes are wider, run for `TSNE_ITERATIONS` iterations.

    Args:
        perplexity: None for 30, or a third of the points when there are fewer than 91.

    Raises:
        ValueError: fewer than `MIN_TSNE_POINTS` codes, or fewer than `perplexity` needs (more
            than `perplexity` points).
    """
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE

    flat = np.asarray(codes, dtype=np.float32).reshape(len(codes), -1)
    rng = np.random.default_rng(seed)
    indices = np.sort(rng.choice(len(flat), size=min(max_points, len(flat)), replace=False))
    points = flat[indices]
    if len(points) < MIN_TSNE_POINTS:
        raise ValueError(f"A t-SNE map needs at least {MIN_TSNE_POINTS} codes; got "
                         f"{len(points)}. Use more images.")
    if perplexity is None:
        perplexity = min(30.0, (len(points) - 1) / 3)
    if len(points) <= perplexity:
        raise ValueError(f"t-SNE with perplexity {perplexity} needs more than {perplexity:g} "
                         f"codes; got {len(points)}. Lower the perplexity or use more images.")
    if points.shape[1] > 50:
        points = PCA(n_components=min(50, len(points)), random_state=seed).fit_transform(points)
    embedding = TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=seed,
                     max_iter=TSNE_ITERATIONS, n_jobs=-1).fit_transform(points)
    return TSNEMap(embedding.astype(np.float32), indices)


def tsne_trustworthiness(codes: np.ndarray, tsne: TSNEMap, n_neighbors: int = 5) -> float:
    """How far the map keeps neighbours neighbours (scikit-learn's `trustworthiness`): 1 when
    every point's nearest neighbours on the map are also near it in code space."""
    from sklearn.manifold import trustworthiness

    flat = np.asarray(codes, dtype=np.float32).reshape(len(codes), -1)[tsne.indices]
    return float(trustworthiness(flat, tsne.embedding, n_neighbors=min(n_neighbors,
                                                                     len(flat) // 2 - 1)))


def is_planar(codes: np.ndarray) -> bool:
    """Whether codes, shaped (n, ...), hold two numbers each: then they are a plane to draw as
    they are, and a t-SNE map of them would only distort it."""
    return int(np.prod(np.shape(codes)[1:])) == 2


def code_analysis(ae: Autoencoder, data: Dataset) -> dict:
    """The slow part of looking at a model's codes, to run in the background once it is trained:
    `{"test_codes": the test images' codes, "tsne": their t-SNE map, "trustworthiness": the
    map's}` (no map for fewer than `MIN_TSNE_POINTS` test images, nor for codes of two
    numbers: see `is_planar`)."""
    codes = ae.encode(data.x_test)
    result = {"test_codes": codes}
    if len(codes) >= MIN_TSNE_POINTS and not is_planar(codes):
        result["tsne"] = tsne_map(codes)
        result["trustworthiness"] = tsne_trustworthiness(codes, result["tsne"])
    return result


@dataclass(frozen=True)
class PCABaseline:
    """PCA with as many components as the model's code: the linear autoencoder to beat."""

    n_components: int
    reconstructions: np.ndarray  # shaped as the test images, clipped to [0, 1]
    errors: np.ndarray  # per-image loss ("bce" or "mse", as asked)
    loss: float  # mean of errors
    explained_variance: float


def pca_baseline(x_train: np.ndarray, x_test: np.ndarray, n_components: int,
                 seed: int = 0, loss: str = "bce") -> PCABaseline:
    """Fit PCA on `x_train` and reconstruct `x_test` from `n_components` components, each image
    flattened to all its values (colour included).

    Components are capped at the number of training images and values. `loss` is the
    per-image error to report, "bce" or "mse" (a model's `loss`, to compare like with like).
    """
    from sklearn.decomposition import PCA

    train = np.asarray(x_train, dtype=np.float32).reshape(len(x_train), -1)
    test = np.asarray(x_test, dtype=np.float32).reshape(len(x_test), -1)
    n_components = int(min(n_components, train.shape[0], train.shape[1]))
    pca = PCA(n_components=n_components, random_state=seed).fit(train)
    reconstructions = np.clip(pca.inverse_transform(pca.transform(test)), 0.0, 1.0)
    errors = reconstruction_errors(test, reconstructions, loss)
    return PCABaseline(n_components, reconstructions.reshape(np.shape(x_test)).astype(np.float32),
                       errors, float(errors.mean()), float(pca.explained_variance_ratio_.sum()))


@dataclass(frozen=True)
class ReconstructionLosses:
    """A model's reconstructions of the test images and their loss, beside PCA's with as many
    components as its code has numbers, both in the loss the model trains with.

    Args:
        loss: the model's loss (`ae.loss`), a key of `aelib.architectures.LOSS_LABELS`.
        reconstructions: the model's, shaped as the test images.
        errors: per test image, the mean of the loss over its pixel values.
        test_loss: mean of errors: the `test_loss` that `run_metrics` stores.
        pca: PCA's reconstructions and errors in the same loss.
    """

    loss: str
    reconstructions: np.ndarray
    errors: np.ndarray
    test_loss: float
    pca: PCABaseline

    @property
    def label(self) -> str:
        """The loss in words: "binary cross-entropy" or "mean squared error"."""
        return LOSS_LABELS[self.loss]


def reconstruction_losses(ae: Autoencoder, data: Dataset,
                          codes: np.ndarray | None = None) -> ReconstructionLosses:
    """How well `ae` reconstructs `data`'s test images, against PCA fitted on its training
    images, in the model's own loss (`ae.loss`), so that the numbers agree with the loss it
    trained on.

    Args:
        ae: a trained `aelib.Autoencoder`.
        data: the `aelib.Dataset` to measure on.
        codes: the test images' codes (`ae.encode(data.x_test)`) when they are at hand.

    Returns:
        A `ReconstructionLosses`.
    """
    reconstructions = ae.decode(ae.encode(data.x_test) if codes is None else codes)
    errors = reconstruction_errors(data.x_test, reconstructions, ae.loss)
    pca = pca_baseline(data.x_train, data.x_test, ae.code_size, loss=ae.loss)
    return ReconstructionLosses(ae.loss, reconstructions, errors, float(errors.mean()), pca)


def knn_accuracy(train_codes: np.ndarray, y_train: np.ndarray, test_codes: np.ndarray,
                 y_test: np.ndarray, k: int = 5) -> float:
    """Accuracy of a k-nearest-neighbour classifier on codes: how much the codes keep of the
    label, without training anything on the labels."""
    from sklearn import config_context
    from sklearn.neighbors import KNeighborsClassifier

    classifier = KNeighborsClassifier(n_neighbors=min(k, len(train_codes)))
    classifier.fit(np.reshape(train_codes, (len(train_codes), -1)), y_train)
    # Distances in small chunks: scikit-learn's default allows 1 GB for them, a whole free
    # Community Cloud app's memory.
    with config_context(working_memory=KNN_WORKING_MEMORY_MB):
        return float(classifier.score(np.reshape(test_codes, (len(test_codes), -1)), y_test))


def knn_comparison(ae: Autoencoder, data: Dataset, n_train: int = 5000, k: int = 5, seed: int = 0,
                   test_codes: np.ndarray | None = None) -> dict:
    """k-NN accuracy on the test images from three representations of the same size budget:
    the model's codes, PCA codes with as many components, and the raw pixels. Pass the test
    images' codes as `test_codes` when they are at hand.

    Raises:
        ValueError: a dataset without labels.
    """
    from sklearn.decomposition import PCA

    if not data.has_labels:
        raise ValueError("k-NN accuracy needs labelled images; this dataset has none.")
    train = data.subset(n_train, None, seed=seed)
    pixels_train = train.x_train.reshape(len(train.x_train), -1)
    pixels_test = data.x_test.reshape(len(data.x_test), -1)
    components = int(min(ae.code_size, *pixels_train.shape))
    pca = PCA(n_components=components, random_state=seed).fit(pixels_train)
    pairs = {
        "codes": (ae.encode(train.x_train),
                  ae.encode(data.x_test) if test_codes is None else test_codes),
        "pca": (pca.transform(pixels_train), pca.transform(pixels_test)),
        "pixels": (pixels_train, pixels_test),
    }
    return {name: knn_accuracy(train_x, train.y_train, test_x, data.y_test, k)
            for name, (train_x, test_x) in pairs.items()}


def nearest_codes(codes: np.ndarray, query: np.ndarray, k: int = 8) -> np.ndarray:
    """Indices of the `k` codes nearest to `query` (Euclidean), nearest first."""
    flat = np.asarray(codes, dtype=np.float32).reshape(len(codes), -1)
    distances = np.linalg.norm(flat - np.asarray(query, dtype=np.float32).reshape(1, -1), axis=1)
    return np.argsort(distances, kind="stable")[:k]


def interpolate(ae: Autoencoder, image_a: np.ndarray, image_b: np.ndarray,
                steps: int = 8) -> np.ndarray:
    """Images decoded along the straight line between the codes of two images, ends included.

    Returns:
        (steps, height, width, channels) images, from `image_a`'s reconstruction to `image_b`'s.
    """
    if steps < 2:
        raise ValueError(f"steps must be at least 2; got {steps}.")
    codes = ae.encode(np.stack([image_a, image_b]))
    weights = np.linspace(0.0, 1.0, steps, dtype=np.float32).reshape(-1, *[1] * (codes.ndim - 1))
    return ae.decode((1 - weights) * codes[0] + weights * codes[1])


@dataclass(frozen=True)
class LatentFrame:
    """Where a model's codes lie, per latent dimension: the frame the latent sliders, the
    clickable plane and the manifold are drawn in.

    Args:
        centre: the mean code, shaped (dimensions,).
        spread: the codes' standard deviation, shaped (dimensions,).
        low, high: bounds holding every code with room to spare (see `latent_frame`),
            shaped (dimensions,).
    """

    centre: np.ndarray
    spread: np.ndarray
    low: np.ndarray
    high: np.ndarray


def latent_frame(codes: np.ndarray, min_half_width: float = 3.0, margin: float = 1.1,
                 step: float = 0.5) -> LatentFrame:
    """The frame of a VAE's codes (e.g. the test images' latent means): in each dimension
    centre ± max(`min_half_width`, `margin` x the largest distance of a code from the centre),
    the bounds rounded outwards to multiples of `step`. A model whose codes follow N(0, 1)
    gets about -3..3; one whose codes drifted to -6 gets a frame that reaches them.

    Raises:
        ValueError: no codes, codes that are not finite, or a non-positive width or step.
    """
    flat = np.asarray(codes, dtype=np.float64)
    if flat.ndim < 2 or not flat.size:
        raise ValueError("The latent frame needs at least one code, shaped (n, dimensions); "
                         f"got an array shaped {flat.shape}.")
    flat = flat.reshape(len(flat), -1)
    if not np.isfinite(flat).all():
        raise ValueError("Some codes are not finite (NaN or infinite): the model diverged. "
                         "Train it again with a lower learning rate.")
    if min_half_width <= 0 or margin <= 0 or step <= 0:
        raise ValueError("min_half_width, margin and step must be positive; got "
                         f"{min_half_width}, {margin} and {step}.")
    centre = flat.mean(axis=0)
    half = np.maximum(min_half_width, margin * np.abs(flat - centre).max(axis=0))
    return LatentFrame(centre=centre, spread=flat.std(axis=0),
                       low=np.floor((centre - half) / step) * step,
                       high=np.ceil((centre + half) / step) * step)


def latent_grid(ae: Autoencoder, size: int = 15, span: float = 0.95,
                frame: LatentFrame | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Decode a `size` x `size` grid over the first two latent dimensions.

    The grid runs over Gaussian quantiles from 1 - span to span, like the tutorial's
    `norm.ppf(np.linspace(0.05, 0.95, 15))`, so it covers where the prior puts its mass. With
    a `frame` (`latent_frame` of the model's codes) the Gaussian is the codes' own: each
    dimension's quantiles are scaled by the codes' spread and moved to their centre, so the
    grid covers where this model put its codes; the other dimensions sit at their centre
    (at 0 without a frame).

    Returns:
        (images shaped (size, size, height, width, channels), grid values shaped (size, 2):
        column d holds dimension d's values, ascending); image row 0 is the highest value of
        the second dimension, so the picture reads like a plot.

    Raises:
        ValueError: a code of fewer than 2 dimensions, or span outside (0.5, 1).
    """
    from scipy.stats import norm

    if ae.code_size < 2:
        raise ValueError("The latent grid needs a code of at least 2 dimensions.")
    if not 0.5 < span < 1:
        raise ValueError(f"span must be between 0.5 and 1 (exclusive); got {span}.")
    centre = np.zeros(ae.code_size) if frame is None else np.asarray(frame.centre, np.float64)
    scale = np.ones(2) if frame is None else np.asarray(frame.spread[:2], np.float64)
    quantiles = norm.ppf(np.linspace(1 - span, span, size))
    values = (centre[None, :2] + quantiles[:, None] * scale[None, :]).astype(np.float32)
    codes = np.tile(centre.astype(np.float32), (size, size, 1))
    codes[:, :, 0] = values[None, :, 0]
    codes[:, :, 1] = values[::-1, None, 1]
    images = ae.decode(codes.reshape(size * size, -1))
    return images.reshape(size, size, *ae.image_shape), values


INACTIVE_KL_NATS = 0.01  # a latent dimension with less KL than this carries nothing: "inactive"


def kl_per_dimension(ae: Autoencoder, images: np.ndarray) -> np.ndarray:
    """A variational model's KL(q(z|x) || N(0, 1)) per latent dimension, in nats per image:
    the mean over `images` of -0.5 (1 + log_var - mean^2 - exp(log_var)) for each dimension.
    They sum to the KL the model reports (`kl_loss`); a dimension under `INACTIVE_KL_NATS`
    is inactive (its posterior is the prior: the decoder gets nothing through it).

    Args:
        ae: a variational `aelib.Autoencoder`.
        images: (n, height, width, channels), n >= 1.

    Returns:
        (latent_dim,) float64.

    Raises:
        ValueError: a model that is not variational, or no images.
    """
    if not len(images):
        raise ValueError("The KL per dimension needs at least one image.")
    mean, log_var = (part.astype(np.float64) for part in ae.posterior(images))
    return (-0.5 * (1 + log_var - mean ** 2 - np.exp(log_var))).mean(axis=0)


def latent_traversal(ae: Autoencoder, code: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Decode a code with one latent dimension at a time set to each of `values`, the others
    kept: every dimension's traversal, decoded in one batch.

    Args:
        ae: an `aelib.Autoencoder` whose codes are vectors (a VAE's latent means, say).
        code: the code to start from, shaped (code_size,) or (1, code_size): an image's
            (`ae.encode(image[None])[0]`) or the codes' mean.
        values: what each dimension is set to, e.g. `np.linspace(-3, 3, 11)`.

    Returns:
        Images shaped (code_size, len(values), height, width, channels): row i is dimension
        i's traversal.

    Raises:
        ValueError: a code of the wrong size, or no values.
    """
    code = np.asarray(code, np.float32).reshape(-1)
    values = np.asarray(values, np.float32).reshape(-1)
    if code.size != ae.code_size or not values.size:
        raise ValueError(f"Expected a code of {ae.code_size} numbers and at least one value; "
                         f"got {code.size} numbers and {values.size} values.")
    dimensions = np.arange(ae.code_size)
    codes = np.tile(code, (ae.code_size, len(values), 1))  # (d, m, d)
    codes[dimensions, :, dimensions] = values
    images = ae.decode(codes.reshape(-1, ae.code_size))
    return images.reshape(ae.code_size, len(values), *ae.image_shape)


REPLAY_DIMENSIONS = 16  # rows of a replay snapshot: the dimensions with the most KL
REPLAY_VALUES = np.linspace(-3.0, 3.0, 11)


@dataclass(frozen=True)
class LatentSnapshot:
    """What a VAE's latent space looked like after one epoch, small enough to keep for every
    epoch of a training (a replay): the KL per dimension and one image's traversals.

    Args:
        epoch: the epoch it was taken after (from 1).
        kl: (latent_dim,) nats per image.
        dimensions: the dimensions traversed, most KL first (at most `REPLAY_DIMENSIONS`).
        images: (len(dimensions), len(REPLAY_VALUES), h, w, c) uint8 traversals.
    """

    epoch: int
    kl: np.ndarray
    dimensions: np.ndarray
    images: np.ndarray


def latent_snapshot(ae: Autoencoder, image: np.ndarray, kl: np.ndarray,
                    epoch: int) -> LatentSnapshot:
    """The replay snapshot of a VAE after `epoch`: the traversals of `image`'s code along its
    `REPLAY_DIMENSIONS` dimensions of most KL, as uint8.

    Args:
        ae: an `aelib.Autoencoder` with vector codes.
        image: (height, width, channels).
        kl: (code_size,) the KL per dimension (e.g. the epoch's `kl_dim_*`).
        epoch: the epoch it follows.
    """
    kl = np.asarray(kl, np.float64)
    dimensions = np.argsort(-kl, kind="stable")[:REPLAY_DIMENSIONS]
    images = latent_traversal(ae, ae.encode(np.asarray(image)[None])[0], REPLAY_VALUES)
    return LatentSnapshot(epoch, kl, dimensions,
                          np.round(images[dimensions] * 255).astype(np.uint8))


@dataclass(frozen=True)
class PosteriorDraws:
    """An image's posterior q(z|x) = N(mean, diag(std^2)) and a few draws from it, decoded.

    Args:
        mean, std: (latent_dim,).
        samples: (n, latent_dim) draws of z.
        images: (n, height, width, channels) their decodes.
    """

    mean: np.ndarray
    std: np.ndarray
    samples: np.ndarray
    images: np.ndarray


def posterior_draws(ae: Autoencoder, image: np.ndarray, *, num_samples: int = 8,
                    seed: int = 0) -> PosteriorDraws:
    """Draw `num_samples` codes from a variational model's posterior of one image and decode
    them: what the decoder makes of the uncertainty the encoder reports.

    Args:
        ae: a variational `aelib.Autoencoder`.
        image: (height, width, channels).
        num_samples: draws, at least 1.
        seed: seed of the draws.

    Raises:
        ValueError: a model that is not variational, or fewer than 1 draw.
    """
    if num_samples < 1:
        raise ValueError(f"num_samples must be at least 1; got {num_samples}.")
    mean, log_var = (part[0].astype(np.float64) for part in ae.posterior(np.asarray(image)[None]))
    std = np.exp(0.5 * log_var)
    noise = np.random.default_rng(seed).normal(size=(num_samples, len(mean)))
    samples = (mean + std * noise).astype(np.float32)
    return PosteriorDraws(mean, std, samples, ae.decode(samples))


def run_metrics(ae: Autoencoder, data: Dataset,
                knn_train_images: int = 5000) -> dict[str, float | None]:
    """The final metrics stored with a run, keyed as `aelib.explore.metrics.METRICS` in its
    order: test loss (the model's per-pixel loss, `ae.loss`: see `reconstruction_losses`),
    PSNR and SSIM of its test reconstructions (`aelib.explore.quality.image_quality`), the PCA
    baseline's loss, PSNR and SSIM with the same code size, mean code activation, share of
    inactive code units and 5-NN accuracy of the codes (None without labels); on a dataset of
    coloured shapes, the scorecard of `aelib.disentanglement` but for its interventional
    scores, which `interventional_metrics` adds later (None for both elsewhere)."""
    from aelib.explore import disentanglement

    codes = ae.encode(data.x_test)
    losses = reconstruction_losses(ae, data, codes)
    stats = sparsity_stats(codes)
    knn = None
    if data.has_labels:
        train = data.subset(knn_train_images, None, seed=0)
        knn = knn_accuracy(ae.encode(train.x_train), train.y_train, codes, data.y_test)
    quality = image_quality(data.x_test, losses.reconstructions)
    pca_quality = image_quality(data.x_test, losses.pca.reconstructions)
    values = {
        "test_loss": losses.test_loss,
        "psnr": quality["psnr"],
        "ssim": quality["ssim"],
        "pca_loss": losses.pca.loss,
        "pca_psnr": pca_quality["psnr"],
        "pca_ssim": pca_quality["ssim"],
        "code_mean": stats.mean_activation,
        "inactive_fraction": stats.inactive_fraction,
        "knn_accuracy": knn,
        **dict.fromkeys(SCORECARD),
    }
    if disentanglement.can_score(ae, data):
        scores = disentanglement.scorecard(ae, data, interventional=False)
        values.update({name: scores[name] for name in SCORECARD if name not in INTERVENTIONAL})
    return {name: values[name] for name in METRICS}


def interventional_metrics(ae: Autoencoder, data: Dataset) -> dict[str, float]:
    """The FactorVAE and β-VAE scores of `aelib.disentanglement` (tens of seconds: they redraw
    images with one factor fixed), keyed as `METRICS`, to add to a run's `run_metrics` once
    they are computed; {} where `aelib.disentanglement.can_score` says no."""
    from aelib.explore import disentanglement

    if not disentanglement.can_score(ae, data):
        return {}
    return {"factor_vae": disentanglement.factor_vae_score(ae.encode, data),
            "beta_vae": disentanglement.beta_vae_score(ae.encode, data)}
