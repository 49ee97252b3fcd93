"""Sweeps on a real Ray cluster, started here as separate processes (`ray start --head` with 2
CPUs on a free port, its session files in a temporary directory) and stopped by killing its
own processes whatever happens (`tests.support.ray_cluster`): progress arrives while the tasks
run, the driver's store keeps the results, a seed's loss curve equals the local engine's, and
a stop reaches a running task.

The cluster tests run on the TensorFlow pass only: the engine passes the driver's backend on to
the workers (checked on both passes, without a cluster), and a second cluster start would double
the time.
"""

import os
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import aelib
from aelib.sweeps import local as sweeps
from aelib.runs.store import RunStore
from tests.support import free_port
from tests.support.ray_cluster import RayCluster

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install -r "
                                        "requirements-dev.txt, or aelib[ray])")
pytestmark = pytest.mark.ray
on_tensorflow_only = pytest.mark.skipif(
    os.environ.get("KERAS_BACKEND", "tensorflow") != "tensorflow",
    reason="the Ray cluster tests run on the TensorFlow pass (the engine is the same on JAX)")
TIMEOUT = 600


@pytest.fixture(scope="module")
def cluster():
    """The address of a 2-CPU Ray cluster of separate processes, stopped at the end."""
    from aelib.sweeps import cluster as sweep_ray

    head = RayCluster(cpus=2)
    try:
        yield head.start().address
    finally:
        sweep_ray.disconnect()
        head.close()


def test_an_address_where_no_cluster_answers_is_refused_at_once():
    # First in the file: the cluster tests below leave this process connected until the end.
    assert not ray.is_initialized()
    engine = sweeps.ray_engine(f"127.0.0.1:{free_port()}")
    started = time.monotonic()
    with pytest.raises(ValueError, match="No Ray cluster answers at 127.0.0.1:.*ray start --head"):
        engine.parallel_runs()
    assert time.monotonic() - started < 10 and not ray.is_initialized()


@on_tensorflow_only
def test_a_sweep_runs_on_the_cluster_and_matches_the_local_engine(cluster, tmp_path,
                                                                   small_data):
    store = RunStore(tmp_path)
    settings = {"epochs": 120, "batch_size": 64, "train_size": 256}
    handle = aelib.sweep(small_data, ["dense"], {"encoding_dim": [4, 8]}, seeds=[3],
                         settings=settings, store=store, engine=sweeps.ray_engine(cluster))
    partial = []  # histories seen while their run was still training
    deadline = time.monotonic() + TIMEOUT
    while not handle.done:
        assert time.monotonic() < deadline
        partial += [len(s.history["loss"]) for s in handle.snapshots()
                    if s.status == "running" and s.history]
        time.sleep(0.1)
    assert handle.message is None
    assert any(0 < epochs < 120 for epochs in partial), partial  # progress arrived per epoch
    snapshots = handle.snapshots()
    assert [s.status for s in snapshots] == ["finished", "finished"]
    assert store.sweeps()[0].engine == f"the Ray cluster at {cluster}"

    runs = {r.id: r for r in store.list(handle.id)}
    assert sorted(runs) == sorted(s.run_id for s in snapshots)
    for snapshot in snapshots:  # the driver saved what the workers sent back
        record = runs[snapshot.run_id]
        assert record.status == "finished" and len(record.history["loss"]) == 120
        loaded = store.load(record.id).ae
        test_loss = aelib.explore.analysis.reconstruction_errors(
            small_data.x_test, loaded.reconstruct(small_data.x_test)).mean()
        assert test_loss == pytest.approx(record.metrics["test_loss"], rel=1e-5)

    [here] = aelib.sweep(small_data, ["dense"], seeds=[3], settings={**settings,
                         "encoding_dim": 4}, store=store).wait(TIMEOUT)  # the first point
    np.testing.assert_allclose(snapshots[0].history["loss"], here.history["loss"], rtol=1e-6)
    np.testing.assert_allclose(snapshots[0].history["val_loss"], here.history["val_loss"],
                               rtol=1e-6)


@on_tensorflow_only
def test_a_stop_reaches_running_ray_tasks_and_cancels_the_queued(cluster, tmp_path,
                                                                 small_data):
    store = RunStore(tmp_path)
    handle = aelib.sweep(small_data, ["dense"], {"encoding_dim": [4, 8, 16]},
                         settings={"epochs": 1000, "batch_size": 64}, store=store,
                         engine=sweeps.ray_engine(cluster))
    deadline = time.monotonic() + TIMEOUT
    while sum(len(s.history.get("loss", [])) >= 2 for s in handle.snapshots()) < 2:
        assert time.monotonic() < deadline and not handle.done, handle.message
        time.sleep(0.1)
    handle.stop()
    snapshots = handle.wait(TIMEOUT)
    assert [s.status for s in snapshots] == ["stopped", "stopped", "cancelled"]
    for snapshot in snapshots[:2]:  # each ended after its current call, with its weights
        record = store.get(snapshot.run_id)
        assert record.status == "stopped" and 2 <= len(record.history["loss"]) < 1000
        loaded = store.load(record.id).ae
        test_loss = aelib.explore.analysis.reconstruction_errors(
            small_data.x_test, loaded.reconstruct(small_data.x_test)).mean()
        assert test_loss == pytest.approx(record.metrics["test_loss"], rel=1e-5)
    assert snapshots[2].run_id is None and len(store.list(handle.id)) == 2
    assert store.sweeps()[0].status == "stopped"


@on_tensorflow_only
def test_an_abandoned_ray_sweep_finishes_its_running_tasks_and_cancels_the_queued(
        cluster, tmp_path, small_data):
    store = RunStore(tmp_path)
    handle = aelib.sweep(small_data, ["dense"], {"encoding_dim": [4, 8, 16]},
                         settings={"epochs": 150, "batch_size": 64}, store=store,
                         engine=sweeps.ray_engine(cluster))
    deadline = time.monotonic() + TIMEOUT
    while sum(bool(s.history.get("loss")) for s in handle.snapshots()) < 2:
        assert time.monotonic() < deadline and not handle.done, handle.message
        time.sleep(0.1)
    handle.abandon()
    snapshots = handle.wait(TIMEOUT)
    assert [s.status for s in snapshots] == ["finished", "finished", "cancelled"]
    assert all(len(store.get(s.run_id).history["loss"]) == 150 for s in snapshots[:2])
    assert snapshots[2].run_id is None and len(store.list(handle.id)) == 2


def test_the_sweep_mailbox_imports_neither_aelib_nor_keras_in_its_process(cluster):
    from aelib.sweeps.cluster import SweepMonitor

    sweeps.ray_engine(cluster).connect()
    monitor = SweepMonitor.remote()
    try:
        assert ray.get(monitor.report.remote(0, b"snapshot")) is False
        assert ray.get(monitor.drain.remote()) == {0: b"snapshot"}
        loaded = ray.get(monitor.__ray_call__.remote(lambda _: sorted(
            {name.split(".")[0] for name in sys.modules} & {"aelib", "keras", "tensorflow",
                                                           "jax"})))
        assert loaded == []
    finally:
        ray.kill(monitor)


def test_workers_train_on_the_drivers_backend_with_aelib_shipped_by_ray():
    import keras

    from aelib.sweeps.cluster import runtime_env

    environment = runtime_env()
    assert environment["py_modules"] == [str(Path(aelib.__file__).parent)]
    assert environment["env_vars"]["KERAS_BACKEND"] == keras.backend.backend()


@on_tensorflow_only
def test_the_driver_saves_again_while_the_database_restarts(cluster, postgres_server,
                                                            small_data, monkeypatch):
    from aelib.jobs.job import JobSnapshot
    from aelib.sweeps.cluster import RayEngine, _DriverRuns
    from aelib.sweeps.plan import make_plan

    monkeypatch.setattr("aelib.jobs.job.SAVE_RETRY_SECONDS", (0.5,) * 60)
    RayEngine(cluster).connect()
    [point] = make_plan(["dense"], seeds=[0], settings={"epochs": 1}).points()
    store = RunStore(url=postgres_server.new_database())
    reports = []
    runs = _DriverRuns([point], small_data, store, lambda index, shot: reports.append(shot))
    runs.progress(0, None)  # the task began: the driver records its run
    sent = ray.put({"snapshot": JobSnapshot(status="finished", epochs=1,
                                            history={"loss": [0.5]}),
                    "weights": None, "metrics": {"test_loss": 0.5}})
    postgres_server.stop()  # the real server, down as the task's result arrives
    restart = threading.Timer(3, postgres_server.start)
    restart.start()
    try:
        runs.finish(0, sent)
    finally:
        restart.join()
    retrying = [shot.message for shot in reports if shot.message]
    assert retrying and retrying[0].startswith("Saving the run: The run store at postgresql")
    assert reports[-1].saved and reports[-1].message is None
    [record] = store.list()
    assert (record.id, record.status, record.has_model) == (reports[-1].run_id, "finished", True)
    assert record.metrics == {"test_loss": 0.5} and record.history == {"loss": [0.5]}
