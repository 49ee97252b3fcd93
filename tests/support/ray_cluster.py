"""A real Ray cluster for the tests: `ray start --head --block` on a free port, in a process
group of its own, its session files in a temporary directory; stopped by killing that group
alone (never `ray stop`, which stops every Ray cluster of the machine, a user's own too)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.support import free_port

RAY = str(Path(sys.executable).parent / "ray")
START_SECONDS = 120


class RayCluster:
    """A head node with `cpus` CPUs on 127.0.0.1; `address` is "host:port"."""

    def __init__(self, cpus: int = 2):
        self.cpus = cpus
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.session_files = tempfile.mkdtemp(prefix="ray", dir="/tmp")  # short socket paths
        self.process: subprocess.Popen | None = None

    def start(self) -> RayCluster:
        """Start the head and wait until it says it runs ("Ray runtime started."); returns
        the cluster."""
        said = Path(self.session_files) / "ray-start.log"
        with said.open("w") as log:
            self.process = subprocess.Popen(
                [RAY, "start", "--head", "--block", f"--port={self.port}",
                 f"--num-cpus={self.cpus}", "--num-gpus=0", "--node-ip-address=127.0.0.1",
                 "--include-dashboard=false", "--disable-usage-stats",
                 f"--temp-dir={self.session_files}"],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + START_SECONDS
        while "Ray runtime started" not in said.read_text():
            assert self.process.poll() is None, said.read_text()[-3000:]
            assert time.monotonic() < deadline, "the Ray head did not start in time"
            time.sleep(0.5)
        return self

    def stop(self) -> None:
        """Kill the cluster's processes (its process group), and nothing else."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(60)
        self.process = None

    def close(self) -> None:
        """Stop it and remove its session files."""
        self.stop()
        shutil.rmtree(self.session_files, ignore_errors=True)

    def task_pids(self, name: str) -> list[int]:
        """The processes of this cluster running the task or actor `name` (their title is
        "ray::name")."""
        listed = subprocess.run(["ps", "-eo", "pid=,sid=,args="], capture_output=True,
                                text=True).stdout
        return [int(pid) for pid, sid, args in
                (line.split(None, 2) for line in listed.splitlines() if line.count(" ") >= 2)
                if self.process is not None and int(sid) == self.process.pid
                and args.startswith(f"ray::{name}")]
