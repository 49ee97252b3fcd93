"""New images from any autoencoder: a Gaussian mixture fitted to its training codes, decoded.

An autoencoder's decoder was only ever shown codes of real images, and the codes of a plain
autoencoder fill a small, oddly shaped part of code space. Following pythae's
`GaussianMixtureSampler`, `mixture_samples` fits a Gaussian mixture (scikit-learn, full
covariances, the number of components chosen by BIC) to the training images' codes, draws new
codes from it and decodes them. Each sample comes with its nearest training image, in pixels,
and the distance to it, so a learner sees whether the model invents or copies:
`reference_distance` is how far test images, which the model never trained on either, lie from
their nearest training image. A VAE has a prior too: `prior_samples` decodes draws from
N(0, I), to set beside the mixture's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from aelib.data.datasets import Dataset
    from aelib.model.autoencoder import Autoencoder

MAX_COMPONENTS = 20
MIXTURE_CODES = 2000  # training codes the mixture is fitted on: BIC over 20 fits stays quick
REFERENCE_IMAGES = 200  # test images whose nearest training image sets the reference distance
NEIGHBOUR_WORKING_MEMORY_MB = 64


@dataclass(frozen=True)
class Samples:
    """Decoded new images and how near each is to a training image.

    Args:
        images: (n, height, width, channels) decoded samples.
        nearest: (n,) index into the training images (`data.x_train`) of each sample's nearest.
        distances: (n,) root-mean-square pixel difference to that nearest training image.
        reference_distance: the median of the same distance for test images: a sample much
            nearer than that is close to a copy.
        components: mixture components chosen by BIC (0 for prior samples).
        bic: BIC for 1, 2, ... components, as far as the search went (empty for the prior).
    """

    images: np.ndarray
    nearest: np.ndarray
    distances: np.ndarray
    reference_distance: float
    components: int = 0
    bic: tuple[float, ...] = ()


def nearest_training_images(images: np.ndarray, x_train: np.ndarray
                            ) -> tuple[np.ndarray, np.ndarray]:
    """For each image, the index of the nearest training image in pixels and the
    root-mean-square pixel difference to it.

    Raises:
        ValueError: no training images, or images of another shape.
    """
    from sklearn import config_context
    from sklearn.metrics import pairwise_distances_argmin_min

    images, x_train = np.asarray(images, np.float32), np.asarray(x_train, np.float32)
    if not len(x_train):
        raise ValueError("Nearest training images need training images; the dataset has none.")
    if images.shape[1:] != x_train.shape[1:]:
        raise ValueError(f"Images shaped {images.shape[1:]} cannot be compared with training "
                         f"images shaped {x_train.shape[1:]}.")
    values = int(np.prod(x_train.shape[1:]))
    with config_context(working_memory=NEIGHBOUR_WORKING_MEMORY_MB):
        nearest, distances = pairwise_distances_argmin_min(
            images.reshape(len(images), -1), x_train.reshape(len(x_train), -1))
    return nearest, (distances / np.sqrt(values)).astype(np.float32)


def _reference_distance(data, seed: int) -> float:
    rng = np.random.default_rng(seed)
    picked = rng.choice(len(data.x_test), size=min(REFERENCE_IMAGES, len(data.x_test)),
                        replace=False)
    _, distances = nearest_training_images(data.x_test[picked], data.x_train)
    return float(np.median(distances))


def _samples(ae, data, codes: np.ndarray, seed: int, **fit) -> Samples:
    images = ae.decode(codes)
    nearest, distances = nearest_training_images(images, data.x_train)
    reference = _reference_distance(data, seed) if len(data.x_test) else float("nan")
    return Samples(images, nearest, distances, reference, **fit)


def _check(n: int, data) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= 1000:
        raise ValueError(f"n must be a whole number of samples from 1 to 1000; got {n!r}.")
    if len(data.x_train) < 2:
        raise ValueError("Sampling needs at least 2 training images to learn from; the dataset "
                         f"has {len(data.x_train)}.")


def mixture_samples(ae: Autoencoder, data: Dataset, n: int, seed: int = 0, *,
                    max_components: int = MAX_COMPONENTS,
                    max_codes: int = MIXTURE_CODES) -> Samples:
    """`n` new images from a Gaussian mixture fitted to `ae`'s codes of `data`'s training
    images, with each one's nearest training image.

    The number of components is the BIC's choice among 1 to `max_components` (the search stops
    once three more components in a row have not lowered it). Sampled codes are clipped to the
    range the training codes span in each unit, so a ReLU or TopK code never gets values its
    decoder has not seen.

    Args:
        ae: a trained `aelib.Autoencoder` of any architecture.
        data: the `aelib.Dataset` it trained on.
        n: samples to draw.
        seed: seed of the subsample of codes, the mixture's fit and its draws.
        max_components: most mixture components tried.
        max_codes: training codes the mixture is fitted on (a seeded subsample).

    Returns:
        `Samples`: the images, their nearest training images and distances, the components.

    Raises:
        ValueError: `n` outside 1 to 1000, fewer than 2 training images, or `max_components`
            below 1.
    """
    from sklearn.mixture import GaussianMixture
    from threadpoolctl import threadpool_limits

    _check(n, data)
    if max_components < 1:
        raise ValueError(f"max_components must be at least 1; got {max_components}.")
    rng = np.random.default_rng(seed)
    picked = np.sort(rng.choice(len(data.x_train), size=min(max_codes, len(data.x_train)),
                                replace=False))
    codes = ae.encode(data.x_train[picked]).reshape(len(picked), -1).astype(np.float64)
    bics, best = [], None
    # One BLAS thread: these matrices are small, and threads that wait on each other made
    # the fits 50 times slower on 2 busy cores.
    with threadpool_limits(1):
        for components in range(1, min(max_components, len(codes)) + 1):
            mixture = GaussianMixture(components, covariance_type="full", reg_covar=1e-4,
                                      random_state=seed).fit(codes)
            bics.append(float(mixture.bic(codes)))
            if best is None or bics[-1] < best[0]:
                best = (bics[-1], mixture)
            elif len(bics) - 1 - bics.index(best[0]) >= 3:
                break
    mixture = best[1]
    mixture.random_state = seed
    drawn, _ = mixture.sample(n)  # ordered by component: shuffled so a few show several
    drawn = np.clip(drawn[rng.permutation(n)], codes.min(axis=0), codes.max(axis=0))
    return _samples(ae, data, drawn.astype(np.float32), seed,
                    components=mixture.n_components, bic=tuple(bics))


def prior_samples(ae: Autoencoder, data: Dataset, n: int, seed: int = 0) -> Samples:
    """`n` images decoded from draws of a VAE's prior N(0, I), with each one's nearest
    training image (as `mixture_samples`).

    Raises:
        ValueError: a model without a prior (not variational), or `n` as `mixture_samples`.
    """
    from aelib.architectures import REGISTRY

    if not REGISTRY[ae.architecture].variational:
        raise ValueError(f"A {ae.architecture!r} model has no prior to sample from; use "
                         "mixture_samples, which works for every model.")
    _check(n, data)
    codes = np.random.default_rng(seed).standard_normal((n, ae.code_size)).astype(np.float32)
    return _samples(ae, data, codes, seed)
