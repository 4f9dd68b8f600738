"""What is derived from the corpus, kept up to date as it changes.

Four things are derived from the stored speeches and read by every page: the term counts
(keyness, distinctive terms), the similarity index (nearest speeches), the themes with every
speech's mix, and the cited figures with their series. Each has one way to be built from the
store and one way to grow from its previous state by the speeches added since, which gives what
a build would (the tests hold them to it):

| derived          | built by                          | grown by                      | kept in the database |
| ---------------- | --------------------------------- | ----------------------------- | -------------------- |
| term counts      | `keyness.corpus_term_counts`      | `keyness.update_term_counts`  | yes (an artifact)    |
| similarity index | `SimilarityIndex.of(counts)`      | `SimilarityIndex.of(counts, previous=...)` | no (weighs the counts in a fraction of a second) |
| themes and mix   | `themes.store.stored_themes`      | the same (scores new speeches only) | yes (model and mix) |
| cited figures    | `figures.corpus.build_corpus_figures` | `figures.corpus.grow_corpus_figures` | yes (each speech's figures) |

`CorpusDerived` holds the latest state of each for one store. Asked with a `CorpusSnapshot`
(the store's version and catalogue as read once), it returns the state of that snapshot: the
one it holds when the speeches are the same, grown when speeches were added (by this process or
any other: the snapshot's catalogue says which), built otherwise. On a corpus larger than
`SYNC_WORDS` a build runs in a background job (`models.jobs.BackgroundJob`, one at a time,
with a deadline) and the caller gets None, or for the figures the previous state, until it is
done. Nothing here imports Streamlit; the dashboard keeps one `CorpusDerived` per database.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Generic, TypeVar

import pandas as pd

from corpus.errors import CorpusError
from corpus.records import SpeechFilter
from corpus.store import CorpusStore, with_added_rows
from models.compare.keyness import (
    SimilarityIndex,
    TermCounts,
    corpus_term_counts,
    update_term_counts,
)
from models.errors import ModelError
from models.figures.corpus import CorpusFigures, build_corpus_figures, grow_corpus_figures
from models.figures.series import CORRECTION_KIND, SERIES_EDIT_KIND
from models.jobs import BackgroundJob
from models.selection import is_in
from models.themes.store import ThemeModelState, stored_themes

T = TypeVar("T")

# Corpora up to this many words are built while the caller waits; larger ones in a background job.
# Speeches added since the last state, up to this many words, are counted while the caller waits.
SYNC_WORDS = 2_000_000

# a background build may take this long per million words of the corpus (and at least a minute)
JOB_SECONDS_PER_MILLION_WORDS = 60.0


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:16]


# more speeches than this added at once: the whole catalogue is read again
MAX_ADDED_ROWS = 2_000


@dataclass(frozen=True)
class CorpusSnapshot:
    """The corpus at one version, as the derived data are keyed on it.

    Attributes:
        store: the store it was read from.
        version: the store's corpus version.
        catalogue: every speech's metadata at that version (shared: do not modify).
    """

    store: CorpusStore = field(repr=False)
    version: int
    catalogue: pd.DataFrame = field(repr=False)

    @classmethod
    def of(cls, store: CorpusStore) -> CorpusSnapshot:
        """Read the snapshot of the store now."""
        version, catalogue = store.versioned_catalogue()
        return cls(store, int(version), catalogue)

    @cached_property
    def speech_set(self) -> str:
        """A digest of the stored speech ids (the term counts and the index depend on nothing
        else: a label or a theme fit leaves them as they are)."""
        return _digest("\n".join(sorted(self.catalogue["speech_id"])))

    @cached_property
    def figures_basis(self) -> str:
        """A digest of what the figures depend on: the speeches, their dates and countries, and
        the users' corrections and series edits."""
        frame = self.catalogue
        annotations = [
            json.dumps(self.store.annotations(kind), sort_keys=True, default=str)
            for kind in (CORRECTION_KIND, SERIES_EDIT_KIND)
        ]
        rows = "\n".join(frame["speech_id"] + frame["date_iso"] + frame["country"].fillna(""))
        return _digest(rows, *annotations)

    @cached_property
    def n_words(self) -> int:
        """The words of every speech."""
        return int(self.catalogue["n_words"].sum())


def count_corpus(url: str) -> TermCounts:
    """Return the term counts of every speech stored at `url` (a background job)."""
    return _on_store(url, corpus_term_counts)


def extract_figures(url: str) -> CorpusFigures:
    """Return the cited figures of the corpus at `url` (a background job)."""
    return _on_store(url, build_corpus_figures)


def _on_store(url: str, work: Callable[[CorpusStore], T]) -> T:
    store = CorpusStore(url, seed=False)
    try:
        return work(store)
    finally:
        store.dispose()


def grown_counts(
    store: CorpusStore, previous: TermCounts, catalogue: pd.DataFrame
) -> TermCounts | None:
    """Return `previous` brought up to the catalogue's speeches, or None when the speeches added
    since have more than `SYNC_WORDS` words (the corpus is then counted again in a job)."""
    new = catalogue[~is_in(catalogue["speech_id"], previous.speech_ids)]
    if int(new["n_words"].sum()) > SYNC_WORDS:
        return None
    texts = store.texts(SpeechFilter(speech_ids=frozenset(new["speech_id"]))) if len(new) else None
    # the counted speeches keep their rows and the new ones come after them (rows are found by
    # id, never by position): the counts are copied once, not twice
    kept = previous.speech_ids[is_in(previous.speech_ids, catalogue["speech_id"])]
    return update_term_counts(
        previous,
        texts,
        order=kept.append(pd.Index(new["speech_id"])),
        n_words=catalogue.set_index("speech_id")["n_words"],
    )


def _grown_figures(
    store: CorpusStore, previous: CorpusFigures, catalogue: pd.DataFrame
) -> CorpusFigures | None:
    """Return `previous` grown by the speeches added since, or None when it cannot be (the
    corpus is then extracted again)."""
    try:
        return grow_corpus_figures(previous, store, catalogue)
    except (CorpusError, ModelError):
        raise
    except Exception:  # noqa: BLE001 - the corpus is extracted again instead
        return None


@dataclass
class _Held(Generic[T]):
    """The latest state of one derived thing, the key it matches, and the job building a newer one."""

    key: str | None = None
    value: T | None = None
    job: BackgroundJob | None = None
    job_key: str | None = None
    not_grown: str | None = None  # the key the value could not be grown to (a job makes it)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def keep(self, key: str, value: T) -> T:
        self.key, self.value = key, value
        if self.job is not None and self.job_key != key:
            self.job.cancel()
            self.job = self.job_key = None
        return value


class CorpusDerived:
    """The term counts, similarity index, themes and cited figures of one store, kept up to date.

    Safe to share between threads (each derived thing is made once per key, the others wait for
    it); the values returned are shared and read-only.
    """

    def __init__(self, store: CorpusStore) -> None:
        self.store = store
        self._counts: _Held[TermCounts] = _Held()
        self._index: _Held[SimilarityIndex] = _Held()
        self._themes: _Held[ThemeModelState | None] = _Held()
        self._figures: _Held[CorpusFigures] = _Held()
        self._last: CorpusSnapshot | None = None
        self._reading = threading.Lock()

    def snapshot(self, version: int) -> CorpusSnapshot:
        """Return the corpus at `version` (as the caller read it from the store).

        When speeches were only added since the last snapshot (by any process: the store's
        table of changes says so), only they are read and put in place in its catalogue: the
        whole read took up to a quarter of a second of the page run that shows an upload (UN
        corpus, PostgreSQL). Otherwise the whole catalogue is read, at the version it is at then.
        """
        with self._reading:
            last = self._last
            if last is not None and last.version == version:
                return last
            added = self.store.additions(last.version, version) if last is not None else None
            if last is not None and added and len(added) <= MAX_ADDED_ROWS:
                new = self.store.catalogue(SpeechFilter(speech_ids=added))
                found = CorpusSnapshot(self.store, version, with_added_rows(last.catalogue, new))
            else:
                found = CorpusSnapshot.of(self.store)
            if last is None or found.version > last.version:
                self._last = found
            return found

    def counts(self, snapshot: CorpusSnapshot) -> TermCounts | None:
        """Return the term counts of every speech, or None while a job counts a large corpus."""
        return self._up_to(
            self._counts,
            snapshot.speech_set,
            snapshot,
            grow=lambda previous: grown_counts(self.store, previous, snapshot.catalogue),
            build=corpus_term_counts,
            job=count_corpus,
            stale=False,
        )

    def similarity_index(self, snapshot: CorpusSnapshot) -> SimilarityIndex | None:
        """Return the similarity index of every speech, or None while the counts are made."""
        counts = self.counts(snapshot)
        if counts is None:
            return None
        held, key = self._index, snapshot.speech_set
        with held.lock:
            if held.key == key:
                return held.value
            # after an addition the counts keep the counted speeches first: only new rows are weighed
            return held.keep(key, SimilarityIndex.of(counts, previous=held.value))

    def themes(self, snapshot: CorpusSnapshot) -> ThemeModelState | None:
        """Return the stored themes with every speech's mix (None when none were fitted).

        Never fits: speeches added since the fit are scored with the stored model.
        """
        held, key = self._themes, str(snapshot.version)
        with held.lock:
            if held.key == key:
                return held.value
            found = stored_themes(self.store, speech_ids=snapshot.catalogue["speech_id"])
            return held.keep(key, found)

    def figures(self, snapshot: CorpusSnapshot) -> CorpusFigures | None:
        """Return every cited figure of the corpus in series, or None before the first is ready.

        While a job extracts a large corpus again (after a removal, a correction, or a large
        addition), the previous figures are returned and `updating("figures")` is true.
        """
        return self._up_to(
            self._figures,
            snapshot.figures_basis,
            snapshot,
            grow=lambda previous: _grown_figures(self.store, previous, snapshot.catalogue),
            build=build_corpus_figures,
            job=extract_figures,
            stale=True,
        )

    def refresh(self, snapshot: CorpusSnapshot) -> None:
        """Bring every derived thing up to the snapshot (after a change, before pages ask)."""
        self.similarity_index(snapshot)
        self.themes(snapshot)
        self.figures(snapshot)

    def ready(self, snapshot: CorpusSnapshot) -> tuple[bool, bool]:
        """Return whether the term counts and the figures held are those of the snapshot (without
        making either)."""
        return self._counts.key == snapshot.speech_set, self._figures.key == snapshot.figures_basis

    def updating(self, name: str) -> bool:
        """Return whether a job makes the `name` ("counts" or "figures") of a newer snapshot."""
        job = (self._counts if name == "counts" else self._figures).job
        return job is not None and not job.done()

    def _up_to(
        self,
        held: _Held[T],
        key: str,
        snapshot: CorpusSnapshot,
        *,
        grow: Callable[[T], T | None],
        build: Callable[[CorpusStore], T],
        job: Callable[[str], T],
        stale: bool,
    ) -> T | None:
        """Return the state of `key`: the one held, grown from it, built here (a corpus of up to
        `SYNC_WORDS` words) or made by a background job. While the job runs, None is returned,
        or with `stale` the state held. A job for an earlier state goes on (cancelling it on
        every addition would never let a busy corpus finish), and what it makes is grown to the
        newer state once it is done."""
        with held.lock:
            _collect(held)
            if held.key == key:
                return held.value
            if held.value is not None and held.not_grown != key:
                grown = grow(held.value)
                if grown is not None:
                    return held.keep(key, grown)
                held.not_grown = key
            if snapshot.n_words <= SYNC_WORDS:
                return held.keep(key, build(self.store))
            if held.job is None:
                deadline = max(60.0, JOB_SECONDS_PER_MILLION_WORDS * snapshot.n_words / 1e6)
                held.job = BackgroundJob(job, self.store.url, deadline=deadline)
                held.job_key = key
            return held.value if stale else None


def _collect(held: _Held[T]) -> None:
    """Take the result of a finished job as the latest state (raise its error, if it failed: the
    next call starts another)."""
    if held.job is None or not held.job.done():
        return
    job, key = held.job, held.job_key
    held.job = held.job_key = None
    try:
        value = job.result()
    except (CorpusError, ModelError):
        raise
    except Exception as err:  # the job crashed: say so
        raise ModelError(
            f"Preparing the corpus in the background failed ({err}); reload the page to try again."
        ) from err
    assert key is not None
    held.key, held.value = key, value


__all__ = [
    "SYNC_WORDS",
    "CorpusDerived",
    "CorpusSnapshot",
    "count_corpus",
    "extract_figures",
    "grown_counts",
]
