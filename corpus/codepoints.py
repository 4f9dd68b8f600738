"""Character classes of whole texts, looked up for every character at once.

Counting the words of a long text with a regular expression walks it one character at a time and
makes a string of every word; a table with one entry per Unicode code point, indexed by the
text's code points with numpy, gives the same answer several times faster. A large import counts
the words of every speech, so this is on its critical path.
"""

from __future__ import annotations

import re
import sys
from functools import cache

import numpy as np
import numpy.typing as npt

_JOINERS = "-'’"  # joined between letters they make one word: "co-operation", "don't"
# a word: letters or digits, with inner hyphens and apostrophes (what `count_words` counts)
WORD_PATTERN = r"\w+(?:[" + re.escape(_JOINERS) + r"]\w+)*"


def codepoints(text: str) -> npt.NDArray[np.uint32]:
    """Return the code points of `text` as an array (lone surrogates kept as they are)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


@cache
def _all_characters() -> str:
    return codepoints_text(np.arange(sys.maxunicode + 1, dtype=np.uint32))


def codepoints_text(points: npt.NDArray[np.uint32]) -> str:
    """Return the text of an array of code points (the inverse of `codepoints`)."""
    return points.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")


@cache
def word_table() -> npt.NDArray[np.bool_]:
    """Return, for every code point, whether it is a word character (`\\w` of Python's `re`)."""
    table = np.zeros(sys.maxunicode + 1, dtype=bool)
    for run in re.finditer(r"\w+", _all_characters()):
        table[run.start() : run.end()] = True
    return table


@cache
def _joiner_table() -> npt.NDArray[np.bool_]:
    table = np.zeros(sys.maxunicode + 1, dtype=bool)
    table[[ord(c) for c in _JOINERS]] = True
    return table


def count_words(text: str) -> int:
    """Count the matches of `WORD_PATTERN` in `text`, without making them.

    A word is a run of word characters, and runs joined by one hyphen or apostrophe between
    word characters are one word: the runs, less the joins.
    """
    points = codepoints(text)
    if not len(points):
        return 0
    word = word_table()[points]
    runs = int(word[0]) + int(np.count_nonzero(word[1:] & ~word[:-1]))
    joins = int(np.count_nonzero(_joiner_table()[points[1:-1]] & word[:-2] & word[2:]))
    return runs - joins
