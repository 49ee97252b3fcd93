"""A 12-run sweep (dense, code sizes 8/16/32/64 x seeds 0/1/2, the bundled sample) on the
local engine and on a local Ray cluster with 2 workers: runs per minute, and the peak resident
memory of the driver's process (the app's, in the lab) during each.

Each engine runs in a fresh driver process that first loads what the app holds at rest
(TensorFlow, the dataset, one model built), then runs the sweep. For Ray, the script starts a
cluster with `ray start --head --num-cpus=2` in a temporary directory and stops it with
`ray stop` at the end; each run reserves 1 CPU, so 2 train at once.

    python bench/sweep.py [--epochs 5] [--engines local ray] [--code-sizes 8,16,32,64]
                          [--seeds 0,1,2]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support import ROOT, free_port  # noqa: E402

RAY = str(Path(sys.executable).parent / "ray")
CODE_SIZES, SEEDS = [8, 16, 32, 64], [0, 1, 2]

DRIVER = """
import json, re, sys, tempfile, time
from pathlib import Path
import aelib
from aelib.sweeps import local as sweeps

def peak_mib():
    return int(re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text())[1]) / 1024

def resident_mib():
    return int(re.search(r"VmRSS:\\s+(\\d+) kB", Path("/proc/self/status").read_text())[1]) / 1024

def workers_peak_mib():
    # Ray's worker processes (named ray::...) on this machine, before the job ends with us.
    total = 0.0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            if (status.parent / "cmdline").read_bytes().startswith(b"ray::"):
                total += int(re.search(r"VmHWM:\\s+(\\d+) kB", status.read_text())[1]) / 1024
        except OSError:
            continue
    return total

engine_name, address, epochs = sys.argv[1], sys.argv[2], int(sys.argv[3])
CODE_SIZES, SEEDS = json.loads(sys.argv[4]), json.loads(sys.argv[5])
data = aelib.load_dataset("bundled")
aelib.build("dense").summary()  # the app at rest: Keras loaded, a model built
engine = sweeps.LocalEngine() if engine_name == "local" else sweeps.ray_engine(address)
resting = resident_mib()
started = time.perf_counter()
handle = aelib.sweep(data, ["dense"], {"encoding_dim": CODE_SIZES}, seeds=SEEDS,
                     settings={"epochs": epochs, "batch_size": 256},
                     store=aelib.RunStore(tempfile.mkdtemp()), engine=engine)
snapshots = handle.wait()
seconds = time.perf_counter() - started
print(json.dumps({"engine": engine_name, "runs": len(snapshots),
                  "finished": sum(s.status == "finished" for s in snapshots),
                  "seconds": seconds, "runs_per_minute": 60 * len(snapshots) / seconds,
                  "resting_mib": resting, "peak_mib": peak_mib(),
                  "workers_mib": workers_peak_mib(), "message": handle.message}))
"""


def run_driver(engine: str, address: str, epochs: int, code_sizes: list[int],
               seeds: list[int]) -> dict:
    done = subprocess.run([sys.executable, "-c", DRIVER, engine, address, str(epochs),
                           json.dumps(code_sizes), json.dumps(seeds)],
                          cwd=ROOT, capture_output=True, text=True, timeout=3600)
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--engines", nargs="+", default=["local", "ray"],
                        choices=["local", "ray"])
    parser.add_argument("--code-sizes", default=",".join(map(str, CODE_SIZES)),
                        help="comma-separated (fewer for a smoke run)")
    parser.add_argument("--seeds", default=",".join(map(str, SEEDS)), help="comma-separated")
    args = parser.parse_args()
    code_sizes, seeds = ([int(v) for v in text.split(",")] for text in (args.code_sizes,
                                                                        args.seeds))
    print(f"{len(code_sizes) * len(seeds)} runs of dense, {args.epochs} epochs of 8,000 images")
    print("| engine | runs/min | seconds | driver at rest (MiB) | driver peak (MiB) "
          "| Ray workers |")
    print("|---|---|---|---|---|---|")
    for engine in args.engines:
        workers = ""
        if engine == "local":
            result = run_driver("local", "", args.epochs, code_sizes, seeds)
        else:
            session_files, port = tempfile.mkdtemp(prefix="ray", dir="/tmp"), free_port()
            try:
                started = subprocess.run([RAY, "start", "--head", f"--port={port}",
                                          "--num-cpus=2", "--num-gpus=0",
                                          "--node-ip-address=127.0.0.1",
                                          "--include-dashboard=false", "--disable-usage-stats",
                                          f"--temp-dir={session_files}"],
                                         capture_output=True, text=True, timeout=300)
                if started.returncode:
                    raise SystemExit(f"ray start failed:\n{started.stdout[-3000:]}"
                                     f"{started.stderr[-3000:]}")
                result = run_driver("ray", f"127.0.0.1:{port}", args.epochs, code_sizes,
                                    seeds)
                workers = f"{result['workers_mib']:,.0f} MiB (peaks, added up)"
            finally:
                subprocess.run([RAY, "stop", "--force"], capture_output=True, timeout=120)
                shutil.rmtree(session_files, ignore_errors=True)
        print(f"| {engine} | {result['runs_per_minute']:.2f} | {result['seconds']:.0f} | "
              f"{result['resting_mib']:,.0f} | {result['peak_mib']:,.0f} | {workers} |")
        if result["message"] or result["finished"] != result["runs"]:
            print(f"  ({result['finished']} of {result['runs']} finished; {result['message']})")


if __name__ == "__main__":
    main()
