import numpy as np
import pytest
from scipy import ndimage

from aelib.data.drawing import digit_from_drawing, ink


def stroke_canvas():
    """A 280x280 RGBA canvas, transparent, with a thick white '7'-like stroke up in a corner."""
    canvas = np.zeros((280, 280, 4), np.uint8)
    canvas[20:36, 20:120] = (255, 255, 255, 255)   # the bar
    canvas[20:140, 104:120] = (255, 255, 255, 255)  # the stem
    return canvas


def test_a_drawn_stroke_becomes_a_centred_mnist_style_digit():
    digit = digit_from_drawing(stroke_canvas())
    assert digit.shape == (28, 28) and digit.dtype == np.float32
    assert digit.min() >= 0 and digit.max() == pytest.approx(1.0)
    rows, columns = np.nonzero(digit > 0.1)
    assert rows.max() - rows.min() + 1 in (19, 20, 21)  # the taller side fills the 20-pixel box
    assert columns.max() - columns.min() + 1 < 20  # aspect ratio kept (the stroke is taller)
    assert np.allclose(ndimage.center_of_mass(digit), (13.5, 13.5), atol=0.5)


def test_a_channel_axis_is_kept_and_other_shapes_are_refused():
    assert digit_from_drawing(stroke_canvas(), shape=(28, 28, 1)).shape == (28, 28, 1)
    for shape in [(56, 56), (28, 28, 3), (32, 32, 1)]:
        with pytest.raises(ValueError, match="works for models of MNIST's 28x28 grey images"):
            digit_from_drawing(stroke_canvas(), shape=shape)


def test_ink_reads_grey_rgb_and_transparent_rgba():
    assert ink(np.full((4, 4), 255, np.uint8)).min() == 1.0
    assert ink(np.zeros((4, 4, 3))).max() == 0.0
    transparent_white = np.full((4, 4, 4), 255, np.uint8)
    transparent_white[..., 3] = 0
    assert ink(transparent_white).max() == 0.0  # paint with no opacity is no ink


@pytest.mark.parametrize("drawing, message", [
    (np.zeros((280, 280, 4), np.uint8), "Nothing is drawn yet"),
    (np.zeros((5,)), "must be an"),
    (np.zeros((8, 8, 2)), "must be an"),
    (np.full((8, 8), np.nan), "must be an"),
])
def test_empty_or_malformed_drawings_say_what_is_wrong(drawing, message):
    with pytest.raises(ValueError, match=message):
        digit_from_drawing(drawing)
