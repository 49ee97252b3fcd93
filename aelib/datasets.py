"""Datasets of 28x28 grayscale images in [0, 1]: MNIST, Fashion-MNIST, scikit-learn's digits,
the bundled MNIST sample, and a person's own arrays.

`mnist` and `fashion_mnist` come through `keras.datasets` (downloaded once, cached by Keras).
When that download fails (no network), `mnist` falls back to the bundled sample: the genuine
MNIST test set shipped inside `aelib` (Y. LeCun and C. Cortes, CC BY-SA 3.0), split 8,000/2,000.
`Dataset.source` always says which one was loaded.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

BUNDLED_DIR = Path(__file__).parent / "bundled"
BUNDLED_TRAIN_SIZE = 8000
SPLIT_SEED = 0
MAX_IMAGES = 200_000
MAX_PIXELS_PER_IMAGE = 4096

DEFAULT_DATASET = "bundled"  # offline, and the app's starting point
DATASETS = {
    "bundled": "MNIST sample (bundled, offline)",
    "mnist": "MNIST",
    "fashion_mnist": "Fashion-MNIST",
    "digits": "scikit-learn digits (8x8, upscaled)",
}


@dataclass(frozen=True)
class Dataset:
    """Train and test images, float32 in [0, 1], shaped (n, height, width), with int labels.

    Args:
        name: short name, e.g. "mnist".
        source: where the images really came from, in words.
        x_train, x_test: images.
        y_train, y_test: labels (int64), or None when unlabelled.
        notes: what was done to the data on the way in (scaling, splitting), in words.
    """

    name: str
    source: str
    x_train: np.ndarray
    y_train: np.ndarray | None
    x_test: np.ndarray
    y_test: np.ndarray | None
    notes: tuple[str, ...] = field(default=())

    @property
    def image_shape(self) -> tuple[int, int]:
        """(height, width) of every image."""
        return tuple(self.x_train.shape[1:3])

    @property
    def has_labels(self) -> bool:
        """Whether both splits carry labels."""
        return self.y_train is not None and self.y_test is not None

    def subset(self, n_train: int | None = None, n_test: int | None = None,
               seed: int = 0) -> "Dataset":
        """A random subset for quick experiments; `None` keeps a split whole.

        Raises:
            ValueError: a size below 1.
        """
        rng = np.random.default_rng(seed)

        def pick(x, y, n, split):
            if n is None or n >= len(x):
                return x, y
            if n < 1:
                raise ValueError(f"A subset needs at least 1 {split} image; got n_{split}={n}.")
            idx = np.sort(rng.choice(len(x), size=n, replace=False))
            return x[idx], None if y is None else y[idx]

        x_train, y_train = pick(self.x_train, self.y_train, n_train, "train")
        x_test, y_test = pick(self.x_test, self.y_test, n_test, "test")
        return replace(self, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)

    @classmethod
    def from_arrays(cls, x, y=None, test_fraction: float = 0.2, seed: int = SPLIT_SEED,
                    name: str = "custom", source: str = "your arrays") -> "Dataset":
        """A dataset from a person's own images, validated and scaled into [0, 1].

        Args:
            x: images shaped (n, height, width); uint8 is divided by 255, floats outside [0, 1]
                are min-max scaled, floats inside are kept.
            y: optional labels, one per image.
            test_fraction: share of images held out for testing (seeded shuffle).
            seed: seed of the split.
            name: short name for the dataset.
            source: where it came from, in words.

        Raises:
            ValueError: wrong rank, non-numeric or non-finite values, too few or too many images,
                images too large, or labels that do not match the images.
        """
        images, notes = unit_images(x)
        labels = None if y is None else _to_labels(y, len(images))
        if not 0 < test_fraction < 1:
            raise ValueError(f"test_fraction must be between 0 and 1; got {test_fraction}.")
        order = np.random.default_rng(seed).permutation(len(images))
        n_test = max(1, int(round(len(images) * test_fraction)))
        test, train = order[:n_test], order[n_test:]
        notes.append(f"split {len(train)} train / {len(test)} test images (seed {seed})")
        return cls(name, source, images[train], None if labels is None else labels[train],
                   images[test], None if labels is None else labels[test], tuple(notes))


def require_numbers(x) -> np.ndarray:
    """`x` as an array of numbers (bool, int, uint or float).

    Raises:
        ValueError: object arrays, text or anything else.
    """
    x = np.asarray(x)
    if x.dtype.kind not in "buif":
        raise ValueError(f"Images must be numbers; got values of type {x.dtype} (object arrays "
                         "and text are not accepted).")
    return x


def scale_to_unit(x) -> tuple[np.ndarray, list[str]]:
    """Numeric, finite, non-constant values of any shape to float32 in [0, 1], and what was done.

    uint8 is divided by 255; other values already in [0, 1] are kept; anything else is min-max
    scaled.

    Raises:
        ValueError: non-numeric or non-finite values, no values, or all values equal.
    """
    x = require_numbers(x)
    if x.size == 0:
        raise ValueError("There are no images (zero rows).")
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
    # In float64: a range that float32 cannot resolve (1e-300 wide, say) must not divide by 0.
    scaled = (x.astype(np.float64) - float(low)) / (float(high) - float(low))
    return np.clip(scaled, 0.0, 1.0).astype(np.float32), [
        f"scaled values from [{float(low):g}, {float(high):g}] to [0, 1]"]


def unit_images(x) -> tuple[np.ndarray, list[str]]:
    """Validate images shaped (n, height, width) and scale them with `scale_to_unit`.

    Raises:
        ValueError: wrong rank, fewer than 2 or more than `MAX_IMAGES` images, more than
            `MAX_PIXELS_PER_IMAGE` pixels, or any of `scale_to_unit`'s reasons.
    """
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError(f"Images must be shaped (n, height, width); got shape {x.shape}.")
    n, height, width = x.shape
    if n < 2:
        raise ValueError(f"Need at least 2 images (one to train on, one to test); got {n}.")
    if n > MAX_IMAGES or height * width > MAX_PIXELS_PER_IMAGE:
        raise ValueError(
            f"At most {MAX_IMAGES} images of at most {MAX_PIXELS_PER_IMAGE} pixels each are "
            f"accepted; got {n} images of {height}x{width}."
        )
    return scale_to_unit(x)


def _to_labels(y, n: int) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim != 1 or len(y) != n:
        raise ValueError(f"Expected one label per image ({n}); got labels shaped {y.shape}.")
    if y.dtype.kind not in "iu" and not (y.dtype.kind == "f" and np.all(y == np.round(y))):
        raise ValueError(f"Labels must be whole numbers; got dtype {y.dtype}.")
    return y.astype(np.int64)


def _read_idx(path: Path, header_bytes: int) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=header_bytes)


def load_bundled() -> Dataset:
    """The bundled MNIST sample: the 10,000-digit MNIST test set, split 8,000 train / 2,000 test."""
    images = _read_idx(BUNDLED_DIR / "t10k-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28)
    labels = _read_idx(BUNDLED_DIR / "t10k-labels-idx1-ubyte.gz", 8).astype(np.int64)
    order = np.random.default_rng(SPLIT_SEED).permutation(len(images))
    train, test = order[:BUNDLED_TRAIN_SIZE], order[BUNDLED_TRAIN_SIZE:]
    x = images.astype(np.float32) / 255.0
    return Dataset(
        "bundled", "bundled MNIST test set (10,000 digits shipped with aelib, split 8,000/2,000)",
        x[train], labels[train], x[test], labels[test],
        ("divided uint8 pixels by 255",),
    )


def _load_keras(name: str) -> Dataset:
    import keras

    loader = {"mnist": keras.datasets.mnist, "fashion_mnist": keras.datasets.fashion_mnist}[name]
    (x_train, y_train), (x_test, y_test) = loader.load_data()
    return Dataset(
        name, f"keras.datasets.{name} (downloaded, cached by Keras)",
        x_train.astype(np.float32) / 255.0, y_train.astype(np.int64),
        x_test.astype(np.float32) / 255.0, y_test.astype(np.int64),
        ("divided uint8 pixels by 255",),
    )


def _load_digits() -> Dataset:
    from scipy.ndimage import zoom
    from sklearn.datasets import load_digits

    digits = load_digits()
    # Like MNIST: the digit fills a 20x20 box centred in 28x28.
    big = zoom(digits.images / 16.0, (1, 2.5, 2.5), order=1).clip(0, 1)  # (1797, 20, 20)
    images = np.pad(big, ((0, 0), (4, 4), (4, 4))).astype(np.float32)
    data = Dataset.from_arrays(images, digits.target, name="digits",
                               source="scikit-learn's bundled 8x8 digits, upscaled to 28x28")
    return replace(data, notes=("scaled 0-16 to [0, 1], upscaled 8x8 to 20x20, padded to 28x28",
                                *data.notes))


def load_dataset(name: str = DEFAULT_DATASET) -> Dataset:
    """Load a dataset by name: "bundled", "mnist", "fashion_mnist" or "digits".

    `mnist` downloads through `keras.datasets`; offline it falls back to the bundled sample, and
    `source` says so. `fashion_mnist` has no offline fallback.

    Raises:
        ValueError: an unknown name, or Fashion-MNIST when it cannot be downloaded.
    """
    if name == "bundled":
        return load_bundled()
    if name == "digits":
        return _load_digits()
    if name not in DATASETS:
        raise ValueError(f"Unknown dataset {name!r}: choose one of {', '.join(DATASETS)}.")
    try:
        return _load_keras(name)
    except Exception as error:  # keras raises whatever urllib raised: no single type to catch
        if name != "mnist":
            raise ValueError(
                f"Could not download {DATASETS[name]} ({type(error).__name__}: {error}). "
                "Check the network, or use 'bundled' (works offline)."
            ) from error
        fallback = load_bundled()
        return replace(fallback, name="mnist",
                       source=f"{fallback.source}; the full MNIST download failed "
                              f"({type(error).__name__})")
