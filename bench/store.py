"""The run store on SQLite and on PostgreSQL: saving a run (its model included), listing 1,000
runs, loading a run's model, comparing runs, and 8 processes saving at once. Prints runs per
second, median and p95 latency, and how many runs the concurrent writers lost or duplicated.

PostgreSQL is a server of the bench's own (Debian's binaries, `tests/support/postgres.py`), in
a temporary data directory, stopped after; SQLite is a file in a temporary directory. Every run
saved is a real, untrained dense model (about 1 MB); the 1,000 runs listed are started runs
(their rows, as `RunStore.start` writes them) beside the saved ones.

    python bench/store.py [--runs 1000] [--saves 30] [--writers 8] [--per-writer 10]
    python bench/store.py --tiny           # a smoke run of a few seconds
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # the writers' TensorFlow start-up notes
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support import ROOT  # noqa: E402
from tests.support.postgres import PostgresServer  # noqa: E402

WRITER = """
import json, sys, time
import aelib
from aelib.runs.store import RunStore
url, writer, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = aelib.load_dataset("bundled").subset(64, 16)
store, ae = RunStore(url=url), aelib.build("dense", seed=0)
store.list()  # connected, schema ready, before the clock starts
print("ready", flush=True)
sys.stdin.readline()  # every writer starts at once
seconds = []
for index in range(runs):
    began = time.perf_counter()
    store.save(ae, data, {"writer": writer, "index": index}, {})
    seconds.append(time.perf_counter() - began)
print(json.dumps(seconds))
"""


def timed(call, repeats: int) -> list[float]:
    """Seconds of each of `repeats` calls of `call`."""
    seconds = []
    for _ in range(repeats):
        began = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - began)
    return seconds


def summary(seconds: list[float]) -> str:
    """"12.3 ms median, 20.1 ms p95"."""
    p95 = statistics.quantiles(seconds, n=20)[-1] if len(seconds) > 1 else seconds[0]
    return f"{statistics.median(seconds) * 1000:.1f} ms median, {p95 * 1000:.1f} ms p95"


def one_process(url: str, runs: int, saves: int) -> dict[str, str]:
    """Save, list, load and compare in this process."""
    import aelib
    from aelib.runs.store import RunStore

    data = aelib.load_dataset("bundled").subset(64, 16)
    store, ae = RunStore(url=url), aelib.build("dense", seed=0)
    store.list()
    saved = timed(lambda: store.save(ae, data, {"epochs": 1}, {"loss": [0.3]}), saves)
    for _ in range(runs - saves):
        store.start(ae, data, {"epochs": 1})
    ids = [record.id for record in store.list()]
    assert len(ids) == runs, (len(ids), runs)
    listed = timed(store.list, 5)
    some = ids[-saves:]  # the saved ones: they have models
    loaded = timed(lambda: store.load(some[0]), min(saves, 10))
    compared = timed(lambda: store.compare(ids[:50]), 5)
    return {"save": f"{saves / sum(saved):.1f} runs/s ({summary(saved)})",
            f"list {runs}": summary(listed), "load": summary(loaded),
            "compare 50": summary(compared)}


def many_processes(url: str, writers: int, per_writer: int) -> str:
    """`writers` processes saving `per_writer` runs each at once into an empty store."""
    from aelib.runs.store import RunStore

    processes = [subprocess.Popen([sys.executable, "-c", WRITER, url, str(writer),
                                   str(per_writer)], cwd=ROOT, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
                 for writer in range(writers)]
    for process in processes:
        assert process.stdout.readline().strip() == "ready"
    began = time.perf_counter()
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    latencies = [second for process in processes
                 for second in json.loads(process.stdout.readline())]
    wall = time.perf_counter() - began
    for process in processes:
        process.wait(60)
    records = RunStore(url=url).list()
    expected = {(writer, index) for writer in range(writers) for index in range(per_writer)}
    found = [(r.settings["writer"], r.settings["index"]) for r in records]
    lost, duplicated = len(expected - set(found)), len(found) - len(set(found))
    return (f"{len(latencies) / wall:.1f} runs/s ({summary(latencies)}), lost {lost}, "
            f"duplicated {duplicated}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--saves", type=int, default=30)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--per-writer", type=int, default=10)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--tiny", action="store_true", help="a few seconds' smoke run")
    args = parser.parse_args()
    if args.tiny:
        args.runs, args.saves, args.writers, args.per_writer = 12, 3, 2, 2

    with tempfile.TemporaryDirectory() as folder, PostgresServer() as server:
        urls = {"sqlite": lambda name: f"sqlite:///{folder}/{name}.sqlite",
                "postgresql": lambda name: server.new_database()}
        for database in args.databases:
            figures = one_process(urls[database]("one"), args.runs, args.saves)
            figures[f"{args.writers} processes saving"] = many_processes(
                urls[database]("many"), args.writers, args.per_writer)
            for name, figure in figures.items():
                print(f"{database:<10} {name:<22} {figure}", flush=True)


if __name__ == "__main__":
    main()
