"""The catalogue every page reads: grown by an upload rather than read again, never changed by
a page, and the Overview of an upload drawn before it is opened."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from corpus.records import SpeechFilter
from corpus.store import CorpusStore
from dashboard import state
from tests.conftest import make_speech

TEXTS = (
    ("Grain corridors and ports kept the sea lanes open.", date(2019, 9, 24)),
    ("Fisheries and boats matter to our coastal towns.", date(2020, 9, 22)),
    ("Space law must keep up with launches and satellites.", date(2021, 9, 21)),
)


@pytest.fixture
def url(tmp_path: Path) -> str:
    st.cache_resource.clear()
    st.cache_data.clear()
    return f"sqlite:///{tmp_path / 'corpus.sqlite'}"


def _whole(url: str) -> object:
    return state._catalogue(url, state._store_for(url).version(), state._NO_FILTER)


def test_an_upload_through_this_server_reads_only_the_new_speeches(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = state._store_for(url)  # the server's own store: uploads go through it
    store.add_many([make_speech(t, delivered_on=d) for t, d in TEXTS])
    before = _whole(url)
    whole_reads: list[int] = []
    read_whole = store.versioned_catalogue

    def counted() -> tuple[int, object]:
        whole_reads.append(1)
        return read_whole()

    monkeypatch.setattr(store, "versioned_catalogue", counted)

    # an upload: two speeches, one of them on the day of one already stored
    new = [
        make_speech("The budget was debated on the same day.", delivered_on=date(2020, 9, 22)),
        make_speech("Water treaties between upstream and downstream states."),
    ]
    store.add_many(new)
    grown = _whole(url)
    assert whole_reads == []
    assert grown.equals(store.catalogue()), grown["speech_id"].tolist()
    assert len(grown) == len(before) + 2

    # a change made by another server is read whole, and shows
    other = CorpusStore(url, seed=False)
    other.update_metadata(new[0].speech_id, title="Corrected elsewhere")
    again = _whole(url)
    assert whole_reads == [1]
    assert again.equals(store.catalogue())
    assert "Corrected elsewhere" in again["title"].tolist()
    # and the next upload here grows from that read
    store.add(make_speech("Satellites, again, and the law of space."))
    assert _whole(url).equals(store.catalogue()) and whole_reads == [1]
    other.dispose()


def test_a_page_may_change_the_catalogue_it_is_given(url: str) -> None:
    store = state._store_for(url)
    store.add_many([make_speech(t, delivered_on=d) for t, d in TEXTS])
    version = store.version()
    some = state.filter_key(SpeechFilter(speakers=frozenset({"Test Speaker"})))
    given = state._catalogue(url, version, state._NO_FILTER)
    given["title"] = "overwritten"
    given.loc[0, "n_words"] = -1
    chosen = state._catalogue(url, version, some)
    chosen["extra"] = 1
    chosen.loc[1, "speaker"] = "Someone else"
    assert state._catalogue(url, version, state._NO_FILTER).equals(store.catalogue())
    assert state._catalogue(url, version, some).equals(store.catalogue(state.filter_from_key(some)))


def _join(name: str) -> None:
    for thread in threading.enumerate():
        if thread.name == name:
            thread.join(timeout=120)
            assert not thread.is_alive(), f"{name} did not finish in 2 minutes"


def test_an_upload_stored_has_its_overview_and_pages_prepared_before_they_are_opened(
    app: AppTest, hostile: str, warm_reader: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # who draws the overview (its first step runs once per corpus version and selection)
    made: list[tuple[str, int]] = []
    by_year = state.counts_by_year

    def spy(catalogue: pd.DataFrame) -> pd.DataFrame:
        made.append((threading.current_thread().name, len(catalogue)))
        return by_year(catalogue)

    monkeypatch.setattr(state, "counts_by_year", spy)
    app.switch_page("dashboard/pages/upload.py").run()
    app.file_uploader(key="upload_files").set_value(
        [("hostile.txt", hostile.encode(), "text/plain")]
    ).run()
    assert not made, "nothing stored yet"
    app.button(key="upload_store").click().run()
    assert not app.exception, [e.value for e in app.exception]
    _join("speechtrack-prepare")
    assert made == [("speechtrack-prepare", 2)]
    # and then the other pages, a page earlier than `prepare_pages` would
    store = state.get_store()
    (counts,) = [
        job.result() for key, job in state._jobs().items() if key[:2] == ("counts", store.url)
    ]
    assert set(counts.speech_ids) == set(store.speech_ids())

    app.switch_page("dashboard/pages/overview.py").run()  # finds it made: not made again
    assert not app.exception, [e.value for e in app.exception]
    assert made == [("speechtrack-prepare", 2)]
    assert app.metric[0].value == "2"
