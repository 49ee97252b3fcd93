"""Shuffled training batches whose order depends on a per-run seed alone.

`fit(shuffle=True)` draws its permutations from a process-wide generator, so two runs with the
same seed differ unless that generator is reset, which would disturb other trainings in the same
process. Here each epoch's permutation comes from `(seed, epoch)`. On TensorFlow the batches are
gathered inside a `tf.data` pipeline (the same vectorised gather `fit` uses for arrays); on other
backends a generator slices the numpy arrays, as Keras itself does there.
"""

from __future__ import annotations

import math

import keras
import numpy as np


def epoch_permutation(num_samples: int, seed: int, epoch: int) -> np.ndarray:
    """The order in which epoch `epoch` visits the samples."""
    return np.random.default_rng([seed, epoch]).permutation(num_samples)


def shuffled_batches(x: np.ndarray, batch_size: int, epochs: int, seed: int):
    """Batches `(x_batch, x_batch)` for `epochs` epochs, in a seeded order, for `model.fit`.

    Args:
        x: model inputs (also the targets: an autoencoder reconstructs its input).
        batch_size: samples per batch; the last batch of an epoch may be smaller.
        epochs: epochs to cover.
        seed: seed of the order.

    Returns:
        A `tf.data.Dataset` on TensorFlow, a generator otherwise; pass `steps_per_epoch` too.
    """
    if keras.backend.backend() == "tensorflow":
        return _tf_batches(x, batch_size, epochs, seed)
    return _numpy_batches(x, batch_size, epochs, seed)


def steps_per_epoch(num_samples: int, batch_size: int) -> int:
    """Batches in one epoch."""
    return math.ceil(num_samples / batch_size)


def _numpy_batches(x, batch_size, epochs, seed):
    for epoch in range(epochs):
        order = epoch_permutation(len(x), seed, epoch)
        for start in range(0, len(x), batch_size):
            batch = x[order[start:start + batch_size]]
            yield batch, batch


def _tf_batches(x, batch_size, epochs, seed):
    import tensorflow as tf

    num_samples = len(x)
    sizes = [batch_size] * (num_samples // batch_size)
    if num_samples % batch_size:
        sizes.append(num_samples % batch_size)
    orders = tf.data.Dataset.from_generator(
        lambda: (epoch_permutation(num_samples, seed, epoch) for epoch in range(epochs)),
        output_signature=tf.TensorSpec((num_samples,), tf.int64),
    )
    indices = orders.flat_map(
        lambda order: tf.data.Dataset.from_tensor_slices(
            tf.RaggedTensor.from_row_lengths(order, sizes))
    )
    data = tf.convert_to_tensor(x)

    def gather(batch_indices):
        batch = tf.gather(data, batch_indices)
        return batch, batch

    return indices.map(gather, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)
