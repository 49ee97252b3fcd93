"""A real PostgreSQL server for tests and benchmarks: Debian's binaries, a data directory of its
own, a free port; stopped by its data directory.

    with PostgresServer() as server:
        url = server.new_database()        # postgresql+psycopg://postgres@127.0.0.1:PORT/db_1

As root (a CI container), the server runs as the `postgres` user, which PostgreSQL requires.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.support import free_port

SUPERUSER = "postgres"


def postgres_bin() -> Path | None:
    """The folder of `initdb` and `pg_ctl`: on PATH, else the newest under
    /usr/lib/postgresql (Debian's `postgresql` package), else None."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                     key=lambda path: int(Path(path).parts[-3]))
    return Path(folders[-1]).parent if folders else None


class PostgresServer:
    """A PostgreSQL server listening on 127.0.0.1:`port`, in a new temporary data directory,
    or in `data` on `port` (a server someone else made, e.g. `deploy/lab.sh`'s, to stop and
    start again)."""

    def __init__(self, data: Path | None = None, port: int | None = None):
        self.bin = postgres_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql).")
        self.port = port or free_port()
        self.data = data or Path(tempfile.mkdtemp(prefix="aelib-postgres-"))
        self._as_postgres = os.geteuid() == 0  # PostgreSQL refuses to run as root
        self._databases = itertools.count(1)

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self._as_postgres else []
        done = subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"{command[0]} failed: {done.stdout}{done.stderr}"[-3000:])

    def start(self) -> PostgresServer:
        """Create the cluster on first start, then start the server and wait for it."""
        if self._as_postgres:
            shutil.chown(self.data, "postgres", "postgres")
        if not (self.data / "PG_VERSION").exists():
            self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", SUPERUSER,
                      "--auth=trust", "--encoding=UTF8", "--no-sync")
        # fsync off: a test server holds nothing worth a flush; the socket in its own folder.
        options = (f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -F "
                   "-c shared_buffers=16MB -c max_connections=60")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l",
                  str(self.data / "server.log"), "-o", options, "-w", "-t", "60", "start")
        return self

    def stop(self) -> None:
        """Stop the server (fast: open connections are closed); the data stays."""
        if (self.data / "postmaster.pid").exists():
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w",
                      "stop")

    def remove(self) -> None:
        """Stop the server and delete its data directory."""
        self.stop()
        shutil.rmtree(self.data, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of `database` on this server."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A new, empty database on this server; returns its URL."""
        import psycopg

        name = f"db_{next(self._databases)}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={SUPERUSER} "
                             "dbname=postgres", autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.remove()
