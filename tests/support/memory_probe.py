"""A look inside the app's server process while a benchmark or a test drives it: resident
memory, glibc's heap, a census of the lab's objects, weak references to what sessions own, and
`malloc_trim`.

`install(folder)` writes a `sitecustomize.py` into a folder put first on the server's
PYTHONPATH; at start-up it serves this module's `report` on a Unix socket in that folder
(owner-only), and `ask(folder, "census")` reads it from outside. The app's code is not changed.
"""

from __future__ import annotations

import ctypes
import gc
import json
import os
import socket
import socketserver
import sys
import threading
import weakref
from pathlib import Path

SOCKET_NAME = "probe.sock"

# The objects whose survival tells where memory stays: the lab's own, Keras's, TensorFlow's
# graphs, Streamlit's sessions.
WATCHED_TYPES = ("Autoencoder", "TrainingJob", "JobQueue", "Dataset", "Functional", "Sequential",
                 "VAE", "FuncGraph", "ConcreteFunction", "AtomicFunction", "Function",
                 "AppSession", "SessionState", "ScriptRunner", "Future", "Figure", "Thread")


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]


def _libc():
    return ctypes.CDLL("libc.so.6")


def resident() -> dict:
    """VmRSS, VmHWM, RssAnon and RssFile of this process, in MiB."""
    status = Path("/proc/self/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return {name: int(fields[name].split()[0]) / 1024
            for name in ("VmRSS", "VmHWM", "RssAnon", "RssFile")}


def heap() -> dict:
    """glibc's view, all arenas together, in MiB: `in_use` (allocated blocks), `free` (freed,
    kept by the allocator), `mmapped` (big blocks mapped on their own), and the arena count."""
    info = _libc().mallinfo2
    info.restype = _MallInfo2
    stats = info()
    mib = 1024 * 1024
    return {"in_use": stats.uordblks / mib, "free": stats.fordblks / mib,
            "mmapped": stats.hblkhd / mib, "arena_bytes": stats.arena / mib,
            "arenas": _arena_count()}


def _arena_count() -> int:
    """How many malloc arenas glibc has made (one per thread that allocated at the same time as
    another, up to 8 per core), read from `malloc_info`'s XML."""
    import tempfile

    libc = _libc()
    libc.fopen.restype = ctypes.c_void_p
    libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    libc.fclose.argtypes = [ctypes.c_void_p]
    libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
    with tempfile.NamedTemporaryFile(suffix=".xml") as xml:
        stream = libc.fopen(xml.name.encode(), b"w")
        libc.malloc_info(0, stream)
        libc.fclose(stream)
        return Path(xml.name).read_text().count("<heap nr=")


def census() -> dict:
    """After a full collection: how many objects of each watched type are alive, the bytes of
    the numpy arrays they and other tracked objects hold, and the threads by name."""
    import numpy as np

    gc.collect()
    counts: dict[str, int] = {}
    arrays: dict[int, int] = {}

    def note(value):
        if isinstance(value, np.ndarray):
            owner = value if value.base is None else value.base
            if isinstance(owner, np.ndarray):
                arrays[id(owner)] = owner.nbytes

    for thing in gc.get_objects():
        name = type(thing).__name__
        if name in WATCHED_TYPES:
            counts[name] = counts.get(name, 0) + 1
        note(thing)
        for referent in gc.get_referents(thing):
            note(referent)
            if isinstance(referent, dict):  # an instance's __dict__, often not tracked itself
                for value in referent.values():
                    note(value)
    threads: dict[str, int] = {}
    for thread in threading.enumerate():
        stem = thread.name.rstrip("0123456789_-() ")
        threads[stem] = threads.get(stem, 0) + 1
    return {"types": counts, "numpy_mib": round(sum(arrays.values()) / 2**20, 1),
            "threads": threads}


def collect() -> dict:
    """`gc.collect()`: unreachable objects found, and resident memory before and after."""
    before = resident()["VmRSS"]
    found = gc.collect()
    return {"unreachable": found, "before": before, "after": resident()["VmRSS"]}


def trim() -> dict:
    """`malloc_trim(0)`: resident memory before and after giving glibc's free pages back."""
    before = resident()["VmRSS"]
    _libc().malloc_trim(0)
    return {"before": before, "after": resident()["VmRSS"]}


_watched: dict[str, list] = {}


def watch() -> dict:
    """Take weak references to what the sessions own now: every training job, its model, Keras
    model, data, training images and background analysis, and the results each session keeps in
    its state (`results`, the `anomaly_report`). Returns how many of each kind."""
    from streamlit.runtime.state.session_state import SessionState

    import aelib

    kept: dict[str, list] = {}
    for thing in gc.get_objects():
        if isinstance(thing, aelib.TrainingJob):
            for kind, value in (("job", thing), ("model", thing.ae),
                                ("keras model", thing.ae.autoencoder), ("data", thing.data),
                                ("training images", thing.data.x_train),
                                ("analysis", thing.analysis)):
                kept.setdefault(kind, []).append(weakref.ref(value))
        elif isinstance(thing, SessionState):
            stored = {**thing._old_state, **thing._new_session_state}  # what scripts stored
            for key, value in stored.items():
                values = value.values() if key == "results" else [value]
                for result in values:
                    try:
                        kept.setdefault(f"state: {key}", []).append(weakref.ref(result))
                    except TypeError:  # numbers, strings: nothing to free
                        continue
    _watched.clear()
    _watched.update(kept)
    return {kind: len(refs) for kind, refs in kept.items()}


def alive() -> dict:
    """Of what `watch` saw, how many of each kind are still alive (no collection is forced)."""
    return {kind: sum(ref() is not None for ref in refs) for kind, refs in _watched.items()}


def report(what: str) -> dict:
    """One of "resident", "heap", "census", "collect", "trim", "watch", "alive", or "all"
    (collect, then resident, heap and census)."""
    if what == "all":
        return {"collect": collect(), "resident": resident(), "heap": heap(), "census": census()}
    return {"resident": resident, "heap": heap, "census": census, "collect": collect,
            "trim": trim, "watch": watch, "alive": alive}[what]()


class _Handler(socketserver.StreamRequestHandler):
    def handle(self):
        what = self.rfile.readline().decode().strip()
        try:
            answer = report(what)
        except Exception as error:  # a benchmark's question must not take the server down
            answer = {"error": repr(error)}
        self.wfile.write(json.dumps(answer).encode())


def serve(folder: str) -> None:
    """Answer `report` questions on `folder`/probe.sock from a daemon thread."""
    path = os.path.join(folder, SOCKET_NAME)
    server = socketserver.UnixStreamServer(path, _Handler)
    os.chmod(path, 0o600)
    threading.Thread(target=server.serve_forever, name="memory-probe", daemon=True).start()


def install(folder: str) -> None:
    """Make a Python started with `folder` first on its PYTHONPATH serve the probe."""
    here = str(Path(__file__).resolve().parent)
    Path(folder, "sitecustomize.py").write_text(
        f"import sys\nsys.path.insert(0, {here!r})\nimport memory_probe\n"
        f"memory_probe.serve({folder!r})\nsys.path.remove({here!r})\n")


def ask(folder: str, what: str = "all", timeout: float = 120.0) -> dict:
    """Ask the server started with `install(folder)` for `report(what)`."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(timeout)
        client.connect(os.path.join(folder, SOCKET_NAME))
        client.sendall(what.encode() + b"\n")
        chunks = []
        while chunk := client.recv(65536):
            chunks.append(chunk)
    return json.loads(b"".join(chunks))


if __name__ == "__main__":
    print(json.dumps(ask(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "all"), indent=1))

