"""Datasets of images in [0, 1] shaped (n, height, width, channels): MNIST, Fashion-MNIST,
scikit-learn's digits and the bundled MNIST sample (grey, 28x28), CIFAR-10 (colour, 32x32),
the coloured shapes aelib draws itself (colour, 32x32 or 64x64), and a person's own arrays.

`mnist`, `fashion_mnist` and `cifar10` come through `keras.datasets` (downloaded once, cached by
Keras). When that download fails (no network), `mnist` falls back to the bundled sample: the
genuine MNIST test set shipped inside `aelib` (Y. LeCun and C. Cortes, CC BY-SA 3.0), split
8,000/2,000; the other two raise a `ValueError` saying so. `Dataset.source` always says which
one was loaded.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from aelib.images import LIMITS, ImageLimits, to_unit_images

if TYPE_CHECKING:
    import numpy.typing as npt

BUNDLED_DIR = Path(__file__).parent / "bundled"
BUNDLED_TRAIN_SIZE = 8000
SPLIT_SEED = 0
# Coloured shapes: (side, training images, test images). The 64x64 set is smaller, to stay
# within the memory of a free Community Cloud app.
SHAPES_SIZES = {"shapes": (32, 8000, 2000), "shapes64": (64, 3000, 750)}
MNIST_IMAGE_SHAPE = (28, 28, 1)
CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse",
                   "ship", "truck")

DEFAULT_DATASET = "bundled"  # offline, and the app's starting point
DATASETS = {
    "bundled": "MNIST sample (bundled, offline)",
    "mnist": "MNIST",
    "fashion_mnist": "Fashion-MNIST",
    "digits": "scikit-learn digits (8x8, upscaled)",
    "shapes": "Coloured shapes, 32x32 (generated, offline)",
    "shapes64": "Coloured shapes, 64x64 (generated, offline)",
    "cifar10": "CIFAR-10 (32x32 colour photos)",
}


@dataclass(frozen=True)
class Dataset:
    """Train and test images, float32 in [0, 1], shaped (n, height, width, channels) with 1
    (grey) or 3 (RGB) channels, with int labels.

    Args:
        name: short name, e.g. "mnist".
        source: where the images really came from, in words.
        x_train, x_test: images.
        y_train, y_test: labels (int64), or None when unlabelled.
        notes: what was done to the data on the way in (scaling, splitting), in words.
        label_names: what each label means (`label_names[3]` for label 3), or () when the
            labels are their own names (digits).
        factors_train, factors_test: for generated data, the factors that made each image, as
            numpy record arrays (e.g. `factors_test["colour"]`, see `aelib.data.shapes.FACTORS`);
            None otherwise.
    """

    name: str
    source: str
    x_train: np.ndarray
    y_train: np.ndarray | None
    x_test: np.ndarray
    y_test: np.ndarray | None
    notes: tuple[str, ...] = field(default=())
    label_names: tuple[str, ...] = field(default=())
    factors_train: np.ndarray | None = None
    factors_test: np.ndarray | None = None

    @property
    def image_shape(self) -> tuple[int, int, int]:
        """(height, width, channels) of every image."""
        return tuple(self.x_train.shape[1:4])

    @property
    def has_labels(self) -> bool:
        """Whether both splits carry labels."""
        return self.y_train is not None and self.y_test is not None

    def subset(self, n_train: int | None = None, n_test: int | None = None, *,
               seed: int = 0) -> Dataset:
        """A random subset for quick experiments; `None` keeps a split whole. Labels and
        factors stay aligned with their images.

        Raises:
            ValueError: a size below 1.
        """
        rng = np.random.default_rng(seed)

        def pick(n, split, *arrays):
            if n is None or n >= len(arrays[0]):
                return arrays
            if n < 1:
                raise ValueError(f"A subset needs at least 1 {split} image; got n_{split}={n}.")
            idx = np.sort(rng.choice(len(arrays[0]), size=n, replace=False))
            return tuple(None if a is None else a[idx] for a in arrays)

        x_train, y_train, factors_train = pick(n_train, "train", self.x_train, self.y_train,
                                               self.factors_train)
        x_test, y_test, factors_test = pick(n_test, "test", self.x_test, self.y_test,
                                            self.factors_test)
        return replace(self, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test,
                       factors_train=factors_train, factors_test=factors_test)

    @classmethod
    def from_arrays(cls, x: npt.ArrayLike, y: npt.ArrayLike | None = None, *,
                    test_fraction: float = 0.2, seed: int = SPLIT_SEED, name: str = "custom",
                    source: str = "your arrays", limits: ImageLimits = LIMITS,
                    resize: tuple[int, int] | None = None) -> Dataset:
        """A dataset from a person's own images, validated and scaled into [0, 1].

        Args:
            x: images shaped (n, height, width) or (n, height, width, channels) with 1, 3 or 4
                (RGBA: the alpha is dropped) channels; uint8 is divided by 255, floats outside
                [0, 1] are min-max scaled, floats inside are kept.
            y: optional labels, one per image.
            test_fraction: share of images held out for testing (seeded shuffle).
            seed: seed of the split.
            name: short name for the dataset.
            source: where it came from, in words.
            limits: what the images may be (`aelib.images.ImageLimits`).
            resize: (height, width) to resize the images to; None keeps their size.

        Raises:
            ValueError: naming the limit or the problem: wrong rank or channels, non-numeric or
                non-finite values, too few or too many images, sides outside the limits, or
                labels that do not match the images.
        """
        images, notes = to_unit_images(x, limits, resize)
        labels = None if y is None else _to_labels(y, len(images))
        if not 0 < test_fraction < 1:
            raise ValueError(f"test_fraction must be between 0 and 1; got {test_fraction}.")
        order = np.random.default_rng(seed).permutation(len(images))
        n_test = max(1, int(round(len(images) * test_fraction)))
        test, train = order[:n_test], order[n_test:]
        notes.append(f"split {len(train)} train / {len(test)} test images (seed {seed})")
        return cls(name, source, images[train], None if labels is None else labels[train],
                   images[test], None if labels is None else labels[test], tuple(notes))


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
    images = _read_idx(BUNDLED_DIR / "t10k-images-idx3-ubyte.gz", 16)
    images = images.reshape(-1, *MNIST_IMAGE_SHAPE)
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

    loader = getattr(keras.datasets, name)
    (x_train, y_train), (x_test, y_test) = loader.load_data()
    if x_train.ndim == 3:  # grey sets come without a channel axis
        x_train, x_test = x_train[..., None], x_test[..., None]
    return Dataset(
        name, f"keras.datasets.{name} (downloaded, cached by Keras)",
        x_train.astype(np.float32) / 255.0, y_train.reshape(-1).astype(np.int64),
        x_test.astype(np.float32) / 255.0, y_test.reshape(-1).astype(np.int64),
        ("divided uint8 pixels by 255",),
        label_names=CIFAR10_CLASSES if name == "cifar10" else (),
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


def load_shapes(name: str = "shapes", seed: int = SPLIT_SEED) -> Dataset:
    """Coloured shapes drawn by `aelib.data.shapes`: "shapes" (32x32) or "shapes64" (64x64),
    labelled by shape, with every image's factors (`factors_train`, `factors_test`).

    Raises:
        ValueError: a name other than those two.
    """
    from aelib.data import shapes

    if name not in SHAPES_SIZES:
        raise ValueError(f"Unknown shapes dataset {name!r}: choose one of "
                         f"{', '.join(SHAPES_SIZES)}.")
    side, n_train, n_test = SHAPES_SIZES[name]
    images, factors = shapes.make_shapes(n_train + n_test, side, seed)
    train, test = slice(0, n_train), slice(n_train, None)
    return Dataset(
        name, f"coloured shapes drawn by aelib ({side}x{side}, seed {seed}, "
              f"{n_train:,} train / {n_test:,} test)",
        images[train], factors["shape"][train], images[test], factors["shape"][test],
        (f"drawn with aelib.data.shapes.make_shapes({n_train + n_test}, {side}, seed={seed})",),
        label_names=shapes.SHAPES, factors_train=factors[train], factors_test=factors[test],
    )


def offline_image_shapes() -> dict[str, tuple[int, int, int]]:
    """The image shape of each dataset that loads offline, by name (without loading it)."""
    return {"bundled": MNIST_IMAGE_SHAPE,
            **{name: (side, side, 3) for name, (side, _, _) in SHAPES_SIZES.items()}}


def load_dataset(name: str = DEFAULT_DATASET) -> Dataset:
    """Load a dataset by name, one of `DATASETS`.

    `mnist`, `fashion_mnist` and `cifar10` download through `keras.datasets`; offline, `mnist`
    falls back to the bundled sample, and `source` says so. The others have no offline
    fallback. `bundled`, `digits`, `shapes` and `shapes64` work offline.

    Raises:
        ValueError: an unknown name, or Fashion-MNIST or CIFAR-10 when it cannot be downloaded.
    """
    if name == "bundled":
        return load_bundled()
    if name == "digits":
        return _load_digits()
    if name in SHAPES_SIZES:
        return load_shapes(name)
    if name not in DATASETS:
        raise ValueError(f"Unknown dataset {name!r}: choose one of {', '.join(DATASETS)}.")
    try:
        return _load_keras(name)
    except Exception as error:  # keras raises whatever urllib raised: no single type to catch
        if name != "mnist":
            # Only the error's type: its text holds the raw URL and errno, no help to a learner.
            raise ValueError(
                f"Could not download {DATASETS[name]} ({type(error).__name__}): this machine "
                "seems to be offline. Use 'bundled' or 'shapes' (they work offline)."
            ) from error
        fallback = load_bundled()
        return replace(fallback, name="mnist",
                       source=f"{fallback.source}; the full MNIST download failed "
                              f"({type(error).__name__})")
