"""Moving a whole run store to another database: SQLite to PostgreSQL and back.

    python -m aelib.runs copy --from sqlite:///runs.sqlite --to postgresql://lab@db/lab

Every workspace's runs, sweeps and models are copied with their ids (so links and sweeps that
name a run still find it), in one transaction on the target, which must hold no runs or sweeps
yet. The source is brought up to date as opening it in the app would (`aelib.runs.schema`),
then only read.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sqlalchemy import func, make_url, select, text
from sqlalchemy.exc import OperationalError

from aelib.runs.schema import (models, ready_engine, runs, shown_url, sweeps, with_driver,
                               writing)

_TABLES = (sweeps, runs, models)  # in the order their foreign keys need
_BATCH = 50  # rows at once: models are megabytes each


def copy_store(source: str, target: str) -> int:
    """Copy every run, sweep and model of the store at `source` into the one at `target`.

    Args:
        source: the database URL of the store to copy (it is not changed).
        target: the database URL of an empty store (created if need be).

    Returns:
        The number of runs copied.

    Raises:
        ValueError: `source` is a SQLite file that does not exist, or `target` already holds
            runs or sweeps, or is `source` itself.
    """
    source, target = with_driver(source), with_driver(target)
    if source == target:
        raise ValueError("The source and target stores are the same database; name another "
                         "one with --to.")
    database = make_url(source).database
    if make_url(source).get_backend_name() == "sqlite" and not Path(database or "").is_file():
        raise ValueError(f"There is no run store at {source}: give the URL of an existing "
                         "runs.sqlite (sqlite:////path/to/runs.sqlite).")
    with ready_engine(source).connect() as reading, writing(ready_engine(target)) as into:
        held = sum(into.scalar(select(func.count()).select_from(table))
                   for table in (runs, sweeps))
        if held:
            raise ValueError(f"The store at {shown_url(target)} already holds runs or sweeps; "
                             "copy into an empty database so no run id is given twice.")
        for table in _TABLES:
            rows = reading.execute(select(table)).mappings()
            while batch := rows.fetchmany(_BATCH):
                into.execute(table.insert(), [dict(row) for row in batch])
        if into.dialect.name == "postgresql":  # the next run after the copied ones
            for table in (runs, sweeps):
                into.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', "
                                  f"'id'), COALESCE(MAX(id), 0) + 1, false) FROM {table.name}"))
        return into.scalar(select(func.count()).select_from(runs))


def main(argv: list[str] | None = None) -> None:
    """`python -m aelib.runs copy --from URL --to URL`: copy a store and say how many runs."""
    parser = argparse.ArgumentParser(prog="python -m aelib.runs",
                                     description="Manage Autoencoder Lab's run store.")
    commands = parser.add_subparsers(dest="command", required=True)
    copy = commands.add_parser("copy", help="copy every run, sweep and model to an empty store")
    copy.add_argument("--from", dest="source", required=True, help="database URL to copy")
    copy.add_argument("--to", dest="target", required=True, help="database URL of an empty store")
    arguments = parser.parse_args(argv)
    try:
        moved = copy_store(arguments.source, arguments.target)
    except ValueError as error:
        parser.exit(2, f"{error}\n")
    except OperationalError as error:
        parser.exit(2, f"A store cannot be reached: {error.orig}\n")
    print(f"Copied {moved} runs from {shown_url(arguments.source)} to "
          f"{shown_url(arguments.target)}.")

