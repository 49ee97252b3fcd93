"""The one image validator and its limits."""

import numpy as np
import pytest

from aelib.images import LIMITS, ImageLimits, image_shape, to_unit_images


@pytest.mark.parametrize("shape, expected", [
    ((28, 28), (28, 28, 1)), ((32, 32, 3), (32, 32, 3)), ([8, 64, 1], (8, 64, 1)),
])
def test_image_shapes_are_height_width_channels(shape, expected):
    assert image_shape(shape) == expected


@pytest.mark.parametrize("shape, message", [
    ((1, 1), "1x1 pixels are outside the limit of 8 to 64 pixels per side"),
    ((65, 64, 3), "65x64 pixels are outside the limit of 8 to 64 pixels per side"),
    ((32, 32, 4), "4 channels are not supported: the limit is 1 .grey. or 3 .RGB."),
    ((32, 32, 2), "2 channels are not supported"),
    ((32,), r"is \(height, width, channels\)"),
    ("abc", r"is \(height, width, channels\)"),
])
def test_bad_image_shapes_name_the_limit(shape, message):
    with pytest.raises(ValueError, match=message):
        image_shape(shape)


def test_the_limits_are_one_set_and_can_be_changed():
    assert (LIMITS.min_side, LIMITS.max_side) == (8, 64)
    with pytest.raises(ValueError, match="outside the limit of 8 to 16 pixels per side"):
        to_unit_images(np.zeros((2, 32, 32)), ImageLimits(max_side=16))
    images, notes = to_unit_images(np.arange(2 * 32 * 32 * 3).reshape(2, 32, 32, 3) % 256,
                                   ImageLimits(max_side=16), resize=(16, 16))
    assert images.shape == (2, 16, 16, 3) and "resized 32x32 to 16x16" in notes
