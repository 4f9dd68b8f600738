"""The catalogue every page reads: grown by an upload rather than read again, never changed by
a page; an upload shows on every page."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from corpus.records import SpeechFilter
from corpus.store import CorpusStore
from dashboard import cache
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
    return cache._catalogue(url, cache._store_for(url).version(), cache._NO_FILTER)


def test_an_upload_through_this_server_reads_only_the_new_speeches(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = cache._store_for(url)  # the server's own store: uploads go through it
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
    store = cache._store_for(url)
    store.add_many([make_speech(t, delivered_on=d) for t, d in TEXTS])
    version = store.version()
    some = cache.filter_key(SpeechFilter(speakers=frozenset({"Test Speaker"})))
    given = cache._catalogue(url, version, cache._NO_FILTER)
    given["title"] = "overwritten"
    given.loc[0, "n_words"] = -1
    chosen = cache._catalogue(url, version, some)
    chosen["extra"] = 1
    chosen.loc[1, "speaker"] = "Someone else"
    assert cache._catalogue(url, version, cache._NO_FILTER).equals(store.catalogue())
    assert cache._catalogue(url, version, some).equals(store.catalogue(cache.filter_from_key(some)))


def test_an_upload_stored_shows_on_every_page_with_its_terms_and_figures(
    app: AppTest, hostile: str, warm_reader: None
) -> None:
    app.switch_page("dashboard/pages/upload.py").run()
    before = set(cache.get_store().speech_ids())
    app.file_uploader(key="upload_files").set_value(
        [("hostile.txt", hostile.encode(), "text/plain")]
    ).run()
    app.button(key="upload_store").click().run()
    assert not app.exception, [e.value for e in app.exception]
    (new,) = set(cache.get_store().speech_ids()) - before

    app.switch_page("dashboard/pages/overview.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.metric[0].value == "2"
    app.query_params["speech"] = new
    app.switch_page("dashboard/pages/speech.py").run()
    assert not app.exception, [e.value for e in app.exception]
    shown = "\n".join(str(e.value) for e in [*app.info, *app.caption])
    assert "being counted" not in shown
    assert any("g2" in d.value.columns for d in app.dataframe), "no distinctive terms listed"
