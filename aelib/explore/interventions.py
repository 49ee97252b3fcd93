"""The interventional disentanglement scores: images redrawn with one factor fixed.

Both follow google-research/disentanglement_lib (`evaluation/metrics/factor_vae.py`,
`beta_vae.py`), on the coloured shapes of `aelib.data.shapes`: fixing a factor draws the other
factors from the data's distribution given it (`shapes.with_fixed_factor`), and the
representation is whatever `encode` returns (the encoder mean, `ae.encode`). They are public as
`aelib.disentanglement.factor_vae_score` and `beta_vae_score`, beside the other scores.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from aelib.data.datasets import Dataset

# The interventional scores' budgets: disentanglement_lib's studies use 10,000 training and 5,000
# evaluation points of 64 images; a twentieth of that (48,000 images for FactorVAE, 96,000 for
# the β-VAE score, mostly drawing time) keeps them to tens of seconds on 2 CPU cores, at the
# cost of a few points of noise (`scorecard` returns the settings with the scores).
INTERVENTION_BATCH = 64  # images per point, as the lib's batch_size
INTERVENTION_TRAIN = 500
INTERVENTION_EVAL = 250
VARIANCE_ESTIMATE = 5000  # the lib: 10,000
PRUNE_THRESHOLD = 0.05  # FactorVAE: dimensions whose codes' std is below it are left out
POOL_SIZE = 20000  # factor records the interventions draw the unfixed factors from
CHUNK_IMAGES = 4096  # images drawn and encoded at once


class Interventions:
    """Images of coloured shapes, at random or with one factor fixed, and their codes.

    Args:
        encode: images -> codes.
        dataset: a shapes dataset: its image side says what to draw.
        seed: seed of every draw.

    Raises:
        ValueError: a dataset without shapes factors.
    """

    def __init__(self, encode: Callable[[np.ndarray], np.ndarray], dataset, seed: int):
        from aelib.data import shapes

        if dataset.factors_train is None or dataset.factors_train.dtype != shapes.FACTORS:
            raise ValueError(f"The interventional scores redraw images of coloured shapes; "
                             f"{dataset.name!r} has no shapes factors. Use 'shapes' or "
                             f"'shapes64'.")
        self.shapes, self.encode = shapes, encode
        self.side = dataset.image_shape[0]
        self.rng = np.random.default_rng(seed)
        self.pool = shapes.random_factors(POOL_SIZE, seed)
        self.names = shapes.FACTORS.names

    def codes(self, records: np.ndarray) -> np.ndarray:
        """Codes (n, d) of the images of `records`, drawn and encoded a chunk at a time."""
        return np.concatenate([
            np.asarray(self.encode(self.shapes.draw(records[start:start + CHUNK_IMAGES],
                                                    self.side)), np.float64)
            .reshape(min(CHUNK_IMAGES, len(records) - start), -1)
            for start in range(0, len(records), CHUNK_IMAGES)])

    def random(self, n: int) -> np.ndarray:
        """`n` factor records drawn from the data's distribution."""
        return self.pool[self.rng.integers(len(self.pool), size=n)]

    def fixed(self, num_points: int, batch_size: int, like: np.ndarray | None = None
              ) -> tuple[np.ndarray, np.ndarray]:
        """(factor fixed per point (num_points,), records (num_points * batch_size,)): each
        point's batch shares one factor's value, that of a random record (or, per image, of
        the record of `like` beside it)."""
        fixed = self.rng.integers(len(self.names), size=num_points)
        base = self.random(num_points * batch_size) if like is None else like
        records = np.empty(num_points * batch_size, self.shapes.FACTORS)
        for k, name in enumerate(self.names):
            rows = np.flatnonzero(np.repeat(fixed == k, batch_size))
            values = base[name][rows] if like is not None else \
                np.repeat(base[name][rows[::batch_size]], batch_size)
            records[rows] = self.shapes.with_fixed_factor(self.pool, name, values, self.rng)
        return fixed, records


def factor_vae_score(encode: Callable[[np.ndarray], np.ndarray], dataset: Dataset, *,
                     num_train: int = INTERVENTION_TRAIN, num_eval: int = INTERVENTION_EVAL,
                     batch_size: int = INTERVENTION_BATCH, seed: int = 0) -> float:
    """The FactorVAE score (Kim and Mnih 2018, "Disentangling by Factorising";
    disentanglement_lib `factor_vae.py`).

    Each code dimension is divided by its standard deviation over random images (dimensions
    whose standard deviation is under 0.05 are left out, as collapsed to the prior). One point:
    fix one factor at a random value, draw `batch_size` images with the others random, and take
    the dimension of least (normalised) variance. A majority-vote classifier from dimension to
    factor is fitted on `num_train` points; the score is its accuracy on `num_eval` more. 1
    when fixing each factor stills a dimension of its own; 1/K (K factors) for a code that
    ignores them.

    Args:
        encode: images (n, h, w, 3) -> codes (n, d): the encoder mean, `ae.encode`.
        dataset: a shapes dataset (its image side and factors say what to draw).
        num_train, num_eval: points to fit and to score the classifier on.
        batch_size: images per point.
        seed: seed of the draws.

    Returns:
        The evaluation accuracy, in [0, 1].

    Raises:
        ValueError: a dataset that is not coloured shapes.
    """
    draws = Interventions(encode, dataset, seed)
    scale = draws.codes(draws.random(VARIANCE_ESTIMATE)).std(axis=0, ddof=1)
    active = np.flatnonzero(scale >= PRUNE_THRESHOLD)
    if not len(active):
        return 0.0

    def votes(num_points: int) -> np.ndarray:
        fixed, records = draws.fixed(num_points, batch_size)
        codes = draws.codes(records).reshape(num_points, batch_size, -1)[:, :, active]
        stillest = np.argmin(codes.var(axis=1, ddof=1) / scale[active] ** 2, axis=1)
        counts = np.zeros((len(draws.names), len(active)), np.int64)
        np.add.at(counts, (fixed, stillest), 1)
        return counts

    classifier = np.argmax(votes(num_train), axis=0)  # each dimension's factor
    evaluation = votes(num_eval)
    return float(evaluation[classifier, np.arange(len(active))].sum() / evaluation.sum())


def beta_vae_score(encode: Callable[[np.ndarray], np.ndarray], dataset: Dataset, *,
                   num_train: int = INTERVENTION_TRAIN, num_eval: int = INTERVENTION_EVAL,
                   batch_size: int = INTERVENTION_BATCH, seed: int = 0) -> float:
    """The β-VAE score (Higgins et al. 2017, "β-VAE: Learning Basic Visual Concepts with a
    Constrained Variational Framework"; disentanglement_lib `beta_vae.py`, its scikit-learn
    version).

    One point: draw `batch_size` pairs of images that share one factor's value (per pair) and
    differ in the others; its features are the mean absolute difference of the pairs' codes,
    per dimension, and its label the shared factor. A logistic regression is fitted on
    `num_train` points; the score is its accuracy on `num_eval` more (chance: 1/K).

    Args:
        encode: images (n, h, w, 3) -> codes (n, d): the encoder mean, `ae.encode`.
        dataset: a shapes dataset.
        num_train, num_eval: points to fit and to score the classifier on.
        batch_size: pairs per point.
        seed: seed of the draws.

    Returns:
        The evaluation accuracy, in [0, 1].

    Raises:
        ValueError: a dataset that is not coloured shapes.
    """
    from sklearn.linear_model import LogisticRegression

    draws = Interventions(encode, dataset, seed)

    def points(num_points: int) -> tuple[np.ndarray, np.ndarray]:
        first = draws.random(num_points * batch_size)
        fixed, second = draws.fixed(num_points, batch_size, like=first)
        difference = np.abs(draws.codes(first) - draws.codes(second))
        return difference.reshape(num_points, batch_size, -1).mean(axis=1), fixed

    features, labels = points(num_train)
    model = LogisticRegression(max_iter=500).fit(features, labels)
    return float(model.score(*points(num_eval)))
