"""Word counts and combining-mark checks by code-point tables agree with the regular expressions."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as hs

from corpus.codepoints import codepoints, codepoints_text, count_words, word_table
from corpus.readers.decode import normalise_text
from corpus.records import WORD_PATTERN

WORD = re.compile(WORD_PATTERN)

# texts dense in what decides a count: word characters of many scripts, digits, underscores,
# joiners, combining marks, spaces and punctuation, and any other code point
pieces = hs.sampled_from(
    list("aZ9_ -'’—.,\n\t\u0301\u0308éЖж٣中") + ["co-operation", "don't", "1,000", "U.N."]
)
dense = hs.lists(hs.one_of(pieces, hs.characters()), max_size=60).map("".join)
RELAXED = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@RELAXED
@given(hs.one_of(dense, hs.text(max_size=200)))
@example("")
@example("-'’")
@example("a-b-c don't -x y- a--b a-'b _ __ 9-9 ’tis")
@example("\ud800a\udfff")
def test_word_count_is_the_number_of_regex_matches(text: str) -> None:
    assert count_words(text) == len(WORD.findall(text))


def test_word_table_is_python_word_characters() -> None:
    table = word_table()
    for point in (0x41, 0x5F, 0x30, 0x0663, 0x4E2D, 0x0301, 0x2019, 0x20, 0xD800, 0x10FFFF):
        ch = chr(point)
        assert table[point] == bool(re.fullmatch(r"\w", ch)), hex(point)


@RELAXED
@given(hs.text(max_size=200))
def test_code_points_round_trip(text: str) -> None:
    assert codepoints_text(codepoints(text)) == text


def test_texts_without_combining_marks_keep_their_punctuation_runs() -> None:
    # the mark check skips texts without marks; runs of other symbols are never touched
    assert normalise_text("Wait.....!!!!! ---- ***** ok") == "Wait.....!!!!! ---- ***** ok"
    flooded = "e" + "\u0301" * 40 + " and more"
    capped = normalise_text(flooded)
    assert sum(1 for ch in capped if unicodedata.combining(ch)) == 4
