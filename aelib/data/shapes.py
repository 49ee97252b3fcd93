"""Coloured shapes: a colour dataset aelib draws itself, offline, with every factor known.

In the spirit of dSprites: each image is one shape (square, circle, triangle or cross) of one
colour on a black background, at a random size and position. The factors that made each image
are kept beside it (`Dataset.factors_train`, `factors_test`), so what a latent space learned can
be read against them: does one code unit follow the size, another the colour? The label is the
shape. The same seed gives the same images, bit for bit.

Shapes are drawn with 2x2 supersampling (anti-aliased edges), a few thousand at a time with
numpy, so 10,000 images of 32x32 take well under a second.
"""

from __future__ import annotations

import numpy as np

SHAPES = ("square", "circle", "triangle", "cross")
COLOURS = {  # name: RGB in [0, 1]
    "red": (0.95, 0.15, 0.15), "green": (0.15, 0.8, 0.2), "blue": (0.2, 0.35, 0.95),
    "yellow": (0.95, 0.85, 0.1), "magenta": (0.85, 0.2, 0.85), "cyan": (0.1, 0.8, 0.85),
}
# One record per image: the shape and colour (indices into SHAPES and COLOURS), the size (half
# the width of the shape's box, as a fraction of the image side) and the centre (x from the
# left, y from the top, as fractions of the side).
FACTORS = np.dtype([("shape", np.int64), ("colour", np.int64), ("size", np.float32),
                    ("x", np.float32), ("y", np.float32)])
SIZE_RANGE = (0.12, 0.3)
MARGIN = 0.02  # least gap between a shape's box and the image's edge, as a fraction of the side
CHUNK = 2048  # images drawn at once: bounds the temporary arrays to ~100 MB at 64x64


def random_factors(n: int, seed: int = 0) -> np.ndarray:
    """`n` seeded factor records (see `FACTORS`); shapes always lie wholly inside the image."""
    rng = np.random.default_rng(seed)
    factors = np.empty(n, FACTORS)
    factors["shape"] = rng.integers(0, len(SHAPES), n)
    factors["colour"] = rng.integers(0, len(COLOURS), n)
    factors["size"] = rng.uniform(*SIZE_RANGE, n)
    margin = factors["size"] + MARGIN
    factors["x"] = rng.uniform(margin, 1 - margin)
    factors["y"] = rng.uniform(margin, 1 - margin)
    return factors


def with_fixed_factor(pool: np.ndarray, factor: str, values: np.ndarray,
                      rng: np.random.Generator) -> np.ndarray:
    """One record per value of `values`, with `factor` set to it and the other factors drawn
    from `pool` (a `random_factors` sample) among the records that stay valid with it: a draw
    from the data's distribution conditioned on that factor, which keeps every shape inside
    its image (fixing the size rules out positions near the edges, and the reverse).

    Args:
        pool: records to draw the other factors from.
        factor: a field of `FACTORS`.
        values: the values to fix it at, one per record wanted.
        rng: where the draws come from.

    Returns:
        `len(values)` records.
    """
    values = np.asarray(values)
    records = np.empty(len(values), FACTORS)
    if factor not in ("size", "x", "y"):  # shape and colour leave every record valid
        records[:] = pool[rng.integers(len(pool), size=len(values))]
        records[factor] = values
        return records
    for value in np.unique(values):
        chosen = np.flatnonzero(values == value)
        size, x, y = (value if factor == name else pool[name] for name in ("size", "x", "y"))
        margin = size + MARGIN
        valid = np.flatnonzero((margin <= x) & (x <= 1 - margin) & (margin <= y)
                               & (y <= 1 - margin))
        valid = valid if len(valid) else np.arange(len(pool))  # a value no record allows
        records[chosen] = pool[rng.choice(valid, size=len(chosen))]
    records[factor] = values
    return records


def _inside(shape: int, dx: np.ndarray, dy: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Whether each sample point (offset dx, dy from the centre) lies in the shape."""
    if shape == 0:  # square
        return (np.abs(dx) <= size) & (np.abs(dy) <= size)
    if shape == 1:  # circle
        return dx ** 2 + dy ** 2 <= size ** 2
    if shape == 2:  # an isosceles triangle, apex up, in the shape's box
        return (np.abs(dy) <= size) & (np.abs(dx) <= (dy + size) / 2)
    bar = size / 3  # a cross: two bars a third of the box wide
    return ((np.abs(dx) <= size) & (np.abs(dy) <= bar)) | ((np.abs(dy) <= size)
                                                             & (np.abs(dx) <= bar))


def _masks(factors: np.ndarray, side: int) -> np.ndarray:
    """Coverage in [0, 1] of each pixel by each record's shape: (n, side, side)."""
    fine = side * 2  # 2x2 samples per pixel
    grid = (np.arange(fine, dtype=np.float32) + 0.5) / fine  # sample centres, as fractions
    coverage = np.empty((len(factors), side, side), np.float32)
    for shape in range(len(SHAPES)):
        chosen = np.flatnonzero(factors["shape"] == shape)
        part = factors[chosen]
        dx = grid[None, None, :] - part["x"][:, None, None]  # (m, 1, fine)
        dy = grid[None, :, None] - part["y"][:, None, None]  # (m, fine, 1)
        inside = _inside(shape, dx, dy, part["size"][:, None, None])  # (m, fine, fine)
        hits = inside.view(np.uint8)
        hits = hits[:, 0::2] + hits[:, 1::2]  # (m, side, fine)
        coverage[chosen] = (hits[:, :, 0::2] + hits[:, :, 1::2]) / np.float32(4)
    return coverage


def draw(factors: np.ndarray, side: int = 32) -> np.ndarray:
    """Images of the records in `factors`: float32 (n, side, side, 3) in [0, 1]."""
    colours = np.array(list(COLOURS.values()), np.float32)
    images = np.empty((len(factors), side, side, 3), np.float32)
    for start in range(0, len(factors), CHUNK):
        part = factors[start:start + CHUNK]
        images[start:start + CHUNK] = (_masks(part, side)[..., None]
                                       * colours[part["colour"]][:, None, None, :])
    return images


def make_shapes(n: int, side: int = 32, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """`n` seeded images of coloured shapes and their factors.

    Args:
        n: how many images.
        side: their height and width in pixels (32 or 64 in the registered datasets).
        seed: the same seed gives the same images and factors.

    Returns:
        (images float32 (n, side, side, 3) in [0, 1], factors: a `FACTORS` record per image).

    Raises:
        ValueError: a negative `n` or a side under 8.
    """
    if n < 0 or side < 8:
        raise ValueError(f"make_shapes needs n >= 0 and a side of at least 8 pixels; got n={n}, "
                         f"side={side}.")
    factors = random_factors(n, seed)
    return draw(factors, side), factors
