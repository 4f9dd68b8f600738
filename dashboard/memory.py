"""How the dashboard server uses memory: large arrays reused, loaded code kept out of collections.

Term counts, similarity weights and theme shares of a large corpus are arrays of tens of megabytes,
made again after every upload. By default glibc maps each one fresh from the kernel and unmaps it
when freed, and NumPy asks the kernel to back each with 2 MB pages. On virtual machines that hand
freed memory back to their host, faulting such pages in cost about 3 to 4 ms per megabyte (four
arrays of 66 MB took 1.0 s to make, against 0.04 s from a heap that keeps its memory). In probe
runs of the first visit to Speech after an upload to the UN corpus, it took 1.9 and 2.4 s with
neither setting below, 1.4-1.8 s with either one alone, and 1.1 and 1.2 s with both.

`keep_freed_memory` serves allocations from heaps that are never trimmed, so a new array reuses
the pages of the last, and lets the kernel back the rest with ordinary pages.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import sys

# glibc's mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
_NEVER = 2**31 - 1  # the largest value mallopt takes: no allocation is mapped, no heap trimmed


@functools.cache  # once per server: dashboard.app.run calls it on every run
def keep_freed_memory() -> bool:
    """Serve large arrays from heaps that are never trimmed, backed by ordinary pages.

    Call it once, early, in the server process only (worker processes are short-lived). Memory
    freed by the server stays with it for the next array instead of going back to the kernel.

    Returns whether glibc took the settings (False off Linux or with another C library).
    """
    from numpy._core import multiarray

    # the switch behind NumPy's NUMPY_MADVISE_HUGEPAGE, which is read only when NumPy is imported
    switch = getattr(multiarray, "_set_madvise_hugepage", None)
    if switch is not None:
        switch(False)
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return False
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is None:  # musl and other C libraries have no mallopt
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return all(
        mallopt(parameter, value) == 1
        for parameter, value in (
            # threads share the heaps already made; a thread's own heap maps anything over 64 MB
            (_M_ARENA_MAX, 1),
            (_M_MMAP_THRESHOLD, _NEVER),
            (_M_TRIM_THRESHOLD, _NEVER),
        )
    )


@functools.cache  # once per server: dashboard.app.run calls it on every run, after its imports
def freeze_loaded_objects() -> int:
    """Leave the objects the server has made so far out of the garbage collector's passes.

    Called right after the dashboard's imports, this freezes the modules, classes and functions of
    its libraries (about a quarter of a million objects), which live as long as the server.
    Python's full collection walked every one of them each time: on these machines it paused the
    server for 150 to 210 ms every few seconds of use, often in the middle of a page run. Frozen,
    they are no longer walked; objects made later are collected as before.

    Returns:
        How many objects were frozen.
    """
    gc.freeze()
    return gc.get_freeze_count()
