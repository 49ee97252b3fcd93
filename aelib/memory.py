"""Memory a long-lived process gives back: glibc's allocator settings, and trimming.

The app serves everyone from one process for days. What a session or a training frees, Python
and TensorFlow hand back to glibc's `malloc`, which keeps most of it: a freed block returns to the
system only when it sits at the top of its heap, or when it was big enough to get a mapping of
its own. That threshold grows on its own (up to 32 MiB) each time a big block is freed, so after
a few trainings every array of a dataset, a model's weights or a batch of reconstructions comes
from the heap, and freeing it leaves holes that the resident set keeps. With many threads
(Streamlit's workers, TensorFlow's pools, each training's thread) glibc also makes an arena per
thread that allocated while another did, up to 8 per core, each with its own holes.

`tune_allocator` fixes the threshold (large blocks always get their own mapping, so freeing them
gives the memory back at once) and caps the arenas; `give_back` collects Python's garbage
cycles and asks glibc to return every free page (`malloc_trim(0)`). Found and measured with
`bench/soak.py` (see the README's Memory section). Both do nothing where the C library is not
glibc (macOS, musl).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import sys

# mallopt parameters, from glibc's malloc.h.
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8

MIB = 1024 * 1024
ARENA_MAX = 2  # one for the main thread, one shared by the others
MMAP_THRESHOLD = 1 * MIB  # blocks from 1 MiB up get a mapping of their own
TRIM_THRESHOLD = 16 * MIB  # free memory at a heap's top kept for reuse before trimming


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    """The process's glibc, or None on another C library or system."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.gnu_get_libc_version.restype = ctypes.c_char_p
        libc.gnu_get_libc_version()
    except (OSError, AttributeError):
        return None
    libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    libc.malloc_trim.argtypes = [ctypes.c_size_t]
    return libc


@functools.cache
def tune_allocator() -> bool:
    """Set glibc's allocator up for a process that frees big blocks and runs many threads:
    blocks from `MMAP_THRESHOLD` up always get their own mapping (returned to the system as soon
    as they are freed), and at most `ARENA_MAX` arenas. Call it as early as possible; arenas made
    before stay. Once per process (later calls do nothing).

    Returns:
        Whether glibc took the settings (False on another C library).
    """
    libc = _glibc()
    if libc is None:
        return False
    return all(libc.mallopt(option, value) == 1 for option, value in (
        (_M_MMAP_THRESHOLD, MMAP_THRESHOLD), (_M_TRIM_THRESHOLD, TRIM_THRESHOLD),
        (_M_ARENA_MAX, ARENA_MAX)))


def give_back() -> float:
    """Collect Python's garbage cycles (a model, a job and its thread are cycles) and return
    every free page glibc holds to the system. Takes a fraction of a second with TensorFlow
    loaded (the collection holds the interpreter), so call it after something big has ended:
    a training, a session.

    Returns:
        How many MiB the resident set shrank by (0 where it cannot be read).
    """
    before = resident_mib()
    gc.collect()
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
    return max(0.0, before - resident_mib())


def resident_mib() -> float:
    """This process's resident set size in MiB (Linux; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except OSError:
        return 0.0
    return pages * _page_size() / MIB


@functools.cache
def _page_size() -> int:
    import resource

    return resource.getpagesize()
