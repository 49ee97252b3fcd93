"""The run store: every training kept in an embedded SQLite database, with its model file.

    store = RunStore()                       # AELIB_RUNS_DIR, else the user's data directory
    run_id = store.save(ae, data, settings, result, metrics)
    store.list(); store.load(run_id); store.compare([1, 2]); store.delete(run_id)

A run records the architecture, hyperparameters, training settings, dataset and its source,
seed, library versions, start and end time, status (running, finished, stopped, failed, with
the reason), per-epoch history, final metrics and the path of its saved `.keras` model. `start`
writes the run as "running" before training, `finish` completes it: SQLite commits each write
whole, and the model is written to a temporary file and renamed, so a crash mid-training leaves
a run marked "running" (listed as "interrupted" once its process is gone), never a corrupt
database or a half-written model. Runs belong to a workspace; a store lists one workspace's runs.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from aelib.autoencoder import Autoencoder
from aelib.datasets import Dataset
from aelib.model_files import load_model_file, save_model_file

DEFAULT_WORKSPACE = "local"
METRIC_NAMES = ("test_loss", "psnr", "ssim", "pca_loss", "pca_psnr", "pca_ssim", "code_mean",
                "inactive_fraction", "knn_accuracy")
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
"""


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

    @property
    def seconds(self) -> float | None:
        """Wall time of the run, None while it runs."""
        return None if self.ended_at is None else self.ended_at - self.started_at


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
    """

    def __init__(self, path: str | os.PathLike | None = None,
                 workspace: str = DEFAULT_WORKSPACE):
        self.path = Path(path) if path is not None else default_runs_dir()
        self.workspace = workspace
        (self.path / "models").mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db, db:
            db.executescript(_SCHEMA)

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
                "dataset_source, seed, versions, started_at, status, pid) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?)",
                (self.workspace, ae.architecture, json.dumps(ae.hparams),
                 json.dumps({**settings, "train_images": len(data.x_train),
                             "test_images": len(data.x_test)}),
                 data.name, data.source, int(settings.get("seed", ae.seed)),
                 json.dumps(library_versions()), time.time(), os.getpid()),
            )
            return int(cursor.lastrowid)

    def finish(self, run_id: int, ae: Autoencoder, history: dict, status: str = "finished",
               reason: str | None = None, metrics: dict | None = None) -> None:
        """Complete a run: save its model file, then its status, history and metrics."""
        model_path = save_model_file(ae, self.path / "models" / f"run-{run_id}.keras")
        with closing(self._connect()) as db, db:
            db.execute(
                "UPDATE runs SET ended_at=?, status=?, reason=?, history=?, metrics=?, "
                "model_path=? WHERE id=? AND workspace=?",
                (time.time(), status, reason, json.dumps(history), json.dumps(metrics or {}),
                 str(model_path), run_id, self.workspace),
            )

    def save(self, ae: Autoencoder, data: Dataset, settings: dict, history: dict,
             status: str = "finished", reason: str | None = None,
             metrics: dict | None = None) -> int:
        """Record a run that already ended; returns its id."""
        run_id = self.start(ae, data, settings)
        self.finish(run_id, ae, history, status, reason, metrics)
        return run_id

    def list(self) -> list[RunRecord]:
        """This workspace's runs, newest first."""
        with closing(self._connect()) as db:
            rows = db.execute("SELECT * FROM runs WHERE workspace=? ORDER BY id DESC",
                              (self.workspace,)).fetchall()
        return [self._record(row) for row in rows]

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
        """A table, one row per run: id, architecture, dataset, epochs, seconds and metrics."""
        rows = []
        for run_id in run_ids:
            record = self.get(run_id)
            rows.append({
                "run": record.id, "architecture": record.architecture,
                "dataset": record.dataset, "status": record.status,
                "epochs": len(record.history.get("loss", [])),
                "seconds": None if record.seconds is None else round(record.seconds, 1),
                **{name: record.metrics.get(name) for name in METRIC_NAMES},
            })
        return rows

    def _record(self, row: sqlite3.Row) -> RunRecord:
        values = dict(row)
        pid = values.pop("pid")
        for key in ("hparams", "settings", "versions", "history", "metrics"):
            values[key] = json.loads(values[key])
        if values["status"] == "running" and not (pid == os.getpid() or _alive(pid)):
            values["status"] = "interrupted"
        return RunRecord(**values)
