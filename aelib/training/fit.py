"""`train`: plain Keras `fit` with live progress, a stop switch and per-run seeds.

Everything a UI needs arrives through `on_progress` (see `aelib.training.progress`); a
`threading.Event` passed as `stop` ends training after the current call into the backend (one
batch, or several: see `steps_per_execution`) and keeps the weights and history so far. Batches
come in a seeded order (`aelib.training._batches`); `devices` trains data-parallel on several
devices (`aelib.training.distribution`).
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass, field
from collections.abc import Callable

import keras

import aelib.settings
from aelib.architectures import KERAS_LOSSES, REGISTRY
from aelib.model.autoencoder import Autoencoder, build
from aelib.training._batches import SeededEpochs, steps_per_epoch
from aelib.training._compiled import COMPILED_MODELS, CompiledModels, copy_variables
from aelib.data.datasets import Dataset
from aelib.training.distribution import data_parallel_scope, has_accelerator
from aelib.data.noise import add_noise
from aelib.training.progress import ProgressCallback, ProgressEvent
from aelib.settings import TrainingSettings, learning_rate_for
from aelib.training._tensorflow_leak import release_custom_gradients

# The Keras class of each optimizer in `aelib.settings.OPTIMIZERS`.
OPTIMIZERS = {name: getattr(keras.optimizers, class_name)
              for name, (class_name, _) in aelib.settings.OPTIMIZERS.items()}
_DEFAULTS = TrainingSettings()  # `train`'s defaults: the specs'
VALIDATION_NOISE_SEED = 12345

# Training steps per call into the backend. On the CPU, each architecture's own
# (`Architecture.cpu_steps_per_execution`, measured with bench/train_speed.py); this table of
# them keeps its public name. On an accelerator every model here is launch-bound. PyTorch's
# trainer runs one step per call, and so must TensorFlow's MirroredStrategy (with more, Keras
# 3.15 on TensorFlow 2.21 fails inside its step loop).
CPU_STEPS_PER_EXECUTION = {name: arch.cpu_steps_per_execution for name, arch in REGISTRY.items()}
ACCELERATOR_STEPS_PER_EXECUTION = 32
# XLA on TensorFlow's CPU build, per architecture, chosen from the total time of a default run in
# a fresh process (compilation included; bench/learner_wait.py). Missing: Keras's "auto" (on).
# JAX always compiles; on an accelerator XLA stays on.
TENSORFLOW_CPU_JIT_COMPILE: dict[str, bool] = {}


@dataclass
class TrainResult:
    """What `train` returns.

    Args:
        history: per-epoch values, e.g. `history["loss"]`, `history["val_loss"]`.
        epochs_done: epochs that ran in this call (a stopped epoch counts).
        seconds: wall time of the whole run.
        stop_reason: why training ended early, in words; None when every epoch ran.
    """

    history: dict[str, list[float]] = field(default_factory=dict)
    epochs_done: int = 0
    seconds: float = 0.0
    stop_reason: str | None = None


def make_optimizer(name: str = _DEFAULTS.optimizer, learning_rate: float | None = None
                   ) -> keras.optimizers.Optimizer:
    """A fresh Keras optimizer by name, with that optimizer's default learning rate if None.

    Raises:
        ValueError: an unknown optimizer or a learning rate out of range.
    """
    rate = learning_rate_for(name, learning_rate)  # first: it refuses an unknown name
    return OPTIMIZERS[name](learning_rate=rate)


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


def jit_compile_for(architecture: str) -> bool | str:
    """Whether Keras compiles `architecture`'s train and evaluation steps with XLA."""
    if keras.backend.backend() == "tensorflow" and not has_accelerator():
        return TENSORFLOW_CPU_JIT_COMPILE.get(architecture, "auto")
    return "auto"


def compile_model(ae: Autoencoder, optimizer: str = _DEFAULTS.optimizer,
                  learning_rate: float | None = None, steps_per_execution: int = 1) -> None:
    """Compile `ae.autoencoder` with a fresh optimizer and its per-pixel loss (`ae.loss`:
    binary cross-entropy or mean squared error).

    Models with their own loss (the VAE) keep it. XLA compilation follows `jit_compile_for`.
    """
    own_loss = type(ae.autoencoder).compute_loss is not keras.Model.compute_loss
    ae.autoencoder.compile(optimizer=make_optimizer(optimizer, learning_rate),
                           loss=None if own_loss else KERAS_LOSSES[ae.loss],
                           steps_per_execution=steps_per_execution,
                           jit_compile=jit_compile_for(ae.architecture))
    # Create the optimizer's variables now, eagerly. Left to the first training step, they are
    # created inside the traced train function, and TensorFlow keeps the functions it makes to
    # initialise them for as long as the process lives: memory that grew with every model.
    ae.autoencoder.optimizer.build(ae.autoencoder.trainable_variables)


def train(ae: Autoencoder, data: Dataset, *, epochs: int = _DEFAULTS.epochs,
          batch_size: int = _DEFAULTS.batch_size, optimizer: str = _DEFAULTS.optimizer,
          learning_rate: float | None = _DEFAULTS.learning_rate,
          on_progress: Callable[[ProgressEvent], None] | None = None,
          stop: threading.Event | None = None, seed: int = _DEFAULTS.seed,
          steps_per_execution: int | None = None, devices: int | None = None,
          initial_epoch: int = 0, compiled: CompiledModels | None = COMPILED_MODELS
          ) -> TrainResult:
    """Train `ae` on `data.x_train`, validating on `data.x_test` after every epoch.

    The weights continue from where they are; the optimizer starts fresh. To continue an
    earlier training, pass the epochs it ran as `initial_epoch`: epochs are then numbered after
    them (in progress events too) and each gets the batch order it would have had in one long
    run. The denoising model
    validates on a fixed noisy copy of the test images against the clean ones.

    On one device the training runs in a compiled working copy of `ae`'s model from the pool
    `compiled` (`aelib.training._compiled`: the same structure, already traced and compiled by
    an earlier run of the same setup), which starts from `ae`'s variables; `ae` gets the weights
    back after every epoch and all its variables at the end. Results are those of training `ae`
    itself. With `compiled=None`, `ae`'s own model is compiled and trained: slower from the
    second run on, and `ae.autoencoder` then holds that optimizer.

    With `steps_per_execution` above 1, batch progress and the stop switch act once per call
    into the backend (still throttled), not after every batch.

    Args:
        ae: the autoencoder to train, in place.
        data: the images.
        epochs: passes over the training images.
        batch_size: images per step.
        optimizer: a name in `aelib.settings.OPTIMIZERS`.
        learning_rate: None for the optimizer's default.
        on_progress: called with progress events (see `aelib.training.progress`).
        stop: set it to end training after the current call (batch, or batches).
        seed: seed of the batch order.
        steps_per_execution: training steps per call into the backend; None picks the fastest
            measured for this architecture and device (see `default_steps_per_execution`).
        devices: None to train on one device; N (at least 2) to train data-parallel on the
            first N devices (see `aelib.training.distribution`). The model is rebuilt there with its
            current weights, and `ae` holds the rebuilt one afterwards.
        initial_epoch: epochs the model was already trained for; `epochs` more run.
        compiled: the pool of compiled working copies to train in (the process's own by
            default); None to compile and train `ae`'s model itself.

    Returns:
        A `TrainResult` with the per-epoch history.

    Raises:
        ValueError: settings out of range, images that do not fit the model, or fewer devices
            than asked for.
    """
    settings = asdict(TrainingSettings(epochs=epochs, batch_size=batch_size, optimizer=optimizer,
                                       learning_rate=learning_rate, seed=seed).resolved())
    rate = settings["learning_rate"]
    if isinstance(initial_epoch, bool) or not isinstance(initial_epoch, int) or initial_epoch < 0:
        raise ValueError(f"initial_epoch must be a whole number of at least 0; got "
                         f"{initial_epoch!r}.")
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
    run = _Run(ae, data, settings, on_progress, stop, initial_epoch)  # before any scope
    if compiled is None and devices is None:
        compile_model(ae, optimizer, rate, steps_per_execution)
        return run.fit(ae.autoencoder)
    if devices is not None:
        with data_parallel_scope(devices):
            _rebuild_here(ae)
            compile_model(ae, optimizer, rate, steps_per_execution)
            return run.fit(ae.autoencoder)

    def make() -> keras.Model:
        copy = build(ae.architecture, seed=ae.seed, image_shape=ae.image_shape, **ae.hparams)
        compile_model(copy, optimizer, rate, steps_per_execution)
        return copy.autoencoder

    key = (ae.architecture, tuple(sorted(ae.hparams.items())), ae.image_shape, optimizer,
           steps_per_execution, jit_compile_for(ae.architecture),
           keras.config.dtype_policy().name)
    with compiled.checkout(key, make, ae.autoencoder, rate) as model:
        return run.fit(model)


def _rebuild_here(ae: Autoencoder) -> None:
    """Swap `ae`'s models for copies with the same weights whose variables live in the current
    distribution scope."""
    copy = build(ae.architecture, seed=ae.seed, image_shape=ae.image_shape, **ae.hparams)
    copy.autoencoder.set_weights(ae.autoencoder.get_weights())
    ae.autoencoder, ae.encoder, ae.decoder = copy.autoencoder, copy.encoder, copy.decoder


class _Run:
    """One run's data and callbacks, ready to fit a model of `ae`'s structure."""

    def __init__(self, ae, data, settings, on_progress, stop, initial_epoch):
        self.ae = ae
        self.initial_epoch = initial_epoch
        self.last_epoch = initial_epoch + settings["epochs"]
        self.batches = SeededEpochs(ae.to_model_input(data.x_train), settings["batch_size"],
                                    settings["seed"])
        x_val = add_noise(data.x_test, ae.noise_factor, VALIDATION_NOISE_SEED) \
            if ae.noise_factor else data.x_test
        self.validation = (ae.to_model_input(x_val), ae.to_model_input(data.x_test)) \
            if len(x_val) else None
        self.validation_batch_size = _validation_batch_size(len(x_val), settings["batch_size"])
        self.on_progress, self.stop = on_progress, stop

    def fit(self, model: keras.Model) -> TrainResult:
        """Fit `model` (`ae`'s own, or a compiled working copy of it); the result ends in
        `ae`."""
        own = self.ae.autoencoder
        progress = ProgressCallback(self.last_epoch, self.batches.batches, self.on_progress,
                                    self.stop, keep_in=None if model is own else own)
        callbacks = [self.batches, progress]
        if hasattr(model, "start_epoch"):  # a model whose loss changes with the epoch
            callbacks.append(_EpochStart(len(self.batches.x)))
        started = time.perf_counter()
        try:
            history = model.fit(
                self.batches.data, epochs=self.last_epoch, initial_epoch=self.initial_epoch,
                validation_data=self.validation,
                validation_batch_size=self.validation_batch_size,
                shuffle=False,  # the seeded batches are already shuffled
                callbacks=callbacks, verbose=0,
            )
        finally:
            release_custom_gradients(model)  # else TensorFlow keeps the traced graph
        if model is not own:
            copy_variables(model, own)  # weights, and where the random draws have got to
        return TrainResult(
            history={name: [float(v) for v in values]
                     for name, values in history.history.items()},
            epochs_done=max(0, progress.epochs_done - self.initial_epoch),
            seconds=time.perf_counter() - started,
            stop_reason=progress.stop_reason,
        )


class _EpochStart(keras.callbacks.Callback):
    """Tells the model which epoch begins and how many training images it has, for the
    terms of its loss that depend on them (the VAE's KL warm-up, capacity and β-TCVAE)."""

    def __init__(self, num_images: int):
        super().__init__()
        self.num_images = num_images

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self.model.start_epoch(epoch, self.num_images)


def _validation_batch_size(num_samples: int, batch_size: int) -> int:
    """A validation batch size near `batch_size` that divides `num_samples`, if there is one
    within a factor of two: no smaller last batch, so one shape to compile instead of two."""
    for size in range(min(batch_size, num_samples), batch_size // 2, -1):
        if num_samples % size == 0:
            return size
    return batch_size
