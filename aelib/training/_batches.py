"""Shuffled training batches, one exact epoch at a time, in an order from a per-run seed alone.

`fit(shuffle=True)` draws its permutations from a process-wide generator, so two runs with the
same seed differ unless that generator is reset, which would disturb other trainings in the same
process. Here each epoch's permutation comes from `(seed, epoch)`.

Each epoch's data ends where the epoch ends. That is what keeps epochs exact when Keras runs
several steps per call into the backend: a call stops early when the data runs out, so an epoch of
13 steps at 8 steps per call is a call of 8 and a call of 5. (Given one stream for all epochs and
`steps_per_epoch`, Keras ran whole calls past the epoch's end into the next epoch's batches, and
warned "Your input ran out of data" at the end.) Keras asks for a fresh iterator each epoch; this
object, passed among `fit`'s callbacks too, tells the data which epoch that is.

On TensorFlow the batches are gathered inside a `tf.data` pipeline (the same vectorised gather
`fit` uses for arrays); on other backends a `keras.utils.PyDataset` slices the numpy arrays, as
Keras itself does there.
"""

from __future__ import annotations

import math

import keras
import numpy as np


def epoch_permutation(num_samples: int, seed: int, epoch: int) -> np.ndarray:
    """The order in which epoch `epoch` visits the samples."""
    return np.random.default_rng([seed, epoch]).permutation(num_samples)


def steps_per_epoch(num_samples: int, batch_size: int) -> int:
    """Batches in one epoch."""
    return math.ceil(num_samples / batch_size)


class SeededEpochs(keras.callbacks.Callback):
    """Batches `(x_batch, x_batch)` for `model.fit`, one epoch per pass over `data`.

    Pass `data` as `fit`'s `x` (and no `steps_per_epoch`), and this object among its callbacks.

    Args:
        x: model inputs (also the targets: an autoencoder reconstructs its input).
        batch_size: samples per batch; the last batch of an epoch may be smaller.
        seed: seed of the order.

    Example:
        >>> epochs = SeededEpochs(x, batch_size=256, seed=0)             # doctest: +SKIP
        >>> model.fit(epochs.data, epochs=5, callbacks=[epochs])          # doctest: +SKIP
    """

    def __init__(self, x: np.ndarray, batch_size: int, seed: int):
        super().__init__()
        self.x = x
        self.batch_size = batch_size
        self.seed = seed
        self.batches = steps_per_epoch(len(x), batch_size)
        self.epoch = 0
        self._order = (-1, np.arange(0))  # (epoch, permutation), replaced whole
        self._tf_order = None  # on TensorFlow, the variable the pipeline reads the order from
        if keras.backend.backend() == "tensorflow":
            self.data, self._tf_order = _tf_epoch(x, batch_size, self.order())
        else:
            self.data = _NumpyEpoch(self)

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self.epoch = epoch
        if self._tf_order is not None:
            self._tf_order.assign(self.order())

    def order(self) -> np.ndarray:
        """The current epoch's permutation of the samples."""
        epoch, order = self._order
        if epoch != self.epoch:
            epoch = self.epoch
            order = epoch_permutation(len(self.x), self.seed, epoch)
            self._order = (epoch, order)
        return order


class _NumpyEpoch(keras.utils.PyDataset):
    """One epoch of batches, sliced from the numpy arrays in the current order."""

    def __init__(self, source: SeededEpochs):
        super().__init__()
        self.source = source

    def __len__(self) -> int:
        return self.source.batches

    def __getitem__(self, index: int):
        size = self.source.batch_size
        batch = self.source.x[self.source.order()[index * size:(index + 1) * size]]
        return batch, batch


def _tf_epoch(x: np.ndarray, batch_size: int, first_order: np.ndarray):
    """The `tf.data` pipeline of one epoch, and the variable holding that epoch's order.

    The order reaches the pipeline through a variable rather than a Python generator: a
    `from_generator` pipeline is never freed (TensorFlow's default graph keeps its Python
    functions), and it would keep these images alive with it.
    """
    import tensorflow as tf

    num_samples = len(x)
    sizes = [batch_size] * (num_samples // batch_size)
    if num_samples % batch_size:
        sizes.append(num_samples % batch_size)
    order = tf.Variable(first_order, trainable=False, dtype=tf.int64)
    # Read when Keras starts the epoch's iterator, after `on_epoch_begin` set it.
    indices = tf.data.Dataset.range(1).flat_map(
        lambda _: tf.data.Dataset.from_tensor_slices(
            tf.RaggedTensor.from_row_lengths(order.read_value(), sizes))
    )
    data = tf.convert_to_tensor(x)

    def gather(batch_indices):
        batch = tf.gather(data, batch_indices)
        return batch, batch

    dataset = (indices.map(gather, num_parallel_calls=tf.data.AUTOTUNE)
               .apply(tf.data.experimental.assert_cardinality(len(sizes)))  # Keras reads it
               .prefetch(tf.data.AUTOTUNE))
    return dataset, order
