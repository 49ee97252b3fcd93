"""Helpers of the tests and benchmarks: the app in AppTest or Chromium, free ports, memory.

    from tests.support import ROOT, free_port
"""

import socket
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
