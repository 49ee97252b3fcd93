"""One unit of a code: which images make it fire, what it draws, what it follows, and which
units never fire at all.

For the dense-family models (dense, sparse, TopK, deep), whose code is a vector of units.
Activations are the code values themselves (flattened); a unit is active on an image when its
value's magnitude is above `threshold` (`aelib.explore.analysis.sparsity_stats`'s), so TopK's
kept negative scores count as active.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from aelib.model.autoencoder import Autoencoder

THRESHOLD = 1e-3  # as `sparsity_stats`


def _flat(codes: np.ndarray) -> np.ndarray:
    return np.asarray(codes, dtype=np.float32).reshape(len(codes), -1)


def _check_unit(flat: np.ndarray, unit: int) -> int:
    if isinstance(unit, bool) or not isinstance(unit, (int, np.integer)) \
            or not 0 <= unit < flat.shape[1]:
        raise ValueError(f"unit must be a whole number from 0 to {flat.shape[1] - 1} (the code "
                         f"has {flat.shape[1]} units); got {unit!r}.")
    return int(unit)


def unit_top_images(codes: np.ndarray, unit: int, k: int = 9) -> np.ndarray:
    """Indices of the `k` images (rows of `codes`) on which `unit` is highest, highest first
    (ties: the lower index first).

    Args:
        codes: (n, ...) codes, e.g. the test images'; each is flattened.
        unit: the unit, an index into the flattened code.
        k: how many; fewer when there are fewer codes.

    Raises:
        ValueError: a unit the code does not have, or `k` below 1.
    """
    flat = _flat(codes)
    unit = _check_unit(flat, unit)
    if k < 1:
        raise ValueError(f"k must be at least 1; got {k}.")
    return np.argsort(-flat[:, unit], kind="stable")[:k]


def dead_units(codes: np.ndarray, threshold: float = THRESHOLD) -> np.ndarray:
    """Units whose magnitude never exceeds `threshold` on any of `codes`: never active on those
    images. Ascending indices into the flattened code."""
    return np.flatnonzero(np.abs(_flat(codes)).max(axis=0) <= threshold)


def unit_atom(ae: Autoencoder, codes: np.ndarray, unit: int) -> np.ndarray:
    """The unit's "atom": the image decoded from a code that is zero except this unit, set to
    its highest value on `codes` (or 1 when it is never positive), shaped (1, height, width,
    channels).

    Raises:
        ValueError: a unit the code does not have.
    """
    flat = _flat(codes)
    unit = _check_unit(flat, unit)
    peak = float(flat[:, unit].max()) if len(flat) else 0.0
    code = np.zeros((1, flat.shape[1]), np.float32)
    code[0, unit] = peak if peak > THRESHOLD else 1.0
    return ae.decode(code)


@dataclass(frozen=True)
class Selectivity:
    """How a unit's mean activation depends on one factor of the images.

    Args:
        factor: the factor's name (a field of `aelib.data.shapes.FACTORS`).
        values: the factor's value of each group: the category (as its name, when given) or
            the middle of each bin of a continuous factor.
        means: the unit's mean activation over each group's images.
        spread: max minus min of `means` over the unit's overall standard deviation (0 when it
            never varies): how selective the unit is to this factor.
    """

    factor: str
    values: tuple
    means: np.ndarray
    spread: float


def unit_selectivity(codes: np.ndarray, unit: int, factors: np.ndarray,
                     names: dict[str, tuple[str, ...]] | None = None, bins: int = 5
                     ) -> list[Selectivity]:
    """The unit's mean activation per value of each factor (the shapes' shape, colour, size,
    x and y), continuous factors in `bins` equal-count bins.

    Args:
        codes: (n, ...) codes of the images `factors` describe.
        unit: the unit.
        factors: a record array, one record per code (`Dataset.factors_test`).
        names: for categorical factors, each value's name (e.g. {"shape": SHAPES}).
        bins: groups of a continuous factor.

    Raises:
        ValueError: a unit the code does not have, or not one factor record per code.
    """
    flat = _flat(codes)
    unit = _check_unit(flat, unit)
    if len(factors) != len(flat):
        raise ValueError(f"Give one factor record per code; got {len(factors)} for "
                         f"{len(flat)} codes.")
    activation, names = flat[:, unit], names or {}
    scale = float(activation.std())
    result = []
    for factor in factors.dtype.names:
        column = factors[factor]
        if np.issubdtype(column.dtype, np.integer):
            groups = np.unique(column)
            members = [column == value for value in groups]
            labels = tuple(names[factor][v] if factor in names else int(v) for v in groups)
        else:
            edges = np.quantile(column, np.linspace(0, 1, bins + 1))
            place = np.clip(np.searchsorted(edges, column, side="right") - 1, 0, bins - 1)
            members = [place == b for b in range(bins)]
            labels = tuple(round(float((edges[b] + edges[b + 1]) / 2), 3) for b in range(bins))
        means = np.array([activation[m].mean() if m.any() else np.nan for m in members])
        spread = float((np.nanmax(means) - np.nanmin(means)) / scale) if scale > 0 else 0.0
        result.append(Selectivity(factor, labels, means, spread))
    return result
