"""`TrainingJob`: `aelib.train` on a background thread, with a snapshot any UI can poll.

The job owns its model and data. Progress events update a small state under a lock; after every
epoch it also reconstructs a fixed set of preview images, so a UI can show the model learning.
`snapshot()` returns a copy of that state, safe to read from another thread at any time.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import numpy as np

from aelib.autoencoder import Autoencoder
from aelib.datasets import Dataset
from aelib.progress import BatchProgress, EpochEnded, EpochStarted, TrainingFinished
from aelib.training import train

@dataclass(frozen=True)
class JobSnapshot:
    """A copy of a job's state at one moment.

    Args:
        status: "running", "finished", "stopped" (on request, or non-finite loss) or "failed".
        epoch, epochs: the current epoch (from 1) and the planned number.
        batch, batches: batches done in the current epoch, and per epoch.
        fraction: share of the whole run done, 0 to 1.
        eta_seconds: estimated seconds left, None when unknown.
        seconds: wall time so far.
        history: per-epoch values so far (`loss`, `val_loss`, ...).
        preview: reconstructions of the preview images after the last finished epoch, or None.
        preview_epoch: the epoch `preview` was made after (0 before any).
        message: why the job stopped or failed, in words; None otherwise.
    """

    status: str
    epoch: int
    epochs: int
    batch: int
    batches: int
    fraction: float
    eta_seconds: float | None
    seconds: float
    history: dict
    preview: np.ndarray | None
    preview_epoch: int
    message: str | None

    @property
    def done(self) -> bool:
        """Whether the job has ended, however it ended."""
        return self.status != "running"


@dataclass
class _State:
    status: str = "running"
    epoch: int = 0
    batch: int = 0
    batches: int = 0
    fraction: float = 0.0
    eta_seconds: float | None = None
    history: dict = field(default_factory=dict)
    preview: np.ndarray | None = None
    preview_epoch: int = 0
    message: str | None = None
    finished_at: float | None = None


class TrainingJob:
    """Train an autoencoder in the background.

    Args:
        ae: the model to train (in place).
        data: training and validation images.
        settings: keyword arguments for `aelib.train` (epochs, batch_size, optimizer, ...).
        preview_images: images to reconstruct after every epoch, shaped (n, height, width).

    Example:
        >>> job = TrainingJob(ae, data, {"epochs": 5}, data.x_test[:10]).start()  # doctest: +SKIP
        >>> job.snapshot().fraction                                                # doctest: +SKIP
    """

    def __init__(self, ae: Autoencoder, data: Dataset, settings: dict,
                 preview_images: np.ndarray):
        self.ae = ae
        self.data = data
        self.settings = dict(settings)
        self.preview_images = np.asarray(preview_images, dtype=np.float32)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._state = _State()
        self._started = time.perf_counter()
        self._thread = threading.Thread(target=self._run, name="aelib-training", daemon=True)

    def start(self) -> "TrainingJob":
        """Start training on a background thread; returns the job."""
        self._started = time.perf_counter()
        self._thread.start()
        return self

    def stop(self) -> None:
        """Ask training to end after the current batch; the weights so far are kept."""
        self._stop.set()

    def wait(self, timeout: float | None = None) -> JobSnapshot:
        """Block until the job ends (or `timeout` seconds pass); returns its snapshot."""
        self._thread.join(timeout)
        return self.snapshot()

    def snapshot(self) -> JobSnapshot:
        """A consistent copy of the job's state."""
        with self._lock:
            s = self._state
            end = s.finished_at or time.perf_counter()
            return JobSnapshot(
                status=s.status, epoch=s.epoch, epochs=self.settings.get("epochs", 5),
                batch=s.batch, batches=s.batches, fraction=s.fraction,
                eta_seconds=s.eta_seconds, seconds=end - self._started,
                history={k: list(v) for k, v in s.history.items()},
                preview=s.preview, preview_epoch=s.preview_epoch, message=s.message,
            )

    def _run(self) -> None:
        try:
            train(self.ae, self.data, on_progress=self._on_progress, stop=self._stop,
                  **self.settings)
        except Exception as error:  # shown to the person; the thread must not die silently
            with self._lock:
                self._state.status = "failed"
                self._state.message = f"Training failed: {error}"
                self._state.finished_at = time.perf_counter()

    def _on_progress(self, event) -> None:
        preview = None
        if isinstance(event, EpochEnded) and len(self.preview_images):
            preview = self.ae.reconstruct(self.preview_images)
        with self._lock:
            state = self._state
            if isinstance(event, EpochStarted):
                state.epoch, state.batch = event.epoch, 0
            elif isinstance(event, BatchProgress):
                state.batch, state.batches = event.batch, event.batches
                state.fraction, state.eta_seconds = event.fraction, event.eta_seconds
            elif isinstance(event, EpochEnded):
                for name, value in event.logs.items():
                    state.history.setdefault(name, []).append(value)
                state.batch = state.batches
                state.fraction = event.epoch / event.epochs
                state.preview, state.preview_epoch = preview, event.epoch
            elif isinstance(event, TrainingFinished):
                state.status = "stopped" if event.stopped else "finished"
                state.message = event.stopped
                state.fraction = 1.0 if not event.stopped else state.fraction
                state.eta_seconds = 0.0
                state.finished_at = time.perf_counter()
