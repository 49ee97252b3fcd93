"""The run store: every training kept in an embedded SQLite database, with its model file.

    store = RunStore()                       # AELIB_RUNS_DIR, else the user's data directory
    run_id = store.save(ae, data, settings, result.history, metrics=metrics)
    store.list(); store.load(run_id); store.compare([1, 2]); store.delete(run_id)

A run records the architecture, hyperparameters, training settings, dataset and its source,
seed, library versions, start and end time, status (running, finished, stopped, failed, with
the reason), per-epoch history, final metrics and the path of its saved `.keras` model. `start`
writes the run as "running" before training, `finish` completes it: SQLite commits each write
whole, and the model is written to a temporary file and renamed, so a crash mid-training leaves
a run marked "running" (listed as "interrupted" once its process is gone), never a corrupt
database or a half-written model. Runs belong to a workspace; a store lists one workspace's runs.
A sweep (`aelib.sweeps.local`) is kept as a row of its own, and each of its runs carries its id.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from contextlib import closing
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from aelib.explore.metrics import METRICS

if TYPE_CHECKING:  # the store itself needs no Keras: listing runs stays light
    from aelib.model.autoencoder import Autoencoder
    from aelib.data.datasets import Dataset

DEFAULT_WORKSPACE = "local"
# The final metrics a run keeps, in the order `compare` lists them (notebooks import the
# names from here; the table of them is `aelib.explore.metrics.METRICS`).
METRIC_NAMES = tuple(METRICS)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace TEXT NOT NULL,
    architecture TEXT NOT NULL,
    hparams TEXT NOT NULL,
    settings TEXT NOT NULL,
    dataset TEXT NOT NULL,
    dataset_source TEXT NOT NULL,
    seed INTEGER NOT NULL,
    versions TEXT NOT NULL,
    started_at REAL NOT NULL,
    ended_at REAL,
    status TEXT NOT NULL,
    reason TEXT,
    history TEXT NOT NULL DEFAULT '{}',
    metrics TEXT NOT NULL DEFAULT '{}',
    model_path TEXT,
    pid INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_by_workspace ON runs (workspace, id);
CREATE TABLE IF NOT EXISTS sweeps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace TEXT NOT NULL,
    plan TEXT NOT NULL,
    engine TEXT NOT NULL,
    started_at REAL NOT NULL,
    ended_at REAL,
    status TEXT NOT NULL,
    pid INTEGER NOT NULL
);
"""
# Columns added after the first release: (table, column, definition). A database made before
# them gets them when a store opens it; their old rows read NULL.
_ADDED_COLUMNS = (("runs", "sweep_id", "INTEGER REFERENCES sweeps (id)"),)


def default_runs_dir() -> Path:
    """`AELIB_RUNS_DIR` if set, else `aelib/runs` in the user's data directory."""
    if os.environ.get("AELIB_RUNS_DIR"):
        return Path(os.environ["AELIB_RUNS_DIR"])
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA", Path.home()))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "aelib" / "runs"


def library_versions() -> dict[str, str]:
    """Versions of what trained the model, as stored with each run."""
    import keras
    import sklearn

    from aelib import __version__

    return {"aelib": __version__, "keras": keras.__version__,
            "backend": keras.backend.backend(), "numpy": np.__version__,
            "scikit-learn": sklearn.__version__, "python": sys.version.split()[0]}


@dataclass(frozen=True)
class RunRecord:
    """One stored run, as `RunStore.list` and `RunStore.get` return it."""

    id: int
    workspace: str
    architecture: str
    hparams: dict
    settings: dict
    dataset: str
    dataset_source: str
    seed: int
    versions: dict
    started_at: float
    ended_at: float | None
    status: str  # running, interrupted, finished, stopped or failed
    reason: str | None
    history: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    model_path: str | None = None
    sweep_id: int | None = None  # the sweep it belongs to, if any

    @property
    def seconds(self) -> float | None:
        """Wall time of the run, None while it runs."""
        return None if self.ended_at is None else self.ended_at - self.started_at

    @property
    def continued_from(self) -> int | None:
        """The run this one continued training from (`TrainingJob`'s `continued_from`), or
        None for a training from scratch."""
        return self.settings.get("continued_from")

    def training_images(self, data: Dataset) -> Dataset:
        """The images this run trained on, taken from `data` (its dataset) as the training did:
        its number of training images, in the order of its seed; the test images unchanged."""
        return data.subset(self.settings.get("train_images"), None, seed=self.seed)

    @property
    def label(self) -> str:
        """"run 3 · dense · bundled", for pickers and legends."""
        return f"run {self.id} · {self.architecture} · {self.dataset}"

    def to_json(self) -> str:
        """The run's settings, history and metrics as JSON, for a download (no file paths)."""
        return json.dumps({k: v for k, v in asdict(self).items() if k != "model_path"},
                          indent=2)


@dataclass(frozen=True)
class SweepRecord:
    """One stored sweep, as `RunStore.sweeps` returns it; its runs carry its id.

    Args:
        plan: the sweep's plan as plain data (`aelib.sweeps.plan.SweepPlan.to_dict`).
        engine: where its runs went, in words.
        status: running, interrupted (its process is gone), finished, stopped or failed.
    """

    id: int
    workspace: str
    plan: dict
    engine: str
    started_at: float
    ended_at: float | None
    status: str


@dataclass(frozen=True)
class LoadedRun:
    """A stored run with its model rebuilt: `ae` is ready for the analysis functions."""

    record: RunRecord
    ae: Autoencoder

    @property
    def history(self) -> dict:
        """The per-epoch history."""
        return self.record.history

    @property
    def metrics(self) -> dict:
        """The final metrics."""
        return self.record.metrics


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RunStore:
    """Runs of one workspace, in `runs.sqlite` and `models/` under `path`.

    Args:
        path: the runs directory; None for `default_runs_dir()`.
        workspace: whose runs these are; other workspaces' runs are invisible here.
        sweep_id: the sweep that runs this store starts belong to (see `in_sweep`), or None.
    """

    def __init__(self, path: str | os.PathLike | None = None,
                 workspace: str = DEFAULT_WORKSPACE, sweep_id: int | None = None):
        self.path = Path(path) if path is not None else default_runs_dir()
        self.workspace = workspace
        self.sweep_id = sweep_id
        (self.path / "models").mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db, db:
            db.executescript(_SCHEMA)
            _add_missing_columns(db)

    def in_sweep(self, sweep_id: int) -> RunStore:
        """The same store, tagging every run it starts with `sweep_id`."""
        return RunStore(self.path, self.workspace, sweep_id)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path / "runs.sqlite", timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.row_factory = sqlite3.Row
        return db

    def start(self, ae: Autoencoder, data: Dataset, settings: dict) -> int:
        """Record a run as "running" before it trains; returns its id. The stored settings
        add the number of training and test images to `settings`."""
        with closing(self._connect()) as db, db:
            cursor = db.execute(
                "INSERT INTO runs (workspace, architecture, hparams, settings, dataset, "
                "dataset_source, seed, versions, started_at, status, pid, sweep_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)",
                (self.workspace, ae.architecture, json.dumps(ae.hparams),
                 json.dumps({**settings, "train_images": len(data.x_train),
                             "test_images": len(data.x_test)}),
                 data.name, data.source, int(settings.get("seed", ae.seed)),
                 json.dumps(library_versions()), time.time(), os.getpid(), self.sweep_id),
            )
            return int(cursor.lastrowid)

    def finish(self, run_id: int, ae: Autoencoder, history: dict, status: str = "finished",
               reason: str | None = None, metrics: dict | None = None) -> None:
        """Complete a run: save its model file, then its status, history and metrics."""
        from aelib.model.files import save_model_file

        model_path = save_model_file(ae, self.path / "models" / f"run-{run_id}.keras")
        with closing(self._connect()) as db, db:
            db.execute(
                "UPDATE runs SET ended_at=?, status=?, reason=?, history=?, metrics=?, "
                "model_path=? WHERE id=? AND workspace=?",
                (time.time(), status, reason, json.dumps(history), json.dumps(metrics or {}),
                 str(model_path), run_id, self.workspace),
            )

    def record_metrics(self, run_id: int, metrics: dict) -> None:
        """Store a run's final metrics, when they are computed after `finish`."""
        with closing(self._connect()) as db, db:
            db.execute("UPDATE runs SET metrics=? WHERE id=? AND workspace=?",
                       (json.dumps(metrics), run_id, self.workspace))

    def save(self, ae: Autoencoder, data: Dataset, settings: dict, history: dict,
             status: str = "finished", reason: str | None = None,
             metrics: dict | None = None) -> int:
        """Record a run that already ended; returns its id."""
        run_id = self.start(ae, data, settings)
        self.finish(run_id, ae, history, status, reason, metrics)
        return run_id

    def list(self, sweep_id: int | None = None) -> list[RunRecord]:
        """This workspace's runs, newest first; only those of sweep `sweep_id` if given."""
        with closing(self._connect()) as db:
            rows = db.execute("SELECT * FROM runs WHERE workspace=? AND (? IS NULL OR "
                              "sweep_id=?) ORDER BY id DESC",
                              (self.workspace, sweep_id, sweep_id)).fetchall()
        return [self._record(row) for row in rows]

    def start_sweep(self, plan: dict, engine: str) -> int:
        """Record a sweep as "running"; returns its id. `plan` is plain, JSON-able data."""
        with closing(self._connect()) as db, db:
            cursor = db.execute(
                "INSERT INTO sweeps (workspace, plan, engine, started_at, status, pid) "
                "VALUES (?, ?, ?, ?, 'running', ?)",
                (self.workspace, json.dumps(plan), engine, time.time(), os.getpid()))
            return int(cursor.lastrowid)

    def finish_sweep(self, sweep_id: int, status: str = "finished") -> None:
        """Mark a sweep as ended: "finished", "stopped" or "failed"."""
        with closing(self._connect()) as db, db:
            db.execute("UPDATE sweeps SET ended_at=?, status=? WHERE id=? AND workspace=?",
                       (time.time(), status, sweep_id, self.workspace))

    def sweeps(self) -> list[SweepRecord]:
        """This workspace's sweeps, newest first."""
        with closing(self._connect()) as db:
            rows = db.execute("SELECT * FROM sweeps WHERE workspace=? ORDER BY id DESC",
                              (self.workspace,)).fetchall()
        return [SweepRecord(**_with_liveness(dict(row), "plan")) for row in rows]

    def get(self, run_id: int) -> RunRecord:
        """One run's record.

        Raises:
            ValueError: no such run in this workspace.
        """
        with closing(self._connect()) as db:
            row = db.execute("SELECT * FROM runs WHERE id=? AND workspace=?",
                             (int(run_id), self.workspace)).fetchone()
        if row is None:
            raise ValueError(f"There is no run {run_id} in this workspace.")
        return self._record(row)

    def load(self, run_id: int) -> LoadedRun:
        """A run with its model rebuilt from the stored `.keras` file.

        Raises:
            ValueError: no such run, or it has no saved model (still running or interrupted).
        """
        from aelib.model.files import load_model_file

        record = self.get(run_id)
        if not record.model_path or not Path(record.model_path).exists():
            raise ValueError(f"Run {run_id} has no saved model (it is {record.status}).")
        return LoadedRun(record, load_model_file(record.model_path))

    def delete(self, run_id: int) -> None:
        """Remove a run and its model file."""
        record = self.get(run_id)
        with closing(self._connect()) as db, db:
            db.execute("DELETE FROM runs WHERE id=? AND workspace=?", (record.id, self.workspace))
        if record.model_path:
            Path(record.model_path).unlink(missing_ok=True)

    def compare(self, run_ids) -> list[dict]:
        """A table, one row per run: id, architecture, dataset, sweep, status, epochs, seconds
        and metrics."""
        rows = []
        for run_id in run_ids:
            record = self.get(run_id)
            rows.append({
                "run": record.id, "architecture": record.architecture,
                "dataset": record.dataset, "sweep": record.sweep_id, "status": record.status,
                "epochs": len(record.history.get("loss", [])),
                "seconds": None if record.seconds is None else round(record.seconds, 1),
                **{name: record.metrics.get(name) for name in METRIC_NAMES},
            })
        return rows

    def _record(self, row: sqlite3.Row) -> RunRecord:
        return RunRecord(**_with_liveness(dict(row), "hparams", "settings", "versions",
                                          "history", "metrics"))


def _with_liveness(values: dict, *json_columns: str) -> dict:
    """A row's values with its JSON columns read and its pid dropped: a row still "running"
    whose process is gone reads "interrupted"."""
    pid = values.pop("pid")
    for key in json_columns:
        values[key] = json.loads(values[key])
    if values["status"] == "running" and not (pid == os.getpid() or _alive(pid)):
        values["status"] = "interrupted"
    return values


def _add_missing_columns(db: sqlite3.Connection) -> None:
    """Bring a database made by an earlier aelib up to date (see `_ADDED_COLUMNS`)."""
    for table, column, definition in _ADDED_COLUMNS:
        present = {row["name"] for row in db.execute(f"PRAGMA table_info({table})")}
        if column not in present:
            try:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
            except sqlite3.OperationalError as error:  # another process added it just now
                if "duplicate column" not in str(error):
                    raise
    db.execute("CREATE INDEX IF NOT EXISTS runs_by_sweep ON runs (workspace, sweep_id)")
