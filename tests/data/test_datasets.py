import numpy as np
import pytest

import aelib
from aelib.data.datasets import Dataset

# From ../shared/data/mnist-t10k/README.md: the genuine MNIST test set.
CLASS_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
MEAN_PIXEL = 33.79


def test_bundled_sample_is_the_mnist_test_set_split_8000_2000(bundled):
    assert bundled.x_train.shape == (8000, 28, 28, 1) and bundled.x_test.shape == (2000, 28, 28, 1)
    assert bundled.image_shape == (28, 28, 1)
    assert bundled.x_train.dtype == np.float32
    labels = np.concatenate([bundled.y_train, bundled.y_test])
    assert np.bincount(labels).tolist() == CLASS_COUNTS
    pixels = np.concatenate([bundled.x_train, bundled.x_test])
    assert pixels.mean() * 255 == pytest.approx(MEAN_PIXEL, abs=0.01)
    assert pixels.min() == 0.0 and pixels.max() == 1.0
    assert "bundled" in bundled.source


def test_mnist_offline_falls_back_to_the_bundled_sample_and_says_so(offline):
    data = aelib.load_dataset("mnist")
    assert len(data.x_train) == 8000 and data.name == "mnist"
    assert "bundled" in data.source and "download failed" in data.source


def test_fashion_mnist_offline_fails_with_advice(offline):
    with pytest.raises(ValueError, match="Could not download Fashion-MNIST.*'bundled'") as error:
        aelib.load_dataset("fashion_mnist")
    assert "http" not in str(error.value) and "Errno" not in str(error.value)  # short, plain


def test_digits_are_upscaled_to_28x28_in_unit_range():
    data = aelib.load_dataset("digits")
    assert data.x_train.shape[1:] == (28, 28, 1)
    assert len(data.x_train) + len(data.x_test) == 1797
    assert data.x_train.min() >= 0 and data.x_train.max() <= 1
    # Like MNIST, the border is empty: the digit sits in the central 20x20 box.
    assert data.x_train[:, :4, :].max() == 0 and data.x_train[:, :, -4:].max() == 0
    assert set(np.unique(data.y_train)) == set(range(10))


def test_cifar10_offline_says_it_could_not_and_names_an_offline_set(offline):
    with pytest.raises(ValueError, match="Could not download CIFAR-10.*'shapes'") as error:
        aelib.load_dataset("cifar10")
    assert "http" not in str(error.value) and "Errno" not in str(error.value)  # short, plain


def test_from_arrays_keeps_colour_and_size():
    x = np.random.default_rng(0).integers(0, 256, (10, 12, 20, 3), dtype=np.uint8)
    data = Dataset.from_arrays(x)
    assert data.image_shape == (12, 20, 3)
    assert Dataset.from_arrays(x, resize=(16, 16)).image_shape == (16, 16, 3)


def test_unknown_dataset_lists_the_known_ones():
    with pytest.raises(ValueError, match="Unknown dataset 'cifar': choose one of bundled"):
        aelib.load_dataset("cifar")


def test_subset_is_seeded_and_keeps_labels_aligned(bundled):
    a, b = bundled.subset(100, 20, seed=1), bundled.subset(100, 20, seed=1)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert a.x_train.shape == (100, 28, 28, 1) and a.x_test.shape == (20, 28, 28, 1)
    first = np.flatnonzero((bundled.x_train == a.x_train[0]).all(axis=(1, 2, 3)))[0]
    assert bundled.y_train[first] == a.y_train[0]
    assert not np.array_equal(bundled.subset(100, seed=2).x_train, a.x_train)


def test_from_arrays_scales_uint8_and_says_so():
    x = np.random.default_rng(0).integers(0, 256, (50, 28, 28), dtype=np.uint8)
    data = Dataset.from_arrays(x, y=np.arange(50) % 3)
    assert data.x_train.dtype == np.float32 and len(data.x_train) + len(data.x_test) == 50
    assert data.x_train.max() <= 1.0
    assert "divided uint8 pixels by 255" in data.notes
    assert any("split 40 train / 10 test" in note for note in data.notes)


def test_from_arrays_min_max_scales_floats_outside_unit_range():
    x = np.linspace(-5, 5, 10 * 64).reshape(10, 8, 8)
    data = Dataset.from_arrays(x)
    allx = np.concatenate([data.x_train, data.x_test])
    assert allx.min() == 0.0 and allx.max() == 1.0
    assert "scaled values from [-5, 5] to [0, 1]" in data.notes


@pytest.mark.parametrize("x, y, message", [
    (np.zeros((10, 784)), None, r"shaped \(n, height, width\)"),
    (np.array([["a"] * 4] * 8, dtype=object).reshape(2, 4, 4), None, "must be numbers"),
    (np.full((4, 8, 8), np.nan), None, "NaN or infinite"),
    (np.zeros((1, 8, 8)), None, "at least 2 images"),
    (np.zeros((4, 100, 100)), None, "100x100 pixels are outside the limit of 8 to 64 pixels"),
    (np.zeros((4, 1, 1)), None, "1x1 pixels are outside the limit of 8 to 64 pixels"),
    (np.zeros((4, 8, 8, 4, 1)), None, r"got 5 dimensions"),
    (np.ones((4, 8, 8, 6)), None, "6 channels are not supported: the limit is 1 .grey. or 3"),
    (np.full((4, 8, 8), 7.0), None, "same value"),
    (np.full((4, 8, 8), 0.5), None, "same value"),
    (np.zeros((0, 8, 8)), None, "zero rows"),
    (np.arange(256.0).reshape(4, 8, 8), np.arange(3), "one label per image"),
    (np.arange(256.0).reshape(4, 8, 8), np.array([0.5, 1, 2, 3]), "whole numbers"),
])
def test_from_arrays_rejects_bad_input(x, y, message):
    with pytest.raises(ValueError, match=message):
        Dataset.from_arrays(x, y)
