"""Work too long for a server's page runs, done in a separate process, one job at a time.

`BackgroundJob(work, url)` runs `work(url)` in a spawned process: a long count or extraction
then does not hold the server's interpreter lock while other users click, and the memory it
needs is given back when it ends. Each job has a deadline: past it the process is stopped and
the job fails with an error that says so. This is the one way the product runs work in the
background (the upload guard of `corpus.readers.guard` reads files apart, for safety, not
speed). Jobs open the store by URL themselves and import no Streamlit.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import queue
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from models.errors import ModelError

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
        # the work is done: processes it left waiting for more (joblib keeps its workers for
        # the next call) would keep this one from ending, as a process waits for its children
        for child in multiprocessing.active_children():
            child.terminate()


# a job with no deadline of its own may run this long (counting the 30 million words of the UN
# General Debate corpus takes about a minute of one core, extracting its figures a little more)
DEADLINE_SECONDS = 1_800.0


class JobTimeoutError(ModelError):
    """A background job ran past its deadline and was stopped."""


class BackgroundJob:
    """`work(url)` run in a process of its own (stopped with the server), polled by pages.

    The jobs of one server run one at a time, in the order they were asked for: on a large corpus
    each needs several hundred MB (up to about 800 MB on the 10,924-speech UN corpus), and two at
    once would compete for the same cores anyway. A thread of the server starts each job's process
    and reads its result as soon as it is sent, so the process ends and gives its memory back at
    once, whether or not a page is polling. A job still running `deadline` seconds after its
    process started is stopped, and its result is a `JobTimeoutError`.
    """

    def __init__(
        self, work: Callable[[str], Any], url: str, *, deadline: float = DEADLINE_SECONDS
    ) -> None:
        self._work = work
        self._url = url
        self._deadline = deadline
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
            # not daemonic: a job may start processes of its own (figures are read on every
            # core); the server stops the jobs still running when it exits (`_stop_running`)
            self._process = context.Process(
                target=_run, args=(sender, self._work, self._url, priority), daemon=False
            )
            _RUNNING.add(self._process)
            self._process.start()
            assert self._process.pid is not None
            _lower_priority(self._process.pid, priority)  # before its imports, not after
        sender.close()
        try:
            if receiver.poll(self._deadline):
                outcome = receiver.recv()
            else:
                self._process.kill()
                outcome = (
                    "error",
                    JobTimeoutError(
                        f"Preparing the corpus took longer than {self._deadline:.0f} seconds "
                        "and was stopped; a smaller corpus, or a server with more processor "
                        "time, finishes sooner."
                    ),
                )
        except (EOFError, OSError):
            outcome = ("error", RuntimeError("the background job stopped before it finished"))
        finally:
            receiver.close()
        self._process.join(5)
        if self._process.is_alive():  # the outcome is here: nothing of the job is lost
            self._process.kill()
            self._process.join(5)
        _RUNNING.discard(self._process)
        self._finish(outcome)

    def _finish(self, outcome: tuple[str, Any]) -> None:
        self._outcome = outcome
        self._finished.set()


_JOBS: queue.SimpleQueue[BackgroundJob] | None = None
_RUNNING: set[BaseProcess] = set()


def _stop_running() -> None:
    """Stop the job still running when the server exits (it would otherwise wait for it)."""
    for process in list(_RUNNING):
        if process.is_alive():
            process.kill()
            process.join(5)


# registered after multiprocessing's own exit handler, so it runs before it (last in, first out)
atexit.register(_stop_running)
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
