"""The coloured shapes dataset: seeded, and its labels and factors describe its images."""

import numpy as np
import pytest

import aelib
from aelib.data.shapes import COLOURS, SHAPES, make_shapes

# Area of each shape in units of size^2 (size: half the width of the shape's box).
AREAS = {"square": 4.0, "circle": np.pi, "triangle": 2.0, "cross": 20 / 9}


@pytest.fixture(scope="module")
def drawn():
    return make_shapes(600, side=32, seed=3)


def test_the_same_seed_draws_the_same_images(drawn):
    images, factors = drawn
    again, again_factors = make_shapes(600, side=32, seed=3)
    np.testing.assert_array_equal(images, again)
    np.testing.assert_array_equal(factors, again_factors)
    assert not np.array_equal(images, make_shapes(600, side=32, seed=4)[0])
    assert images.shape == (600, 32, 32, 3) and images.dtype == np.float32
    assert images.min() == 0.0 and images.max() <= 1.0


def test_every_shape_colour_and_size_occurs(drawn):
    _, factors = drawn
    assert set(factors["shape"]) == set(range(len(SHAPES)))
    assert set(factors["colour"]) == set(range(len(COLOURS)))
    assert 0.12 <= factors["size"].min() and factors["size"].max() <= 0.3


def test_the_dominant_channel_is_the_colour_s(drawn):
    images, factors = drawn
    colours = np.array(list(COLOURS.values()))
    brightest = images.reshape(len(images), -1, 3).max(axis=1)  # (n, 3): the shape's colour
    np.testing.assert_allclose(brightest, colours[factors["colour"]], atol=1e-6)


def test_pixel_counts_match_the_shape_and_size(drawn):
    images, factors = drawn
    colours = np.array(list(COLOURS.values()), np.float32)
    # Coverage of each pixel: the image divided by its colour, in the colour's brightest channel.
    channel = colours[factors["colour"]].argmax(axis=1)
    coverage = images[np.arange(len(images)), :, :, channel] / colours[
        factors["colour"], channel][:, None, None]
    area = coverage.sum(axis=(1, 2)) / (factors["size"] * 32) ** 2
    for index, name in enumerate(SHAPES):
        measured = area[factors["shape"] == index]
        assert np.abs(measured / AREAS[name] - 1).max() < 0.15, name  # coarse for thin bars
    # The circle, at the same size, covers pi/4 of the square.
    circles, squares = area[factors["shape"] == 1], area[factors["shape"] == 0]
    assert circles.mean() / squares.mean() == pytest.approx(np.pi / 4, rel=0.03)


def test_symmetric_shapes_sit_at_their_position(drawn):
    images, factors = drawn
    coverage = images.max(axis=3)
    rows, columns = np.mgrid[0:32, 0:32] + 0.5
    for image, record in zip(coverage, factors, strict=True):
        if SHAPES[record["shape"]] == "triangle":
            continue  # its centre of mass lies below the box's centre
        mass = image.sum()
        centre = ((image * columns).sum() / mass, (image * rows).sum() / mass)
        np.testing.assert_allclose(centre, (record["x"] * 32, record["y"] * 32), atol=0.3)


def test_the_registered_datasets_carry_labels_and_factors():
    data = aelib.load_dataset("shapes")
    assert data.image_shape == (32, 32, 3)
    assert (len(data.x_train), len(data.x_test)) == (8000, 2000)
    np.testing.assert_array_equal(data.y_test, data.factors_test["shape"])
    assert data.label_names == SHAPES
    part = data.subset(50, 10, seed=1)
    np.testing.assert_array_equal(part.y_train, part.factors_train["shape"])
    again = make_shapes(10_000, 32, seed=0)[0][8000:]
    np.testing.assert_array_equal(data.x_test, again)
    assert aelib.load_dataset("shapes64").image_shape == (64, 64, 3)


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError, match="side of at least 8"):
        make_shapes(10, side=4)
