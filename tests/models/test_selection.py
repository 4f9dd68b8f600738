"""Written selections of speeches: parsing and resolving against a real store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.records import SpeechFilter
from corpus.store import CorpusStore
from models.errors import SelectionError
from models.selection import SELECTION_KEYS, is_in, parse_selection, resolve
from tests.conftest import make_speech


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        ('speaker:"Sergey Lavrov"', SpeechFilter(speakers=frozenset({"Sergey Lavrov"}))),
        ("speaker:'Sergey Lavrov'", SpeechFilter(speakers=frozenset({"Sergey Lavrov"}))),
        ("year:2018", SpeechFilter(start=date(2018, 1, 1), end=date(2018, 12, 31))),
        ("year:2015-2018", SpeechFilter(start=date(2015, 1, 1), end=date(2018, 12, 31))),
        ("place:Moscow", SpeechFilter(places=frozenset({"Moscow"}))),
        ("country:Russia", SpeechFilter(countries=frozenset({"Russia"}))),
        (
            "date:2018-01-01..2018-12-31",
            SpeechFilter(start=date(2018, 1, 1), end=date(2018, 12, 31)),
        ),
        ("date:2018-06-15", SpeechFilter(start=date(2018, 6, 15), end=date(2018, 6, 15))),
        ("date:2018-06-01..", SpeechFilter(start=date(2018, 6, 1))),
        ("date:..2018-06-30", SpeechFilter(end=date(2018, 6, 30))),
        ("3f2a9c0d1e7b", SpeechFilter(speech_ids=frozenset({"3f2a9c0d1e7b"}))),
        ("id:USA_75_2020", SpeechFilter(speech_ids=frozenset({"USA_75_2020"}))),
        (
            'speaker:"Sergey Lavrov" year:2018 place:Moscow',
            SpeechFilter(
                speakers=frozenset({"Sergey Lavrov"}),
                places=frozenset({"Moscow"}),
                start=date(2018, 1, 1),
                end=date(2018, 12, 31),
            ),
        ),
        (
            "speaker:Putin speaker:Lavrov",
            SpeechFilter(speakers=frozenset({"Putin", "Lavrov"})),
        ),
        (
            "year:2015-2018 date:2017-06-01..2019-01-01",
            SpeechFilter(start=date(2017, 6, 1), end=date(2018, 12, 31)),
        ),
        ("YEAR:2018", SpeechFilter(start=date(2018, 1, 1), end=date(2018, 12, 31))),
    ],
    ids=[
        "speaker-double-quotes",
        "speaker-single-quotes",
        "year",
        "year-range",
        "place",
        "country",
        "date-range",
        "date-day",
        "date-open-end",
        "date-open-start",
        "bare-id",
        "id-key",
        "and-of-keys",
        "same-key-widens",
        "dates-intersect",
        "key-case",
    ],
)
def test_parse_selection(selection: str, expected: SpeechFilter) -> None:
    assert parse_selection(selection) == expected


@pytest.mark.parametrize(
    ("selection", "message"),
    [
        ("colour:red", "Unknown key 'colour' in 'colour:red'; use one of speaker:, year:, date:"),
        ("year:18", "Cannot read the year in 'year:18'"),
        ("year:2019-2015", "run backwards"),
        ("date:2018-13-01", "Cannot read the date in 'date:2018-13-01'"),
        ("date:2019-01-01..2018-01-01", "run backwards"),
        ("speaker:", "has no value"),
        ('speaker:"Sergey Lavrov', "unclosed quote"),
        ("   ", "The selection is empty"),
    ],
    ids=[
        "unknown-key",
        "short-year",
        "years-backwards",
        "bad-date",
        "dates-backwards",
        "no-value",
        "unclosed-quote",
        "empty",
    ],
)
def test_parse_selection_refuses(selection: str, message: str) -> None:
    with pytest.raises(SelectionError, match=message.replace("(", r"\(")):
        parse_selection(selection)


def test_unknown_key_message_lists_every_valid_key() -> None:
    with pytest.raises(SelectionError) as caught:
        parse_selection("colour:red")
    for key in SELECTION_KEYS:
        assert f"{key}:" in str(caught.value)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CorpusStore]:
    """A store with three speeches: Lavrov in Moscow 2018, Lavrov 2019, Putin 2020."""
    store = CorpusStore(f"sqlite:///{tmp_path / 'corpus.sqlite'}", seed=False)
    store.add_many(
        [
            make_speech(
                "Remarks to non-governmental organisations in Moscow.",
                speaker="Sergey Lavrov",
                place="Moscow",
                delivered_on=date(2018, 6, 15),
            ),
            make_speech(
                "Statement at the General Assembly.",
                speaker="Sergey Lavrov",
                delivered_on=date(2019, 9, 27),
            ),
            make_speech(
                "Address to the nation.", speaker="Vladimir Putin", delivered_on=date(2020, 1, 15)
            ),
        ]
    )
    yield store
    store.dispose()


def test_resolve_returns_a_filter_that_selects_speeches(store: CorpusStore) -> None:
    flt = resolve(store, 'speaker:"Sergey Lavrov" year:2018')
    assert flt == SpeechFilter(
        speakers=frozenset({"Sergey Lavrov"}), start=date(2018, 1, 1), end=date(2018, 12, 31)
    )
    assert store.catalogue(flt)["place"].tolist() == ["Moscow"]
    speech_id = store.catalogue(flt)["speech_id"].iloc[0]
    assert store.catalogue(resolve(store, speech_id))["speech_id"].tolist() == [speech_id]


def test_resolve_names_the_corpus_range_when_nothing_matches(store: CorpusStore) -> None:
    with pytest.raises(
        SelectionError, match=r"^No speech matches year:2031; the corpus runs from 2018 to 2020\.$"
    ):
        resolve(store, "year:2031")


def test_resolve_suggests_a_near_speaker_and_flags_unknown_ids(store: CorpusStore) -> None:
    with pytest.raises(SelectionError, match='did you mean speaker:"Sergey Lavrov"'):
        resolve(store, 'speaker:"Sergei Lavrov"')
    with pytest.raises(SelectionError, match="no speech has the id 'deadbeef0000'"):
        resolve(store, "deadbeef0000")


def test_resolve_on_an_empty_corpus(tmp_path: Path) -> None:
    store = CorpusStore(f"sqlite:///{tmp_path / 'empty.sqlite'}", seed=False)
    try:
        with pytest.raises(SelectionError, match="the corpus is empty"):
            resolve(store, "year:2018")
    finally:
        store.dispose()


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.one_of(st.none(), st.text(max_size=6)), max_size=40),
    wanted=st.lists(st.one_of(st.none(), st.text(max_size=6)), max_size=20),
)
def test_is_in_agrees_with_pandas_isin(values: list[str | None], wanted: list[str | None]) -> None:
    for container in (pd.Series(values, dtype="str"), pd.Series(values, dtype=object)):
        expected = container.isin(wanted).to_numpy(dtype=bool) & container.notna().to_numpy()
        assert is_in(container, wanted).tolist() == expected.tolist()
        assert is_in(container, set(wanted)).tolist() == expected.tolist()
        # a column of another frame, missing values included
        assert is_in(container, pd.Series(wanted, dtype="str")).tolist() == expected.tolist()
    assert is_in(pd.Index([v for v in values if v is not None]), wanted).dtype == bool
