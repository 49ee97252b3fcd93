"""Devices, and data-parallel training over several of them with Keras's own distribution support.

On JAX, `keras.distribution.DataParallel` replicates the variables and splits every batch along
its first axis across the devices; on TensorFlow, `tf.distribute.MirroredStrategy` does the same.
Both need the model's variables made inside their scope, which `data_parallel_scope` provides.

A CPU can stand in for several devices, to try this without GPUs:
`XLA_FLAGS=--xla_force_host_platform_device_count=2` before JAX starts, or
`tf.config.set_logical_device_configuration` before TensorFlow starts.
"""

from __future__ import annotations

import contextlib
import functools

import keras


def available_devices() -> list[str]:
    """The devices Keras can train on, e.g. `["cpu:0"]` or `["gpu:0", "gpu:1"]`."""
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        # Logical devices: virtual CPUs count; with a GPU there, TensorFlow's CPU stands aside.
        gpus = tf.config.list_logical_devices("GPU")
        return [f"gpu:{i}" for i in range(len(gpus))] or \
            [f"cpu:{i}" for i in range(len(tf.config.list_logical_devices("CPU")))]
    return keras.distribution.list_devices()


def has_accelerator() -> bool:
    """Whether Keras trains on something other than the CPU."""
    return not all(device.lower().startswith("cpu") for device in available_devices())


def data_parallel_scope(devices: int) -> contextlib.AbstractContextManager:
    """A context in which models are built, compiled and trained data-parallel on the first
    `devices` devices.

    Raises:
        ValueError: fewer devices than asked for, or a backend without this support (PyTorch).
    """
    backend = keras.backend.backend()
    found = available_devices()
    if backend not in ("jax", "tensorflow"):
        raise ValueError(f"Data-parallel training needs the JAX or TensorFlow backend; this is "
                         f"{backend}. Set KERAS_BACKEND=jax or tensorflow.")
    if not 2 <= devices <= len(found):
        raise ValueError(f"Data-parallel training over {devices} devices needs between 2 and the "
                         f"{len(found)} found ({', '.join(found)}). On a CPU, "
                         f"XLA_FLAGS=--xla_force_host_platform_device_count=N makes N of them "
                         f"for JAX.")
    if backend == "jax":
        return keras.distribution.DataParallel(devices=found[:devices]).scope()
    return _mirrored_strategy(found[0].split(":")[0].upper(), devices).scope()


@functools.cache
def _mirrored_strategy(kind: str, devices: int):
    """One strategy per device set for the life of the process: a second MirroredStrategy over
    the same devices reuses the first one's collective-op keys, and its training fails."""
    import tensorflow as tf

    names = [device.name for device in tf.config.list_logical_devices(kind)[:devices]]
    return tf.distribute.MirroredStrategy(names)
