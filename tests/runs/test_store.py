"""The run store, on SQLite and on PostgreSQL: save, list, load, delete, compare; a crash
mid-run; stores side by side; writers in several processes at once; an unreachable server; a
file written by the store before it had a schema version; copying a store both ways; a damaged
file set aside, a damaged row marked; running rows of processes and machines gone."""

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
from sqlalchemy import create_engine, select, update

import aelib
from aelib.model.files import save_model_file
from aelib.runs.copy import copy_store
from aelib.runs.schema import SCHEMA_VERSION, metadata, runs, set_aside, sweeps
from aelib.runs.store import (_HEARTBEAT, HEARTBEAT_TIMEOUT, HOST, METRIC_NAMES, RunStore,
                              StoreDamaged, StoreUnavailable, default_runs_dir,
                              process_identity)
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


def stored_file(folder, small_data, trained, runs=3):
    """A SQLite store in `folder` holding `runs` finished runs, as its bytes: written, then
    closed (its write-ahead log folded in), as a copy elsewhere would be."""
    ae, result = trained
    url = f"sqlite:///{folder / 'runs.sqlite'}"
    for _ in range(runs):
        RunStore(url=url).save(ae, small_data, SETTINGS, result.history)
    set_aside(url)  # closes this process's connections; the sound file stays
    return (folder / "runs.sqlite").read_bytes()


@pytest.mark.parametrize("damage", ["random bytes", "cut in half"])
def test_a_damaged_sqlite_file_is_moved_aside_and_a_new_store_starts(damage, tmp_path,
                                                                     small_data, trained):
    sound = stored_file(tmp_path, small_data, trained)
    damaged = np.random.default_rng(0).bytes(len(sound)) if damage == "random bytes" \
        else sound[:len(sound) // 2]
    folder = tmp_path / "damaged"
    folder.mkdir()
    (folder / "runs.sqlite").write_bytes(damaged)
    store = RunStore(folder)
    with pytest.raises(StoreDamaged, match=r"^The run store file was damaged \(.+\), so it was "
                       r"moved aside to .+runs\.sqlite\.damaged-\d{8}T\d{6}Z and a new, empty "
                       r"run store starts in its place\.$") as raised:
        store.list()
    assert isinstance(raised.value, ValueError)
    [aside] = folder.glob("runs.sqlite.damaged-*")
    assert aside.read_bytes() == damaged and str(aside) in str(raised.value)  # never deleted
    assert store.list() == []  # healed, saying so once
    ae, result = trained
    run_id = store.save(ae, small_data, SETTINGS, result.history)
    assert [r.id for r in RunStore(folder).list()] == [run_id]
    assert list(folder.glob("runs.sqlite.damaged-*")) == [aside]


def test_a_run_gone_from_the_store_is_not_said_to_be_saved(url, small_data, trained):
    ae, result = trained
    store = RunStore(url=url)
    run_id = store.start(ae, small_data, SETTINGS)
    store.delete(run_id)  # or its store was set aside and started anew
    with pytest.raises(ValueError, match=f"^Run {run_id} is no longer in the run store"):
        store.finish(run_id, ae, result.history)
    assert store.list() == []


def test_a_sound_file_is_never_set_aside(tmp_path, small_data, trained):
    stored_file(tmp_path, small_data, trained, runs=1)
    assert set_aside(f"sqlite:///{tmp_path / 'runs.sqlite'}") is None
    assert len(RunStore(tmp_path).list()) == 1 and not list(tmp_path.glob("*.damaged-*"))


def damage(url, run_id, **values):
    """Write `values` into a run's row as they are, as a hand edit or a bad disk would."""
    engine = create_engine(url)
    with engine.begin() as db:
        for column in [name for name, value in values.items() if value is None]:
            if db.dialect.name == "postgresql":  # SQLite cannot drop a NOT NULL
                db.exec_driver_sql(f"ALTER TABLE runs ALTER COLUMN {column} DROP NOT NULL")
        db.execute(update(runs).where(runs.c.id == run_id).values(**values))
    engine.dispose()


def test_a_damaged_row_is_marked_hides_no_other_run_and_can_be_deleted(url, small_data,
                                                                      trained):
    ae, result = trained
    store = RunStore(url=url)
    sound, bad_json, not_a_dict, bad_value = (
        store.save(ae, small_data, SETTINGS, result.history, metrics={"test_loss": 0.1})
        for _ in range(4))
    damage(url, bad_json, history='{"loss": [0.3,', versions="[" * 100_000)
    damage(url, not_a_dict, metrics="null", hparams="[1, 2]")
    postgres = url.startswith("postgresql")
    damage(url, bad_value, seed=None if postgres else "three")

    records = {r.id: r for r in store.list()}
    assert records[sound].status == "finished" and records[sound].history == result.history
    assert {i: records[i].status for i in (bad_json, not_a_dict, bad_value)} == \
        dict.fromkeys((bad_json, not_a_dict, bad_value), "damaged")
    assert records[bad_json].reason == (f"Run {bad_json} is damaged (its versions is not a JSON "
                                        "object, its history is not a JSON object): it cannot be "
                                        "opened; delete it.")
    assert records[bad_json].history == {} and records[bad_json].settings["epochs"] == 2
    assert "its hparams is not a JSON object, its metrics is not a JSON object" in \
        records[not_a_dict].reason
    assert ("its seed is missing" if postgres else "its seed is not a whole number") in \
        records[bad_value].reason
    with pytest.raises(ValueError, match=f"^Run {bad_json} is damaged .its versions"):
        store.get(bad_json)
    with pytest.raises(ValueError, match=f"^Run {not_a_dict} is damaged"):
        store.load(not_a_dict)
    assert [row["status"] for row in store.compare([sound, bad_json])] == ["finished",
                                                                           "damaged"]
    assert store.model_bytes(bad_json)[:2] == b"PK"  # its model is whole: it can be kept
    for run_id in (bad_json, not_a_dict, bad_value):
        store.delete(run_id)
    assert [r.id for r in store.list()] == [sound]
    assert store.load(sound).ae.architecture == "dense"


def test_a_damaged_sweep_is_marked(url):
    store = RunStore(url=url)
    sound, damaged = store.start_sweep({"seeds": [0]}, "here"), store.start_sweep({}, "here")
    engine = create_engine(url)
    with engine.begin() as db:
        db.execute(update(sweeps).where(sweeps.c.id == damaged).values(plan="{"))
    engine.dispose()
    assert [(s.id, s.status, s.plan) for s in store.sweeps()] == \
        [(damaged, "damaged", {}), (sound, "running", {"seeds": [0]})]


def set_process(url, run_id, **values):
    engine = create_engine(url)
    with engine.begin() as db:
        db.execute(update(runs).where(runs.c.id == run_id).values(**values))
    engine.dispose()


def test_a_running_row_whose_pid_was_given_again_is_interrupted(url, small_data, trained):
    ae, _ = trained
    store = RunStore(url=url)
    run_id = store.start(ae, small_data, SETTINGS)
    assert store.get(run_id).status == "running"  # this process: alive
    # pid 1 in a container, and this very pid, both alive, but not the process that wrote it
    for pid in (1, os.getpid()):
        set_process(url, run_id, pid=pid, process=f"{process_identity(pid)}-earlier")
        assert store.get(run_id).status == "interrupted"
    set_process(url, run_id, pid=os.getpid(), process=process_identity(os.getpid()))
    assert store.get(run_id).status == "running"


def test_a_run_of_a_machine_gone_is_interrupted_after_the_heartbeat_timeout(url, small_data,
                                                                          trained):
    ae, result = trained
    store = RunStore(url=url)
    run_id = store.start(ae, small_data, SETTINGS)
    now = time.time()
    set_process(url, run_id, host="replica-2", pid=1, process="elsewhere:1:1", heartbeat_at=now)
    assert store.get(run_id).status == "running"  # another machine's, beating
    set_process(url, run_id, heartbeat_at=now - HEARTBEAT_TIMEOUT - 1)
    [record] = store.list()
    assert record.status == "interrupted"  # the replica died: Delete is offered for it
    store.delete(run_id)
    assert store.list() == []


def test_this_process_renews_the_heartbeat_of_its_running_rows_only(url, small_data, trained):
    ae, result = trained
    store = RunStore(url=url)
    running, ended = store.start(ae, small_data, SETTINGS), store.start(ae, small_data, SETTINGS)
    sweep = store.start_sweep({}, "here")
    store.finish(ended, ae, result.history)
    long_ago = time.time() - 10 * HEARTBEAT_TIMEOUT
    engine = create_engine(url)
    with engine.begin() as db:
        for table in (runs, sweeps):
            db.execute(update(table).values(heartbeat_at=long_ago))
    assert store.get(running).status == "interrupted" and store.sweeps()[0].status == \
        "interrupted"
    _HEARTBEAT.beat()  # what the heartbeat thread does every HEARTBEAT_SECONDS
    assert store.get(running).status == "running" and store.sweeps()[0].status == "running"
    with engine.connect() as db:
        assert db.scalar(select(runs.c.heartbeat_at).where(runs.c.id == ended)) == long_ago
        assert db.scalar(select(runs.c.heartbeat_at).where(runs.c.id == running)) > \
            time.time() - 60
    engine.dispose()
    store.finish_sweep(sweep)
    assert store.sweeps()[0].status == "finished"


def test_a_process_is_told_apart_beyond_its_pid():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        identity = process_identity(child.pid)
        assert identity is not None and identity != process_identity(os.getpid())
        assert process_identity(child.pid) == identity  # the same process, read again
    finally:
        child.kill()
        child.wait()
    assert process_identity(child.pid) is None


def test_a_version_2_database_gains_the_heartbeat_and_keeps_its_runs(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    metadata.create_all(engine)
    engine.dispose()
    with sqlite3.connect(tmp_path / "runs.sqlite") as db:
        for table in ("runs", "sweeps"):
            for column in ("process", "heartbeat_at"):
                db.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        db.execute("INSERT INTO store_info VALUES ('schema_version', '2')")
        db.execute("INSERT INTO runs (workspace, architecture, hparams, settings, dataset, "
                   "dataset_source, seed, versions, started_at, status, pid, host) VALUES "
                   f"('local', 'dense', '{{}}', '{{}}', 'bundled', 'b', 0, '{{}}', {time.time()}"
                   f", 'running', 1, {HOST!r})")
    [record] = RunStore(tmp_path).list()
    assert (record.architecture, record.status) == ("dense", "running")  # pid 1 lives, and
    # the row is younger than the timeout: only the heartbeat, once missed, can tell
    with sqlite3.connect(tmp_path / "runs.sqlite") as db:
        assert db.execute("SELECT value FROM store_info").fetchall() == [("3",)]
        db.execute(f"UPDATE runs SET started_at = {time.time() - HEARTBEAT_TIMEOUT - 1}")
    assert RunStore(tmp_path).list()[0].status == "interrupted"
