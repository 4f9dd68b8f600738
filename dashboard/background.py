"""Work too long for a page run, done in a separate process: counting terms, extracting figures.

These functions run in a worker process (see `state`), so that a long count does not hold the
server's interpreter lock while other users click. They open the store by URL themselves and
import no Streamlit.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

from corpus.store import CorpusStore
from models.compare.keyness import TermCounts, corpus_term_counts
from models.figures.corpus import CorpusFigures, build_corpus_figures

T = TypeVar("T")


def _on_store(url: str, work: Callable[[CorpusStore], T]) -> T:
    """Run `work` on the store at `url`, opened in this process for it (jobs run in workers)."""
    store = CorpusStore(url, seed=False)
    try:
        return work(store)
    finally:
        store.dispose()


def count_corpus(url: str) -> TermCounts:
    """Return the term counts of every speech stored at `url` (a job)."""
    return _on_store(url, corpus_term_counts)


def extract_figures(url: str) -> CorpusFigures:
    """Return the cited figures of the corpus at `url` (a job)."""
    return _on_store(url, build_corpus_figures)


# background jobs yield the processor to the server and to readers' browsers: a job that brings the
# figures of a large corpus up to date after an upload takes several seconds of CPU, and at the
# server's own priority it slowed every page opened meanwhile
JOB_NICENESS = 10


def _job_priority() -> int | None:
    """Return the scheduling priority jobs run at (None where priorities cannot be read)."""
    if not hasattr(os, "getpriority"):
        return None
    return min(os.getpriority(os.PRIO_PROCESS, 0) + JOB_NICENESS, 19)


def _lower_priority(pid: int, priority: int | None) -> bool:
    """Give process `pid` (0: this one) the jobs' priority, where the system allows it."""
    if priority is None:
        return False
    try:
        os.setpriority(os.PRIO_PROCESS, pid, priority)
    except OSError:  # not permitted here (or gone): the job keeps the server's priority
        return False
    return True


def lower_thread_priority() -> bool:
    """Give the calling thread the jobs' priority, where threads have priorities of their own.

    On Linux each thread is scheduled on its own: a server thread that prepares what no page waits
    for then leaves the processor to page runs and to the readers' browsers. The thread keeps the
    lower priority until it ends (raising it again takes privileges). Elsewhere nothing changes.

    Returns:
        Whether the priority was lowered.
    """
    if not sys.platform.startswith("linux"):  # a thread id is not a process id there
        return False
    return _lower_priority(threading.get_native_id(), _job_priority())


def _run(
    connection: Connection, work: Callable[[str], Any], url: str, priority: int | None = None
) -> None:
    _lower_priority(0, priority)  # the server lowers it too, as soon as it starts the process
    try:
        connection.send(("ok", work(url)))
    except Exception as err:  # noqa: BLE001 - handed to the server, which raises it in the page
        connection.send(("error", err))
    finally:
        connection.close()


class BackgroundJob:
    """`work(url)` run in a daemon process (stopped with the server), polled by pages.

    The jobs of one server run one at a time, in the order they were asked for: on a large corpus
    each needs several hundred MB (up to about 800 MB on the 10,924-speech UN corpus), and two at
    once would compete for the same cores anyway. A thread of the server starts each job's process
    and reads its result as soon as it is sent, so the process ends and gives its memory back at
    once, whether or not a page is polling.
    """

    def __init__(self, work: Callable[[str], Any], url: str) -> None:
        self._work = work
        self._url = url
        self._finished = threading.Event()
        self._outcome: tuple[str, Any] | None = None
        self._process: BaseProcess | None = None
        self._cancelled = False
        self._lock = threading.Lock()
        _queue().put(self)

    def done(self) -> bool:
        """Return whether the result (or the error) has arrived."""
        return self._finished.is_set()

    def result(self) -> Any:
        """Return the result of a finished job, or raise its error."""
        if not self.done():
            raise RuntimeError("the background job has not finished")
        assert self._outcome is not None
        kind, value = self._outcome
        if kind == "error":
            raise value
        return value

    def cancel(self) -> None:
        """Stop the job if it still runs, or take it out of the queue if it waits."""
        with self._lock:
            self._cancelled = True
            if self._process is not None and self._process.is_alive():
                self._process.kill()

    def _run_here(self) -> None:
        """Run the job's process and wait for its outcome (on the jobs' thread)."""
        context = multiprocessing.get_context("spawn")
        receiver, sender = context.Pipe(duplex=False)
        with self._lock:
            if self._cancelled:
                receiver.close()
                sender.close()
                self._finish(("error", RuntimeError("the background job was cancelled")))
                return
            priority = _job_priority()
            self._process = context.Process(
                target=_run, args=(sender, self._work, self._url, priority), daemon=True
            )
            self._process.start()
            assert self._process.pid is not None
            _lower_priority(self._process.pid, priority)  # before its imports, not after
        sender.close()
        try:
            outcome = receiver.recv()
        except (EOFError, OSError):
            outcome = ("error", RuntimeError("the background job stopped before it finished"))
        finally:
            receiver.close()
        self._process.join(5)
        self._finish(outcome)

    def _finish(self, outcome: tuple[str, Any]) -> None:
        self._outcome = outcome
        self._finished.set()


_JOBS: queue.SimpleQueue[BackgroundJob] | None = None
_JOBS_LOCK = threading.Lock()


def _queue() -> queue.SimpleQueue[BackgroundJob]:
    """Return the server's queue of jobs, with the one thread that runs them one after another."""
    global _JOBS
    with _JOBS_LOCK:  # page runs of several sessions may ask for the first job at once
        if _JOBS is None:
            jobs: queue.SimpleQueue[BackgroundJob] = queue.SimpleQueue()

            def run_all() -> None:
                while True:
                    job = jobs.get()
                    try:
                        job._run_here()
                    except Exception as err:  # noqa: BLE001 - this job fails; the next still runs
                        job._finish(("error", err))

            threading.Thread(target=run_all, name="background-jobs", daemon=True).start()
            _JOBS = jobs
        return _JOBS
