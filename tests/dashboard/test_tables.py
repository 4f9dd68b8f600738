"""Tables behind the pages: upload corrections and reports, overview counts, downloads."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import load_workbook

from corpus.importer import FileReport, Prepared
from corpus.records import Speech, SpeechFilter, speech_id_for
from dashboard.downloads import about, describe_filter
from dashboard.summaries import country_options, counts_by_speaker, latest_speeches
from dashboard.upload_flow import (
    PREPARED_COLUMNS,
    REPORT_COLUMNS,
    apply_corrections,
    prepared_frame,
    reports_frame,
    summary,
)
from models.export import to_csv_bytes, to_excel_bytes


def _prepared(text: str, title: str) -> Prepared:
    speech = Speech(
        speech_id=speech_id_for(text),
        title=title,
        speaker="Jane Doe",
        delivered_on=date(2024, 3, 3),
        text=text,
    )
    return Prepared(file=f"{title}.txt", speech=speech, warnings=("no place found",))


def test_corrections_are_laid_over_the_parsed_metadata() -> None:
    items = [
        _prepared("One speech about water.", "one"),
        FileReport(file="bad.png", status="rejected", reason="an image, not a transcript"),
        _prepared("Another speech about peace.", "two"),
    ]
    table = prepared_frame(items)
    assert list(table.columns) == PREPARED_COLUMNS
    assert list(table["file"]) == ["one.txt", "two.txt"]
    edited = table.copy()
    edited.loc[0, ["speaker", "place", "date", "precision"]] = [
        "John Roe",
        "Oslo",
        date(2023, 1, 1),
        "year",
    ]
    edited.loc[1, "store"] = False
    to_store, problems = apply_corrections(items, edited)
    assert problems == []
    stored = [i for i in to_store if isinstance(i, Prepared)]
    assert len(stored) == 1 and len(to_store) == 2  # the refused file stays for the report
    speech = stored[0].speech
    assert (speech.speaker, speech.place, speech.delivered_on, speech.date_precision) == (
        "John Roe", "Oslo", date(2023, 1, 1), "year",
    )  # fmt: skip
    assert speech.speech_id == items[0].speech.speech_id  # the id follows the text, not metadata


def test_an_emptied_title_is_reported_not_stored() -> None:
    items = [_prepared("One speech about water.", "one")]
    edited = prepared_frame(items).assign(title="  ")
    to_store, problems = apply_corrections(items, edited)
    assert to_store == [] and problems == [
        "one.txt: the title is empty; type a title or untick the row."
    ]


def test_report_and_summary() -> None:
    reports = [
        FileReport(file="a.txt", status="added", speech_id="abc", title="A"),
        FileReport(file="b.txt", status="duplicate", speech_id="abc", reason="already stored"),
        FileReport(file="c.png", status="rejected", reason="an image"),
    ]
    frame = reports_frame(reports)
    assert list(frame.columns) == REPORT_COLUMNS
    assert list(frame["status"]) == ["added", "duplicate", "rejected"]
    assert summary(reports) == "1 added, 1 already stored, 1 refused."


def test_overview_counts_and_latest() -> None:
    catalogue = pd.DataFrame(
        {
            "speech_id": ["a", "b", "c"],
            "title": ["A", "B", "C"],
            "speaker": ["X", "Y", "X"],
            "place": ["", "", ""],
            "country": ["", "Russian Federation", "RUS"],
            "country_code": ["", "RUS", "RUS"],
            "date": pd.to_datetime(["2018-01-01", "2019-05-05", "2020-02-02"]),
            "date_iso": ["2018", "2019-05-05", "2020-02-02"],
            "n_words": [10, 20, 30],
        }
    )
    by_speaker = counts_by_speaker(catalogue)
    assert by_speaker.to_dict("records")[0] == {
        "speaker": "X", "n_speeches": 2, "n_words": 40, "first": "2018", "last": "2020-02-02",
    }  # fmt: skip
    assert list(latest_speeches(catalogue, n=2)["speech_id"]) == ["c", "b"]
    assert list(latest_speeches(catalogue, n=2)["country_code"]) == ["RUS", "RUS"]
    assert country_options(catalogue) == ["Russia"]
    added = catalogue.assign(added_at=pd.to_datetime(["2024-01-03", "2024-01-01", "2024-01-02"]))
    assert list(latest_speeches(added, n=2)["speech_id"]) == ["a", "c"]


def test_downloads_are_formula_safe_and_say_what_they_hold() -> None:
    flt = SpeechFilter(speakers=frozenset({"B", "A"}), start=date(2018, 1, 1), contains="water")
    assert describe_filter(flt) == "speakers: A, B; from 2018-01-01; text: water"
    assert describe_filter(SpeechFilter()) == "all speeches"
    frame = pd.DataFrame({"title": ['=HYPERLINK("http://x")', "@SUM(1)"], "n": [1, 2]})
    assert b"'=HYPERLINK" in to_csv_bytes(frame)
    rows = about(page="Overview", flt=flt, version=7)
    book = load_workbook(io.BytesIO(to_excel_bytes({"speeches": frame}, about=rows)))
    assert book.sheetnames == ["About", "speeches"]
    assert book["About"]["B4"].value == "7"
    assert book["speeches"]["A2"].data_type == "s"
    assert book["speeches"]["A2"].value.startswith("'=")


def test_a_selection_is_the_stores_own_catalogue_of_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from corpus.store import CorpusStore
    from dashboard import cache
    from tests.conftest import make_speech

    url = str(tmp_path / "corpus.sqlite")
    store = CorpusStore(url)  # the seed and three more
    for i, (speaker, day) in enumerate([("Ana Ruiz", 3), ("Bo Tax", 1), ("Ana Ruiz", 2)]):
        store.add(
            make_speech(f"Rivers and aquifers, statement {i}.", speaker=speaker,
                        delivered_on=date(2021, 5, day), place="Geneva" if i else "Lima")
        )  # fmt: skip
    version = store.version()
    for flt in (
        SpeechFilter(),
        SpeechFilter(speakers=frozenset({"Ana Ruiz"})),
        SpeechFilter(places=frozenset({"Geneva"}), start=date(2021, 5, 2)),
        SpeechFilter(contains="aquifers"),
        SpeechFilter(contains="nowhere-to-be-found"),
    ):
        cached = cache._catalogue(url, version, cache.filter_key(flt))
        # (a cached copy may hold the text columns as pandas strings)
        pd.testing.assert_frame_equal(cached, store.catalogue(flt), check_dtype=False)
    store.dispose()


def test_filter_choices_and_dates_are_the_stores_own(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The sidebar's lists and date bounds, read from the cached catalogue, equal the store's."""
    from corpus.store import CorpusStore
    from dashboard import cache
    from tests.conftest import make_speech

    url = str(tmp_path / "corpus.sqlite")
    store = CorpusStore(url)
    for i, (speaker, place) in enumerate([("Ana Ruiz", "Lima"), ("bo Tax", ""), ("Ana Ruiz", "")]):
        store.add(
            make_speech(f"Rivers, statement {i}.", speaker=speaker, place=place,
                        delivered_on=date(1999 + 10 * i, 5, 3))
        )  # fmt: skip
    version = store.version()
    assert {name: list(values) for name, values in cache._choices(url, version).items()} == {
        "speaker": store.speakers(),
        "place": store.places(),
        "country": store.countries(),
    }
    assert "bo Tax" in cache._choices(url, version)["speaker"]
    assert "" not in cache._choices(url, version)["place"]
    first, last = store.date_range()  # type: ignore[misc]
    bounds = (date(1999, 5, 3), date(2019, 5, 3))
    assert cache._date_range(url, version) == (first.date(), last.date()) == bounds
    store.dispose()


def test_the_newest_speeches_are_those_of_a_full_sort() -> None:
    """Many speeches on the same days: the cut keeps every tie, ids stay in order within a day."""
    from dashboard.cache import _newest

    rng = np.random.default_rng(7)
    for size in (0, 1, 5, 40, 300):
        days = rng.integers(0, 12, size)
        listed = pd.DataFrame(
            {
                "speech_id": [f"id-{v:04d}" for v in rng.permutation(size)],
                "date": pd.Timestamp("2020-01-01") + pd.to_timedelta(days, unit="D"),
            }
        )
        for n in (1, 3, 10, 41):
            expected = listed.sort_values(["date", "speech_id"], ascending=[False, True]).head(n)
            pd.testing.assert_frame_equal(_newest(listed, n), expected)


def test_picker_labels_are_those_of_each_row() -> None:
    """Labels read from four columns equal the label of each whole row (long, empty, unicode)."""
    from dashboard.summaries import speech_label, speech_labels

    catalogue = pd.DataFrame(
        {
            "speech_id": ["a1", "b2", "c3"],
            "title": ["Short", "Ж" * 120, "Exactly " + "x" * 82],
            "speaker": ["Sergey Lavrov", "", "Ana Ruiz"],
            "date_iso": ["2018-06-15", "2019", "2020-05"],
            "date": pd.to_datetime(["2018-06-15", "2019-01-01", "2020-05-01"]),
            "n_words": [10, 20, 30],
        }
    )
    for width in (40, 90):
        expected = {
            row["speech_id"]: speech_label(row, width=width) for _, row in catalogue.iterrows()
        }
        assert speech_labels(catalogue, width=width) == expected
    assert speech_labels(catalogue)["b2"].startswith("2019 · unknown speaker · ЖЖЖ")
    assert speech_labels(catalogue.iloc[:0]) == {}


def test_theme_shares_over_time_leave_out_speeches_in_other_languages(tmp_path: Path) -> None:
    from corpus.store import CorpusStore
    from dashboard.theme_tables import selection_shares
    from models.themes.store import current_themes, stored_themes
    from tests.conftest import make_speech
    from tests.models.conftest import build_corpus

    store = CorpusStore(f"sqlite:///{tmp_path / 'corpus.sqlite'}", seed=False)
    try:
        records = list(build_corpus().records)
        store.add_many(records)
        state = current_themes(store, n_topics=3)
        english = selection_shares(state, store.catalogue(), period="year")[1]
        text = (Path(__file__).parents[1] / "data" / "languages" / "ru.txt").read_text("utf-8")
        year = records[0].delivered_on.year
        store.add(make_speech(text, delivered_on=date(year, 6, 1), language="ru"))
        now = stored_themes(store)  # the Russian speech scored: no share in any theme
        assert now is not None and len(now.mix) == len(records) + 1
        mixed = selection_shares(now, store.catalogue(), period="year")[1]
        pd.testing.assert_frame_equal(mixed, english)  # the Russian speech does not dilute
    finally:
        store.dispose()


def test_the_detected_language_is_shown_and_can_be_corrected() -> None:
    items = [
        _prepared("Уважаемые коллеги, рад приветствовать вас на нашей встрече.", "ru"),
        _prepared("Шановні колеги, дякую за увагу.", "uk"),
    ]
    items = [replace(i, speech=replace(i.speech, language="ru")) for i in items]
    table = prepared_frame(items)
    assert list(table["language"]) == ["ru", "ru"]
    edited = table.assign(language=["", "Ukrainian"])
    to_store, problems = apply_corrections(items, edited)
    assert problems == []
    assert [i.speech.language for i in to_store if isinstance(i, Prepared)] == ["ru", "uk"]
    _, problems = apply_corrections(items, table.assign(language=["ru", "Elvish"]))
    assert problems == [
        "uk.txt: 'Elvish' is not a language; give its code, such as ru or uk, or its English name."
    ]
