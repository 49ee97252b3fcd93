"""Layer plans: the spatial sizes the convolutional models go through for an image size, in
plain Python (no Keras), so that builders, generated Keras scripts and `aelib.model.sizes` share
them.

Pooling and stride-2 convolutions with "same" padding round odd sizes up (7 -> 4): that is the
padding where a size does not divide. On the way back the decoders double the size per level
and, where that overshoots the image, drop the extra rows and columns.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def halved_sizes(image_size: tuple[int, int], levels: int) -> list[tuple[int, int]]:
    """The image size, then the size after each of `levels` halvings rounded up:
    (28, 28) and 3 levels give [(28, 28), (14, 14), (7, 7), (4, 4)]."""
    sizes = [tuple(image_size[:2])]
    for _ in range(levels):
        sizes.append((math.ceil(sizes[-1][0] / 2), math.ceil(sizes[-1][1] / 2)))
    return sizes


def decoder_plan(filters: Sequence[int], image_size: tuple[int, int]
                 ) -> tuple[list[tuple[int, str]], tuple[int, int]]:
    """The conv decoder's (filters, padding) per Conv2D + UpSampling2D level, and the rows and
    columns a final Cropping2D must cut (zeros when none is needed).

    A level drops its padding ("valid") where the upsampled size would overshoot the encoder's
    size at that level by two pixels: for (16, 8, 8) on 28x28, 4 -> 8 -> 16 -> 14 -> 28.
    """
    sizes = halved_sizes(image_size, len(filters))  # 28 -> 14 -> 7 -> 4
    levels, current = [], sizes[-1]
    for level in reversed(range(len(filters))):
        target = sizes[level + 1]
        padding = "valid" if (current[0] - target[0], current[1] - target[1]) == (2, 2) \
            else "same"
        if padding == "valid":
            current = target
        levels.append((filters[level], padding))
        current = (current[0] * 2, current[1] * 2)
    return levels, (current[0] - image_size[0], current[1] - image_size[1])


def upsampled_crop(image_size: tuple[int, int], levels: int) -> tuple[int, int]:
    """Rows and columns to cut after `levels` doublings from the smallest halved size, to land
    on `image_size` again (the convolutional VAE's decoder): 28 -> 4 -> 32 cuts 4."""
    smallest = halved_sizes(image_size, levels)[-1]
    return (smallest[0] * 2 ** levels - image_size[0], smallest[1] * 2 ** levels - image_size[1])
