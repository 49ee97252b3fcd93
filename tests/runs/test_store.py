"""The run store: save, list, load, delete, compare; a crash mid-run; stores side by side."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import aelib
from aelib.runs.store import METRIC_NAMES, RunStore, default_runs_dir

SETTINGS = {"epochs": 2, "batch_size": 64, "optimizer": "adam", "seed": 3}


@pytest.fixture
def trained(small_data):
    ae = aelib.build("dense", seed=0, encoding_dim=16)
    result = aelib.train(ae, small_data, **SETTINGS)
    return ae, result


def test_save_list_load_delete(tmp_path, small_data, trained):
    ae, result = trained
    store = RunStore(tmp_path)
    metrics = aelib.explore.analysis.run_metrics(ae, small_data)
    run_id = store.save(ae, small_data, SETTINGS, result.history, metrics=metrics)

    [record] = store.list()
    assert record.id == run_id and record.status == "finished" and record.reason is None
    assert (record.architecture, record.hparams) == ("dense", {"encoding_dim": 16, "loss": "bce"})
    assert record.settings == {**SETTINGS, "train_images": 512, "test_images": 128}
    assert (record.dataset, record.seed) == ("bundled", 3) and "bundled" in record.dataset_source
    assert record.history == result.history and record.seconds >= 0
    assert tuple(record.metrics) == METRIC_NAMES and 0 < record.metrics["knn_accuracy"] <= 1
    assert record.versions["keras"] and record.versions["aelib"] == aelib.__version__

    loaded = store.load(run_id)
    np.testing.assert_allclose(loaded.ae.reconstruct(small_data.x_test),
                               ae.reconstruct(small_data.x_test), atol=1e-6)
    assert loaded.history == result.history and loaded.metrics == metrics

    store.delete(run_id)
    assert store.list() == []
    assert list((tmp_path / "models").iterdir()) == []
    with pytest.raises(ValueError, match=f"There is no run {run_id} in this workspace"):
        store.load(run_id)


def test_runs_survive_a_new_store_on_the_same_directory(tmp_path, small_data, trained):
    ae, result = trained
    run_id = RunStore(tmp_path).save(ae, small_data, SETTINGS, result.history)
    assert [r.id for r in RunStore(tmp_path).list()] == [run_id]


def test_compare_is_a_table_of_runs_and_metrics(tmp_path, small_data, trained):
    ae, result = trained
    store = RunStore(tmp_path)
    first = store.save(ae, small_data, SETTINGS, result.history, metrics={"test_loss": 0.2})
    second = store.save(ae, small_data, SETTINGS, result.history, status="stopped",
                        reason="stopped on request", metrics={"test_loss": 0.3})
    rows = store.compare([first, second])
    assert [row["run"] for row in rows] == [first, second]
    assert [row["test_loss"] for row in rows] == [0.2, 0.3]
    assert rows[1]["status"] == "stopped" and rows[0]["epochs"] == 2
    assert set(rows[0]) >= {"architecture", "dataset", "seconds", *METRIC_NAMES}


def test_workspaces_and_stores_side_by_side_do_not_see_each_other(tmp_path, small_data,
                                                                 trained):
    ae, result = trained
    alice, bob = RunStore(tmp_path, workspace="alice"), RunStore(tmp_path, workspace="bob")
    other_dir = RunStore(tmp_path / "other")
    alice_run = alice.save(ae, small_data, SETTINGS, result.history)
    bob.save(ae, small_data, SETTINGS, result.history)
    assert [r.workspace for r in alice.list()] == ["alice"]
    assert [r.workspace for r in bob.list()] == ["bob"]
    assert other_dir.list() == []
    with pytest.raises(ValueError, match="no run"):
        bob.load(alice_run)
    with pytest.raises(ValueError, match="no run"):
        bob.delete(alice_run)
    assert len(alice.list()) == 1


def test_a_job_with_a_store_records_its_run(tmp_path, small_data, monkeypatch):
    store = RunStore(tmp_path)
    job = aelib.TrainingJob(aelib.build("dense", seed=0), small_data, SETTINGS,
                            small_data.x_test[:2], store=store)
    when_measured = []

    def run_metrics(ae, data):  # the real metrics, noting what the learner saw meanwhile
        when_measured.append(job.snapshot())
        return aelib.explore.analysis.run_metrics(ae, data)

    monkeypatch.setattr("aelib.jobs.job.run_metrics", run_metrics)
    job.start().wait(120)
    snapshot = job.snapshot()
    assert snapshot.saved and snapshot.run_id is not None
    record = store.get(snapshot.run_id)
    assert record.status == "finished" and record.history == snapshot.history
    assert record.metrics["test_loss"] == pytest.approx(record.history["val_loss"][-1], rel=1e-3)
    assert snapshot.metrics == record.metrics
    # Saved, with its model, before the metrics were computed: nobody waits for them.
    [meanwhile] = when_measured
    assert meanwhile.saved and meanwhile.metrics is None
    assert store.load(snapshot.run_id).ae.architecture == "dense"


def test_a_crash_mid_training_leaves_an_interrupted_run_and_a_sound_database(tmp_path):
    script = textwrap.dedent(f"""
        import os
        import aelib
        from aelib.runs.store import RunStore
        data = aelib.load_dataset("bundled").subset(256, 64)
        store = RunStore({str(tmp_path)!r})
        def crash(event):
            if isinstance(event, aelib.EpochEnded):
                os._exit(3)  # the process dies mid-run, with no clean-up
        job = aelib.TrainingJob(aelib.build("dense"), data, {{"epochs": 5}}, data.x_test[:1],
                                store=store)
        job._on_progress = crash
        job.start().wait()
    """)
    done = subprocess.run([sys.executable, "-c", script], env={**os.environ},
                          capture_output=True, timeout=180)
    assert done.returncode == 3, done.stderr.decode()[-2000:]
    [record] = RunStore(tmp_path).list()
    assert record.status == "interrupted" and record.model_path is None
    assert list((tmp_path / "models").iterdir()) == []  # no half-written model
    with pytest.raises(ValueError, match="has no saved model .it is interrupted"):
        RunStore(tmp_path).load(record.id)


def test_runs_dir_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("AELIB_RUNS_DIR", str(tmp_path / "mine"))
    assert default_runs_dir() == tmp_path / "mine"
    monkeypatch.delenv("AELIB_RUNS_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_runs_dir() == tmp_path / "aelib" / "runs"


def test_a_database_from_before_sweeps_is_migrated_and_keeps_its_runs(tmp_path, small_data,
                                                                     trained):
    import sqlite3

    before_sweeps = """CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT,
        workspace TEXT NOT NULL, architecture TEXT NOT NULL, hparams TEXT NOT NULL,
        settings TEXT NOT NULL, dataset TEXT NOT NULL, dataset_source TEXT NOT NULL,
        seed INTEGER NOT NULL, versions TEXT NOT NULL, started_at REAL NOT NULL, ended_at REAL,
        status TEXT NOT NULL, reason TEXT, history TEXT NOT NULL DEFAULT '{}',
        metrics TEXT NOT NULL DEFAULT '{}', model_path TEXT, pid INTEGER NOT NULL)"""
    with sqlite3.connect(tmp_path / "runs.sqlite") as db:
        db.execute(before_sweeps)
        db.execute("INSERT INTO runs (workspace, architecture, hparams, settings, dataset, "
                   "dataset_source, seed, versions, started_at, ended_at, status, pid) VALUES "
                   "('local', 'dense', '{}', '{}', 'bundled', 'b', 0, '{}', 1, 2, 'finished', 1)")
    store = RunStore(tmp_path)
    [old] = store.list()
    assert (old.architecture, old.status, old.sweep_id) == ("dense", "finished", None)
    sweep_id = store.start_sweep({"architectures": ["dense"]}, "this process")
    ae, result = trained
    tagged = store.in_sweep(sweep_id).save(ae, small_data, SETTINGS, result.history)
    assert [r.id for r in RunStore(tmp_path).list(sweep_id)] == [tagged]
    assert store.compare([tagged])[0]["sweep"] == sweep_id
    store.finish_sweep(sweep_id, "stopped")
    [sweep] = RunStore(tmp_path).sweeps()
    assert (sweep.id, sweep.status, sweep.plan) == (sweep_id, "stopped", {"architectures":
                                                                          ["dense"]})
