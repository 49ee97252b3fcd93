"""Trainings the app starts, on a real Ray cluster (`AELIB_TRAIN_ON=ray`): progress and previews
arrive while the task trains, the run lands in the store with the weights the worker learned,
Stop reaches the task, a continued training goes on from its weights, a training waits for a
place and says so, a killed worker fails its run with the reason, and a cluster that is lost
marks the run interrupted while this process goes on.

Like the sweeps' cluster tests, these run on the TensorFlow pass only.
"""

import os
import time

import numpy as np
import pytest

import aelib
from aelib.runs.store import RunStore
from tests.support.ray_cluster import RayCluster

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install -r "
                                        "requirements-dev.txt, or aelib[ray])")
pytestmark = [pytest.mark.ray, pytest.mark.skipif(
    os.environ.get("KERAS_BACKEND", "tensorflow") != "tensorflow",
    reason="the Ray cluster tests run on the TensorFlow pass (the engine is the same on JAX)")]
TIMEOUT = 600


@pytest.fixture(scope="module")
def cluster():
    """A 2-CPU Ray cluster of separate processes, stopped at the end."""
    from aelib.sweeps import cluster as sweep_ray

    head = RayCluster(cpus=2)
    try:
        yield head.start()
    finally:
        sweep_ray.disconnect()
        head.close()


@pytest.fixture
def on_cluster(cluster, monkeypatch):
    """Every training this process starts goes to the cluster."""
    monkeypatch.setenv("AELIB_TRAIN_ON", "ray")
    monkeypatch.setenv("AELIB_RAY_ADDRESS", cluster.address)
    return cluster


def start(data, settings, store, ae=None, **options):
    return aelib.sweeps.training_job(ae or aelib.build("dense", seed=0), data,
                                   {"batch_size": 64, "seed": 0, **settings},
                                   data.x_test[:4], store=store, **options).start()


def wait_until(condition, job):
    deadline = time.monotonic() + TIMEOUT
    while not condition(job.snapshot()):
        assert time.monotonic() < deadline and not job.snapshot().done, job.snapshot()
        time.sleep(0.1)


def test_a_training_on_the_cluster_reports_as_it_goes_and_lands_in_the_store(
        on_cluster, small_data, tmp_path):
    from aelib.sweeps.remote import ClusterTrainingJob

    store = RunStore(tmp_path)
    job = start(small_data, {"epochs": 40}, store)
    assert isinstance(job, ClusterTrainingJob)
    partial, previews = [], []
    while not job.snapshot().done:
        snapshot = job.snapshot()
        if snapshot.status == "running" and snapshot.history:
            partial.append(len(snapshot.history["loss"]))
            previews.append(snapshot.preview_epoch)
        time.sleep(0.05)
    snapshot = job.wait(TIMEOUT)
    assert snapshot.status == "finished" and snapshot.message is None, snapshot.message
    assert any(0 < epochs < 40 for epochs in partial), partial  # progress arrived per epoch
    assert any(0 < epoch < 40 for epoch in previews) and snapshot.preview.shape == (4, 28, 28, 1)
    assert snapshot.saved and snapshot.metrics["test_loss"] is not None

    record = store.get(snapshot.run_id)
    assert record.status == "finished" and len(record.history["loss"]) == 40
    x = small_data.x_test
    np.testing.assert_allclose(job.ae.reconstruct(x), store.load(record.id).ae.reconstruct(x),
                               atol=1e-6)  # the worker's weights, in this process's model
    test_loss = aelib.explore.analysis.reconstruction_errors(x, job.ae.reconstruct(x)).mean()
    assert record.metrics["test_loss"] == pytest.approx(test_loss, rel=1e-5)

    here = aelib.train(aelib.build("dense", seed=0), small_data, epochs=40, batch_size=64,
                       seed=0)  # the same training in this process: the same curve
    np.testing.assert_allclose(record.history["loss"], here.history["loss"], rtol=1e-5)


def test_stop_reaches_the_task_and_a_continued_training_goes_on_from_its_weights(
        on_cluster, small_data, tmp_path):
    store = RunStore(tmp_path)
    job = start(small_data, {"epochs": 1000}, store)
    wait_until(lambda shot: len(shot.history.get("loss", [])) >= 2, job)
    asked = time.monotonic()
    job.stop()
    snapshot = job.wait(TIMEOUT)
    assert time.monotonic() - asked < 10
    assert snapshot.status == "stopped" and 2 <= len(snapshot.history["loss"]) < 1000
    assert store.get(snapshot.run_id).status == "stopped"

    first = snapshot
    more = start(small_data, {"epochs": 2}, store, ae=job.ae, history=first.history,
                 continued_from=first.run_id).wait(TIMEOUT)
    assert more.status == "finished"
    losses = more.history["loss"]
    assert len(losses) == len(first.history["loss"]) + 2
    assert losses[-2] < first.history["loss"][0]  # from the stopped weights, not afresh
    assert store.get(more.run_id).continued_from == first.run_id


def test_a_training_waits_for_a_place_on_the_full_cluster_and_says_where_it_stands(
        on_cluster, small_data, tmp_path):
    store = RunStore(tmp_path)
    running = [start(small_data, {"epochs": 1000}, store) for _ in range(2)]  # 2 CPUs
    for job in running:
        wait_until(lambda shot: shot.status == "running", job)
    waiting = start(small_data, {"epochs": 1}, store)
    time.sleep(2)
    snapshot = waiting.snapshot()
    assert snapshot.status == "queued" and snapshot.queue_position == 1
    assert snapshot.progress_text() == (f"Waiting for a place on the Ray cluster at "
                                        f"{on_cluster.address} (place 1)")
    waiting.stop()  # before it began: it never trains
    assert waiting.wait(TIMEOUT).status == "cancelled" and waiting.run_id is None
    for job in running:
        job.stop()
        assert job.wait(TIMEOUT).status == "stopped"


def test_a_killed_worker_fails_its_run_with_the_reason(on_cluster, small_data, tmp_path):
    store = RunStore(tmp_path)
    job = start(small_data, {"epochs": 1000}, store)
    wait_until(lambda shot: len(shot.history.get("loss", [])) >= 1, job)
    (pid,) = on_cluster.task_pids("train_model")
    os.kill(pid, 9)
    snapshot = job.wait(TIMEOUT)
    assert snapshot.status == "failed"
    assert snapshot.message.startswith("Training failed on the cluster: ")
    record = store.get(snapshot.run_id)
    assert record.status == "failed" and "Training failed on the cluster" in record.reason


def test_a_lost_cluster_interrupts_the_run_and_this_process_goes_on(on_cluster, small_data,
                                                                    tmp_path):
    """Last in the file: it stops the module's cluster."""
    store = RunStore(tmp_path)
    job = start(small_data, {"epochs": 1000}, store)
    wait_until(lambda shot: len(shot.history.get("loss", [])) >= 1, job)
    on_cluster.stop()
    snapshot = job.wait(TIMEOUT)
    assert snapshot.status == "interrupted"
    assert snapshot.message.startswith(f"The Ray cluster at {on_cluster.address} was lost")
    record = store.get(snapshot.run_id)
    assert record.status == "interrupted" and not record.has_model
    assert record.reason == snapshot.message
    after = start(small_data, {"epochs": 1}, store).wait(TIMEOUT)  # never trained here instead
    assert after.status == "failed" and after.message.startswith("No Ray cluster answers")
    assert after.run_id is None
