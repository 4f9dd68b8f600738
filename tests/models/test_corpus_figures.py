"""The figures of new speeches added to those of the corpus: the same as extracting everything again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from corpus.records import Speech
from corpus.store import CorpusStore
from models.figures.corpus import CorpusFigures, build_corpus_figures, grow_corpus_figures
from models.figures.store import (
    corpus_quantities,
    correct_quantity,
    dismiss_quantity,
    merge_series,
    rename_series,
)
from tests.conftest import make_speech, need_corpora

OLD = [
    ("Spain sent 300 Spanish medical doctors to the region. Only 70 Russian NGOs enjoy "
     "consultative status with ECOSOC, out of over 4,000 organisations.", "Ana Ruiz",
     date(2019, 3, 1)),
    ("Spain sent 350 Spanish medical doctors to the region. Over 40 countries joined the OSCE "
     "initiative, "
     "and 12 members of the council voted for it.", "Ana Ruiz", date(2020, 5, 1)),
    ("Over 45 countries joined the OSCE initiative. Only four Russian NGOs take part in the "
     "INGO Conference of the Council of Europe.", "Bo Tax", date(2021, 1, 1)),
]  # fmt: skip
NEW = {
    # a shorter name for the doctors, between the two speeches that cite them: it becomes the
    # representative of their group, so the older figures change series
    "middle": ("Spain sent 450 Spanish medic doctors to the region.", "Ana Ruiz", date(2019, 9, 1)),
    # only counted things already known: the groups keep their clusters
    "newest": ("Over 50 countries joined the OSCE initiative.", "Bo Tax", date(2022, 1, 1)),
    # the same day as a speech already there
    "same-day": ("Only 75 Russian NGOs have consultative status with ECOSOC today, and 13 "
                 "members of the council voted.", "Ana Ruiz", date(2020, 5, 1)),
}  # fmt: skip


def _speech(text: str, speaker: str, day: date) -> Speech:
    return make_speech(text, speaker=speaker, delivered_on=day, title=f"{speaker}, {day}")


def _assert_same(grown: CorpusFigures | None, fresh: CorpusFigures) -> None:
    assert grown is not None
    for name in ("figures", "points", "summary", "inputs", "basis"):
        pd.testing.assert_frame_equal(getattr(grown, name), getattr(fresh, name), obj=name)
    assert grown.annotations == fresh.annotations


@pytest.fixture
def store(store_url: str) -> Iterator[CorpusStore]:
    """The seed and three speeches, with a correction, a dismissal, a merge and a new name, on
    an SQLite file and (when one is given) a PostgreSQL server."""
    store = CorpusStore(store_url)
    store.add_many([_speech(*row) for row in OLD])
    figures = corpus_quantities(store)
    doctors = figures[figures["counted"].str.contains("doctors")]
    countries = figures[figures["counted"] == "countries"]
    members = figures[figures["counted"] == "members"]
    dismiss_quantity(store, members["key"].iloc[0])
    correct_quantity(store, figures[figures["value"] == 4000]["key"].iloc[0], qualifier="about")
    rename_series(store, doctors["series"].iloc[0], "Doctors sent abroad")
    merge_series(store, [countries["series"].iloc[-1]], into=countries["series"].iloc[0])
    yield store
    store.dispose()


@pytest.mark.parametrize("added", [["middle"], ["newest"], ["same-day"], list(NEW)])
def test_grown_figures_are_those_of_a_fresh_extraction(
    store: CorpusStore, added: list[str]
) -> None:
    previous = build_corpus_figures(store)
    store.add_many([_speech(*NEW[name]) for name in added])
    fresh = build_corpus_figures(store)
    _assert_same(grow_corpus_figures(previous, store, store.catalogue()), fresh)
    if "middle" in added:  # the case the growth must get right: older figures changed series
        before = set(previous.figures["series"])
        assert {s for s in fresh.figures["series"] if "doctor" in s} - before


def test_grown_figures_can_grow_again(store: CorpusStore) -> None:
    grown = build_corpus_figures(store)
    for name in NEW:
        store.add(_speech(*NEW[name]))
        grown = grow_corpus_figures(grown, store, store.catalogue())  # type: ignore[arg-type]
        _assert_same(grown, build_corpus_figures(store))


def test_anything_but_new_speeches_means_extracting_again(store: CorpusStore) -> None:
    previous = build_corpus_figures(store)
    assert grow_corpus_figures(previous, store, store.catalogue()) is None  # nothing new
    added = _speech(*NEW["newest"])
    store.add(added)
    figures = corpus_quantities(store)
    rename_series(store, figures["series"].iloc[-1], "Countries in the initiative")
    assert grow_corpus_figures(previous, store, store.catalogue()) is None  # a series edit
    previous = build_corpus_figures(store)
    store.add(_speech(*NEW["middle"]))
    store.update_metadata(added.speech_id, delivered_on=date(2022, 2, 2))
    assert grow_corpus_figures(previous, store, store.catalogue()) is None  # a speech re-dated
    previous = build_corpus_figures(store)
    store.remove(added.speech_id)
    store.add(_speech(*NEW["same-day"]))
    assert grow_corpus_figures(previous, store, store.catalogue()) is None  # a speech removed


def test_state_of_the_union_addresses_grown_one_decade_at_a_time(tmp_path: Path) -> None:
    """Real addresses: figures that join long series, new groups, speeches of every decade."""
    from corpus.readers.tables import read_table, speech_from_row
    from corpus.records import Document

    path = need_corpora("us-sotu", "sotu_1790-2021.jsonl.gz")
    rows = read_table(path.name, path).rows()
    speeches = [speech_from_row(r) for r in rows if isinstance(r, Document)]
    recent = [s for s in speeches if s.delivered_on.year >= 1990][:24]
    held_back = recent[3::6]  # four addresses spread over the three decades
    store = CorpusStore(str(tmp_path / "sotu.sqlite"), seed=False)
    store.add_many([s for s in recent if s not in held_back])
    previous = build_corpus_figures(store)
    store.add_many(held_back)
    fresh = build_corpus_figures(store)
    grown = grow_corpus_figures(previous, store, store.catalogue())
    _assert_same(grown, fresh)
    assert len(fresh.figures) > len(previous.figures) + 20
    store.dispose()


def test_growing_yields_between_short_steps(store: CorpusStore) -> None:
    """The server adds an upload's figures in steps, letting page runs go first between them."""
    previous = build_corpus_figures(store)
    store.add_many([_speech(*NEW[name]) for name in NEW])
    pauses: list[int] = []
    grown = grow_corpus_figures(previous, store, store.catalogue(), pause=lambda: pauses.append(1))
    _assert_same(grown, build_corpus_figures(store))
    # reading, grouping, clustering, ordering, naming, laying out points and the summary: each
    # a few hundredths of a second at most on the UN corpus
    assert len(pauses) >= 9
