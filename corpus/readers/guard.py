"""Reading untrusted uploads in a separate process with a time and memory budget.

A hostile file (a decompression bomb, a PDF with cyclic references, a pathological page) must
never hang or exhaust the process that serves every other user. Each upload is read in a child
process that has a memory ceiling (`Limits.max_memory_bytes` above what the child starts with) and
a deadline (`Limits.seconds_per_file`, counted afresh for each member of an archive). When the
child runs over, it is killed and the upload is refused with a message that says so.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import threading
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any

logger = logging.getLogger(__name__)

_CONTEXT = multiprocessing.get_context(
    "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
)
if _CONTEXT.get_start_method() == "forkserver":
    # the readers are imported (and their tables built) once in the fork server, not again for
    # every file, and run at a lower priority than the pages (corpus.readers.priority)
    _CONTEXT.set_forkserver_preload(["corpus.readers.priority", "corpus.readers.preload"])
# a process with a single thread (a command-line run reading its files one by one) forks the
# reader from itself: starting a fork server for one file took most of a second of `add`. Forking
# is unsafe only beside other threads (a server's), which may hold locks the child would inherit.
_FORK = (
    multiprocessing.get_context("fork")
    if "fork" in multiprocessing.get_all_start_methods()
    else None
)


def _context() -> Any:
    if _FORK is not None and threading.active_count() == 1:
        return _FORK
    return _CONTEXT


def _virtual_memory_bytes() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _child(
    connection: Connection, work: Callable[..., Iterator[Any]], args: tuple[Any, ...], memory: int
) -> None:
    if memory > 0 and _virtual_memory_bytes():
        ceiling = _virtual_memory_bytes() + memory
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    try:
        for item in work(*args):
            connection.send(("item", item))
        connection.send(("done", None))
    except MemoryError:
        connection.send(("memory", None))
    finally:
        connection.close()


class BudgetExceeded(Exception):
    """The child ran out of time or memory; `reason` says which."""

    def __init__(self, reason: str, items: list[Any]) -> None:
        self.reason = reason
        self.items = items
        super().__init__(reason)


def run_guarded(
    work: Callable[..., Iterator[Any]],
    args: tuple[Any, ...],
    *,
    seconds: float,
    memory: int,
) -> list[Any]:
    """Run a generator function in a child process; return what it yielded.

    Args:
        work: an importable, top-level generator function.
        args: its arguments (picklable).
        seconds: the deadline for the first item and for each further item.
        memory: how many bytes the child may allocate beyond what it starts with.

    Raises:
        BudgetExceeded: the child took too long, ran out of memory or died; the items it had
            yielded before are attached.
    """
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, work, args, memory), daemon=True)
    process.start()
    sender.close()
    items: list[Any] = []
    try:
        while True:
            if not receiver.poll(seconds):
                raise BudgetExceeded("time", items)
            try:
                kind, item = receiver.recv()
            except EOFError:
                process.join(5)
                raise BudgetExceeded(
                    "memory" if process.exitcode in (-9, -11) else "crash", items
                ) from None
            if kind == "item":
                items.append(item)
            elif kind == "done":
                return items
            else:
                raise BudgetExceeded("memory", items)
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(5)
        if hasattr(process, "close") and process.exitcode is not None:
            process.close()
        logger.debug("guarded reader process %s finished", os.getpid())
