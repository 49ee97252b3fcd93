"""Sweeps: many trainings from one call, kept in the run store, on this process or a Ray cluster.

    handle = aelib.sweep(data, ["dense"], grid={"encoding_dim": [8, 16, 32]}, seeds=[0, 1])
    handle.snapshots()     # one `JobSnapshot` per run, any time, from any thread
    handle.stop()          # running runs end after their current call; queued ones never start
    handle.abandon()       # nobody looks any more: queued runs never start, running ones end
    handle.wait()

Two engines, one API (`aelib.sweeps.engine.SweepEngine`): `LocalEngine` (the default) trains one
run after another in this process through its training slots; `aelib.sweeps.cluster.RayEngine`
makes every training a Ray task. Either
way each run lands in the store tagged with the sweep, and the sweep itself is kept there too:
after a restart `store.sweeps()` lists it again and `store.list(sweep_id)` its runs.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from aelib.data.datasets import Dataset
from aelib.jobs.job import JobSnapshot, TrainingJob
from aelib.runs.store import RunRecord, RunStore, SweepRecord
from aelib.jobs.slots import TrainingSlots
from aelib.sweeps.engine import Report, SweepEngine
from aelib.sweeps.plan import SweepPlan, make_plan, point_label

if TYPE_CHECKING:
    from aelib.model.autoencoder import Autoencoder
    from aelib.sweeps.cluster import RayEngine
    from aelib.sweeps.plan import RunPoint

RAY_ADDRESS = "AELIB_RAY_ADDRESS"  # where the "ray" engine sends runs unless told
TRAIN_ON = "AELIB_TRAIN_ON"  # "ray": the app's trainings go to the Ray cluster; "here": not
PLACES = ("here", "ray")
PREVIEW_IMAGES = 8  # test images every run reconstructs after each epoch
POLL_SECONDS = 0.25


class LocalEngine:
    """Runs one after another in this process, each waiting for a training slot like any
    other training (so a sweep in the app takes turns with the people training by hand).

    Args:
        slots: the process's `TrainingSlots`; None for a limit of one of its own.
    """

    where = "this process"

    def __init__(self, slots: TrainingSlots | None = None):
        self.slots = slots if slots is not None else TrainingSlots(1)

    def parallel_runs(self) -> int:
        """How many of a sweep's runs train at once: one."""
        return 1

    def run(self, points: Sequence[RunPoint], data: Dataset, store: RunStore,
            preview_images: np.ndarray, stop: threading.Event, report: Report, *,
            no_more: threading.Event) -> None:
        """Train `points` in order until done, `stop` or `no_more` is set (see
        `SweepEngine.run`); `report(index, snapshot)` as they go."""
        for index, point in enumerate(points):
            if stop.is_set() or no_more.is_set():
                return
            job = TrainingJob(point.make_model(data.image_shape), point.training_data(data),
                              point.training, preview_images, store=store,
                              slots=self.slots).start()
            while job.active:
                job.wait(POLL_SECONDS)
                if stop.is_set():
                    job.stop()
                report(index, job.snapshot())
            report(index, job.snapshot())


class Sweep:
    """A sweep under way (or over): a snapshot of every run, stop and wait.

    Args:
        plan: what to train.
        data: the dataset, whole; each run takes its subset.
        store: where runs and the sweep are kept.
        engine: a `SweepEngine`: a `LocalEngine` or a `aelib.sweeps.cluster.RayEngine`.
    """

    def __init__(self, plan: SweepPlan, data: Dataset, store: RunStore, engine: SweepEngine):
        self.plan = plan
        self.points = plan.points()
        self.data = data
        self.engine = engine
        self.store = store
        self.id: int | None = None  # the sweep's id in the store, once started
        self.message: str | None = None  # why the sweep failed, if it did
        self._stop = threading.Event()
        self._no_more = threading.Event()
        self._lock = threading.Lock()
        self._snapshots = [JobSnapshot(epochs=point.training["epochs"]) for point in self.points]
        self._thread = threading.Thread(target=self._run, name="aelib-sweep", daemon=True)

    def start(self) -> Sweep:
        """Record the sweep in the store and start it in the background. Returns the sweep."""
        self.id = self.store.start_sweep(self.plan.to_dict(), self.engine.where)
        self.store = self.store.in_sweep(self.id)
        self._thread.start()
        return self

    def snapshots(self) -> list[JobSnapshot]:
        """Every run's state now, in plan order (`points[i]` is run i)."""
        with self._lock:
            return list(self._snapshots)

    def stop(self) -> None:
        """End the sweep: running runs stop after their current call into the backend and are
        kept with what they learned; runs not yet started are cancelled."""
        self._stop.set()

    def abandon(self) -> None:
        """Nobody will look at this sweep again (its session ended): runs not yet started never
        start, the ones training go on to their end and are saved, like an abandoned
        `aelib.TrainingJob`."""
        self._no_more.set()

    def wait(self, timeout: float | None = None) -> list[JobSnapshot]:
        """Block until the sweep ends (or `timeout` seconds pass); returns the snapshots."""
        self._thread.join(timeout)
        return self.snapshots()

    @property
    def done(self) -> bool:
        """Whether the sweep has ended, however it ended."""
        return self.id is not None and not self._thread.is_alive()

    @property
    def fraction(self) -> float:
        """Share of the sweep's training done, 0 to 1 (ended runs count whole)."""
        snapshots = self.snapshots()
        return sum(1.0 if s.done else s.fraction for s in snapshots) / len(snapshots)

    def _report(self, index: int, snapshot: JobSnapshot) -> None:
        with self._lock:
            self._snapshots[index] = snapshot

    def _run(self) -> None:
        status = "finished"
        try:
            self.engine.run(self.points, self.data, self.store,
                            self.data.x_test[:PREVIEW_IMAGES], self._stop, self._report,
                            no_more=self._no_more)
        except Exception as error:  # shown with the sweep; the thread must not die silently
            self.message = f"The sweep failed: {error}"
            status = "failed"
        if (self._stop.is_set() or self._no_more.is_set()) and status == "finished":
            status = "stopped"
        for index, snapshot in enumerate(self.snapshots()):
            if not snapshot.done:
                self._report(index, replace(
                    snapshot, status="failed" if status == "failed" else "cancelled",
                    message=self.message or "cancelled: the sweep was stopped before it began"))
        self.store.finish_sweep(self.id, status)


def sweep(data: Dataset, architectures: Sequence[str] = ("dense",),
          grid: Mapping[str, Sequence] | None = None, *, seeds: Sequence[int] = (0,),
          settings: Mapping | None = None, store: RunStore | None = None,
          engine: str | SweepEngine = "local") -> Sweep:
    """Train every architecture at every grid point with every seed, in the background.

    Args:
        data: the dataset; each run uses `train_size` of its training images (all by default,
            a subset drawn with the run's seed otherwise) and all its test images.
        architectures: names from `aelib.ARCHITECTURES`.
        grid: parameter -> values to try (see `aelib.sweeps.plan.make_plan`).
        seeds: every point runs once per seed.
        settings: parameters set to one value for every run (epochs, hyperparameters, ...).
        store: the run store to keep the sweep and its runs in; None for the default one.
        engine: "local" (this process), "ray" (the cluster at `AELIB_RAY_ADDRESS`), or an
            engine object such as `ray_engine("auto", cpus_per_run=2)`.

    Returns:
        The started `Sweep`, at once.

    Raises:
        ValueError: an invalid plan (see `make_plan`), a train_size above the dataset's
            training images, an unknown engine, or the Ray engine without Ray or an address.
    """
    plan = make_plan(architectures, grid, seeds=seeds, settings=settings, dataset=data.name)
    plan.check_training_images(len(data.x_train))
    return Sweep(plan, data, store if store is not None else RunStore(),
                 make_engine(engine)).start()


def make_engine(engine: str | SweepEngine = "local") -> SweepEngine:
    """An engine from its name ("local" or "ray"), or `engine` itself if it is one.

    Raises:
        ValueError: anything else, or "ray" without Ray or an address.
    """
    if engine == "local":
        return LocalEngine()
    if engine == "ray":
        return ray_engine()
    if isinstance(engine, SweepEngine):
        return engine
    raise ValueError(f"engine must be 'local', 'ray' or an engine object; got {engine!r}.")


def ray_address() -> str | None:
    """The Ray cluster sweeps go to when the engine is "ray" (`AELIB_RAY_ADDRESS`), or None."""
    return os.environ.get(RAY_ADDRESS) or None


def ray_engine(address: str | None = None, cpus_per_run: float = 1.0,
               gpus_per_run: float | None = None) -> RayEngine:
    """The Ray engine (`aelib.sweeps.cluster.RayEngine`); Ray is imported only here.

    Args:
        address: "auto" for a cluster started on this machine with `ray start --head`, or a
            head node's "host:port"; None for `AELIB_RAY_ADDRESS`.
        cpus_per_run: CPUs each training reserves.
        gpus_per_run: GPUs each training reserves; None for one when the cluster has GPUs.

    Raises:
        ValueError: Ray is not installed, or no address is given or set.
    """
    address = address or ray_address()
    if not address:
        raise ValueError(f"Say where the Ray cluster is: set {RAY_ADDRESS} (auto for one "
                         "started here with `ray start --head`) or pass an address.")
    try:
        from aelib.sweeps.cluster import RayEngine
    except ImportError:
        raise ValueError('The Ray engine needs Ray: pip install "aelib[ray]".') from None
    return RayEngine(address, cpus_per_run, gpus_per_run)


def progress_rows(handle: Sweep) -> list[dict]:
    """A table of the sweep's runs now, one row each: label, progress in words, last
    validation loss and its run id in the store."""
    return [{"run": point.label, "progress": snapshot.progress_text(),
             "val loss": (snapshot.history.get("val_loss") or [None])[-1],
             "stored as": snapshot.run_id}
            for point, snapshot in zip(handle.points, handle.snapshots(), strict=True)]


def sweep_label(record: SweepRecord) -> str:
    """"sweep 3 · dense, sparse · encoding_dim × 2 seeds · finished"."""
    varied = " × ".join([*record.plan["grid"], f"{len(record.plan['seeds'])} seeds"])
    return (f"sweep {record.id} · {', '.join(record.plan['architectures'])} · {varied} · "
            f"{record.status}")


def stored_plan(record: SweepRecord) -> SweepPlan:
    """The plan of a stored sweep."""
    return make_plan(**record.plan)


def recorded_value(record: RunRecord, name: str) -> Any:
    """What a stored run had for a sweep parameter (a hyperparameter or a training setting)."""
    if name == "train_size":
        return record.settings.get("train_images")
    if name in record.hparams:
        value = record.hparams[name]
        return tuple(value) if isinstance(value, list) else value
    return record.settings.get(name)


def run_label(plan: SweepPlan, record: RunRecord) -> str:
    """"run 12 · dense · encoding_dim=16 · seed 0"."""
    varied = {name: recorded_value(record, name) for name in plan.grid}
    return f"run {record.id} · {point_label(record.architecture, varied, record.seed)}"


def results(plan: SweepPlan, records: Sequence[RunRecord]) -> list[dict]:
    """One row per stored run of the sweep, oldest first: run, label, architecture, seed,
    each grid parameter's value, status and final metrics."""
    return [{"run": record.id, "label": run_label(plan, record),
             "architecture": record.architecture, "seed": record.seed,
             **{name: recorded_value(record, name) for name in plan.grid},
             "status": record.status, **record.metrics}
            for record in sorted(records, key=lambda record: record.id)]


def reconstructions(store: RunStore, plan: SweepPlan, records: Sequence[RunRecord],
                    images: np.ndarray, known: Mapping[str, np.ndarray] | None = None
                    ) -> dict[str, np.ndarray]:
    """The same images reconstructed by each stored run that has a model, oldest first:
    label -> images. `known` holds reconstructions of these images made before (by label),
    reused rather than loading those runs' models again. A run whose model cannot be loaded
    (never saved, gone, damaged) is left out."""
    known = known or {}
    made = {}
    for record in sorted(records, key=lambda record: record.id):
        label = run_label(plan, record)
        if label in known:
            made[label] = known[label]
        elif record.has_model:
            try:
                made[label] = store.load(record.id).ae.reconstruct(images)
            except ValueError:  # its model is gone: the page lists it as such
                continue
    return made


def training_job(ae: Autoencoder, data: Dataset, settings: dict, preview_images: np.ndarray,
                 **options: Any) -> TrainingJob:
    """A job for one training, where this process trains: a `TrainingJob` here, or, with
    `AELIB_TRAIN_ON=ray` and `AELIB_RAY_ADDRESS` set, an `aelib.sweeps.remote.ClusterTrainingJob`
    on that Ray cluster (without this process's training slots: the cluster's CPUs are the
    limit). `options` are `TrainingJob`'s.

    Raises:
        ValueError: `AELIB_TRAIN_ON` is neither "here" nor "ray", or "ray" without an address
            or without Ray installed.
    """
    place = os.environ.get(TRAIN_ON, "here") or "here"
    if place not in PLACES:
        raise ValueError(f"{TRAIN_ON} is {place!r}: set it to ray (every training on the Ray "
                         f"cluster at {RAY_ADDRESS}) or here (the default).")
    if place == "here":
        return TrainingJob(ae, data, settings, preview_images, **options)
    engine = ray_engine()  # says what is missing: the address, or Ray
    from aelib.sweeps.remote import ClusterTrainingJob

    options.pop("slots", None)
    return ClusterTrainingJob(ae, data, settings, preview_images, engine=engine, **options)
