"""The run store's tables, the database a URL names, and bringing an older database up to date.

    url = store_url(None)                  # AELIB_RUNS_URL, else runs.sqlite in the runs dir
    engine = ready_engine(url)             # connects and creates or migrates the schema once

Version 1 is the schema aelib wrote before it had a version (runs, sweeps, each run's model as
a `.keras` file whose path the run kept); version 2 keeps the models as bytes in a table of
their own, so replicas on other machines read them without a shared disk, and notes the host of
the process that writes a row; version 3 adds what tells a "running" row's process apart from a
later one given the same pid (`process`) and the last time it said it was alive
(`heartbeat_at`), so that a run whose process or machine died is shown as interrupted. A
version-1 file is migrated in one transaction: the columns it lacks are added, every model file
it names is read into the database, and the files stay where they were; a version-2 database
gains version 3's columns. Schema changes run under a lock (SQLite's write lock, a PostgreSQL
advisory lock), so processes opening a new store at once create it once.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
import time
from contextlib import AbstractContextManager, closing
from pathlib import Path

from sqlalchemy import (Column, Float, ForeignKey, Index, Integer, LargeBinary, MetaData,
                        String, Table, Text, create_engine, delete, event, inspect, select,
                        text)
from sqlalchemy.engine import Connection, Engine, make_url

URL_VARIABLE = "AELIB_RUNS_URL"  # a SQLAlchemy URL: postgresql://user:password@host/database
SCHEMA_VERSION = 3
_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26  # SQLite's primary result codes of a damaged file
_LOCK_KEY = 0x61656C6962  # "aelib": the PostgreSQL advisory lock held while the schema changes

metadata = MetaData()
runs = Table(
    "runs", metadata,
    Column("id", Integer, primary_key=True),
    Column("workspace", Text, nullable=False),
    Column("architecture", Text, nullable=False),
    Column("hparams", Text, nullable=False),  # JSON, as every Text column holding a dict
    Column("settings", Text, nullable=False),
    Column("dataset", Text, nullable=False),
    Column("dataset_source", Text, nullable=False),
    Column("seed", Integer, nullable=False),
    Column("versions", Text, nullable=False),
    Column("started_at", Float, nullable=False),
    Column("ended_at", Float),
    Column("status", Text, nullable=False),
    Column("reason", Text),
    Column("history", Text, nullable=False, server_default="{}"),
    Column("metrics", Text, nullable=False, server_default="{}"),
    Column("pid", Integer, nullable=False),
    Column("sweep_id", Integer, ForeignKey("sweeps.id")),
    Column("host", Text),  # None in rows of version 1: written on this machine
    Column("process", Text),  # the writing process beyond its pid; None before version 3
    Column("heartbeat_at", Float),  # while running, renewed by its process; None before 3
    Index("runs_by_workspace", "workspace", "id"),
    Index("runs_by_sweep", "workspace", "sweep_id"),
    sqlite_autoincrement=True,  # as version 1: a deleted run's id is never given again
)
sweeps = Table(
    "sweeps", metadata,
    Column("id", Integer, primary_key=True),
    Column("workspace", Text, nullable=False),
    Column("plan", Text, nullable=False),
    Column("engine", Text, nullable=False),
    Column("started_at", Float, nullable=False),
    Column("ended_at", Float),
    Column("status", Text, nullable=False),
    Column("pid", Integer, nullable=False),
    Column("host", Text),
    Column("process", Text),
    Column("heartbeat_at", Float),
    sqlite_autoincrement=True,
)
models = Table(
    "models", metadata,
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True,
           autoincrement=False),
    Column("data", LargeBinary, nullable=False),  # the run's `.keras` file
)
store_info = Table(
    "store_info", metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
# What versions 2 and 3 added to an older database, in each dialect's words.
_ADDED_COLUMNS = (("runs", "sweep_id", "INTEGER REFERENCES sweeps (id)"),
                  ("runs", "host", "TEXT"), ("sweeps", "host", "TEXT"),
                  *((table, column, definition) for table in ("runs", "sweeps")
                    for column, definition in (("process", "TEXT"),
                                               ("heartbeat_at", "DOUBLE PRECISION"))))

_engines: dict[tuple[str, int], Engine] = {}
_ready: set[tuple[str, int]] = set()
_lock = threading.Lock()


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


def store_url(path: str | os.PathLike | None) -> str:
    """The database a store uses: `runs.sqlite` in `path` if given, else `AELIB_RUNS_URL`, else
    `runs.sqlite` in `default_runs_dir()`. A bare `postgresql://` URL gets the psycopg driver."""
    if path is None and os.environ.get(URL_VARIABLE):
        return with_driver(os.environ[URL_VARIABLE])
    folder = Path(path) if path is not None else default_runs_dir()
    return f"sqlite:///{folder / 'runs.sqlite'}"


def with_driver(url: str) -> str:
    """`url` with the psycopg driver if it names PostgreSQL without one (SQLAlchemy 2.0 would
    pick psycopg2, which aelib does not install)."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def shown_url(url: str) -> str:
    """`url` without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def ready_engine(url: str) -> Engine:
    """This process's engine for `url`, its schema created or migrated on first use.

    Raises:
        ValueError: the database was made by a newer aelib.
        sqlalchemy.exc.OperationalError: the database cannot be reached.
    """
    key = (url, os.getpid())  # a forked process makes its own connections
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _engines[key] = _create_engine(url)
        if key not in _ready:
            with writing(engine) as connection:
                _bring_up_to_date(connection)
            _ready.add(key)
    return engine


def damaged_file(error: Exception) -> bool:
    """Whether `error` (a SQLAlchemy `DBAPIError`) says a SQLite file is not a database or is
    corrupt: random bytes, a file cut short."""
    orig = getattr(error, "orig", None)
    return isinstance(orig, sqlite3.DatabaseError) and \
        (getattr(orig, "sqlite_errorcode", 0) & 0xFF) in (_SQLITE_CORRUPT, _SQLITE_NOTADB)


def set_aside(url: str) -> Path | None:
    """Move the damaged SQLite file of `url` (and its write-ahead log) aside, to
    `runs.sqlite.damaged-<UTC time>`, so that the next use starts a new, empty store there;
    the file is never deleted. This process's connections to it are closed first.

    Returns:
        Where the file went, or None if the file now at `url` reads soundly (another process
        set the damaged one aside already) or is gone.
    """
    with _lock:
        for key in [key for key in _engines if key[0] == url]:
            _engines.pop(key).dispose()
            _ready.discard(key)
        path = Path(make_url(url).database or ":memory:")
        if not path.is_file() or _sound(path):
            return None
        aside = path.with_name(f"{path.name}.damaged-"
                               f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}")
        while aside.exists():  # twice in one second
            aside = aside.with_name(aside.name + "-again")
        path.rename(aside)
        for suffix in ("-wal", "-shm"):  # a log of the damaged file would spoil the new one
            if path.with_name(path.name + suffix).exists():
                path.with_name(path.name + suffix).rename(aside.with_name(aside.name + suffix))
        return aside


def _sound(path: Path) -> bool:
    try:
        with closing(sqlite3.connect(path)) as db:
            return db.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    except sqlite3.DatabaseError:
        return False


def writing(engine: Engine) -> AbstractContextManager[Connection]:
    """A transaction for writes: on SQLite it takes the write lock at once (`BEGIN
    IMMEDIATE`), so two writers wait for each other instead of failing mid-transaction."""
    return engine.execution_options(sqlite_begin="BEGIN IMMEDIATE").begin()


def _create_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # pre_ping: after a database restart, pooled connections are tested and replaced.
        return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})
    if parsed.database:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30})

    # SQLAlchemy's recipe for pysqlite: the driver's own transaction handling is turned off,
    # and SQLAlchemy emits BEGIN itself, so that DDL is transactional and writes can lock early.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA journal_mode=WAL")

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection):
        connection.exec_driver_sql(connection.get_execution_options().get("sqlite_begin",
                                                                          "BEGIN"))

    return engine


def _bring_up_to_date(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    tables = set(inspect(connection).get_table_names())
    version = 1 if "runs" in tables else None
    if "store_info" in tables:
        version = int(connection.scalar(select(store_info.c.value).where(
            store_info.c.name == "schema_version")))
        if version > SCHEMA_VERSION:
            raise ValueError(f"This run store was written by a newer aelib (schema version "
                             f"{version}; this aelib reads up to {SCHEMA_VERSION}): upgrade "
                             "aelib to open it.")
        if version == SCHEMA_VERSION:
            return
    if version is not None:
        _add_columns(connection)
    if version == 1:
        _read_model_files(connection)
    metadata.create_all(connection)
    for index in runs.indexes:  # create_all makes those of the tables it creates only
        index.create(connection, checkfirst=True)
    connection.execute(delete(store_info).where(store_info.c.name == "schema_version"))
    connection.execute(store_info.insert().values(name="schema_version",
                                                  value=str(SCHEMA_VERSION)))


def _add_columns(connection: Connection) -> None:
    """Add the columns of later versions that an older database lacks."""
    inspector = inspect(connection)
    tables = set(inspector.get_table_names())  # the first release had no sweeps table
    for table, column, definition in _ADDED_COLUMNS:
        if table in tables and column not in {c["name"] for c in inspector.get_columns(table)}:
            connection.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")


def _read_model_files(connection: Connection) -> None:
    """Read every model file a version-1 database's runs name into `models`."""
    models.create(connection)
    for run_id, path in connection.exec_driver_sql(
            "SELECT id, model_path FROM runs WHERE model_path IS NOT NULL"):
        if Path(path).is_file():  # a file deleted by hand leaves its run without a model
            connection.execute(models.insert().values(run_id=run_id,
                                                      data=Path(path).read_bytes()))
