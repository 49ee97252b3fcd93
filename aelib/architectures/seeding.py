"""Seeded weight initializers, so that a model's starting weights depend on its seed alone.

Keras layers draw unseeded initial weights from a process-wide generator; seeding that would
disturb any other model training in the same process. Each builder instead asks this object for
one initializer per weight, each with its own seed derived from the model's seed.
"""

from __future__ import annotations

import itertools

import keras


class Initializers:
    """Hands out initializers with distinct seeds derived from one model seed.

    Example:
        >>> init = Initializers(seed=0)
        >>> keras.layers.Dense(32, kernel_initializer=init.glorot())  # doctest: +SKIP
    """

    def __init__(self, seed: int):
        self._seeds = itertools.count(int(seed) * 1000)

    def glorot(self) -> keras.initializers.Initializer:
        """A Glorot-uniform initializer (Keras's default for dense and conv kernels)."""
        return keras.initializers.GlorotUniform(seed=next(self._seeds))

    def orthogonal(self) -> keras.initializers.Initializer:
        """An orthogonal initializer (Keras's default for recurrent kernels)."""
        return keras.initializers.Orthogonal(seed=next(self._seeds))

    def next_seed(self) -> int:
        """A fresh integer seed, for layers that draw random numbers while training."""
        return next(self._seeds)
