"""Draw a digit: turn a drawing (bright strokes on a dark or transparent canvas) into an image
prepared the way MNIST's digits were.

MNIST's recipe: the digit's bounding box is scaled, keeping its aspect ratio, to fit a 20x20
box (anti-aliased, hence grey edges), then placed in the 28x28 image so that its centre of mass
sits at the centre. A drawn digit is only meaningful to models of MNIST's 28x28 grey images, so
other image shapes are refused.
"""

from __future__ import annotations

import numpy as np

INK_THRESHOLD = 0.1  # share of full brightness that counts as ink when finding the digit
DIGIT_SHAPE = (28, 28)  # MNIST's, grey
BOX_SIDE = 20


def ink(drawing: np.ndarray) -> np.ndarray:
    """Ink in [0, 1] per pixel of an (h, w) grey or (h, w, 3|4) RGB(A) drawing: brightness,
    times opacity where there is an alpha channel.

    Raises:
        ValueError: an array that is not an image.
    """
    image = np.asarray(drawing, dtype=np.float32)
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (3, 4)) \
            or min(image.shape[:2]) < 2 or not np.isfinite(image).all():
        raise ValueError(f"A drawing must be an (h, w) grey or (h, w, 3 or 4) colour image; "
                         f"got an array of shape {image.shape}.")
    if image.max() > 1:
        image = image / 255.0
    if image.ndim == 2:
        return np.clip(image, 0, 1)
    value = image[..., :3].mean(axis=-1)
    if image.shape[2] == 4:
        value = value * image[..., 3]
    return np.clip(value, 0, 1)


def digit_from_drawing(drawing: np.ndarray, shape: tuple[int, ...] = DIGIT_SHAPE) -> np.ndarray:
    """The drawing as an MNIST-style digit: cropped, scaled into the central 20x20 box, centred
    by its centre of mass; float32 in [0, 1].

    Args:
        drawing: the canvas, grey (h, w) or RGB(A) (h, w, 3 or 4).
        shape: the model's image shape: (28, 28), or (28, 28, 1) to get that shape back.

    Raises:
        ValueError: a shape other than 28x28 grey (the model is not one of MNIST's), nothing
            drawn, or not an image.
    """
    from PIL import Image
    from scipy import ndimage

    if tuple(shape) not in (DIGIT_SHAPE, (*DIGIT_SHAPE, 1)):
        raise ValueError(f"Draw a digit works for models of MNIST's 28x28 grey images; this "
                         f"model takes images shaped {tuple(shape)}.")
    strokes = ink(drawing)
    rows, columns = np.nonzero(strokes > INK_THRESHOLD)
    if not len(rows):
        raise ValueError("Nothing is drawn yet: draw a digit with the mouse or a finger.")
    crop = strokes[rows.min():rows.max() + 1, columns.min():columns.max() + 1]
    scale = BOX_SIDE / max(crop.shape)
    size = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))
    scaled = np.asarray(Image.fromarray(crop).resize(size, Image.Resampling.LANCZOS))
    digit = np.zeros(DIGIT_SHAPE, np.float32)
    top, left = (DIGIT_SHAPE[0] - size[1]) // 2, (DIGIT_SHAPE[1] - size[0]) // 2
    digit[top:top + size[1], left:left + size[0]] = np.clip(scaled, 0, 1)
    centre_of_mass = np.array(ndimage.center_of_mass(digit))
    shift = (np.array(DIGIT_SHAPE) - 1) / 2 - centre_of_mass
    digit = ndimage.shift(digit, np.round(shift), order=0, mode="constant")
    digit = (np.clip(digit, 0, 1) / max(float(digit.max()), 1e-6)).astype(np.float32)
    return digit.reshape(shape)
