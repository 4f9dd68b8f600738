"""Text statistics, sentence splitting, MTLD, readability, term trends and concordance."""

from __future__ import annotations

import gzip
import itertools
import json
import math
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from corpus.records import count_words
from corpus.store import CorpusStore
from models.compare.stats import (
    STATS_ARTIFACT,
    concordance,
    count_syllables,
    flesch_reading_ease,
    mtld,
    phrase_pattern,
    speech_stats,
    split_sentences,
    stats_by_group,
    stored_speech_stats,
    term_trend,
    with_periods,
)
from models.errors import NotEnoughTextError, SelectionError
from tests.conftest import make_speech, need_corpora


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One sentence. Another one.", ["One sentence.", "Another one."]),
        ("Mr. Lavrov spoke. Then he left.", ["Mr. Lavrov spoke.", "Then he left."]),
        ("Mrs. Smith and Dr. Jones agreed.", ["Mrs. Smith and Dr. Jones agreed."]),
        (
            "The U.S. Government agreed. Talks followed.",
            ["The U.S. Government agreed.", "Talks followed."],
        ),
        (
            "Some states, e.g. Chad, agreed. Others did not.",
            ["Some states, e.g. Chad, agreed.", "Others did not."],
        ),
        ("Growth was 1.5 per cent. It fell.", ["Growth was 1.5 per cent.", "It fell."]),
        ("It grew by 2.5. Then it fell.", ["It grew by 2.5.", "Then it fell."]),
        (
            "See Art. 51 of the Charter. It is clear.",
            ["See Art. 51 of the Charter.", "It is clear."],
        ),
        ("Resolution No. 242 stands.", ["Resolution No. 242 stands."]),
        ("J. F. Kennedy said so. We agree.", ["J. F. Kennedy said so.", "We agree."]),
        ("Why? Because! We said so.", ["Why?", "Because!", "We said so."]),
        ('He said "Enough." Then silence.', ['He said "Enough."', "Then silence."]),
        ("Peace etc. and more.", ["Peace etc. and more."]),
        (
            "A heading\n\nThe first paragraph. Its end.",
            ["A heading", "The first paragraph.", "Its end."],
        ),
        (
            "Brazil applauds your\nelection, Sir. We\nagree.",
            ["Brazil applauds your election, Sir.", "We agree."],
        ),
        ("Unfinished", ["Unfinished"]),
        ("...\n\n  ", []),
    ],
    ids=[
        "two-sentences",
        "mr",
        "mrs-dr",
        "us-initials",
        "eg",
        "decimal",
        "decimal-at-end",
        "art",
        "no",
        "initials",
        "question-exclamation",
        "closing-quote",
        "lowercase-after-stop",
        "paragraph-break",
        "hard-wrapped-lines",
        "no-final-stop",
        "no-words",
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


LANGUAGES = Path(__file__).parents[1] / "data" / "languages"


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Мир меняется. Россия готова.", "ru", ["Мир меняется.", "Россия готова."]),
        (
            "Встреча прошла в г. Москве. Затем был обед.",
            "ru",
            ["Встреча прошла в г. Москве.", "Затем был обед."],
        ),
        ("Дякую. Слава Україні!", "uk", ["Дякую.", "Слава Україні!"]),
        (
            "M. Macron est arrivé. « Bonjour », dit-il. Élysée, lundi.",
            "fr",
            ["M. Macron est arrivé.", "« Bonjour », dit-il.", "Élysée, lundi."],
        ),
        ("¿Qué hacemos? ¡Vamos! Gracias.", "es", ["¿Qué hacemos?", "¡Vamos!", "Gracias."]),
        ("Il Sig. Rossi parla. Poi esce.", "it", ["Il Sig. Rossi parla.", "Poi esce."]),
        (
            "中国支持和平。我们反对战争！谢谢。",
            "zh",
            ["中国支持和平。", "我们反对战争！", "谢谢。"],
        ),
    ],
    ids=["ru", "ru-abbreviation", "uk", "fr", "es", "it", "zh"],
)
def test_split_sentences_in_other_languages(text: str, language: str, expected: list[str]) -> None:
    assert split_sentences(text, language) == expected


def test_a_russian_speech_is_split_into_its_sentences_and_has_no_flesch_score() -> None:
    text = (LANGUAGES / "ru.txt").read_text(encoding="utf-8")
    # 17 sentences: 14 full stops (one after the abbreviation "г." is not an end), 2 "!", 1 "?"
    (row,) = speech_stats(pd.Series({"ru": text}), {"ru": "ru"}).to_dict("records")
    assert row["n_sentences"] == 17
    assert row["language"] == "ru"
    assert math.isnan(row["flesch_reading_ease"])
    assert "defined for English only" in row["readability_note"]
    assert "'ru'" in row["readability_note"]


def test_an_english_speech_keeps_its_flesch_score_and_no_note() -> None:
    (row,) = speech_stats(pd.Series({"en": "The cat sat. The dog ran."})).to_dict("records")
    assert row["flesch_reading_ease"] == pytest.approx(119.19)
    assert (row["language"], row["readability_note"]) == ("en", "")


def test_group_readability_says_which_speeches_it_leaves_out() -> None:
    russian = (LANGUAGES / "ru.txt").read_text(encoding="utf-8")
    texts = pd.Series({"en": "The cat sat. The dog ran.", "ru": russian})
    stats = speech_stats(texts, {"ru": "ru"})
    frame = stats_by_group(stats, groups={"mixed": ["en", "ru"], "ru": ["ru"], "en": ["en"]})
    rows = frame.set_index("group")
    assert rows.loc["mixed", "flesch_reading_ease"] == pytest.approx(119.19)
    assert (
        "over the 1 English speeches, leaving out 1 in 'ru'"
        in rows.loc["mixed", "readability_note"]
    )
    assert math.isnan(rows.loc["ru", "flesch_reading_ease"])
    assert "1 in 'ru'" in rows.loc["ru", "readability_note"]
    assert rows.loc["en", "readability_note"] == ""


def test_mtld_on_known_cases() -> None:
    # Forward: the ratio falls to 1/2 at every second "a": 2 factors, no remainder -> 4 / 2.
    assert mtld("a a a a".split()) == 2.0
    # Forward: the(1/1) cat sat on the(4/5) mat(5/6) the(5/7 = 0.714 <= 0.72: factor 1), end(1/1):
    #   remainder ratio 1 adds 0, so 8 / 1 = 8.
    # Backward: end the mat the on sat cat the -> ratio 6/8 = 0.75 at the end, never <= 0.72:
    #   partial factor (1 - 0.75) / (1 - 0.72) = 0.892857, so 8 / 0.892857 = 8.96.
    # MTLD = (8 + 8.96) / 2 = 8.48.
    assert mtld("the cat sat on the mat the end".split()) == pytest.approx(8.48)
    assert math.isnan(mtld("every word here differs".split()))
    assert math.isnan(mtld([]))
    # a stricter threshold ends factors later, so each holds more tokens
    tokens = ("peace security development peace rights security " * 10).split()
    assert mtld(tokens, threshold=0.5) > mtld(tokens)


def test_mtld_hardly_depends_on_length_unlike_the_type_token_ratio() -> None:
    rng = np.random.default_rng(0)
    vocabulary = [f"w{i}" for i in range(300)]
    weights = 1 / np.arange(1, 301)
    words = list(rng.choice(vocabulary, size=20_000, p=weights / weights.sum()))
    short, long = words[:2_000], words
    assert mtld(short) == pytest.approx(mtld(long), rel=0.15)
    assert len(set(short)) / len(short) > 2 * len(set(long)) / len(long)


@pytest.mark.parametrize(
    ("word", "syllables"),
    [
        ("the", 1),
        ("peace", 1),
        ("make", 1),
        ("table", 2),
        ("people", 2),
        ("walked", 1),
        ("wanted", 2),
        ("makes", 1),
        ("horses", 2),
        ("nation", 2),
        ("security", 4),
        ("international", 5),
        ("Organisation", 5),
        ("1945", 1),
        ("UN", 1),
    ],
    ids=lambda value: str(value),
)
def test_count_syllables(word: str, syllables: int) -> None:
    assert count_syllables(word) == syllables


def test_flesch_reading_ease() -> None:
    # 6 words, 2 sentences, 6 syllables: 206.835 - 1.015 * 3 - 84.6 * 1
    assert flesch_reading_ease(n_words=6, n_sentences=2, n_syllables=6) == pytest.approx(119.19)
    assert math.isnan(flesch_reading_ease(n_words=0, n_sentences=0, n_syllables=0))


def test_speech_stats_columns_and_values() -> None:
    texts = pd.Series(
        {"s1": "The cat sat. The dog ran.", "s2": "Mr. Smith met the U.S. envoy on 1.5 issues."},
        name="text",
    )
    frame = speech_stats(texts)
    assert list(frame.columns) == [
        "speech_id",
        "n_words",
        "n_sentences",
        "mean_sentence_length",
        "n_types",
        "mtld",
        "flesch_reading_ease",
        "language",
        "readability_note",
    ]
    first = frame.iloc[0]
    assert first["speech_id"] == "s1"
    assert (first["n_words"], first["n_sentences"], first["n_types"]) == (6, 2, 5)
    assert first["mean_sentence_length"] == 3.0
    assert first["flesch_reading_ease"] == pytest.approx(119.19)
    second = frame.iloc[1]
    assert second["n_sentences"] == 1
    assert second["n_words"] == count_words(texts["s2"])


def test_stats_by_group() -> None:
    stats = speech_stats(
        pd.Series({"s1": "The cat sat. The dog ran.", "s2": "One two three four."})
    )
    frame = stats_by_group(stats, groups={"a": ["s1"], "both": ["s1", "s2"]})
    assert list(frame.columns) == [
        "group",
        "n_speeches",
        "n_words",
        "mean_sentence_length",
        "mtld",
        "flesch_reading_ease",
        "readability_note",
    ]
    assert frame["group"].tolist() == ["a", "both"]
    assert frame["n_words"].tolist() == [6, 10]
    assert frame["mean_sentence_length"].tolist() == pytest.approx([3.0, 10 / 3])


def _catalogue() -> tuple[pd.Series, pd.DataFrame]:
    texts = pd.Series(
        {
            "s1": "Climate change matters. CLIMATE\nCHANGE again, and climate changes too.",
            "s2": "Nothing about it here at all.",
            "s3": "We discussed climate change once.",
            "s4": "Only the year is known of this climate change speech.",
        }
    )
    catalogue = pd.DataFrame(
        {
            "speech_id": ["s1", "s2", "s3", "s4"],
            "title": ["One", "Two", "Three", "Four"],
            "date": pd.to_datetime(["2018-03-05", "2018-11-20", "2019-02-01", "2019-01-01"]),
            "date_precision": ["day", "day", "month", "year"],
            "n_words": [count_words(t) for t in texts],
        }
    )
    return texts, catalogue


def test_term_trend_per_10k_on_a_constructed_case() -> None:
    texts, catalogue = _catalogue()
    frame = term_trend(texts, catalogue=catalogue, terms=["climate change", "nothing"])
    assert list(frame.columns) == [
        "term",
        "period",
        "n_speeches",
        "n_words",
        "n_matches",
        "per_10k",
    ]
    assert frame["term"].tolist() == ["climate change"] * 2 + ["nothing"] * 2
    assert frame["period"].tolist() == [pd.Timestamp("2018-01-01"), pd.Timestamp("2019-01-01")] * 2
    climate = frame.iloc[:2]
    # 2018: "Climate change" and "CLIMATE\nCHANGE" (not "climate changes") in 10 + 6 words
    assert climate["n_matches"].tolist() == [2, 2]
    assert climate["n_speeches"].tolist() == [2, 2]
    assert climate["n_words"].tolist() == [16, 15]
    assert climate["per_10k"].tolist() == pytest.approx([2 / 16 * 10_000, 2 / 15 * 10_000])


def test_term_queries_are_bounded_and_stop_at_their_deadline() -> None:
    from models.compare.stats import MAX_TERM_CHARS, MAX_TREND_TERMS, concordance

    texts, catalogue = _catalogue()
    many = [f"word{i}" for i in range(MAX_TREND_TERMS + 1)]
    with pytest.raises(SelectionError, match=f"At most {MAX_TREND_TERMS} terms"):
        term_trend(texts, catalogue=catalogue, terms=many)
    long = "climate " * (MAX_TERM_CHARS // 8 + 1)
    with pytest.raises(SelectionError, match=f"at most {MAX_TERM_CHARS} characters"):
        term_trend(texts, catalogue=catalogue, terms=[long])
    with pytest.raises(SelectionError, match=f"at most {MAX_TERM_CHARS} characters"):
        concordance(texts, catalogue=catalogue, term=long)
    # out of time at once: the first term is counted, the others are left out
    cut = term_trend(texts, catalogue=catalogue, terms=["climate", "nothing", "speech"], seconds=0)
    assert set(cut["term"]) == {"climate"}
    whole = term_trend(texts, catalogue=catalogue, terms=["climate", "nothing"], seconds=60)
    assert set(whole["term"]) == {"climate", "nothing"}


def test_term_trend_by_quarter_leaves_out_speeches_dated_to_the_year() -> None:
    texts, catalogue = _catalogue()
    frame = term_trend(texts, catalogue=catalogue, terms=["climate change"], period="quarter")
    assert (
        frame["period"].tolist()
        == pd.to_datetime(["2018-01-01", "2018-10-01", "2019-01-01"]).tolist()
    )
    assert frame["n_matches"].tolist() == [2, 0, 1]
    with pytest.raises(NotEnoughTextError, match="monthly trend; use a coarser period"):
        with_periods(catalogue[catalogue["date_precision"] == "year"], period="month")
    with pytest.raises(SelectionError, match="Unknown period 'week'"):
        term_trend(texts, catalogue=catalogue, terms=["x"], period="week")


@pytest.mark.parametrize(
    ("term", "text", "matches"),
    [
        ("UN", "The UN and UNESCO, fun, U.N.", ["UN"]),
        ("rule of law", "The Rule  of\nLaw, and rules of law.", ["Rule  of\nLaw"]),
        ("peace", "peace-keeping and peaceful peace.", ["peace", "peace"]),
        ("G20", "The G20 and G200 met.", ["G20"]),
        ("c++", "c++ and c", ["c++"]),
    ],
    ids=["acronym-whole-word", "phrase-across-space", "hyphen-separates", "digits", "escaped"],
)
def test_phrase_pattern(term: str, text: str, matches: list[str]) -> None:
    assert phrase_pattern(term).findall(text) == matches


def test_phrase_pattern_refuses_an_empty_term() -> None:
    with pytest.raises(SelectionError, match="has no word in it"):
        phrase_pattern("  ")


def test_concordance_offsets_point_at_the_match_in_the_original_text() -> None:
    texts, catalogue = _catalogue()
    frame = concordance(texts, catalogue=catalogue, term="climate change", width=12)
    assert list(frame.columns) == [
        "speech_id",
        "date",
        "title",
        "start",
        "word_index",
        "left",
        "match",
        "right",
    ]
    assert frame["speech_id"].tolist() == ["s1", "s1", "s3", "s4"]
    for row in frame.itertuples():
        text = texts[row.speech_id]
        assert text[row.start : row.start + len(row.match)] == row.match
        assert text.replace("\n", " ")[max(0, row.start - 12) : row.start] == row.left
        words_before = count_words(text[: row.start])
        assert row.word_index == words_before
    second = frame.iloc[1]
    assert (second["match"], second["word_index"]) == ("CLIMATE\nCHANGE", 3)
    assert second["left"] == "ge matters. "
    assert second["right"] == " again, and "
    assert frame["date"].dtype.kind == "M"
    assert len(concordance(texts, catalogue=catalogue, term="climate change", limit=3)) == 3
    assert concordance(texts, catalogue=catalogue, term="absent").empty


def test_statistics_and_concordance_on_real_un_speeches() -> None:
    path = need_corpora("ungdc", "ungdc_1946-2024.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in itertools.islice(handle, 60)]
    texts = pd.Series({r["id"]: r["text"] for r in rows})
    stats = speech_stats(texts)
    assert (stats["n_words"] == [count_words(t) for t in texts]).all()
    # verbatim records of the 1940s: long sentences, rich vocabulary, hard reading
    assert stats["mean_sentence_length"].between(15, 60).all()
    assert stats["mtld"].between(40, 200).all()
    assert stats["flesch_reading_ease"].between(-20, 70).all()
    catalogue = pd.DataFrame(
        {
            "speech_id": texts.index,
            "title": [r["country"] for r in rows],
            "date": pd.to_datetime([f"{r['year']}-01-01" for r in rows]),
        }
    )
    lines = concordance(texts, catalogue=catalogue, term="United Nations", width=30)
    assert len(lines) > 100
    for row in lines.itertuples():
        assert texts[row.speech_id][row.start : row.start + len(row.match)] == row.match
        assert count_words(texts[row.speech_id][: row.start]) == row.word_index


def test_stored_speech_stats_measure_each_speech_once(tmp_path: Path) -> None:
    store = CorpusStore(f"sqlite:///{tmp_path / 'corpus.sqlite'}", seed=False)
    try:
        first = make_speech(
            "Mr. Smith spoke. The U.S. envoy listened.", delivered_on=date(2018, 1, 2)
        )
        second = make_speech("Peace and security. Peace again!", delivered_on=date(2019, 1, 2))
        store.add_many([first, second])
        stats = stored_speech_stats(store, [second.speech_id])
        assert list(stats.columns) == list(speech_stats(pd.Series([], dtype=object)).columns)
        expected = speech_stats(pd.Series({second.speech_id: second.text}))
        # the first measurement has the types of later ones read back from the store
        pd.testing.assert_frame_equal(stats, expected)
        none = speech_stats(pd.Series([], dtype=object))
        assert none.dtypes.iloc[1:].equals(expected.dtypes.iloc[1:])
        assert store.get_artifact(STATS_ARTIFACT) is not None
        both = stored_speech_stats(store, [first.speech_id, second.speech_id, "not-stored"])
        assert both["speech_id"].tolist() == [first.speech_id, second.speech_id]
        assert both["n_sentences"].tolist() == [2, 2]
        assert both.dtypes.equals(stats.dtypes)
    finally:
        store.dispose()


def test_stored_speech_stats_follow_a_corrected_language(tmp_path: Path) -> None:
    store = CorpusStore(f"sqlite:///{tmp_path / 'corpus.sqlite'}", seed=False)
    try:
        text = (LANGUAGES / "ru.txt").read_text(encoding="utf-8")
        speech = make_speech(text, delivered_on=date(2018, 1, 2))  # stored as English
        store.add(speech)
        (before,) = stored_speech_stats(store, [speech.speech_id]).to_dict("records")
        assert before["language"] == "en" and before["n_sentences"] == 5
        store.update_metadata(speech.speech_id, language="ru")
        (after,) = stored_speech_stats(store, [speech.speech_id]).to_dict("records")
        assert after["language"] == "ru" and after["n_sentences"] == 17
        assert math.isnan(after["flesch_reading_ease"]) and after["readability_note"]
    finally:
        store.dispose()
