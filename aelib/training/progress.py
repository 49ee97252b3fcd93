"""Training progress as small event objects, and the Keras callback that emits them.

A UI passes a plain callable as `on_progress`; it receives `EpochStarted`, `BatchProgress`,
`EpochEnded` and `TrainingFinished`. Batch events are throttled by wall-clock time, and the
callback hooks `on_train_batch_begin`, which carries no logs: it never forces the device to sync,
and Keras keeps dispatching batch-end callbacks asynchronously.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from collections.abc import Callable

import keras

BATCH_EVENT_INTERVAL_S = 0.25


@dataclass(frozen=True)
class EpochStarted:
    """An epoch of `batches` batches begins (epochs count from 1)."""

    epoch: int
    epochs: int
    batches: int


@dataclass(frozen=True)
class BatchProgress:
    """Training has done `batch` of `batches` batches of this epoch."""

    epoch: int
    epochs: int
    batch: int
    batches: int
    seconds: float  # since training started
    epoch_seconds: float = 0.0  # since this epoch started

    @property
    def fraction(self) -> float:
        """Share of the whole run done, 0 to 1."""
        return ((self.epoch - 1) + self.batch / max(self.batches, 1)) / self.epochs

    @property
    def eta_seconds(self) -> float | None:
        """Estimated seconds left at this epoch's pace so far; None before any batch is done."""
        if self.batch <= 0:
            return None
        left = (self.epochs - self.epoch + 1) * self.batches - self.batch
        return left * self.epoch_seconds / self.batch


@dataclass(frozen=True)
class EpochEnded:
    """An epoch ended, with its logs (loss, val_loss, ...) as floats."""

    epoch: int
    epochs: int
    logs: dict = field(default_factory=dict)
    seconds: float = 0.0  # this epoch's wall time, validation included
    steps: int = 0  # training steps (batches) this epoch ran

    @property
    def eta_seconds(self) -> float:
        """Estimated seconds left: the epochs to go at this epoch's pace (which, after the
        first, no longer includes tracing and compiling)."""
        return (self.epochs - self.epoch) * self.seconds


@dataclass(frozen=True)
class TrainingFinished:
    """Training ended; `stop_reason` says why it ended early, or is None when it ran to the
    end."""

    epochs_done: int
    seconds: float
    stop_reason: str | None


ProgressEvent = EpochStarted | BatchProgress | EpochEnded | TrainingFinished


class ProgressCallback(keras.callbacks.Callback):
    """Forwards training progress to `on_progress`, honours `stop`, and ends on a non-finite
    loss with the weights of the last epoch that ended finite.

    Args:
        epochs: the epoch `fit` runs to (its `epochs`: more than it runs when it continues
            from an `initial_epoch`).
        batches: batches per epoch.
        on_progress: called with each event; may be None.
        stop: when set, training ends after the current call into the backend.
        keep_in: a model of the same structure that gets the weights of every epoch that
            ended finite, before `EpochEnded` is sent (the person's model, when a working copy
            trains); None when the training model is the person's own.
    """

    def __init__(self, epochs: int, batches: int,
                 on_progress: Callable[[ProgressEvent], None] | None,
                 stop: threading.Event | None, keep_in: keras.Model | None = None):
        super().__init__()
        self.epochs = epochs
        self.batches = batches
        self.on_progress = on_progress or (lambda event: None)
        self.stop = stop or threading.Event()
        self.keep_in = keep_in
        self.stop_reason: str | None = None
        self.epochs_done = 0
        self._started = time.perf_counter()
        self._epoch_started = self._started
        self._next_batch_event = 0.0
        self._epoch = 0
        self._steps_before = 0
        self._good_weights = None

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._good_weights = self.model.get_weights()

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._epoch = epoch + 1
        self._epoch_started = time.perf_counter()
        self._steps_before = self._steps_done()
        self.on_progress(EpochStarted(self._epoch, self.epochs, self.batches))

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        if self.stop.is_set():
            self._end("stopped on request")
            return
        now = time.perf_counter()
        if batch and now >= self._next_batch_event:
            self._next_batch_event = now + BATCH_EVENT_INTERVAL_S
            self.on_progress(BatchProgress(self._epoch, self.epochs, batch, self.batches,
                                           now - self._started, now - self._epoch_started))

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = {name: float(value) for name, value in (logs or {}).items()}
        self.epochs_done = self._epoch
        finite = math.isfinite(logs.get("loss", 0.0))
        if finite:
            self._good_weights = self.model.get_weights()
            if self.keep_in is not None:
                self.keep_in.set_weights(self._good_weights)
        self.on_progress(EpochEnded(self._epoch, self.epochs, logs,
                                    time.perf_counter() - self._epoch_started,
                                    self._steps_done() - self._steps_before))
        if not finite:
            self.model.set_weights(self._good_weights)  # the last epoch that ended finite
            self._end(f"the loss became {logs['loss']} in epoch {self._epoch}; the weights "
                      f"after epoch {self._epoch - 1} are kept; try a lower learning rate")
        elif self.stop.is_set():
            self._end("stopped on request")

    def on_train_end(self, logs: dict | None = None) -> None:
        self.on_progress(TrainingFinished(self.epochs_done, time.perf_counter() - self._started,
                                          self.stop_reason))

    def _steps_done(self) -> int:
        """The optimizer's step count: what really ran, whatever the calls into the backend."""
        return int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))

    def _end(self, reason: str) -> None:
        self.stop_reason = self.stop_reason or reason
        self.model.stop_training = True


def epochs_text(count: int) -> str:
    """"1 epoch", "5 epochs": a count of epochs in words."""
    return f"{count} epoch" if count == 1 else f"{count} epochs"
