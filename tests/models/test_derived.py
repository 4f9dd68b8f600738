"""What is derived from the corpus, grown by speeches added in another process, equals a build.

On an SQLite file and (when one is given) a PostgreSQL server: term counts, the similarity
index, the themes' mix and the cited figures held by one `CorpusDerived` are grown by speeches
another process adds, then compared with those a fresh `CorpusDerived` builds from the store.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from corpus.store import CorpusStore
from models import derived
from models.compare.keyness import TermCounts, nearest_speeches
from models.derived import CorpusDerived, CorpusSnapshot
from models.figures.corpus import CorpusFigures
from models.themes.store import current_themes
from tests.conftest import make_speech
from tests.models.conftest import build_corpus

ROOT = Path(__file__).resolve().parents[2]

FIRST = "Fisheries and boats: only 70 boats were left in our coastal fleet, out of over 400."
ADDED = [
    ("Fisheries quotas and boats: 300 new boats joined our coastal fleet, and over 40 "
     "countries signed the fisheries treaty.", date(2022, 3, 1)),
    ("Taxation and budgets: the budget deficit fell to 3 per cent, and 12 members of the "
     "council voted for the new tax on boats.", date(2023, 6, 1)),
]  # fmt: skip


@pytest.fixture
def store(store_url: str) -> Iterator[CorpusStore]:
    """Eighteen speeches on three subjects and one citing figures, with fitted themes."""
    found = CorpusStore(store_url, seed=False)
    found.add_many(list(build_corpus().records))
    found.add(make_speech(FIRST, title="On fleets", delivered_on=date(2021, 2, 1)))
    current_themes(found, n_topics=3)
    yield found
    found.dispose()


def _add_elsewhere(url: str, texts: list[tuple[str, date]]) -> None:
    """Add speeches from another process, as the command line or another server would."""
    code = (
        "import sys, datetime\n"
        "from corpus.store import CorpusStore\n"
        "from tests.conftest import make_speech\n"
        "store = CorpusStore(sys.argv[1], seed=False)\n"
        "for text, day in zip(sys.argv[2::2], sys.argv[3::2]):\n"
        "    store.add(make_speech(text, title=text[:20], delivered_on="
        "datetime.date.fromisoformat(day)))\n"
        "store.dispose()\n"
    )
    args = [a for text, day in texts for a in (text, day.isoformat())]
    subprocess.run(
        [sys.executable, "-c", code, url, *args], cwd=ROOT, check=True, capture_output=True
    )


def _same_counts(grown: TermCounts, built: TermCounts) -> None:
    assert set(grown.speech_ids) == set(built.speech_ids)
    rows = built.speech_ids.get_indexer(grown.speech_ids)
    assert list(grown.terms) == list(built.terms)
    assert (grown.matrix != built.matrix[rows]).nnz == 0
    assert np.array_equal(grown.n_words, built.n_words[rows])


def _same_figures(grown: CorpusFigures | None, built: CorpusFigures | None) -> None:
    assert grown is not None and built is not None
    for name in ("figures", "points", "summary", "inputs", "basis"):
        pd.testing.assert_frame_equal(getattr(grown, name), getattr(built, name), obj=name)


def _assert_grown_equals_built(held: CorpusDerived, store: CorpusStore) -> None:
    snapshot = CorpusSnapshot.of(store)
    fresh = CorpusDerived(store)
    grown_counts, built_counts = held.counts(snapshot), fresh.counts(snapshot)
    assert grown_counts is not None and built_counts is not None
    _same_counts(grown_counts, built_counts)
    # the index scores every speech as one built from nothing does
    ids = list(built_counts.speech_ids)
    near = nearest_speeches(
        grown_counts, speech_ids=ids, n=3, index=held.similarity_index(snapshot)
    )
    near_built = nearest_speeches(
        built_counts, speech_ids=ids, n=3, index=fresh.similarity_index(snapshot)
    )
    pd.testing.assert_frame_equal(
        near.sort_values(list(near.columns)).reset_index(drop=True),
        near_built.sort_values(list(near.columns)).reset_index(drop=True),
    )
    grown_themes, built_themes = held.themes(snapshot), fresh.themes(snapshot)
    assert grown_themes is not None and built_themes is not None
    pd.testing.assert_frame_equal(
        grown_themes.mix.sort_index(), built_themes.mix.sort_index(), check_exact=False
    )
    _same_figures(held.figures(snapshot), fresh.figures(snapshot))


def test_grown_by_another_process_equals_built(store: CorpusStore) -> None:
    held = CorpusDerived(store)
    before = CorpusSnapshot.of(store)
    held.refresh(before)
    counts_before = held.counts(before)
    assert counts_before is not None and len(counts_before.speech_ids) == 19

    held_before = held.snapshot(before.version)
    _add_elsewhere(store.url, ADDED)
    after = CorpusSnapshot.of(store)
    assert after.version > before.version and len(after.catalogue) == 21
    # the catalogue grown by the added speeches is the one read whole
    grown_catalogue = held.snapshot(after.version).catalogue
    pd.testing.assert_frame_equal(grown_catalogue, after.catalogue)
    assert held_before.catalogue.equals(before.catalogue)  # the older one is left as it was
    held.refresh(after)
    grown = held.counts(after)
    assert grown is not None and len(grown.speech_ids) == 21
    # grown, not counted again: the speeches counted before keep their rows
    assert list(grown.speech_ids[:19]) == list(counts_before.speech_ids)
    figures = held.figures(after)
    assert figures is not None
    assert {300.0, 40.0, 3.0, 12.0} <= set(figures.figures["value"])
    themes = held.themes(after)
    assert themes is not None and set(after.catalogue["speech_id"]) <= set(themes.mix.index)
    _assert_grown_equals_built(held, store)

    # a speech removed: the counts drop its row, the figures are extracted again
    gone = after.catalogue["speech_id"].iloc[0]
    store.remove(gone)
    _assert_grown_equals_built(held, store)
    assert gone not in set(held.counts(CorpusSnapshot.of(store)).speech_ids)  # type: ignore[union-attr]


def test_a_large_corpus_is_built_in_a_background_job_then_grown_at_once(
    store: CorpusStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the nineteen speeches count as a large corpus here
    monkeypatch.setattr(derived, "SYNC_WORDS", 100)
    held = CorpusDerived(store)
    snapshot = CorpusSnapshot.of(store)
    assert held.counts(snapshot) is None and held.updating("counts")
    assert held.figures(snapshot) is None and held.updating("figures")
    # a speech added by another process while the jobs run: what they make is grown by it
    _add_elsewhere(store.url, [("Over 90 boats sailed home this year.", date(2023, 2, 1))])
    moving = CorpusSnapshot.of(store)
    deadline = time.monotonic() + 120
    while held.counts(moving) is None or held.figures(moving) is None or held.updating("figures"):
        assert time.monotonic() < deadline, "the background jobs did not finish in 2 minutes"
        time.sleep(0.2)
    counted = held.counts(moving)
    assert counted is not None and set(counted.speech_ids) == set(moving.catalogue["speech_id"])
    assert 90.0 in set(held.figures(moving).figures["value"])  # type: ignore[union-attr]

    # a short speech added later is grown at once (under SYNC_WORDS words): no job
    store.add(make_speech("Only 64 boats are left in the fleet.", delivered_on=date(2024, 1, 1)))
    after = CorpusSnapshot.of(store)
    assert held.counts(after) is not None and not held.updating("counts")
    assert held.figures(after) is not None and not held.updating("figures")
    monkeypatch.undo()  # what a build gives, made here and now
    _assert_grown_equals_built(held, store)
