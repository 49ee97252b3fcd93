"""`ClusterTrainingJob`: a `TrainingJob` whose training runs as a task on a Ray cluster.

The app (or a notebook) keeps the job: its snapshot, its run in the store, its model to show.
The training itself goes to the cluster through `aelib.sweeps.cluster.train_model`, with the
model file's bytes (so a continued training goes on from its weights) and the data; the task
trains with an `aelib.TrainingJob` there and reports its snapshot twice a second through a
`SweepMonitor` mailbox, which also carries Stop back. Until the task begins, the job is
"queued", waiting for a place on the cluster, with its place among this process's waiting
trainings. When the task returns, its weights land in the job's model and its run is saved
here, with the metrics the task computed. A worker that dies fails the run with Ray's reason;
a cluster that is lost marks it "interrupted" and disconnects, so the next training connects
afresh (to the head once it is back); the local engine is never used instead.

Ray is an optional dependency: only `training_job` imports this module, when asked for the
cluster (`AELIB_TRAIN_ON=ray` with `AELIB_RAY_ADDRESS`), from `aelib.sweeps.local`.
"""

from __future__ import annotations

import pickle
import threading
from dataclasses import replace

import ray

from aelib.jobs.job import JobSnapshot, TrainingJob
from aelib.model.files import model_file_bytes
from aelib.sweeps import cluster

# A task that raised, or whose worker or node died: the run failed, with Ray's reason.
_TRAINING_FAILED = (ray.exceptions.RayTaskError, ray.exceptions.WorkerCrashedError,
                    ray.exceptions.NodeDiedError)
_WAITING: list[ClusterTrainingJob] = []  # this process's trainings waiting for the cluster
_WAITING_LOCK = threading.Lock()
# What a snapshot from the worker brings; the rest (run, saved, metrics, clock) is the driver's.
_FROM_WORKER = ("status", "epoch", "epochs", "batch", "batches", "fraction", "eta_seconds",
                "history", "preview", "preview_epoch", "message", "replay")


class ClusterTrainingJob(TrainingJob):
    """A `TrainingJob` trained by a task on the Ray cluster of `engine` (a
    `aelib.sweeps.cluster.RayEngine`); the other arguments are `TrainingJob`'s but `slots`:
    the cluster's own resources are the limit."""

    def __init__(self, *args, engine: cluster.RayEngine, **kwargs):
        super().__init__(*args, **kwargs)
        self.engine = engine
        self._history_before = kwargs.get("history")
        self._metrics_from_task: dict = {}
        self._snapshot = replace(self._snapshot, waiting_for=f"a place on {engine.where}")

    @property
    def where(self) -> str:
        """Where it trains, in words."""
        return self.engine.where

    def snapshot(self) -> JobSnapshot:
        """The job's state now; while it waits for the cluster, its place among this
        process's trainings waiting for it."""
        snapshot = super().snapshot()
        if snapshot.status != "queued":
            return snapshot
        with _WAITING_LOCK:
            place = _WAITING.index(self) + 1 if self in _WAITING else None
        return replace(snapshot, queue_position=place)

    def _run(self) -> None:
        # The cluster's CPUs are the limit: no training slot of this process is taken.
        try:
            self._train_and_save()
        finally:
            self._analyse()

    def _train_and_save(self) -> None:
        with _WAITING_LOCK:
            _WAITING.append(self)
        result = monitor = None
        try:
            task = cluster.train_model.options(**self.engine.task_resources())
            monitor = cluster.SweepMonitor.remote()
            ref = task.remote(monitor, model_file_bytes(self.ae), ray.put(self.data),
                              self.settings, self.preview_images, self._history_before)
            self._follow(ref, monitor)
            result = ray.get(ref)
        except ray.exceptions.TaskCancelledError:
            self._update(status="cancelled", message="stopped before the cluster began it")
        except ValueError as error:  # no cluster answers at the address: said as it is
            self._update(status="failed", message=str(error))
        except _TRAINING_FAILED as error:  # training raised, or its worker died...
            if self._head_answers():
                self._update(status="failed", message=f"Training failed on the cluster: "
                                                      f"{_first_line(error)}")
            else:  # ...with the whole cluster
                self._lost(error)
        except Exception as error:  # the cluster is gone, or never answered
            self._lost(error)
        finally:
            with _WAITING_LOCK:
                if self in _WAITING:
                    _WAITING.remove(self)
            if monitor is not None and self.snapshot().status != "interrupted":
                ray.kill(monitor)  # (a cluster that is gone took its actors with it)
            if self.snapshot().status == "interrupted":
                cluster.disconnect()  # the next training connects afresh
        if result is not None:
            if result["weights"] is not None:
                self.ae.autoencoder.set_weights(result["weights"])
            self._metrics_from_task = result["metrics"]
            self._update(**{name: getattr(result["snapshot"], name) for name in _FROM_WORKER})
        run_id = self.snapshot().run_id
        if run_id is None:
            return
        if self.snapshot().status == "interrupted":
            self.store.interrupt(run_id, self.snapshot().history, self.snapshot().message)
        else:
            self._save(run_id)

    def _follow(self, ref: ray.ObjectRef, monitor) -> None:
        """Pass the task's progress on until it returns, and Stop to it; record the run in the
        store (the snapshot's `run_id`) when it begins."""
        run_id, begun, told = None, False, False
        while True:
            ready, _ = ray.wait([ref], timeout=cluster.REPORT_SECONDS)
            fresh = ray.get(monitor.drain.remote())
            if 0 in fresh and not begun:
                begun = True
                with _WAITING_LOCK:
                    _WAITING.remove(self)
                if self.store is not None:
                    stored = self.settings if self.continued_from is None else \
                        {**self.settings, "continued_from": self.continued_from}
                    run_id = self.store.start(self.ae, self.data, stored)
                self._update(run_id=run_id, status="running")
            if fresh.get(0) is not None:
                shot = pickle.loads(fresh[0])
                self._update(**{name: getattr(shot, name) for name in _FROM_WORKER
                                if name != "status" or shot.status != "queued"})
            if self._stop.is_set() and not told:
                told = True
                if not ray.get(monitor.stop.remote()):  # it had not begun: it never will
                    ray.cancel(ref)
            if ready:
                return

    def _final_metrics(self) -> dict:
        """The metrics the task computed on the worker."""
        return self._metrics_from_task

    def _head_answers(self) -> bool:
        """Whether the cluster's head still answers at its address."""
        try:
            cluster.check_reachable(self.engine.address)
        except ValueError:
            return False
        return True

    def _lost(self, error: Exception) -> None:
        """The cluster is gone: say so."""
        self._update(status="interrupted", message=f"The Ray cluster at {self.engine.address} "
                     f"was lost during training ({_first_line(error)}). Train again once it is "
                     "back.")


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
