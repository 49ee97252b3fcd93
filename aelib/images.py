"""What an image is in aelib, and the one validator every image goes through.

Images are float32 arrays shaped (n, height, width, channels) with values in [0, 1], with 1
(grey) or 3 (RGB) channels, each side from `ImageLimits.min_side` to `ImageLimits.max_side`
pixels. `to_unit_images` turns a person's array (`Dataset.from_arrays`, uploads) into that
layout or raises a `ValueError` naming the limit it broke; `image_shape` does the same for a
shape alone (`aelib.build`, model files). The limits are in `ImageLimits`, in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import numpy.typing as npt

CHANNELS = (1, 3)  # grey or RGB


@dataclass(frozen=True)
class ImageLimits:
    """What a set of images may be. Stated in the README; change them here.

    Args:
        min_side: fewest pixels per side (the conv models pool three times; SSIM needs 7).
        max_side: most pixels per side; larger images must be resized.
        max_images: images in one dataset.
        max_values: numbers in all the images together (n x height x width x channels): as
            many as MNIST's 60,000 training digits, about 190 MB as float32.
        max_source_pixels: pixels of one image before any resizing (decoded or in an array):
            refuses decompression bombs before they are decoded.
    """

    min_side: int = 8
    max_side: int = 64
    max_images: int = 60_000
    max_values: int = 60_000 * 28 * 28
    max_source_pixels: int = 512 * 512


LIMITS = ImageLimits()


def image_shape(shape: Sequence[int], limits: ImageLimits = LIMITS) -> tuple[int, int, int]:
    """An image shape as (height, width, channels); (height, width) means one channel.

    Raises:
        ValueError: not 2 or 3 whole numbers, a side outside the limits, or channels other
            than 1 or 3.
    """
    try:
        values = tuple(int(v) for v in shape)
    except (TypeError, ValueError):
        raise ValueError(f"An image shape is (height, width, channels); got {shape!r}.") from None
    if len(values) == 2:
        values = (*values, 1)
    if len(values) != 3:
        raise ValueError(f"An image shape is (height, width, channels); got {shape!r}.")
    height, width, channels = values
    if channels not in CHANNELS:
        raise ValueError(f"Images with {channels} channels are not supported: the limit is "
                         "1 (grey) or 3 (RGB) channels.")
    if not limits.min_side <= min(height, width) <= max(height, width) <= limits.max_side:
        raise ValueError(f"Images of {height}x{width} pixels are outside the limit of "
                         f"{limits.min_side} to {limits.max_side} pixels per side; resize them.")
    return values


def shape_in_words(shape: tuple[int, int, int]) -> str:
    """An image shape as a person says it.

    Example:
        >>> shape_in_words((28, 28, 1))
        '28x28 grey'
        >>> shape_in_words((32, 32, 3))
        '32x32 colour'
    """
    height, width, channels = shape
    return f"{height}x{width} {'grey' if channels == 1 else 'colour'}"


def require_numbers(x: npt.ArrayLike) -> np.ndarray:
    """`x` as an array of numbers (bool, int, uint or float).

    Raises:
        ValueError: object arrays, text or anything else.
    """
    x = np.asarray(x)
    if x.dtype.kind not in "buif":
        raise ValueError(f"Images must be numbers; got values of type {x.dtype} (object arrays "
                         "and text are not accepted).")
    return x


def scale_to_unit(x: npt.ArrayLike) -> tuple[np.ndarray, list[str]]:
    """Numeric, finite, non-constant values of any shape to float32 in [0, 1], and what was done.

    uint8 is divided by 255; other values already in [0, 1] are kept; anything else is min-max
    scaled.

    Raises:
        ValueError: non-numeric or non-finite values, no values, or all values equal.
    """
    x = require_numbers(x)
    if x.size == 0:
        raise ValueError("There are no images (zero rows).")
    if x.dtype.kind == "b":
        x = x.astype(np.float32)
    if not np.isfinite(x).all():
        raise ValueError("Images contain NaN or infinite values; remove or replace them.")
    low, high = x.min(), x.max()
    if low == high:
        raise ValueError("All pixels of all images have the same value; there is nothing to "
                         "learn.")
    if x.dtype == np.uint8:
        return np.ascontiguousarray(x, dtype=np.float32) / 255.0, ["divided uint8 pixels by 255"]
    if 0.0 <= low and high <= 1.0:
        return np.ascontiguousarray(x, dtype=np.float32), []
    # In float64: a range that float32 cannot resolve (1e-300 wide, say) must not divide by 0;
    # halved, so that one wider than float64 holds (-1e308 to 1e308) does not overflow to inf.
    low, high = float(low) / 2, float(high) / 2
    scaled = (x.astype(np.float64) / 2 - low) / (high - low)
    return np.clip(scaled, 0.0, 1.0).astype(np.float32), [
        f"scaled values from [{2 * low:g}, {2 * high:g}] to [0, 1]"]


def _with_channels(x: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """(n, h, w) or (n, h, w, c) to (n, h, w, 1 or 3): RGBA loses its alpha, RGB whose channels
    are equal everywhere becomes grey."""
    if x.ndim == 3:
        return x[..., None], []
    channels = x.shape[-1]
    if channels == 4:
        x, notes = x[..., :3], ["dropped the alpha channel of RGBA images"]
    elif channels in CHANNELS:
        notes = []
    else:
        raise ValueError(f"Images with {channels} channels are not supported: the limit is "
                         "1 (grey) or 3 (RGB) channels, after dropping an RGBA image's alpha.")
    if x.shape[-1] == 3 and len(x) and (x[..., :1] == x[..., 1:]).all():
        x, notes = x[..., :1], [*notes, "kept one channel: red, green and blue are equal"]
    return x, notes


def to_unit_images(x: npt.ArrayLike, limits: ImageLimits = LIMITS,
                   resize: tuple[int, int] | None = None) -> tuple[np.ndarray, list[str]]:
    """Validate images and bring them to aelib's layout: float32 (n, h, w, 1 or 3) in [0, 1].

    Args:
        x: images shaped (n, height, width) or (n, height, width, channels) with 1, 3 or 4
            (RGBA, alpha dropped) channels; uint8 is divided by 255, floats outside [0, 1] are
            min-max scaled.
        limits: what the images may be.
        resize: (height, width) to resize them to, or None to keep their size.

    Returns:
        The images and what was done to them, in words.

    Raises:
        ValueError: naming the limit or the problem: wrong rank, unsupported channels, fewer
            than 2 or more than `limits.max_images` images, sides outside the limits, too many
            values, or any of `scale_to_unit`'s reasons.
    """
    x = require_numbers(x)
    if x.ndim not in (3, 4):
        raise ValueError(f"Images must be shaped (n, height, width) or (n, height, width, "
                         f"channels); got {x.ndim} dimensions {x.shape}.")
    if x.shape[0] == 0:
        raise ValueError("There are no images (zero rows).")
    if x.shape[0] < 2:
        raise ValueError(f"Need at least 2 images (one to train on, one to test); got "
                         f"{x.shape[0]}.")
    if x.shape[0] > limits.max_images:
        raise ValueError(f"{x.shape[0]:,} images is more than the limit of "
                         f"{limits.max_images:,}.")
    if x.shape[1] * x.shape[2] > limits.max_source_pixels:
        raise ValueError(f"Images of {x.shape[1]}x{x.shape[2]} pixels are larger than the limit "
                         f"of {limits.max_source_pixels:,} pixels, even for resizing.")
    x, notes = _with_channels(x)
    size = tuple(x.shape[1:3]) if resize is None else tuple(resize)
    height, width, channels = image_shape((*size, x.shape[3]), limits)
    values = len(x) * height * width * channels
    if values > limits.max_values:
        raise ValueError(f"{len(x):,} images of {height}x{width}x{channels} are {values:,} "
                         f"values, more than the limit of {limits.max_values:,}; use fewer or "
                         "smaller images.")
    images, scaling = scale_to_unit(x)
    notes += scaling
    if size != images.shape[1:3]:
        notes.append(f"resized {images.shape[1]}x{images.shape[2]} to {height}x{width}")
        images = resize_images(images, size, limits)
    return images, notes


def resize_images(images: np.ndarray, size: tuple[int, int],
                  limits: ImageLimits = LIMITS) -> np.ndarray:
    """(n, h, w, c) images in [0, 1] resized to `size` (height, width), bilinear.

    Raises:
        ValueError: a size outside the limits.
    """
    from scipy.ndimage import zoom

    height, width, _ = image_shape(size, limits)
    factors = (1, height / images.shape[1], width / images.shape[2], 1)
    resized = zoom(images, factors, order=1, grid_mode=True, mode="nearest")
    return np.clip(resized, 0.0, 1.0).astype(np.float32)

