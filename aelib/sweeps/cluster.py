"""The Ray engine of `aelib.sweeps.local`: every training of a sweep is a Ray task on a Ray cluster.

What runs where:
- The driver (the app's or a notebook's process) plans the sweep, puts the dataset into Ray's
  object store once, submits one task per run and keeps the run store: it records each run when
  its task begins and saves the weights, history and metrics the task sends back.
- Each task runs on a worker of the cluster, in a process Ray starts (and reuses for later
  tasks): it trains with `aelib.TrainingJob`, exactly as the local engine does, computes the
  run's metrics and returns its weights. aelib itself reaches the workers through Ray's
  runtime environment (`py_modules`); Keras, TensorFlow or JAX must be installed on every node.
- A `SweepMonitor` actor (`aelib.sweeps.mailbox`) sits between them: tasks report their
  progress to it twice a second, pickled, and learn from it whether the sweep was stopped;
  the driver reads the progress and flips the switch. A stopped task ends after its current
  call into the backend and returns what it learned; a task not yet begun is cancelled with
  `ray.cancel` and never trains.

Ray is an optional dependency (`pip install "aelib[ray]"`): only `aelib.sweeps.local.ray_engine`
imports this module.
"""

from __future__ import annotations

import logging
import pickle
import socket
import threading
from dataclasses import asdict, replace
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import ray

import aelib
from aelib.sweeps import mailbox

if TYPE_CHECKING:  # a worker imports this module: Keras only loads once a task needs it
    from aelib.data.datasets import Dataset
    from aelib.jobs.job import JobSnapshot
    from aelib.runs.store import RunStore
    from aelib.sweeps.engine import Report
    from aelib.sweeps.plan import RunPoint

REPORT_SECONDS = 0.5
CONNECT_SECONDS = 5.0  # `ray.init` waits minutes for a head node that is not there
_connected: list[str] = []  # the address this process connected to (Ray allows one per process)


# The mailbox goes to its actor by value: that process imports neither aelib nor Keras.
ray.cloudpickle.register_pickle_by_value(mailbox)
SweepMonitor = ray.remote(num_cpus=0)(mailbox.SweepMonitor)


@ray.remote(max_retries=0)
def train_point(monitor: ray.actor.ActorHandle, index: int, point: dict, data: Dataset,
                preview_images: np.ndarray) -> dict:
    """One run of a sweep, on a worker (`point`: a `RunPoint`'s fields): its final snapshot,
    weights and metrics (see `_train_reporting`)."""
    from aelib.sweeps.plan import RunPoint

    point = RunPoint(**point)
    return _train_reporting(monitor, index, point.make_model(data.image_shape),
                            point.training_data(data), point.training, preview_images)


@ray.remote(max_retries=0)
def train_model(monitor: ray.actor.ActorHandle, model: bytes, data: Dataset, settings: dict,
                preview_images: np.ndarray, history: dict | None) -> dict:
    """One training the app started (`aelib.sweeps.remote.ClusterTrainingJob`), on a worker:
    `model` is the model file's bytes (architecture, settings and weights: a continued
    training goes on from them), `history` the one it continues. Returns as `train_point`."""
    from aelib.model.files import load_model_bytes

    return _train_reporting(monitor, 0, load_model_bytes("model.keras", model), data, settings,
                            preview_images, history)


def _train_reporting(monitor: ray.actor.ActorHandle, index: int, ae, data: Dataset,
                     settings: dict, preview_images: np.ndarray,
                     history: dict | None = None) -> dict:
    """Train `ae` with `aelib.TrainingJob`, exactly as the local engine does, reporting its
    snapshot to `monitor` as run `index` twice a second and stopping when the monitor says so;
    returns the final snapshot, the weights and the run's metrics (with the interventional
    scores, on the coloured shapes).

    It never waits on Ray: a task blocked in `ray.get` lends its CPUs to other tasks, and more
    trainings than CPUs would run at once. Replies come back as futures instead.
    """
    reply = monitor.report.remote(index, None).future()  # first of all: it began
    job = None
    try:
        from aelib.explore.analysis import interventional_metrics, run_metrics
        from aelib.jobs.job import TrainingJob

        job = TrainingJob(ae, data, settings, preview_images, history=history).start()
        while job.active:
            job.wait(REPORT_SECONDS)
            if reply.done():
                if reply.result():
                    job.stop()
                reply = monitor.report.remote(index, pickle.dumps(job.snapshot())).future()
    except KeyboardInterrupt:  # ray.cancel: stopped before this run began
        if job is not None:
            job.stop()
            job.wait()
        raise
    snapshot = job.snapshot()
    return {"snapshot": snapshot, "weights": ae.autoencoder.get_weights(),
            "metrics": {**run_metrics(ae, data), **interventional_metrics(ae, data)}
            if snapshot.history else {}}


class RayEngine:
    """Runs a sweep's trainings as Ray tasks; the driver's run store keeps the results.

    Args:
        address: "auto" (a cluster started here with `ray start --head`) or "host:port".
        cpus_per_run: CPUs each training reserves on the cluster.
        gpus_per_run: GPUs each training reserves; None for one when the cluster has GPUs.

    Raises:
        ValueError: a non-positive CPU count or a negative GPU count.
    """

    def __init__(self, address: str, cpus_per_run: float = 1.0, gpus_per_run: float | None = None):
        if not cpus_per_run > 0:
            raise ValueError(f"cpus_per_run must be above 0; got {cpus_per_run}.")
        if gpus_per_run is not None and not gpus_per_run >= 0:
            raise ValueError(f"gpus_per_run must be 0 or more (None: one if the cluster has "
                             f"GPUs); got {gpus_per_run}.")
        self.address = address
        self.cpus_per_run = cpus_per_run
        self.gpus_per_run = gpus_per_run

    @property
    def where(self) -> str:
        """Where the runs go, in words."""
        return f"the Ray cluster at {self.address}"

    def connect(self) -> dict:
        """Connect this process to the cluster (once); returns the cluster's resources.

        Raises:
            ValueError: no cluster answers at the address, this process is already connected
                to another cluster, or connected without aelib's runtime environment.
        """
        if not ray.is_initialized():
            check_reachable(self.address)
            try:
                ray.init(address=self.address, namespace="aelib", runtime_env=runtime_env(),
                         log_to_driver=False, logging_level=logging.WARNING)
            except ConnectionError as error:
                raise ValueError(f"No Ray cluster answers at {self.address} ({error}). Start "
                                 "one with `ray start --head`, or fix the address.") from None
            _connected[:] = [self.address]
        elif _connected and _connected[0] != self.address:
            raise ValueError(f"This process already works with the Ray cluster at "
                             f"{_connected[0]}; restart it to use {self.address}.")
        elif not ray.get_runtime_context().runtime_env.get("py_modules"):
            raise ValueError("This process is already connected to Ray without aelib: call "
                             "ray.shutdown() first, or connect with ray.init(address, "
                             "runtime_env=aelib.sweeps.cluster.runtime_env()).")
        return ray.cluster_resources()

    def task_resources(self) -> dict:
        """What each training's task reserves on the cluster (connects to it): `num_cpus`,
        and `num_gpus` (one when the cluster has GPUs, unless `gpus_per_run` says)."""
        gpus = self.gpus_per_run if self.gpus_per_run is not None \
            else float(self.connect().get("GPU", 0) >= 1)
        return {"num_cpus": self.cpus_per_run, "num_gpus": gpus}

    def parallel_runs(self) -> int:
        """How many trainings the cluster runs at once (connects to it)."""
        return max(1, int(self.connect().get("CPU", 1) // self.cpus_per_run))

    def run(self, points: Sequence[RunPoint], data: Dataset, store: RunStore,
            preview_images: np.ndarray, stop: threading.Event, report: Report, *,
            no_more: threading.Event) -> None:
        """Train `points` on the cluster until done, `stop` or `no_more` is set (see
        `aelib.sweeps.engine.SweepEngine.run`); `report(index, snapshot)` as progress
        arrives. Runs are saved in `store` by this process."""
        task = train_point.options(**self.task_resources())
        monitor = SweepMonitor.remote()
        data_ref = ray.put(data)
        pending = {task.remote(monitor, index, asdict(point), data_ref, preview_images): index
                   for index, point in enumerate(points)}
        runs = _DriverRuns(points, data, store, report)
        stopped = closed = False
        try:
            while pending:
                ready, _ = ray.wait(list(pending), num_returns=len(pending),
                                    timeout=REPORT_SECONDS)
                for index, snapshot in ray.get(monitor.drain.remote()).items():
                    runs.progress(index, None if snapshot is None else pickle.loads(snapshot))
                for ref in ready:
                    runs.finish(pending.pop(ref), ref)
                ending = (stop.is_set() and not stopped) or (no_more.is_set() and not closed)
                if ending:
                    stopped, closed = stop.is_set(), True
                    begun = ray.get((monitor.stop if stopped else monitor.close).remote())
                    for ref, index in pending.items():
                        if index not in begun and index not in runs.cancelled:
                            ray.cancel(ref)
                            runs.cancelled.add(index)
        finally:
            for ref in pending:  # only when the driver itself failed
                ray.cancel(ref)
            ray.kill(monitor)


class _DriverRuns:
    """The driver's side of the runs: a model and a stored run for each run that began."""

    def __init__(self, points, data: Dataset, store: RunStore, report):
        self.points, self.data, self.store, self.report = points, data, store, report
        self.models: dict = {}
        self.run_ids: dict[int, int] = {}
        self.cancelled: set[int] = set()  # runs cancelled before they began
        self.ended: set[int] = set()

    def progress(self, index: int, snapshot: JobSnapshot | None) -> None:
        """A task's progress (None: it has just begun): passed on, its run recorded first.
        A report that arrives after its task's result is stale and dropped."""
        from aelib.jobs.job import JobSnapshot

        if index in self.ended:
            return
        self._record(index)
        self.report(index, replace(snapshot or JobSnapshot(status="running", epochs=self._epochs(
            index)), run_id=self.run_ids[index]))

    def finish(self, index: int, ref: ray.ObjectRef) -> None:
        """A task has returned (or failed, or was cancelled): save what it sent back."""
        from aelib.jobs.job import JobSnapshot, retry_save

        self.ended.add(index)
        try:
            result = None if index in self.cancelled else ray.get(ref)
        except ray.exceptions.TaskCancelledError:
            result = None
        except ray.exceptions.RayError as error:
            result = {"snapshot": JobSnapshot(status="failed", epochs=self._epochs(index),
                                              message=f"Training failed on the cluster: {error}"),
                      "weights": None, "metrics": {}}
        if result is None:  # cancelled before it began: the sweep marks it so when it ends
            return
        snapshot = result["snapshot"]
        self._record(index)  # if it ended between two polls
        ae = self.models.pop(index)
        if result["weights"] is not None:
            ae.autoencoder.set_weights(result["weights"])
        run_id = self.run_ids[index]
        retry_save(lambda: self.store.finish(run_id, ae, snapshot.history, snapshot.status,
                                             snapshot.message, result["metrics"]),
                   lambda message: self.report(index, replace(snapshot, run_id=run_id,
                                                              message=message)))
        self.report(index, replace(snapshot, run_id=run_id, saved=True))

    def _record(self, index: int) -> None:
        """Record a run that began in the store, once, with the model the driver will save."""
        if index not in self.run_ids:
            point = self.points[index]
            self.models[index] = point.make_model(self.data.image_shape)
            self.run_ids[index] = self.store.start(self.models[index],
                                                   point.training_data(self.data),
                                                   point.training)

    def _epochs(self, index: int) -> int:
        return self.points[index].training["epochs"]


def disconnect() -> None:
    """Leave the cluster this process is connected to (one that was lost), so that the next
    `RayEngine.connect` connects afresh."""
    ray.shutdown()
    _connected.clear()


def check_reachable(address: str) -> None:
    """Raise a `ValueError` at once when nothing listens at a "host:port" address."""
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        return  # "auto", or a form Ray resolves itself
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_SECONDS).close()
    except OSError as error:
        raise ValueError(f"No Ray cluster answers at {address} ({error}). Start one with "
                         "`ray start --head`, or fix the address.") from None


def runtime_env() -> dict:
    """What the connection gives every task: aelib itself (Ray uploads the package once per
    version of it), and the driver's Keras backend."""
    import keras

    return {"py_modules": [str(Path(aelib.__file__).parent)], "excludes": ["__pycache__"],
            "env_vars": {"KERAS_BACKEND": keras.backend.backend(),
                         "TF_CPP_MIN_LOG_LEVEL": "2"}}
