"""Keras and its backend, loaded in the background once a person has seen Home.

Home shows no model, so it loads no TensorFlow: it is drawn in about a second and a half on two
cores. Every other page needs Keras, and importing it takes a few seconds; paid on the first
click on Train, it made that page take 4 s to show its button. So once Home has been drawn,
and a moment later (while the person reads it), one thread per process imports it.
"""

from __future__ import annotations

import os
import threading
import time

PRELOAD = "AELIB_PRELOAD_BACKEND"  # "0": never preload (Keras loads on the first page needing it)
PRELOAD_AFTER_S = 2.0  # after Home's first drawing: its text and cards come first
_started = threading.Event()


def preload_backend(after_s: float = PRELOAD_AFTER_S) -> None:
    """Import Keras (and TensorFlow, or the backend set) in a background thread, `after_s`
    seconds from now, once per process; nothing when `AELIB_PRELOAD_BACKEND` is "0"."""
    if os.environ.get(PRELOAD, "1") == "0" or _started.is_set():
        return
    _started.set()
    threading.Thread(target=_import_backend, args=(after_s,), name="aelib-preload",
                     daemon=True).start()


def _import_backend(after_s: float) -> None:
    time.sleep(after_s)
    import aelib.model.autoencoder  # noqa: F401  (keras, its backend and aelib's builders)
