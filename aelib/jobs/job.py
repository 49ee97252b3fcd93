"""`TrainingJob`: `aelib.train` on a background thread, with a snapshot any UI can poll;
`JobQueue`: jobs that run one after another.

The job owns its model and data. Progress events update a small state under a lock; after every
epoch it also reconstructs a fixed set of preview images, so a UI can show the model learning,
and records a frame of the codes' replay (`aelib.explore.replay`) in the history.
`snapshot()` returns that state, safe to read from another thread at any time. Given a
`RunStore`, the job records itself as a run when it starts and saves its model, history and
final metrics when it ends, however it ends. A store that cannot be reached at that moment (its
database restarting) is tried again for a few minutes (`SAVE_RETRY_SECONDS`), the model kept in
memory meanwhile, so the run is kept.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from aelib.explore.analysis import interventional_metrics, latent_snapshot, run_metrics
from aelib.explore.metrics import INTERVENTIONAL
from aelib.explore.replay import REPLAY_CODES, REPLAY_KEY, CodeReplay
from aelib.model.autoencoder import Autoencoder
from aelib.data.datasets import Dataset
from aelib.training.progress import (BatchProgress, EpochEnded, EpochStarted, TrainingFinished,
                            epochs_text)
from aelib.jobs.slots import TrainingSlots
from aelib.settings import TrainingSettings
from aelib.training.fit import train

if TYPE_CHECKING:
    from aelib.runs.store import RunStore

# Waits between tries of a run's save while the store is unreachable (`RunStore` raises a
# ConnectionError then): about five minutes in all, time for a database server to restart.
SAVE_RETRY_SECONDS = (1, 2, 4, 8, 15, 30, 60, 60, 60, 60)
_log = logging.getLogger(__name__)


def retry_save(save: Callable[[], None], say: Callable[[str], None]) -> None:
    """Call `save` (a run's save in the store), again after each of `SAVE_RETRY_SECONDS`
    while the store cannot be reached; `say(message)` tells what happens meanwhile.

    Raises:
        ConnectionError: the store still cannot be reached after the last wait.
    """
    for delay in (*SAVE_RETRY_SECONDS, None):
        try:
            return save()
        except ConnectionError as error:
            if delay is None:
                raise
            say(f"Saving the run: {error} Trying again in {delay} s.")
            time.sleep(delay)


@dataclass(frozen=True)
class JobSnapshot:
    """A copy of a job's state at one moment.

    Args:
        status: "queued", "running", "finished", "stopped" (on request, or non-finite loss),
            "failed", "cancelled" (stopped before it started) or "interrupted" (what trained it
            was lost: a Ray cluster gone).
        epoch, epochs: the current epoch (from 1) and the last planned one; a job that
            continues a training numbers its epochs after that training's.
        batch, batches: batches done in the current epoch, and per epoch.
        fraction: share of the whole run done, 0 to 1.
        eta_seconds: estimated seconds left, None when unknown.
        seconds: wall time so far.
        history: per-epoch values so far (`loss`, `val_loss`, ...).
        preview: reconstructions of the preview images after the last finished epoch, or None.
        preview_epoch: the epoch `preview` was made after (0 before any).
        message: why the job stopped or failed, in words; None otherwise.
        run_id: the job's run in the store, once recorded; None without a store.
        queue_position: while queued, its place (1 is next).
        waiting_for: what it waits for while queued, in words.
        saved: whether the run's model and history are in the store.
        metrics: the run's final metrics (`aelib.explore.analysis.run_metrics`), once computed and
            stored, a moment after `saved`; None before.
        replay: for a VAE, an `aelib.explore.analysis.LatentSnapshot` per epoch trained (the
            KL per dimension and the first preview image's traversals), to scrub through.
    """

    status: str = "queued"
    epoch: int = 0
    epochs: int = 0
    batch: int = 0
    batches: int = 0
    fraction: float = 0.0
    eta_seconds: float | None = None
    seconds: float = 0.0
    history: dict = field(default_factory=dict)
    preview: np.ndarray | None = None
    preview_epoch: int = 0
    message: str | None = None
    run_id: int | None = None
    saved: bool = False
    metrics: dict | None = None
    queue_position: int | None = None
    replay: tuple = ()
    waiting_for: str = "a training slot"

    @property
    def done(self) -> bool:
        """Whether the job has ended, however it ended."""
        return self.status not in ("queued", "running")

    @property
    def epochs_done(self) -> int:
        """Epochs that ended (a stopped epoch that ended counts)."""
        return len(self.history.get("loss", []))

    def headline(self) -> str:
        """The state in a few words: "training, 40%", "trained 5 epochs", "waiting (place 2)"."""
        return {
            "queued": (f"waiting for {self.waiting_for} (place {self.queue_position})"
                       if self.queue_position else "waiting for the trainings before it"),
            "running": f"training, {self.fraction:.0%}",
            "finished": f"trained {epochs_text(self.epochs_done)}",
            "stopped": f"stopped after {epochs_text(self.epochs_done)}",
            "failed": "training failed",
            "cancelled": "cancelled before it started",
            "interrupted": f"interrupted after {epochs_text(self.epochs_done)}",
        }[self.status]

    def progress_text(self) -> str:
        """"Epoch 2/5 · batch 10/32 · ETA 4 s" while training; the outcome once done."""
        if self.status == "running":
            eta = "" if self.eta_seconds is None else f" · ETA {self.eta_seconds:.0f} s"
            batches = f" · batch {self.batch}/{self.batches}" if self.batches else ""
            return f"Epoch {max(self.epoch, 1)}/{self.epochs}{batches}{eta}"
        headline = self.headline()
        headline = headline[0].upper() + headline[1:]  # "the Ray cluster" keeps its capital
        if self.status == "queued":
            return headline
        return f"{headline} in {self.seconds:.1f} s"


# One background analysis at a time in the process (a t-SNE map already uses every core).
ANALYSES = ThreadPoolExecutor(max_workers=1, thread_name_prefix="aelib-analysis")


class TrainingJob:
    """Train an autoencoder in the background.

    Args:
        ae: the model to train (in place).
        data: training and validation images.
        settings: keyword arguments for `aelib.train` (epochs, batch_size, optimizer, ...).
        preview_images: images to reconstruct after every epoch, shaped (n, height, width).
        store: a `RunStore` to record the run in, or None.
        slots: a `TrainingSlots` limit to wait for before training, or None.
        after_training: `f(ae, data) -> dict`, run in the background once training has ended
            with a model (e.g. `aelib.explore.analysis.code_analysis`); its result lands in
            `analysis`.
        history: the model's history so far when this job continues its training: the new
            epochs are numbered after it (`aelib.train`'s `initial_epoch`) and appended to it.
        continued_from: the run this job continues, stored with its settings as
            `continued_from` (see `RunRecord.continued_from`); None for a fresh training.
        replay_codes: test images whose codes are projected after every epoch, into the
            history's `aelib.explore.replay.REPLAY_KEY` (kept with the run); 0 for none.

    Example:
        >>> job = TrainingJob(ae, data, {"epochs": 5}, data.x_test[:10]).start()  # doctest: +SKIP
        >>> job.snapshot().fraction                                                # doctest: +SKIP
    """

    def __init__(self, ae: Autoencoder, data: Dataset, settings: dict,
                 preview_images: np.ndarray, store=None, slots: TrainingSlots | None = None,
                 after_training: Callable[[Autoencoder, Dataset], dict] | None = None,
                 history: dict | None = None, continued_from: int | None = None,
                 replay_codes: int = REPLAY_CODES):
        self.ae = ae
        self.data = data
        earlier = len((history or {}).get("loss", []))
        self.settings = {**settings, "initial_epoch": earlier} if earlier else dict(settings)
        self.continued_from = continued_from
        self.store = store
        self.slots = slots
        self.preview_images = np.asarray(preview_images, dtype=np.float32)
        self.after_training = after_training
        self.replay = CodeReplay(data.x_test, history, replay_codes) \
            if replay_codes and len(data.x_test) else None
        # What `after_training` returned ({} when there is none, or nothing was trained).
        self.analysis: Future = Future()
        self._analysis_queued = False
        self._abandoned = False
        self._scored = threading.Event()  # the interventional scores are in, or will not come
        self._stop = threading.Event()
        self._lock = threading.Lock()
        epochs = self.settings.get("epochs", TrainingSettings().epochs)  # `train`'s default
        # Replaced, never mutated, under the lock: a reader gets a consistent, unshared copy.
        self._snapshot = JobSnapshot(epoch=earlier, history=dict(history or {}),
                                     epochs=earlier + epochs)
        self._started = time.perf_counter()
        self._finished_at: float | None = None
        self._thread = threading.Thread(target=self._run, name="aelib-training", daemon=True)

    def start(self) -> TrainingJob:
        """Start the job's thread: it waits for a training slot (if limited), then trains.
        Returns the job."""
        self._started = time.perf_counter()
        self._thread.start()
        return self

    def cancel(self) -> None:
        """End a job that has not started; it will never train."""
        self._update(status="cancelled")
        self._analyse()

    def stop(self) -> None:
        """Ask training to end after the current call into the backend (a batch, or several:
        see `aelib.train`'s `steps_per_execution`); the weights so far are kept."""
        self._stop.set()

    def abandon(self) -> None:
        """Nobody will look at this job again (its session has ended): if it still waits for a
        training slot, it never trains; a training under way finishes and saves its run, but
        skips `after_training` and the interventional scores."""
        self.after_training = None
        self._abandoned = True
        if self.snapshot().status == "queued":
            self.stop()

    @property
    def history(self) -> dict:
        """Per-epoch values so far (`loss`, `val_loss`, ...)."""
        return self.snapshot().history

    def describe(self) -> str:
        """What this model is, in a few words: its state ("trained 5 epochs", "training, 40%")."""
        return self.snapshot().headline()

    @property
    def active(self) -> bool:
        """Whether the job's thread is still at work (training, or saving its run)."""
        return self._thread.is_alive()

    opened = False  # trained here: see `aelib.jobs.in_hand.ModelInHand`

    @property
    def in_progress(self) -> bool:
        """Whether it still waits for a slot or trains (its snapshot is not done)."""
        return not self.snapshot().done

    @property
    def scoring_pending(self) -> bool:
        """Whether its run's interventional disentanglement scores (on the coloured shapes)
        may still be added to its metrics, in the background after training."""
        return not self._scored.is_set()

    @property
    def run_id(self) -> int | None:
        """Its run in the store, once recorded."""
        return self.snapshot().run_id

    def training_images(self, store: RunStore | None = None) -> tuple[Dataset, int | None]:
        """The images it trains on and the seed of their order (`store` is not needed)."""
        return self.data, self.settings.get("seed")

    def final_metrics(self, store: RunStore | None = None) -> dict | None:
        """The metrics of its run, once computed after training (`store` is not needed)."""
        return self.snapshot().metrics

    def wait(self, timeout: float | None = None) -> JobSnapshot:
        """Block until the job ends (or `timeout` seconds pass); returns its snapshot."""
        self._thread.join(timeout)
        return self.snapshot()

    def snapshot(self) -> JobSnapshot:
        """The job's state now."""
        position = self.slots.position(self) if self.slots is not None else None
        with self._lock:
            end = self._finished_at or time.perf_counter()
            return replace(self._snapshot, seconds=end - self._started, queue_position=position)

    def _update(self, **changes) -> None:
        with self._lock:
            self._snapshot = replace(self._snapshot, **changes)
            if self._snapshot.done and self._finished_at is None:
                self._finished_at = time.perf_counter()

    def _run(self) -> None:
        if self.slots is not None and not self.slots.acquire(self, self._stop):
            self._update(status="cancelled", message="cancelled while waiting for a free "
                                                     "training slot")
            self._analyse()
            return
        self._started = time.perf_counter()
        self._update(status="running")
        try:
            self._train_and_save()
        finally:
            if self.slots is not None:
                self.slots.release()
            self._analyse()

    def _analyse(self) -> None:
        """Queue `after_training` if there is a trained model to analyse; else no analysis.
        Only the first call (of the job thread's and `cancel`'s) does anything."""
        with self._lock:
            if self._analysis_queued:
                return
            self._analysis_queued = True
        after_training = self.after_training
        if after_training is None or not self.snapshot().history:
            self.analysis.set_result({})
            if not self.snapshot().history:
                self._scored.set()
                return

        def work():
            if after_training is not None:
                try:
                    self.analysis.set_result(after_training(self.ae, self.data))
                except Exception as error:  # the page computes it again, and shows the error
                    self.analysis.set_exception(error)
            try:
                self._add_interventional_metrics()
            finally:
                self._scored.set()

        ANALYSES.submit(work)

    def _add_interventional_metrics(self) -> None:
        """Add the interventional disentanglement scores to the saved run's metrics (on the
        coloured shapes; `aelib.explore.analysis.interventional_metrics`), unless abandoned."""
        snapshot = self.snapshot()
        if self._abandoned or snapshot.metrics is None or snapshot.run_id is None \
                or all(snapshot.metrics.get(name) is not None for name in INTERVENTIONAL):
            return  # nothing to add to, or added already (by a Ray task)
        try:
            scores = interventional_metrics(self.ae, self.data)
            if scores:
                metrics = {**snapshot.metrics, **scores}
                self.store.record_metrics(snapshot.run_id, metrics)
                self._update(metrics=metrics)
        except Exception as error:  # the run is kept without them; the Latent lab scores anew
            _log.warning("The interventional scores of run %s were not kept: %s",
                         snapshot.run_id, error)

    def _train_and_save(self) -> None:
        run_id = None
        try:
            if self.store is not None:
                stored = self.settings if self.continued_from is None else \
                    {**self.settings, "continued_from": self.continued_from}
                run_id = self.store.start(self.ae, self.data, stored)
                self._update(run_id=run_id)
            train(self.ae, self.data, on_progress=self._on_progress, stop=self._stop,
                  **self.settings)
        except Exception as error:  # shown to the person; the thread must not die silently
            self._update(status="failed", message=f"Training failed: {error}")
        if run_id is not None:
            self._save(run_id)

    def _save(self, run_id: int) -> None:
        snapshot = self.snapshot()
        try:
            self._finish_run(run_id, snapshot)
            self._update(saved=True, message=snapshot.message)
            # The final metrics (a PCA fit, kNN on 5,000 codes) are for the runs table: the
            # model is usable and kept without them, so the learner does not wait for them.
            if snapshot.history:
                metrics = self._final_metrics()
                self.store.record_metrics(run_id, metrics)
                self._update(metrics=metrics)
        except Exception as error:  # the model stays usable in memory; say what is not kept
            self._update(message=f"{snapshot.message or ''} The run could not be saved in "
                                 f"full: {error}".strip())

    def _final_metrics(self) -> dict:
        """The run's final metrics (`aelib.explore.analysis.run_metrics`), computed here."""
        return run_metrics(self.ae, self.data)

    def _finish_run(self, run_id: int, snapshot: JobSnapshot) -> None:
        """`store.finish`, tried again while the store cannot be reached (`retry_save`); the
        snapshot's message says so meanwhile."""
        retry_save(lambda: self.store.finish(run_id, self.ae, snapshot.history,
                                             snapshot.status, snapshot.message),
                   lambda message: self._update(message=message))

    def _on_progress(self, event) -> None:
        if isinstance(event, EpochStarted):
            self._update(epoch=event.epoch, batch=0, batches=event.batches)
        elif isinstance(event, BatchProgress):
            self._update(batch=event.batch, batches=event.batches, fraction=event.fraction,
                         eta_seconds=event.eta_seconds)
        elif isinstance(event, EpochEnded):
            preview = self.ae.reconstruct(self.preview_images) if len(self.preview_images) \
                else None
            history = dict(self._snapshot.history)  # only this thread writes it
            for name, value in event.logs.items():
                history[name] = [*history.get(name, []), value]
            if self.replay is not None:
                history[REPLAY_KEY] = self.replay.record(self.ae, event.epoch)
            self._update(history=history, batch=self._snapshot.batches,
                         fraction=event.epoch / event.epochs, eta_seconds=event.eta_seconds,
                         preview=preview, preview_epoch=event.epoch,
                         replay=self._snapshot.replay + self._latent_snapshot(event))
        elif isinstance(event, TrainingFinished):
            self._update(status="stopped" if event.stop_reason else "finished",
                         message=event.stop_reason, eta_seconds=0.0,
                         fraction=self._snapshot.fraction if event.stop_reason else 1.0)


    def _latent_snapshot(self, event: EpochEnded) -> tuple:
        """This epoch's replay snapshot, for a VAE with a preview image; else nothing."""
        kl = [event.logs.get(f"kl_dim_{i}") for i in range(self.ae.code_size)]
        if not len(self.preview_images) or None in kl:
            return ()
        return (latent_snapshot(self.ae, self.preview_images[0], np.array(kl), event.epoch),)


class JobQueue:
    """Training jobs run one after another on a background thread.

    Args:
        jobs: the jobs, not yet started.
    """

    def __init__(self, jobs: list[TrainingJob]):
        self.jobs = list(jobs)
        self._cancelled = threading.Event()
        self._thread = threading.Thread(target=self._run, name="aelib-queue", daemon=True)

    def start(self) -> JobQueue:
        """Start the first job; the others follow as each ends. Returns the queue."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the running job (keeping its model) and cancel those still queued."""
        self._cancelled.set()
        for job in self.jobs:
            job.stop()

    def abandon(self) -> None:
        """Nobody will look at these jobs again: those not yet started never start, the one
        training finishes and saves its run (see `TrainingJob.abandon`)."""
        self._cancelled.set()
        for job in self.jobs:
            job.abandon()

    def wait(self, timeout: float | None = None) -> list[JobSnapshot]:
        """Block until every job has ended (or `timeout` seconds pass); returns snapshots."""
        self._thread.join(timeout)
        return self.snapshots()

    def snapshots(self) -> list[JobSnapshot]:
        """Each job's state, in queue order."""
        return [job.snapshot() for job in self.jobs]

    @property
    def done(self) -> bool:
        """Whether every job has ended."""
        return all(snapshot.done for snapshot in self.snapshots())

    @property
    def active(self) -> bool:
        """Whether a job is still at work: training, or saving and measuring its run (the
        last job's metrics arrive a moment after every job is `done`)."""
        return self._thread.is_alive()

    def _run(self) -> None:
        for job in self.jobs:
            if self._cancelled.is_set():
                job.cancel()
            else:
                job.start().wait()
