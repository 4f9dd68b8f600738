"""How the dashboard server uses memory: large arrays reused, loaded code kept out of collections.

Term counts, similarity weights and theme shares of a large corpus are arrays of tens of megabytes,
made again after every upload. By default glibc maps each one fresh from the kernel and unmaps it
when freed, and NumPy asks the kernel to back each with 2 MB pages. On virtual machines that hand
freed memory back to their host, faulting such pages in cost about 3 to 4 ms per megabyte (four
arrays of 66 MB took 1.0 s to make, against 0.04 s from a heap that keeps its memory). In probe
runs of the first visit to Speech after an upload to the UN corpus, it took 1.9 and 2.4 s with
neither setting below, 1.4-1.8 s with either one alone, and 1.1 and 1.2 s with both.

Both are documented environment settings, read once when a process starts, so they are given to
the server's environment before it starts (`allocator_settings`, used by `speechtrack
dashboard`); the README says how to export them for `streamlit run`.
"""

from __future__ import annotations

import functools
import gc
import sys
from collections.abc import Mapping

# glibc's malloc tunables (the glibc manual, "Memory Allocation Tunables"), each with the older
# environment variables that set the same thing: an operator's own value wins
_TUNABLES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # one heap for every thread: a thread's own heap is at most 64 MB and maps anything larger
    ("glibc.malloc.arena_max", "1", ("MALLOC_ARENA_MAX",)),
    # no allocation mapped on its own ("setting this to zero disables all use of mmap"): the
    # documented largest mmap threshold, 32 MB on 64-bit systems, is below these arrays' size
    ("glibc.malloc.mmap_max", "0", ("MALLOC_MMAP_MAX_", "MALLOC_MMAP_THRESHOLD_")),
    # the heap never trimmed: memory freed stays for the next array (the largest size, as -1)
    ("glibc.malloc.trim_threshold", str(2 * sys.maxsize + 1), ("MALLOC_TRIM_THRESHOLD_",)),
)


def allocator_settings(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment settings that make a new server keep the memory it frees, backed by
    ordinary pages, less those the operator already set in `environ`.

    NUMPY_MADVISE_HUGEPAGE=0 keeps NumPy from asking for 2 MB pages; GLIBC_TUNABLES serves every
    allocation from one heap that is never trimmed. An operator's NUMPY_MADVISE_HUGEPAGE or
    GLIBC_TUNABLES (even empty) is left as it is, and a tunable whose older MALLOC_* variable is
    set is left to that variable. Other C libraries than glibc ignore GLIBC_TUNABLES.
    """
    settings: dict[str, str] = {}
    if "NUMPY_MADVISE_HUGEPAGE" not in environ:
        settings["NUMPY_MADVISE_HUGEPAGE"] = "0"
    if "GLIBC_TUNABLES" not in environ:
        tunables = [
            f"{name}={value}"
            for name, value, older in _TUNABLES
            if not any(variable in environ for variable in older)
        ]
        if tunables:
            settings["GLIBC_TUNABLES"] = ":".join(tunables)
    return settings


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
