"""The run store, on SQLite and on PostgreSQL: save, list, load, delete, compare; a crash
mid-run; stores side by side; writers in several processes at once; an unreachable server; a
file written by the store before it had a schema version; copying a store both ways."""

import json
import os
import sqlite3
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import aelib
from aelib.model.files import save_model_file
from aelib.runs.copy import copy_store
from aelib.runs.schema import SCHEMA_VERSION
from aelib.runs.store import METRIC_NAMES, RunStore, StoreUnavailable, default_runs_dir
from tests.support import ROOT, free_port

SETTINGS = {"epochs": 2, "batch_size": 64, "optimizer": "adam", "seed": 3}


@pytest.fixture(scope="module")
def trained(small_data):
    ae = aelib.build("dense", seed=0, encoding_dim=16)
    result = aelib.train(ae, small_data, **SETTINGS)
    return ae, result


@pytest.fixture
def url(new_store_url):
    return new_store_url()


def test_save_list_load_delete(url, small_data, trained):
    ae, result = trained
    store = RunStore(url=url)
    metrics = aelib.explore.analysis.run_metrics(ae, small_data)
    run_id = store.save(ae, small_data, SETTINGS, result.history, metrics=metrics)

    [record] = store.list()
    assert record.id == run_id and record.status == "finished" and record.reason is None
    assert (record.architecture, record.hparams) == ("dense", {"encoding_dim": 16, "loss": "bce"})
    assert record.settings == {**SETTINGS, "train_images": 512, "test_images": 128}
    assert (record.dataset, record.seed) == ("bundled", 3) and "bundled" in record.dataset_source
    assert record.history == result.history and record.seconds >= 0 and record.has_model
    assert tuple(record.metrics) == METRIC_NAMES and 0 < record.metrics["knn_accuracy"] <= 1
    assert record.versions["keras"] and record.versions["aelib"] == aelib.__version__
    assert store.model_bytes(run_id)[:2] == b"PK"  # the .keras file (a zip), for a download

    loaded = store.load(run_id)
    np.testing.assert_allclose(loaded.ae.reconstruct(small_data.x_test),
                               ae.reconstruct(small_data.x_test), atol=1e-6)
    assert loaded.history == result.history and loaded.metrics == metrics

    store.delete(run_id)
    assert store.list() == []
    with pytest.raises(ValueError, match=f"There is no run {run_id} in this workspace"):
        store.load(run_id)


def test_runs_survive_a_new_store_on_the_same_database(url, small_data, trained):
    ae, result = trained
    run_id = RunStore(url=url).save(ae, small_data, SETTINGS, result.history)
    assert [r.id for r in RunStore(url=url).list()] == [run_id]


def test_compare_is_a_table_of_runs_and_metrics(url, small_data, trained):
    ae, result = trained
    store = RunStore(url=url)
    first = store.save(ae, small_data, SETTINGS, result.history, metrics={"test_loss": 0.2})
    second = store.save(ae, small_data, SETTINGS, result.history, status="stopped",
                        reason="stopped on request", metrics={"test_loss": 0.3})
    rows = store.compare([second, first])
    assert [row["run"] for row in rows] == [second, first]  # in the order asked
    assert [row["test_loss"] for row in rows] == [0.3, 0.2]
    assert rows[0]["status"] == "stopped" and rows[1]["epochs"] == 2
    assert set(rows[0]) >= {"architecture", "dataset", "seconds", *METRIC_NAMES}
    with pytest.raises(ValueError, match="There is no run 999"):
        store.compare([first, 999])


def test_workspaces_and_stores_side_by_side_do_not_see_each_other(new_store_url, small_data,
                                                                 trained):
    ae, result = trained
    url = new_store_url()
    alice, bob = RunStore(url=url, workspace="alice"), RunStore(url=url, workspace="bob")
    other_database = RunStore(url=new_store_url())
    alice_run = alice.save(ae, small_data, SETTINGS, result.history)
    bob.save(ae, small_data, SETTINGS, result.history)
    assert [r.workspace for r in alice.list()] == ["alice"]
    assert [r.workspace for r in bob.list()] == ["bob"]
    assert other_database.list() == []
    with pytest.raises(ValueError, match="no run"):
        bob.load(alice_run)
    with pytest.raises(ValueError, match="no run"):
        bob.delete(alice_run)
    with pytest.raises(ValueError, match="no run"):
        bob.model_bytes(alice_run)
    assert len(alice.list()) == 1


def test_a_job_with_a_store_records_its_run(url, small_data, monkeypatch):
    store = RunStore(url=url)
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


def test_a_crash_mid_training_leaves_an_interrupted_run_and_a_sound_database(url):
    script = textwrap.dedent(f"""
        import os
        import aelib
        from aelib.runs.store import RunStore
        data = aelib.load_dataset("bundled").subset(256, 64)
        store = RunStore(url={url!r})
        def crash(event):
            if isinstance(event, aelib.EpochEnded):
                os._exit(3)  # the process dies mid-run, with no clean-up
        job = aelib.TrainingJob(aelib.build("dense"), data, {{"epochs": 5}}, data.x_test[:1],
                                store=store)
        job._on_progress = crash
        job.start().wait()
    """)
    done = subprocess.run([sys.executable, "-c", script], env={**os.environ},
                          capture_output=True, timeout=180, cwd=ROOT)
    assert done.returncode == 3, done.stderr.decode()[-2000:]
    [record] = RunStore(url=url).list()
    assert record.status == "interrupted" and not record.has_model  # no half-written model
    with pytest.raises(ValueError, match="has no saved model .it is interrupted"):
        RunStore(url=url).load(record.id)


def test_writers_in_several_processes_lose_and_duplicate_nothing(url):
    writers, runs_each = 3, 4
    script = textwrap.dedent(f"""
        import sys
        import aelib
        from aelib.runs.store import RunStore
        data = aelib.load_dataset("bundled").subset(64, 16)
        store, ae = RunStore(url={url!r}), aelib.build("dense", seed=0, encoding_dim=4)
        for index in range({runs_each}):
            store.save(ae, data, {{"writer": int(sys.argv[1]), "index": index}}, {{}})
    """)
    processes = [subprocess.Popen([sys.executable, "-c", script, str(writer)], cwd=ROOT,
                                  stderr=subprocess.PIPE) for writer in range(writers)]
    for process in processes:
        assert process.wait(timeout=300) == 0, process.stderr.read().decode()[-2000:]
    store = RunStore(url=url)
    records = store.list()
    assert sorted((r.settings["writer"], r.settings["index"]) for r in records) == \
        [(writer, index) for writer in range(writers) for index in range(runs_each)]
    assert len({r.id for r in records}) == writers * runs_each
    assert all(r.has_model and r.status == "finished" for r in records)
    assert store.load(records[0].id).ae.hparams["encoding_dim"] == 4


def test_an_unreachable_server_is_one_sentence_and_the_constructor_does_no_work():
    store = RunStore(url=f"postgresql+psycopg://nobody:secret@127.0.0.1:{free_port()}/runs")
    with pytest.raises(StoreUnavailable, match=r"^The run store at postgresql\+psycopg://"
                       r"nobody:\*\*\*@127\.0\.0\.1:\d+/runs cannot be reached right now "
                       r"\(.*refused.*\); try again in a moment\.$") as raised:
        store.list()
    assert isinstance(raised.value, ValueError) and "secret" not in str(raised.value)


def test_the_store_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("AELIB_RUNS_DIR", str(tmp_path / "mine"))
    assert default_runs_dir() == tmp_path / "mine"
    assert RunStore().url == f"sqlite:///{tmp_path / 'mine' / 'runs.sqlite'}"
    assert not (tmp_path / "mine").exists()  # nothing made until the store is used
    monkeypatch.setenv("AELIB_RUNS_URL", "postgresql://lab:pw@db.example/lab")
    assert RunStore().url == "postgresql+psycopg://lab:pw@db.example/lab"
    assert RunStore(tmp_path).url == f"sqlite:///{tmp_path / 'runs.sqlite'}"
    monkeypatch.delenv("AELIB_RUNS_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_runs_dir() == tmp_path / "aelib" / "runs"


# The schema aelib wrote before the store had a version (aelib/runs/store.py until 2026-12):
# a model's `.keras` file beside the database, its path in the run's row.
VERSION_1 = """
CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, workspace TEXT NOT NULL,
    architecture TEXT NOT NULL, hparams TEXT NOT NULL, settings TEXT NOT NULL,
    dataset TEXT NOT NULL, dataset_source TEXT NOT NULL, seed INTEGER NOT NULL,
    versions TEXT NOT NULL, started_at REAL NOT NULL, ended_at REAL, status TEXT NOT NULL,
    reason TEXT, history TEXT NOT NULL DEFAULT '{}', metrics TEXT NOT NULL DEFAULT '{}',
    model_path TEXT, pid INTEGER NOT NULL, sweep_id INTEGER REFERENCES sweeps (id));
CREATE INDEX runs_by_workspace ON runs (workspace, id);
CREATE TABLE sweeps (id INTEGER PRIMARY KEY AUTOINCREMENT, workspace TEXT NOT NULL,
    plan TEXT NOT NULL, engine TEXT NOT NULL, started_at REAL NOT NULL, ended_at REAL,
    status TEXT NOT NULL, pid INTEGER NOT NULL);
CREATE INDEX runs_by_sweep ON runs (workspace, sweep_id);
"""


@pytest.fixture
def version_1_file(tmp_path, small_data):
    """A runs directory as the store wrote it before version 2: a sweep, two runs of it (one
    with its model file, one interrupted) and a run of another workspace."""
    (tmp_path / "models").mkdir()
    ae = aelib.build("dense", seed=0, encoding_dim=8)
    model = save_model_file(ae, tmp_path / "models" / "run-2.keras")
    row = ("dense", json.dumps(ae.hparams), json.dumps({"epochs": 1}), "bundled", "b", 0,
           "{}", 1.0)
    with sqlite3.connect(tmp_path / "runs.sqlite") as db:
        db.executescript(VERSION_1)
        db.execute("INSERT INTO sweeps (workspace, plan, engine, started_at, ended_at, status, "
                   "pid) VALUES ('local', '{\"seeds\": [0, 1]}', 'this process', 1, 9, "
                   "'finished', 1)")
        insert = ("INSERT INTO runs (id, workspace, architecture, hparams, settings, dataset, "
                  "dataset_source, seed, versions, started_at, ended_at, status, history, "
                  "model_path, pid, sweep_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                  "?, ?, ?)")
        db.execute(insert, (1, "local", *row, None, "running", "{}", None, 999_999, 1))
        db.execute(insert, (2, "local", *row, 5.0, "finished", '{"loss": [0.3, 0.2]}',
                            str(model), 1, 1))
        db.execute(insert, (5, "bob", *row, 6.0, "finished", "{}", None, 1, None))
    return tmp_path, ae


def test_a_file_of_the_schema_before_versions_opens_and_keeps_everything(version_1_file,
                                                                         small_data):
    folder, ae = version_1_file
    store = RunStore(folder)
    second, first = store.list()
    assert (first.id, first.status, first.has_model) == (1, "interrupted", False)
    assert (second.id, second.status, second.history) == (2, "finished", {"loss": [0.3, 0.2]})
    assert second.sweep_id == 1 and second.has_model
    np.testing.assert_allclose(store.load(2).ae.reconstruct(small_data.x_test[:4]),
                               ae.reconstruct(small_data.x_test[:4]), atol=1e-6)
    [sweep] = store.sweeps()
    assert (sweep.id, sweep.plan, sweep.status) == (1, {"seeds": [0, 1]}, "finished")
    assert [r.id for r in RunStore(folder, workspace="bob").list()] == [5]
    assert (folder / "models" / "run-2.keras").exists()  # the old file is left as it was
    with sqlite3.connect(folder / "runs.sqlite") as db:
        assert db.execute("SELECT value FROM store_info").fetchall() == [(str(SCHEMA_VERSION),)]
    # A new run takes the next id: run 5 of bob's was the last one given.
    assert store.start_sweep({}, "here") == 2


def test_a_database_from_before_sweeps_is_migrated_and_keeps_its_runs(tmp_path, small_data,
                                                                     trained):
    before_sweeps = VERSION_1.split("CREATE INDEX")[0].replace(
        ", sweep_id INTEGER REFERENCES sweeps (id)", "")
    with sqlite3.connect(tmp_path / "runs.sqlite") as db:
        db.executescript(before_sweeps)
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


def test_a_newer_schema_is_refused_with_what_to_do(tmp_path):
    with sqlite3.connect(tmp_path / "runs.sqlite") as db:
        db.execute("CREATE TABLE store_info (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("INSERT INTO store_info VALUES ('schema_version', '99')")
    with pytest.raises(ValueError, match="newer aelib .schema version 99.*upgrade aelib"):
        RunStore(tmp_path).list()


def test_copy_moves_a_whole_store_to_postgresql_and_back(version_1_file, postgres_server,
                                                         small_data, tmp_path_factory):
    folder, ae = version_1_file
    source = f"sqlite:///{folder / 'runs.sqlite'}"
    target = postgres_server.new_database().replace("+psycopg", "")  # as a user writes it
    done = subprocess.run([sys.executable, "-m", "aelib.runs", "copy", "--from", source,
                           "--to", target], capture_output=True, text=True, timeout=120,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("Copied 3 runs from sqlite:///")

    in_postgres = RunStore(url=target)
    assert [(r.id, r.status, r.has_model) for r in in_postgres.list()] == \
        [(2, "finished", True), (1, "interrupted", False)]
    assert [r.id for r in RunStore(url=target, workspace="bob").list()] == [5]
    assert [s.plan for s in in_postgres.sweeps()] == [{"seeds": [0, 1]}]
    np.testing.assert_allclose(in_postgres.load(2).ae.reconstruct(small_data.x_test[:4]),
                               ae.reconstruct(small_data.x_test[:4]), atol=1e-6)
    assert in_postgres.start_sweep({}, "here") == 2  # ids go on after the copied ones
    with pytest.raises(ValueError, match="already holds runs or sweeps"):
        copy_store(source, target)

    back = f"sqlite:///{tmp_path_factory.mktemp('back') / 'runs.sqlite'}"
    assert copy_store(target, back) == 3
    assert [(r.id, r.has_model) for r in RunStore(url=back).list()] == [(2, True), (1, False)]
    assert RunStore(url=back).model_bytes(2) == in_postgres.model_bytes(2)
    assert [s.id for s in RunStore(url=back).sweeps()] == [2, 1]
