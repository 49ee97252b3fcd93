"""`train`: plain Keras `fit` with live progress, a stop switch and per-run seeds.

Everything a UI needs arrives through `on_progress` (see `aelib.progress`); a `threading.Event`
passed as `stop` ends training after the current call into the backend (one batch, or several:
see `steps_per_execution`) and keeps the weights and history so far. Batches come in a seeded
order (`aelib.batches`); `devices` trains data-parallel on several devices
(`aelib.distribution`).
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import keras

from aelib.autoencoder import Autoencoder, build
from aelib.batches import shuffled_batches, steps_per_epoch
from aelib.datasets import Dataset
from aelib.distribution import data_parallel_scope, has_accelerator
from aelib.noise import add_noise
from aelib.params import ParamSpec, resolve
from aelib.progress import ProgressCallback, ProgressEvent
from aelib.settings import DEFAULT_LEARNING_RATES, TRAINING_PARAMS
from aelib.tensorflow_leak import release_custom_gradients

OPTIMIZERS = {
    "adam": keras.optimizers.Adam,
    "rmsprop": keras.optimizers.RMSprop,
    "sgd": keras.optimizers.SGD,
    "adadelta": keras.optimizers.Adadelta,
}
VALIDATION_NOISE_SEED = 12345

# Training steps per call into the backend, chosen with bench/train_speed.py (README,
# Performance). On the CPU the small dense models are launch-bound: a whole epoch per call (32
# steps of 256 images) trains them 1.4 to 1.9 times faster than one step per call. The conv and
# LSTM models are compute-bound and gain 10 to 25% from 8 steps per call, which still moves their
# progress bar a few times per epoch. On an accelerator every model here is launch-bound.
# PyTorch's trainer runs one step per call, and so must TensorFlow's MirroredStrategy (with more,
# Keras 3.15 on TensorFlow 2.21 fails inside its step loop).
CPU_STEPS_PER_EXECUTION = {"dense": 32, "sparse": 32, "deep": 32, "vae": 32,
                           "conv": 8, "denoising": 8, "lstm": 8}
ACCELERATOR_STEPS_PER_EXECUTION = 32


@dataclass
class TrainResult:
    """What `train` returns.

    Args:
        history: per-epoch values, e.g. `history["loss"]`, `history["val_loss"]`.
        epochs_done: epochs that ran (a stopped epoch counts).
        seconds: wall time of the whole run.
        stopped: why training ended early, in words; None when every epoch ran.
    """

    history: dict[str, list[float]] = field(default_factory=dict)
    epochs_done: int = 0
    seconds: float = 0.0
    stopped: str | None = None


def _training_specs(*names: str) -> list[ParamSpec]:
    return [spec for spec in TRAINING_PARAMS if spec.name in names]


def make_optimizer(name: str = "adam", learning_rate: float | None = None):
    """A fresh Keras optimizer by name, with that optimizer's default learning rate if None.

    Raises:
        ValueError: an unknown optimizer or a learning rate out of range.
    """
    given = {"optimizer": name}
    if learning_rate is not None:
        given["learning_rate"] = learning_rate
    settings = resolve(_training_specs(*given), given, "Training")
    rate = settings.get("learning_rate", DEFAULT_LEARNING_RATES[settings["optimizer"]])
    return OPTIMIZERS[settings["optimizer"]](learning_rate=rate)


def default_steps_per_execution(architecture: str, batches: int,
                                data_parallel: bool = False) -> int:
    """How many training steps `train` runs per call into the backend, unless told."""
    if _one_step_per_call_only(data_parallel):
        return 1
    steps = ACCELERATOR_STEPS_PER_EXECUTION if has_accelerator() \
        else CPU_STEPS_PER_EXECUTION.get(architecture, 1)
    return max(1, min(steps, batches))


def _one_step_per_call_only(data_parallel: bool) -> bool:
    backend = keras.backend.backend()
    return backend == "torch" or (backend == "tensorflow" and data_parallel)


def compile_model(ae: Autoencoder, optimizer: str = "adam",
                  learning_rate: float | None = None, steps_per_execution: int = 1) -> None:
    """Compile `ae.autoencoder` with a fresh optimizer and per-pixel binary cross-entropy.

    Models with their own loss (the VAE) keep it. XLA compilation is Keras's "auto": on where
    every layer supports it.
    """
    own_loss = type(ae.autoencoder).compute_loss is not keras.Model.compute_loss
    ae.autoencoder.compile(optimizer=make_optimizer(optimizer, learning_rate),
                           loss=None if own_loss else "binary_crossentropy",
                           steps_per_execution=steps_per_execution)
    # Create the optimizer's variables now, eagerly. Left to the first training step, they are
    # created inside the traced train function, and TensorFlow keeps the functions it makes to
    # initialise them for as long as the process lives: memory that grew with every model.
    ae.autoencoder.optimizer.build(ae.autoencoder.trainable_variables)


def train(ae: Autoencoder, data: Dataset, epochs: int = 5, batch_size: int = 256,
          optimizer: str = "adam", learning_rate: float | None = None,
          on_progress: Callable[[ProgressEvent], None] | None = None,
          stop: threading.Event | None = None, seed: int = 0,
          steps_per_execution: int | None = None, devices: int | None = None) -> TrainResult:
    """Train `ae` on `data.x_train`, validating on `data.x_test` after every epoch.

    The weights continue from where they are; the optimizer starts fresh. The denoising model
    validates on a fixed noisy copy of the test images against the clean ones.

    With `steps_per_execution` above 1, batch progress and the stop switch act once per call
    into the backend (still throttled), not after every batch.

    Args:
        ae: the autoencoder to train, in place.
        data: the images.
        epochs: passes over the training images.
        batch_size: images per step.
        optimizer: "adam", "rmsprop", "sgd" or "adadelta".
        learning_rate: None for the optimizer's default.
        on_progress: called with progress events (see `aelib.progress`).
        stop: set it to end training after the current call (batch, or batches).
        seed: seed of the batch order.
        steps_per_execution: training steps per call into the backend; None picks the fastest
            measured for this architecture and device (see `default_steps_per_execution`).
        devices: None to train on one device; N (at least 2) to train data-parallel on the
            first N devices (see `aelib.distribution`). The model is rebuilt there with its
            current weights, and `ae` holds the rebuilt one afterwards.

    Returns:
        A `TrainResult` with the per-epoch history.

    Raises:
        ValueError: settings out of range, images that do not fit the model, or fewer devices
            than asked for.
    """
    settings = resolve(_training_specs("epochs", "batch_size", "seed"),
                       {"epochs": epochs, "batch_size": batch_size, "seed": seed}, "Training")
    batches = steps_per_epoch(len(data.x_train), settings["batch_size"])
    if steps_per_execution is None:
        steps_per_execution = default_steps_per_execution(ae.architecture, batches,
                                                          devices is not None)
    if not isinstance(steps_per_execution, int) or steps_per_execution < 1:
        raise ValueError(f"steps_per_execution must be a whole number of at least 1; got "
                         f"{steps_per_execution!r}.")
    if steps_per_execution > 1 and _one_step_per_call_only(devices is not None):
        raise ValueError("steps_per_execution must be 1 on the PyTorch backend and for "
                         "data-parallel training on TensorFlow.")
    with data_parallel_scope(devices) if devices is not None else contextlib.nullcontext():
        if devices is not None:
            _rebuild_here(ae)
        compile_model(ae, optimizer, learning_rate, steps_per_execution)
        return _fit(ae, data, settings, batches, on_progress, stop)


def _rebuild_here(ae: Autoencoder) -> None:
    """Swap `ae`'s models for copies with the same weights whose variables live in the current
    distribution scope."""
    copy = build(ae.architecture, seed=ae.seed, image_shape=ae.image_shape, **ae.hparams)
    copy.autoencoder.set_weights(ae.autoencoder.get_weights())
    ae.autoencoder, ae.encoder, ae.decoder = copy.autoencoder, copy.encoder, copy.decoder


def _fit(ae, data, settings, batches, on_progress, stop) -> TrainResult:
    x_train = ae.to_model_input(data.x_train)
    x_val = ae.to_model_input(add_noise(data.x_test, ae.noise_factor, VALIDATION_NOISE_SEED)
                              if ae.noise_factor else data.x_test)
    y_val = ae.to_model_input(data.x_test)
    progress = ProgressCallback(settings["epochs"], batches, on_progress, stop)

    started = time.perf_counter()
    try:
        history = ae.autoencoder.fit(
            shuffled_batches(x_train, settings["batch_size"], settings["epochs"],
                             settings["seed"]),
            epochs=settings["epochs"], steps_per_epoch=batches,
            validation_data=(x_val, y_val) if len(x_val) else None,
            validation_batch_size=settings["batch_size"],
            shuffle=False,  # the seeded batches are already shuffled
            callbacks=[progress], verbose=0,
        )
    finally:
        release_custom_gradients(ae.autoencoder)  # else TensorFlow keeps the traced graph
    return TrainResult(
        history={name: [float(v) for v in values] for name, values in history.history.items()},
        epochs_done=progress.epochs_done,
        seconds=time.perf_counter() - started,
        stopped=progress.stopped,
    )
