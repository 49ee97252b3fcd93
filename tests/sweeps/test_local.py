"""Sweeps on the local engine: runs land in the store tagged with their sweep, a stop keeps what
ran and cancels the rest, and a sweep is listed again after a restart."""

import time

import numpy as np
import pytest

import aelib
from aelib.sweeps import local as sweeps
from aelib.runs.store import RunStore

TINY = {"epochs": 1, "batch_size": 64, "train_size": 128}


def test_a_local_sweep_of_four_tiny_runs_lands_four_runs_with_its_tag(tmp_path, small_data):
    store = RunStore(tmp_path)
    store.save(aelib.build("dense"), small_data, {"epochs": 0}, {})  # a run of no sweep
    handle = aelib.sweep(small_data, ["dense"], {"encoding_dim": [4, 8]}, seeds=[0, 1],
                         settings=TINY, store=store)
    assert handle.id is not None and not handle.done  # it returns at once
    snapshots = handle.wait(300)
    assert handle.done and handle.fraction == 1.0 and handle.message is None
    assert [s.status for s in snapshots] == ["finished"] * 4 and all(s.saved for s in snapshots)
    assert all(s.preview.shape == (sweeps.PREVIEW_IMAGES, 28, 28, 1) for s in snapshots)

    runs = sorted(store.list(handle.id), key=lambda record: record.id)
    assert [r.id for r in runs] == [s.run_id for s in snapshots]
    assert {r.sweep_id for r in runs} == {handle.id} and len(store.list()) == 5
    assert [(r.hparams["encoding_dim"], r.seed) for r in runs] == [(4, 0), (8, 0), (4, 1),
                                                                  (8, 1)]
    assert all(r.settings["train_images"] == 128 and r.metrics["test_loss"] for r in runs)
    [record] = store.sweeps()
    assert (record.id, record.status, record.engine) == (handle.id, "finished", "this process")

    rows = sweeps.results(handle.plan, runs)
    assert [row["encoding_dim"] for row in rows] == [4, 8, 4, 8]
    assert rows[0]["label"] == f"run {runs[0].id} · dense · encoding_dim=4 · seed 0"
    pictures = sweeps.reconstructions(store, handle.plan, runs, small_data.x_test[:3])
    assert list(pictures) == [row["label"] for row in rows]
    np.testing.assert_allclose(pictures[rows[1]["label"]],
                               store.load(runs[1].id).ae.reconstruct(small_data.x_test[:3]))


def test_the_same_seed_gives_the_same_loss_curve_as_a_single_training(tmp_path, small_data):
    handle = aelib.sweep(small_data, ["sparse"], {"l1": [0.0, 1e-3]}, seeds=[5],
                         settings={"epochs": 2, "batch_size": 64}, store=RunStore(tmp_path))
    swept = handle.wait(300)[1].history
    ae = aelib.build("sparse", seed=5, l1=1e-3)
    alone = aelib.train(ae, small_data, epochs=2, batch_size=64, seed=5).history
    assert swept["loss"] == alone["loss"] and swept["val_loss"] == alone["val_loss"]


def test_stopping_keeps_finished_and_running_runs_and_cancels_the_queued(tmp_path, small_data):
    store = RunStore(tmp_path)
    handle = aelib.sweep(small_data, ["dense"], {"epochs": [1, 500]}, seeds=[0, 1],
                         settings={"batch_size": 64}, store=store)
    deadline = time.monotonic() + 300
    while len(handle.snapshots()[1].history.get("loss", [])) < 2:  # the long run is under way
        assert time.monotonic() < deadline and not handle.done
        time.sleep(0.05)
    handle.stop()
    snapshots = handle.wait(120)
    assert [s.status for s in snapshots] == ["finished", "stopped", "cancelled", "cancelled"]
    assert 2 <= len(snapshots[1].history["loss"]) < 500 and snapshots[1].saved
    kept = {r.id: r for r in store.list(handle.id)}
    assert set(kept) == {snapshots[0].run_id, snapshots[1].run_id}
    stopped = kept[snapshots[1].run_id]
    assert stopped.status == "stopped" and stopped.history == snapshots[1].history
    assert store.load(stopped.id).ae.reconstruct(small_data.x_test[:1]).shape == (1, 28, 28, 1)
    assert store.sweeps()[0].status == "stopped"


def test_an_abandoned_sweep_finishes_its_running_run_and_starts_no_other(tmp_path, small_data):
    store = RunStore(tmp_path)
    handle = aelib.sweep(small_data, ["dense"], {"epochs": [6, 1]}, settings={"batch_size": 64},
                         store=store)
    deadline = time.monotonic() + 300
    while not handle.snapshots()[0].history.get("loss"):  # the first run is under way
        assert time.monotonic() < deadline and not handle.done
        time.sleep(0.02)
    handle.abandon()  # its session ended: nobody will look at it again
    snapshots = handle.wait(120)
    assert [s.status for s in snapshots] == ["finished", "cancelled"]
    assert len(snapshots[0].history["loss"]) == 6 and snapshots[0].saved
    assert [r.id for r in store.list(handle.id)] == [snapshots[0].run_id]


def test_a_sweep_and_its_runs_are_listed_again_after_a_restart(tmp_path, small_data):
    handle = aelib.sweep(small_data, ["dense"], {"encoding_dim": [4, 8]}, settings=TINY,
                         store=RunStore(tmp_path))
    handle.wait(300)
    reopened = RunStore(tmp_path)  # a new process would open the store like this
    [record] = reopened.sweeps()
    assert sweeps.stored_plan(record) == handle.plan
    assert sorted(r.id for r in reopened.list(record.id)) == [s.run_id for s in handle.snapshots()]


@pytest.mark.parametrize("arguments, message", [
    ({"settings": {"train_size": 100_000}}, "train_size=100000 is more than the 512 training "
                                            "images of bundled: use at most 512"),
    ({"engine": "cloud"}, "engine must be 'local', 'ray' or an engine object"),
    ({"grid": {"hidden_units": [[8], [4]]}}, "No chosen architecture has a parameter"),
])
def test_a_sweep_that_cannot_run_is_refused_before_it_starts(tmp_path, small_data, arguments,
                                                            message):
    store = RunStore(tmp_path)
    with pytest.raises(ValueError, match=message):
        aelib.sweep(small_data, store=store, **arguments)
    assert store.sweeps() == []


def test_the_ray_engine_needs_an_address(monkeypatch):
    monkeypatch.delenv(sweeps.RAY_ADDRESS, raising=False)
    assert sweeps.ray_address() is None
    with pytest.raises(ValueError, match="set AELIB_RAY_ADDRESS"):
        sweeps.make_engine("ray")
