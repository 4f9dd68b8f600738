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
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

import numpy as np
import pandas as pd

from corpus.store import CorpusStore
from dashboard.figure_tables import series_points, with_speeches
from models.compare.keyness import TermCounts, corpus_term_counts
from models.figures.series import (
    CORRECTION_KIND,
    SERIES_EDIT_KIND,
    apply_corrections,
    grow_series,
    series_inputs,
)
from models.figures.store import corpus_quantities_and_inputs, extract_quantities, speech_owners
from models.selection import is_in


def count_corpus(url: str) -> TermCounts:
    """Return the term counts of every speech stored at `url` (kept in the store, shared)."""
    store = CorpusStore(url, seed=False)
    try:
        return corpus_term_counts(store)
    finally:
        store.dispose()


# what the figures of a speech depend on, besides its text and the users' annotations
_BASIS_COLUMNS = ["speech_id", "date_iso", "country", "speaker", "title"]


@dataclass(frozen=True, slots=True)
class CorpusFigures:
    """The cited figures of the whole corpus and their series.

    Attributes:
        figures: every figure, corrected and in series, with the title and speaker of its speech.
        points: the points of every series over time (see `figure_tables.series_points`).
        summary: one row per series, by descending number of speeches.
        inputs: what each figure's series is found from (`series_inputs`), row for row.
        basis: the speeches these figures are of (speech_id, date_iso, country, speaker, title).
        annotations: the users' corrections and series edits they were made with (None when
            they changed during the extraction: the figures cannot be grown from).
    """

    figures: pd.DataFrame
    points: pd.DataFrame
    summary: pd.DataFrame
    inputs: pd.DataFrame
    basis: pd.DataFrame
    annotations: tuple[dict[str, Any], dict[str, Any]] | None


def _annotations(store: CorpusStore) -> tuple[dict[str, Any], dict[str, Any]]:
    return store.annotations(CORRECTION_KIND), store.annotations(SERIES_EDIT_KIND)


def extract_figures(url: str) -> CorpusFigures:
    """Return every cited figure of the corpus at `url` with its series laid out over time."""
    store = CorpusStore(url, seed=False)
    try:
        annotations: tuple[dict[str, Any], dict[str, Any]] | None = _annotations(store)
        catalogue = store.catalogue()
        quantities, inputs = corpus_quantities_and_inputs(store)
        figures = with_speeches(quantities, catalogue)
        if annotations != _annotations(store):  # edited meanwhile
            annotations = None
    finally:
        store.dispose()
    if len(inputs) != len(figures):  # (every figure's speech is in the catalogue read with it)
        inputs = series_inputs(figures, *speech_owners(catalogue))
    points, summary = series_points(figures)
    basis = catalogue[_BASIS_COLUMNS].reset_index(drop=True)
    return CorpusFigures(figures, points, summary, inputs, basis, annotations)


# more words than this in new speeches, and their figures are extracted with the whole corpus's
# in a background job rather than added in the server (about a second per million words)
GROW_MAX_WORDS = 300_000


def grow_figures(
    previous: CorpusFigures,
    store: CorpusStore,
    catalogue: pd.DataFrame,
    *,
    pause: Callable[[], None] = lambda: None,
) -> CorpusFigures | None:
    """Return `previous` with the figures of the speeches added since, as `extract_figures` would.

    Only the new speeches are read, and only the series their figures join or change are laid
    out again. Returns None when something else changed (a speech removed, re-dated or
    re-assigned, a correction or series edit), or when the new speeches are too long: the whole
    corpus is then extracted in a background job.

    Args:
        previous: the figures of the corpus as it was.
        store: the corpus.
        catalogue: its whole catalogue now.
        pause: called between the steps (a few hundredths of a second each on the UN corpus),
            to let other work of the same process go first.
    """
    annotations = _annotations(store)
    if previous.annotations is None or annotations != previous.annotations:
        return None
    now = catalogue[_BASIS_COLUMNS].reset_index(drop=True)
    known = is_in(now["speech_id"], previous.basis["speech_id"])
    if known.sum() != len(previous.basis) or not now[known].set_index("speech_id").sort_index(
    ).equals(previous.basis.set_index("speech_id").sort_index()):  # fmt: skip
        return None
    new = catalogue[~known]
    if new.empty or int(new["n_words"].sum()) > GROW_MAX_WORDS:
        return None
    corrections, edits = annotations
    pause()
    added = apply_corrections(extract_quantities(store, new), corrections)
    added = with_speeches(added, catalogue)
    countries, owners = speech_owners(catalogue)
    pause()
    columns = [c for c in previous.figures.columns if c not in ("series", "series_name",
                                                               "confirmed")]  # fmt: skip
    figures, inputs, changed = grow_series(
        previous.figures,
        previous.inputs,
        added[[*columns, "series_override"]],
        corrections,
        edits,
        countries=countries,
        owners=owners,
        pause=pause,
    )
    pause()
    points, summary = _grown_points(previous, figures, changed, pause)
    return CorpusFigures(figures, points, summary, inputs, now, annotations)


def _grown_points(
    previous: CorpusFigures, figures: pd.DataFrame, changed: set[str], pause: Callable[[], None]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The series points and summary with the changed series laid out again."""
    ids = list(changed)
    points, summary = series_points(figures[is_in(figures["series"], ids)])
    pause()
    kept_points = previous.points[~is_in(previous.points["series"], ids)]
    kept_summary = previous.summary[~is_in(previous.summary["series"], ids)]
    # both are sorted by series, date, speech and start, and no series is in both: the new
    # points go in by series, without sorting every point again
    at = np.searchsorted(kept_points["series"].to_numpy(dtype=object),
                         points["series"].to_numpy(dtype=object))  # fmt: skip
    order = np.insert(np.arange(len(kept_points)), at, len(kept_points) + np.arange(len(points)))
    points = pd.concat([kept_points, points], ignore_index=True).iloc[order]
    points = points.reset_index(drop=True)
    pause()
    summary = pd.concat([kept_summary, summary], ignore_index=True)
    summary = summary.sort_values(["n_speeches", "series"], ascending=[False, True])
    return points, summary.reset_index(drop=True)


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
