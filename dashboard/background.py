"""Work too long for a page run, done in a separate process: counting terms, extracting figures.

These functions run in a worker process (see `state`), so that a long count does not hold the
server's interpreter lock while other users click. They open the store by URL themselves and
import no Streamlit.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import pandas as pd

from corpus.store import CorpusStore
from dashboard.figure_tables import series_points, with_speeches
from models.compare import TermCounts, corpus_term_counts
from models.quantity_store import corpus_quantities


def count_corpus(url: str) -> TermCounts:
    """Return the term counts of every speech stored at `url` (kept in the store, shared)."""
    store = CorpusStore(url, seed=False)
    try:
        return corpus_term_counts(store)
    finally:
        store.dispose()


@dataclass(frozen=True, slots=True)
class CorpusFigures:
    """The cited figures of the whole corpus and their series.

    Attributes:
        figures: every figure, corrected and in series, with the title and speaker of its speech.
        points: the points of every series over time (see `figure_tables.series_points`).
        summary: one row per series, by descending number of speeches.
    """

    figures: pd.DataFrame
    points: pd.DataFrame
    summary: pd.DataFrame


def extract_figures(url: str) -> CorpusFigures:
    """Return every cited figure of the corpus at `url` with its series laid out over time."""
    store = CorpusStore(url, seed=False)
    try:
        figures = with_speeches(corpus_quantities(store), store.catalogue())
    finally:
        store.dispose()
    points, summary = series_points(figures)
    return CorpusFigures(figures, points, summary)


def _run(connection: Connection, work: Callable[[str], Any], url: str) -> None:
    try:
        connection.send(("ok", work(url)))
    except Exception as err:  # noqa: BLE001 - handed to the server, which raises it in the page
        connection.send(("error", err))
    finally:
        connection.close()


class BackgroundJob:
    """`work(url)` running in a daemon process (stopped with the server), polled by pages."""

    def __init__(self, work: Callable[[str], Any], url: str) -> None:
        context = multiprocessing.get_context("spawn")
        self._receiver, sender = context.Pipe(duplex=False)
        self._process = context.Process(target=_run, args=(sender, work, url), daemon=True)
        self._process.start()
        sender.close()
        self._outcome: tuple[str, Any] | None = None
        # page runs of several sessions poll the same job: one of them reads the result at a time
        # (two readers of one pipe would each get half of a large result)
        self._reading = threading.Lock()

    def done(self) -> bool:
        """Return whether the result (or the error) has arrived (False while another run reads it)."""
        if self._outcome is not None:
            return True
        if not self._reading.acquire(blocking=False):
            return False
        try:
            if self._outcome is None and self._receiver.poll():
                try:
                    self._outcome = self._receiver.recv()
                except (EOFError, OSError):
                    self._outcome = (
                        "error",
                        RuntimeError("the background job stopped before it finished"),
                    )
                self._receiver.close()
                self._process.join(5)
        finally:
            self._reading.release()
        return self._outcome is not None

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
        """Stop the job if it still runs."""
        if self._process.is_alive():
            self._process.kill()
