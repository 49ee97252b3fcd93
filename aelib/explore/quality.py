"""How close reconstructions are to their images, as numbers: the per-pixel losses the models
train with, and two image-quality measures that read the same on any image: PSNR and SSIM.

PSNR and SSIM come from scikit-image (`skimage.metrics`), with data range 1 (pixels in [0, 1])
and, for SSIM, the Gaussian window and population statistics of Wang et al. (2004), as
scikit-image's documentation recommends to match the paper. Both are plain numpy, so they are
the same on every Keras backend.
"""

from __future__ import annotations

import numpy as np

EPSILON = 1e-7
QUALITY_IMAGES = 500  # SSIM runs per image and channel; the mean of 500 images is close enough


def reconstruction_errors(images: np.ndarray, reconstructions: np.ndarray,
                          metric: str = "bce") -> np.ndarray:
    """Per-image error, the mean over its pixel values: binary cross-entropy ("bce") or mean
    squared error ("mse"), the two losses a model trains with (its `loss`).

    Raises:
        ValueError: mismatched shapes or an unknown metric.
    """
    x = np.asarray(images, dtype=np.float64).reshape(len(images), -1)
    r = np.asarray(reconstructions, dtype=np.float64).reshape(len(reconstructions), -1)
    if x.shape != r.shape:
        raise ValueError(f"Images {x.shape} and reconstructions {r.shape} differ in shape.")
    if metric == "mse":
        return np.mean((x - r) ** 2, axis=1)
    if metric != "bce":
        raise ValueError(f"metric must be 'bce' or 'mse'; got {metric!r}.")
    r = np.clip(r, EPSILON, 1 - EPSILON)
    return -np.mean(x * np.log(r) + (1 - x) * np.log(1 - r), axis=1)


def _as_images(images: np.ndarray) -> np.ndarray:
    """(n, h, w) or (n, h, w, c) as float64 (n, h, w, c)."""
    images = np.asarray(images, dtype=np.float64)
    return images[..., None] if images.ndim == 3 else images


def psnr(images: np.ndarray, reconstructions: np.ndarray) -> np.ndarray:
    """Peak signal-to-noise ratio of each reconstruction, in decibels (higher is better;
    infinite for a perfect copy)."""
    from skimage.metrics import peak_signal_noise_ratio

    return np.array([peak_signal_noise_ratio(a, b, data_range=1.0) for a, b in
                     zip(_as_images(images), _as_images(reconstructions), strict=True)])


def mean_ssim(images: np.ndarray, reconstructions: np.ndarray) -> float:
    """Structural similarity, averaged over the images and their channels (1 for a perfect
    copy, about 0 for unrelated images)."""
    from skimage.metrics import structural_similarity

    def stacked(x):  # (n, h, w, c) -> (h, w, n * c): every image and channel side by side
        x = _as_images(x)
        return np.moveaxis(x, 0, 2).reshape(x.shape[1], x.shape[2], -1)

    return float(structural_similarity(stacked(images), stacked(reconstructions),
                                       channel_axis=-1, data_range=1.0, gaussian_weights=True,
                                       sigma=1.5, use_sample_covariance=False))


def image_quality(images: np.ndarray, reconstructions: np.ndarray,
                  max_images: int = QUALITY_IMAGES) -> dict[str, float]:
    """Mean PSNR and SSIM of the first `max_images` reconstructions: `{"psnr": ..., "ssim": ...}`.

    Raises:
        ValueError: mismatched shapes, no images, or images smaller than SSIM's 7x7 window.
    """
    images, reconstructions = images[:max_images], reconstructions[:max_images]
    if np.shape(images) != np.shape(reconstructions) or not len(images):
        raise ValueError(f"Images {np.shape(images)} and reconstructions "
                         f"{np.shape(reconstructions)} must have the same, non-empty shape.")
    if min(np.shape(images)[1:3]) < 7:
        raise ValueError(f"SSIM needs images of at least 7x7 pixels; got {np.shape(images)}.")
    return {"psnr": float(np.mean(psnr(images, reconstructions))),
            "ssim": mean_ssim(images, reconstructions)}
