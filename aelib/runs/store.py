"""The run store: every training kept in a database, its model file with it.

    store = RunStore()          # AELIB_RUNS_URL, else runs.sqlite in AELIB_RUNS_DIR or the
                                # user's data directory
    run_id = store.save(ae, data, settings, result.history, metrics=metrics)
    store.list(); store.load(run_id); store.compare([1, 2]); store.delete(run_id)

A run records the architecture, hyperparameters, training settings, dataset and its source,
seed, library versions, start and end time, status (running, finished, stopped, failed, with
the reason), per-epoch history, final metrics and its saved `.keras` model (bytes in the
database: replicas of the app on several machines share one PostgreSQL and no disk). `start`
writes the run as "running" before training, `finish` writes its model and its end in one
transaction, so a crash mid-training leaves a run marked "running", never a half-written model.
While a run or sweep runs, its process renews its heartbeat (every `HEARTBEAT_SECONDS`); a
"running" row is listed as "interrupted" once its heartbeat is older than `HEARTBEAT_TIMEOUT`
(its process or its whole machine died), or at once when it was written on this machine by a
process that is gone: a pid is not enough to tell (pid 1 in a container is always alive), so a
row notes its process's start time and the machine's boot as well. A row that cannot be read
(invalid JSON, a value missing) is listed as "damaged", with the reason, and can be deleted;
it hides no other run. Runs belong to a workspace; a store lists one
workspace's runs. A sweep (`aelib.sweeps.local`) is kept as a row of its own, and each of its
runs carries its id.

The constructor only stores where the database is: the first call connects, and creates or
migrates the schema (`aelib.runs.schema`). A database that cannot be reached raises
`StoreUnavailable`, a `ValueError` (and a `ConnectionError`) whose message a page can show as
it is; the next call tries again. A SQLite file that is not a database or is corrupt is moved
aside (`runs.sqlite.damaged-<time>`, never deleted) and the call raises `StoreDamaged`, a
`StoreUnavailable` saying so; the next call starts a new, empty store in its place.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import Float, Integer, String, Table, Text, delete, select, update
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError

from aelib.explore.metrics import METRICS
from aelib.runs.schema import default_runs_dir  # noqa: F401 (a public name of this module)
from aelib.runs.schema import (damaged_file, models, ready_engine, runs, set_aside, shown_url,
                               store_url, sweeps, with_driver, writing)

if TYPE_CHECKING:  # the store itself needs no Keras: listing runs stays light
    from aelib.model.autoencoder import Autoencoder
    from aelib.data.datasets import Dataset

DEFAULT_WORKSPACE = "local"
# The final metrics a run keeps, in the order `compare` lists them (notebooks import the
# names from here; the table of them is `aelib.explore.metrics.METRICS`).
METRIC_NAMES = tuple(METRICS)
HOST = socket.gethostname()  # with the process, tells whether a "running" row's process lives
HEARTBEAT_SECONDS = 20.0  # how often a process renews the heartbeat of its running rows
HEARTBEAT_TIMEOUT = 120.0  # a "running" row not renewed for this long is interrupted
_RUN_COLUMNS = (*runs.c, models.c.run_id.is_not(None).label("has_model"))
_RUN_JSON = ("hparams", "settings", "versions", "history", "metrics")
# What a row's columns must hold, in words, and what stands in for a value that cannot be read.
_TYPES = {Integer: ((int,), "a whole number", 0), Float: ((float, int), "a number", 0.0),
          Text: ((str,), "text", ""), String: ((str,), "text", "")}
_log = logging.getLogger(__name__)


class StoreUnavailable(ValueError, ConnectionError):
    """The run store's database cannot be reached (a server down or restarting, a file
    locked for too long); the message says which store, in one sentence."""


class StoreDamaged(StoreUnavailable):
    """The store's SQLite file was damaged: it was moved aside and a new, empty store starts
    in its place at the next call; the message says where the damaged file went."""


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
    sweep_id: int | None = None  # the sweep it belongs to, if any
    has_model: bool = False  # whether its model is stored (not while running or interrupted)

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
        """The run's settings, history and metrics as JSON, for a download."""
        return json.dumps(asdict(self), indent=2)


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


class RunStore:
    """Runs of one workspace, in the database at `url`.

    Args:
        path: a runs directory, for `runs.sqlite` in it; None for `AELIB_RUNS_URL`, else
            `default_runs_dir()`.
        workspace: whose runs these are; other workspaces' runs are invisible here.
        sweep_id: the sweep that runs this store starts belong to (see `in_sweep`), or None.
        url: a SQLAlchemy database URL (`sqlite:///runs.sqlite`,
            `postgresql://user:password@host/database`), instead of `path`.
    """

    def __init__(self, path: str | os.PathLike | None = None,
                 workspace: str = DEFAULT_WORKSPACE, sweep_id: int | None = None, *,
                 url: str | None = None):
        self.url = with_driver(url) if url is not None else store_url(path)
        self.workspace = workspace
        self.sweep_id = sweep_id

    def in_sweep(self, sweep_id: int) -> RunStore:
        """The same store, tagging every run it starts with `sweep_id`."""
        return RunStore(workspace=self.workspace, sweep_id=sweep_id, url=self.url)

    @contextmanager
    def _connection(self, write: bool = False) -> Iterator[Connection]:
        """A connection (a transaction committed at the end when `write`); a database that
        cannot be reached raises `StoreUnavailable`."""
        try:
            engine = ready_engine(self.url)
            with writing(engine) if write else engine.connect() as connection:
                yield connection
        except DBAPIError as error:
            if damaged_file(error):
                raise self._damaged(error) from error
            if not isinstance(error, (OperationalError, InterfaceError)) \
                    and not error.connection_invalidated:
                raise
            raise self._unavailable(error) from error

    def _damaged(self, error: DBAPIError) -> StoreUnavailable:
        aside = set_aside(self.url)
        if aside is None:  # set aside by another process meanwhile: the next call opens anew
            return self._unavailable(error)
        _log.error("The run store %s was damaged (%s); moved aside to %s.",
                   shown_url(self.url), error.orig, aside)
        return StoreDamaged(f"The run store file was damaged ({error.orig}), so it was moved "
                            f"aside to {aside} and a new, empty run store starts in its place.")

    def _unavailable(self, error: DBAPIError) -> StoreUnavailable:
        # The driver's last words: "Connection refused", "database is locked".
        cause = str(error.orig).strip().splitlines()[0].rsplit(": ", 1)[-1] if error.orig \
            else type(error).__name__
        return StoreUnavailable(f"The run store at {shown_url(self.url)} cannot be reached "
                                f"right now ({cause}); try again in a moment.")

    def start(self, ae: Autoencoder, data: Dataset, settings: dict) -> int:
        """Record a run as "running" before it trains; returns its id. The stored settings
        add the number of training and test images to `settings`."""
        values = dict(
            workspace=self.workspace, architecture=ae.architecture,
            hparams=json.dumps(ae.hparams),
            settings=json.dumps({**settings, "train_images": len(data.x_train),
                                 "test_images": len(data.x_test)}),
            dataset=data.name, dataset_source=data.source,
            seed=int(settings.get("seed", ae.seed)), versions=json.dumps(library_versions()),
            sweep_id=self.sweep_id, **_running())
        with self._connection(write=True) as db:
            run_id = int(db.execute(runs.insert().values(**values)).inserted_primary_key[0])
        _HEARTBEAT.add(self.url, runs, run_id)
        return run_id

    def finish(self, run_id: int, ae: Autoencoder, history: dict, status: str = "finished",
               reason: str | None = None, metrics: dict | None = None) -> None:
        """Complete a run: its model, status, history and metrics, in one transaction.

        Raises:
            ValueError: the run is no longer in the store (deleted meanwhile, or its damaged
                store file was set aside): nothing was kept.
        """
        from aelib.model.files import model_file_bytes

        model = model_file_bytes(ae)
        with self._connection(write=True) as db:
            done = db.execute(self._mine(update(runs), run_id).values(
                ended_at=time.time(), status=status, reason=reason,
                history=json.dumps(history), metrics=json.dumps(metrics or {})))
            if done.rowcount:
                db.execute(delete(models).where(models.c.run_id == run_id))
                db.execute(models.insert().values(run_id=run_id, data=model))
        _HEARTBEAT.remove(self.url, runs, run_id)
        if not done.rowcount:
            raise ValueError(f"Run {run_id} is no longer in the run store (deleted meanwhile, "
                             "or its damaged store file was set aside), so it was not saved.")

    def interrupt(self, run_id: int, history: dict, reason: str) -> None:
        """End a run whose training was lost with what trained it (a Ray cluster gone): its
        status "interrupted", the history so far and `reason`, and no model."""
        with self._connection(write=True) as db:
            db.execute(self._mine(update(runs), run_id).values(
                ended_at=time.time(), status="interrupted", reason=reason,
                history=json.dumps(history)))
        _HEARTBEAT.remove(self.url, runs, run_id)

    def record_metrics(self, run_id: int, metrics: dict) -> None:
        """Store a run's final metrics, when they are computed after `finish`."""
        with self._connection(write=True) as db:
            db.execute(self._mine(update(runs), run_id).values(metrics=json.dumps(metrics)))

    def save(self, ae: Autoencoder, data: Dataset, settings: dict, history: dict,
             status: str = "finished", reason: str | None = None,
             metrics: dict | None = None) -> int:
        """Record a run that already ended; returns its id."""
        run_id = self.start(ae, data, settings)
        self.finish(run_id, ae, history, status, reason, metrics)
        return run_id

    def list(self, sweep_id: int | None = None) -> list[RunRecord]:
        """This workspace's runs, newest first; only those of sweep `sweep_id` if given."""
        query = self._runs().order_by(runs.c.id.desc())
        if sweep_id is not None:
            query = query.where(runs.c.sweep_id == sweep_id)
        with self._connection() as db:
            return [_record(row) for row in db.execute(query)]  # a damaged row is marked

    def start_sweep(self, plan: dict, engine: str) -> int:
        """Record a sweep as "running"; returns its id. `plan` is plain, JSON-able data."""
        with self._connection(write=True) as db:
            sweep_id = int(db.execute(sweeps.insert().values(
                workspace=self.workspace, plan=json.dumps(plan), engine=engine, **_running(),
            )).inserted_primary_key[0])
        _HEARTBEAT.add(self.url, sweeps, sweep_id)
        return sweep_id

    def finish_sweep(self, sweep_id: int, status: str = "finished") -> None:
        """Mark a sweep as ended: "finished", "stopped" or "failed"."""
        with self._connection(write=True) as db:
            db.execute(update(sweeps).where(sweeps.c.id == sweep_id,
                                            sweeps.c.workspace == self.workspace)
                       .values(ended_at=time.time(), status=status))
        _HEARTBEAT.remove(self.url, sweeps, sweep_id)

    def sweeps(self) -> list[SweepRecord]:
        """This workspace's sweeps, newest first."""
        with self._connection() as db:
            rows = db.execute(select(sweeps).where(sweeps.c.workspace == self.workspace)
                              .order_by(sweeps.c.id.desc()))
            return [SweepRecord(**_readable(row._asdict(), sweeps, "plan")) for row in rows]

    def get(self, run_id: int) -> RunRecord:
        """One run's record.

        Raises:
            ValueError: no such run in this workspace, or its row is damaged (the message
                says what cannot be read).
        """
        with self._connection() as db:
            row = db.execute(self._runs().where(runs.c.id == int(run_id))).first()
        if row is None:
            raise ValueError(f"There is no run {run_id} in this workspace.")
        record = _record(row)
        if record.status == "damaged":
            raise ValueError(record.reason)
        return record

    def model_bytes(self, run_id: int) -> bytes:
        """A run's `.keras` file, as bytes (for a download).

        Raises:
            ValueError: no such run, or it has no saved model (still running or interrupted).
        """
        with self._connection() as db:  # the row itself is not read: a damaged one's model
            data = db.scalar(self._mine(select(models.c.data).select_from(runs.join(models)),
                                        int(run_id)))
        if data is None:
            raise ValueError(f"Run {run_id} has no saved model (it is "
                             f"{self.get(run_id).status}).")
        return bytes(data)

    def load(self, run_id: int) -> LoadedRun:
        """A run with its model rebuilt from its stored `.keras` file.

        Raises:
            ValueError: no such run, or it has no saved model (still running or interrupted).
        """
        from aelib.model.files import load_model_file

        record, data = self.get(run_id), self.model_bytes(run_id)
        with tempfile.TemporaryDirectory(prefix="aelib-model-") as folder:
            path = Path(folder) / f"run-{run_id}.keras"  # the loader checks files, not bytes
            path.write_bytes(data)
            return LoadedRun(record, load_model_file(path))

    def delete(self, run_id: int) -> None:
        """Remove a run and its model.

        Raises:
            ValueError: no such run in this workspace.
        """
        with self._connection(write=True) as db:  # a damaged row goes as well as any
            if db.scalar(self._mine(select(runs.c.id), int(run_id))) is None:
                raise ValueError(f"There is no run {run_id} in this workspace.")
            db.execute(delete(models).where(models.c.run_id == int(run_id)))
            db.execute(self._mine(delete(runs), int(run_id)))

    def compare(self, run_ids: Iterable[int]) -> list[dict]:
        """A table, one row per run: id, architecture, dataset, sweep, status, epochs, seconds
        and metrics.

        Raises:
            ValueError: one of the runs is not in this workspace.
        """
        run_ids = [int(run_id) for run_id in run_ids]
        with self._connection() as db:
            found = {row.id: _record(row) for row in db.execute(
                self._runs().where(runs.c.id.in_(run_ids)))}
        missing = [run_id for run_id in run_ids if run_id not in found]
        if missing:
            raise ValueError(f"There is no run {missing[0]} in this workspace.")
        return [{
            "run": record.id, "architecture": record.architecture,
            "dataset": record.dataset, "sweep": record.sweep_id, "status": record.status,
            "epochs": len(record.history.get("loss", [])),
            "seconds": None if record.seconds is None else round(record.seconds, 1),
            **{name: record.metrics.get(name) for name in METRIC_NAMES},
        } for record in map(found.get, run_ids)]

    def _runs(self):
        """A query of this workspace's runs, each with whether its model is stored."""
        return (select(*_RUN_COLUMNS).select_from(runs.outerjoin(models))
                .where(runs.c.workspace == self.workspace))

    def _mine(self, statement, run_id: int):
        return statement.where(runs.c.id == run_id, runs.c.workspace == self.workspace)


def _record(row: Row) -> RunRecord:
    values = _readable(row._asdict(), runs, *_RUN_JSON)
    return RunRecord(**{**values, "has_model": bool(values["has_model"])})


def _readable(values: dict, table: Table, *json_columns: str) -> dict:
    """A row's values for its record: its JSON columns read, its status as it stands, its
    process columns dropped. A row with a value missing, of the wrong type or not a JSON
    object is "damaged" (with the reason, for a run), those values emptied."""
    problems = []
    for column in table.c:
        name = column.name
        types, words, empty = _TYPES[type(column.type)]
        if values[name] is None:
            if not column.nullable:
                problems.append(f"its {name} is missing")
                values[name] = {} if name in json_columns else empty
        elif name in json_columns:
            try:
                values[name] = json.loads(values[name])
            except (TypeError, ValueError, RecursionError):  # RecursionError: nested deep
                values[name] = None
            if not isinstance(values[name], dict):
                problems.append(f"its {name} is not a JSON object")
                values[name] = {}
        elif not isinstance(values[name], types):
            problems.append(f"its {name} is not {words}")
            values[name] = empty
    process = {key: values.pop(key) for key in ("pid", "host", "process", "heartbeat_at")}
    if problems:
        values["status"] = "damaged"
        if "reason" in table.c:
            values["reason"] = (f"Run {values['id']} is damaged ({', '.join(problems)}): it "
                                "cannot be opened; delete it.")
    elif values["status"] == "running" and _gone(values["started_at"], **process):
        values["status"] = "interrupted"
    return values


def _running() -> dict:
    """The columns of a row this process starts: its status, start and heartbeat, and what
    tells its process apart."""
    now = time.time()
    return dict(started_at=now, heartbeat_at=now, status="running", pid=os.getpid(), host=HOST,
                process=process_identity(os.getpid()))


def _gone(started_at: float, pid: int, host: str | None, process: str | None,
          heartbeat_at: float | None) -> bool:
    """Whether the process of a "running" row is gone: its heartbeat (or, in a row from before
    heartbeats, its start) is older than `HEARTBEAT_TIMEOUT`, or it ran on this machine and
    no process of its pid and start time lives."""
    if time.time() - (heartbeat_at or started_at) > HEARTBEAT_TIMEOUT:
        return True
    if host not in (None, HOST):  # another machine: only its heartbeat tells
        return False
    if process is None:  # written before version 3: the pid is all there is
        return process_identity(pid) is None
    return process != process_identity(pid)


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


_BOOT = _boot_id()


def process_identity(pid: int) -> str | None:
    """What tells the process `pid` apart from a later one given the same pid: the machine's
    boot, the pid and the process's start time (from /proc; the pid alone where there is no
    /proc). None if no process has that pid."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None if Path("/proc/self/stat").exists() else _pid_if_alive(pid)
    except OSError:
        return _pid_if_alive(pid)
    started = stat.rsplit(")", 1)[1].split()[19]  # field 22: start time, after the name
    return f"{_BOOT}:{pid}:{started}"


def _pid_if_alive(pid: int) -> str | None:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return str(pid)


class _Heartbeat:
    """The rows this process runs, by store and table, and a thread renewing their heartbeat
    every `HEARTBEAT_SECONDS` (started with the first row, one per process)."""

    def __init__(self):
        self._rows: dict[tuple[str, Table], set[int]] = {}
        self._lock = threading.Lock()
        self._pid = None  # the process whose thread beats: a forked child starts its own
        self._failing: set[str] = set()  # stores the last beat could not reach

    def add(self, url: str, table: Table, row_id: int) -> None:
        """Renew the heartbeat of row `row_id` of `table` at `url` until it is removed."""
        with self._lock:
            if self._pid != os.getpid():
                self._rows, self._pid = {}, os.getpid()
                threading.Thread(target=self._run, name="aelib-run-heartbeat",
                                 daemon=True).start()
            self._rows.setdefault((url, table), set()).add(row_id)

    def remove(self, url: str, table: Table, row_id: int) -> None:
        """Stop renewing a row's heartbeat: it ended."""
        with self._lock:
            self._rows.get((url, table), set()).discard(row_id)

    def beat(self) -> None:
        """Renew the heartbeat of every row still running; a store that cannot be reached is
        tried again at the next beat."""
        with self._lock:
            rows = {key: sorted(ids) for key, ids in self._rows.items() if ids}
        for (url, table), ids in rows.items():
            try:
                with writing(ready_engine(url)) as db:
                    db.execute(update(table).where(table.c.id.in_(ids),
                                                   table.c.status == "running")
                               .values(heartbeat_at=time.time()))
            except SQLAlchemyError as error:
                if url not in self._failing:  # once, not every beat while it is down
                    _log.warning("No heartbeat for the runs at %s: %s", shown_url(url), error)
                self._failing.add(url)
            else:
                self._failing.discard(url)

    def _run(self) -> None:
        while True:
            time.sleep(HEARTBEAT_SECONDS)
            self.beat()


_HEARTBEAT = _Heartbeat()
