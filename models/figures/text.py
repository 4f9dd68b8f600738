"""The words around a number: sentences, what is not a figure, qualifiers, and what is counted."""

from __future__ import annotations

import re
from dataclasses import replace

from models.figures.numbers import NumberExpression

_DASH_WORDS = frozenset(
    """a an the and or but of in on at to for from by with as is are was were be been has have had
    that which who this these those it its their our we they""".split()
)


def dash_cut(word: str) -> str:
    """The part of a word before a dash written as a hyphen, else the word: "States-South" ->
    "States" (a plural before a capital), "inflation-has" -> "inflation" (a function word after);
    "Secretary-General", "non-governmental" stay whole."""
    first, hyphen, second = word.partition("-")
    if not hyphen or not first or not second or second.startswith("General"):
        return word  # "Secretaries-General"
    if second.lower() in _DASH_WORDS:
        return first
    plural = len(first) > 3 and first.endswith("s") and not first.endswith(("ss", "us", "is"))
    return first if plural and second[:1].isupper() else word


def singular(word: str) -> str:
    """A lower-case noun without its regular plural ending: "countries" -> "country", "ngos" ->
    "ngo"; "press", "status", "crisis" stay as they are."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st no nos e.g i.e etc vs art arts para paras p pp gen prof sr jr inc ltd co approx "
    "jan feb mar apr jun jul aug sep sept oct nov dec u.s u.n h.e rev vol fig cf op mt govt".split()
)
# A sentence ends at "!", "?" or "." (with closing quotes) before a capital or a digit, or at a line
# end. Starting the pattern with the set of end characters lets the engine skip straight to them.
_BOUNDARY = re.compile(r"[.!?\n](?:(?<=\n)|[.!?]*[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9]))")
_LOWER_START = re.compile(r"[ \t]*[a-z]")
_BLANK_LINE = re.compile(r"[ \t\r]*\n")
_LAST_WORD = re.compile(r"([\w.]+)\.?$")
_LONGEST_ABBREVIATION = max(len(a) for a in _ABBREVIATIONS)
_CLOSED_LINE = frozenset('.!?:;"”’)')
_CAPITAL = re.compile(r"[A-Z]")


def _wraps(text: str, newline: int) -> bool:
    """Say whether the line break at `newline` wraps a sentence rather than ending one."""
    line = text[text.rfind("\n", 0, newline) + 1 : newline].rstrip()
    if line[-1:] in _CLOSED_LINE or _BLANK_LINE.match(text, newline + 1):
        return False
    if line[-2:-1].isalpha() and line[-1:] == "-":
        return True  # "The Secretary-" / "General's proposed fund": a word broken at its hyphen
    return len(line) >= 50 or bool(line and _LOWER_START.match(text, newline + 1))


def _after_abbreviation(text: str, start: int, stop: int) -> bool:
    """Say whether the full stop at `stop` follows a known abbreviation or a single capital initial."""
    longer = _LONGEST_ABBREVIATION + 1
    if stop - start >= longer and text[stop - longer : stop].isalnum():
        return False  # the word before is longer than any abbreviation
    word = _LAST_WORD.search(text[max(start, stop - 24) : stop])
    if word is None:
        return False
    return (
        word.group(1).lower().rstrip(".") in _ABBREVIATIONS
        or _CAPITAL.fullmatch(word.group(1)) is not None
    )


def sentence_spans(text: str, *, max_chars: int | None = None) -> list[tuple[int, int]]:
    """Split a text into sentences and return their (start, end) offsets, leading/trailing space trimmed.

    Lines always end a sentence; a full stop after a known abbreviation ("Mr.", "No.", "U.S.") or a
    single capital initial does not. A sentence longer than `max_chars` (default
    `MAX_SENTENCE_CHARS`; 0 for no limit) is cut at spaces.
    """
    limit = MAX_SENTENCE_CHARS if max_chars is None else max_chars
    spans = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        at = match.start()
        if text[at] == "\n":
            if _wraps(text, at):
                continue  # a line wrapped inside a sentence
        elif _after_abbreviation(text, start, at):
            continue
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    trimmed = []
    for begin, end in spans:
        piece = text[begin:end]
        left = len(piece) - len(piece.lstrip())
        right = len(piece.rstrip())
        if right > left:
            if limit:
                trimmed.extend(_bounded(text, begin + left, begin + right, limit))
            else:
                trimmed.append((begin + left, begin + right))
    return trimmed


# No real sentence is this long; a longer run without a full stop (a table flattened into text, a
# hostile upload) is cut at spaces, so that reading the words around each number stays linear.
MAX_SENTENCE_CHARS = 1_500


def _bounded(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Cut the span (start, end) into pieces of at most `limit` characters, at spaces when possible."""
    pieces = []
    while end - start > limit:
        cut = text.rfind(" ", start + limit // 2, start + limit)
        cut = cut if cut > start else start + limit
        pieces.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        pieces.append((start, end))
    return pieces


_INLINE_UNAVAILABLE = re.compile(
    r"""
    (?=[\d+(])                                                  # cheap first-character filter
    (?:\+\d[\d\s().-]{6,}\d|\(\d{2,5}\)\s?\d[\d\s-]{4,}\d        # phone numbers
    |\b\d{3}[-.]\d{3}[-.]\d{4}\b|\b\d{1,4}(?:-\d{2,4}){3,}\b|\b\d{2,4}-\d{2}-\d{2}\b   # phones, ISO dates
    |\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b                          # 15.06.2018, 15/06/18
    |\b\d{1,2}:\d{2}(?::\d{2})?\b                               # 11:40
    |\b\d{1,2}(?:[.:]\d{2})?\s*(?:a\.m\.|p\.m\.|am\b|pm\b|o['’]clock|GMT\b|UTC\b)   # 10 a.m.
    |\b\d{1,3}\s+General\s+Assembly\s*[-–—]\s*[\w-]+\s+session   # running heads
    |\(\d{1,2}\)|\b\d{1,2}\)|\b\d{2}-\d{5}\b)                # list markers, document job numbers
    """,
    re.VERBOSE,
)
_LINE_UNAVAILABLE = re.compile(
    r"""
    ^[ \t\r]*\(?\d{1,3}[.)](?=\s)                             # "78. The delegation" paragraph numbers
    |^[ \t\r]*(?=[^\n]*\d)[\dA-Z/.()\-–,: \t]{1,40}[ \t\r]*$      # symbol lines "A/70/PV.23 01/10/2015"
    |^[ \t]*(?:[Pp]age\s+)?\d+(?:\s+of\s+\d+)?[ \t]*$            # page numbers on their own line
    |^[ \t]*[-–]\s*\d+\s*[-–][ \t]*$                             # "- 5 -"
    |^[^\n]{0,70}\b(?:January|February|March|April|May|June|July|August|September|October|November
        |December)\b[^\n]{0,20}\s\d{1,4}[ \t]*$                # running heads "session - 7 October 1993 9"
    """,
    re.VERBOSE | re.MULTILINE,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_LITERAL_UNAVAILABLE = (
    re.compile(r"https?://\S+"),
    re.compile(r"www\.\S+"),
    re.compile(
        r"session\s*[-–—]\s*\d{1,2}\s+[A-Z][a-z]+\s+[l1\d]\d{3}\s+\d{1,3}\b"
    ),  # running heads
)


_INLINE_START = re.compile(r"[\d+(][\d+(]*")
# Where a line-pattern match can start: a line with a digit, with a month name, or beginning
# (after blanks) with a dash or "Page"; any other line is skipped without trying the patterns.
_MONTH_NAME = re.compile(
    r"January|February|March|April|May|June|July|August|September|October|November|December"
)
_DASH_OR_PAGE_LINE = re.compile(r"\n(?=[ \t]*[-–Pp])")
_DASH_OR_PAGE_START = re.compile(r"[ \t]*[-–Pp]")


def _matches_from(
    pattern: re.Pattern[str], text: str, positions: list[int]
) -> list[tuple[int, int]]:
    """Return the spans `pattern.finditer(text)` gives, trying only `positions` (sorted).

    The positions must include every offset where the pattern can match; trying a few hundred
    places is much faster than letting the engine try every character of a long speech.
    """
    spans = []
    last_end = -1
    for position in positions:
        if position < last_end:
            continue
        match = pattern.match(text, position)
        if match is not None:
            spans.append((position, match.end()))
            last_end = match.end()
    return spans


def _inline_positions(text: str) -> tuple[list[int], set[int]]:
    """Return where an inline pattern may match, and the starts of the lines holding a digit."""
    # every inline pattern starts with "+", "(" or a digit after a non-word character: the start
    # of each run of such characters, and each place inside a run just after a "+" or "("
    positions = []
    digit_lines = set()
    for run in _INLINE_START.finditer(text):
        begin, chars = run.start(), run.group()
        positions.append(begin)
        if "+" in chars or "(" in chars:
            positions.extend(
                begin + offset
                for offset in range(1, len(chars))
                if chars[offset] in "+(" or chars[offset - 1] in "+("
            )
            if not chars.strip("+("):
                continue  # no digit in the run
        digit_lines.add(text.rfind("\n", 0, begin) + 1)
    return positions, digit_lines


def _line_positions(text: str, digit_lines: set[int]) -> list[int]:
    """Return the starts of the lines where a line pattern may match (see `_LINE_UNAVAILABLE`)."""
    lines = set(digit_lines)
    lines.update(text.rfind("\n", 0, m.start()) + 1 for m in _MONTH_NAME.finditer(text))
    lines.update(m.end() for m in _DASH_OR_PAGE_LINE.finditer(text))
    if _DASH_OR_PAGE_START.match(text):
        lines.add(0)
    return sorted(lines)


def unavailable_spans(text: str) -> list[tuple[int, int]]:
    """Return the spans where no figure can be: addresses, phone numbers, dates, times, furniture."""
    inline, digit_lines = _inline_positions(text)
    spans = _matches_from(_INLINE_UNAVAILABLE, text, inline)
    spans.extend(_matches_from(_LINE_UNAVAILABLE, text, _line_positions(text, digit_lines)))
    for pattern in _LITERAL_UNAVAILABLE:  # each starts with a literal: the engine skips to it
        spans.extend((m.start(), m.end()) for m in pattern.finditer(text))
    if "@" in text:
        spans.extend((m.start(), m.end()) for m in _EMAIL.finditer(text))
    return sorted(spans)


_MONTHS = (
    r"January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"
)
_ID_KEYWORDS = re.compile(
    r"""(?:\b(?:resolutions?|articles?|paragraphs?|paras?|chapters?|items?|sections?|goals?|SDGs?|nos?|
    numbers?|protocols?|rules?|annex(?:es)?|clauses?|points?|pages?|pp?|principles?|amendments?|decisions?|
    flights?|tables?|figures?|hits|views|tel|fax|phone|room|box|route|verses?|psalms?|volumes?|vol|
    editions?|versions?|platforms?|gates?|terminals?|channels?|codes?|World\s+War|
    sub-?items?|sessions?|meetings?|summits?|committees?|commissions?|files?|cases?|laws?|acts?)\.?:?
    |№|\#)\s*(?:[\d()/,\s–-]|\band\b|\bor\b|\bto\b|\((?:[A-Z]+-)?[IVXLC]+\))*$""",
    re.IGNORECASE | re.VERBOSE,
)
_DETERMINER = re.compile(
    r"\b(?:the|these|those|our|your|their|its|his|her|my|both|every|each|this|that|which|whose|all)"
    r"(?:\s+(?:first|last|next|remaining|other|same))?\s+$",
    re.IGNORECASE,
)
_QUALIFIER_BEFORE = re.compile(
    r"\b(?:only|just|merely|a\s+mere|some|about|around|approximately|nearly|almost|over|more\s+than|"
    r"at\s+least|up\s+to|under|less\s+than|fewer\s+than|as\s+many\s+as|roughly|exactly|single)\s+$",
    re.IGNORECASE,
)


_FOUR_DIGITS = re.compile(r"\d{4}")
_LOWERCASE_NOUN = re.compile(r"\s+[a-z]{3,}")


def _is_year(text: str, expr: NumberExpression, before: str, after: str) -> bool:
    if expr.kind != "digits" or expr.unit != "count" or not _FOUR_DIGITS.fullmatch(expr.text):
        return False
    if not 1100 <= expr.value <= 2100:
        return False
    # "over 2000 people" is a count: a qualifier before and a lowercase noun after
    return not (_QUALIFIER_BEFORE.search(before) and _LOWERCASE_NOUN.match(after))


_RHETORICAL = re.compile(
    r"\s+(?:(?:main|key|basic|brief|short|simple|important|general)\s+)?(?:points|things|remarks|"
    r"observations|comments|words|questions|ideas|thoughts|messages|lessons|examples|considerations|"
    r"reasons)\b"
)
_NAME_BEFORE = re.compile(r"(\S+\s+)?\b([A-Z][a-z]+)\s+$")
_NEXT_WORD = re.compile(r"\s+([a-z][\w-]*)")
_NOT_NAMES = frozenset(
    "Only Some About Over Nearly Almost Just Around Under Roughly Approximately".split()
)
_MONTH = re.compile(_MONTHS)


def _is_name_number(expr: NumberExpression, before: str, after: str) -> bool:
    """Say whether a number belongs to a name: "Nord Stream 2 pipeline", "Apollo 11 mission"."""
    if (
        expr.kind != "digits"
        or expr.unit != "count"
        or not expr.text.isdigit()
        or expr.value >= 1000
    ):
        return False
    name = _NAME_BEFORE.search(before)
    if name is None or name.group(1) is None or name.group(2) in _NOT_NAMES:
        return False  # a capital at the start of a sentence is just the sentence's first word
    if _MONTH.fullmatch(name.group(2)):
        return False
    following = _NEXT_WORD.match(after)
    return following is None or not _is_head(following.group(1))


_IDENTIFIER_BEFORE = re.compile(r"(?:[A-Za-z][-+]\s?|[A-Za-z]\.|[/#№\\]|\b[A-Z]{2,6}\s|\d\+)$")
_IDENTIFIER_AFTER = re.compile(r"/\d|\+\d")
_DOCUMENT_AFTER = re.compile(r"\s*\((?:[IVXL]+|1\d\d\d|20\d\d)\)")
_NOTHING_AFTER = re.compile(r"\s*[.)]?\s*")
_MARKER_BEFORE = re.compile(r"[\"”.)\]]$")
_DAYS = frozenset(range(1, 32))
_MONTH_BEFORE = re.compile(rf"\b(?:{_MONTHS})\.?\s+$")
_MONTH_AFTER = re.compile(
    rf"(?:\s*(?:-|–|to|and)\s*\d{{1,2}}(?:st|nd|rd|th)?)?\s+(?:of\s+)?(?:{_MONTHS})\b"
)
_CLOCK_BEFORE = re.compile(r"\b(?:half|quarter)\s+(?:past|to)\s+$", re.IGNORECASE)
_CLOCK_AFTER = re.compile(
    r"\s+o['’]clock\b|\s+(?:this|that|in\s+the|yesterday|tomorrow)\s+(?:morning|afternoon|evening)\b"
)
_AGE_BEFORE = re.compile(
    r"\b(?:age[sd]?|aged)\s+(?:of\s+)?(?:between\s+)?(?:\d+\s+(?:and|to)\s+)?$", re.IGNORECASE
)
_PARAGRAPH_START = re.compile(
    r"\s+(?:In|The|We|It|This|That|Our|I|My|Mr|Mrs|As|At|On|For|With|There|These|Those|Its|If|"
    r"When|While|Since|But|And|Yet|Let|Today|Now|He|She|They|Allow|May)\b"
)
_NOT_A_MULTIPLE = re.compile(
    r"(?:double|triple)\s+(?!(?:it|them|this|that|by|in|to|the|its|their|our|from|and|or|every|"
    r"within|over|again|since|between|during|its|his|her)\b)[a-z]"
    r"|\w+-?fold\s*(?::|\w+\s+(?:task|aim|purpose|objective|goal|mission|challenge|approach|"
    r"role|function|strategy|nature|character|significance|meaning|reason)s?\b)"
    r"|\w+-?fold\s+(?:task|aim|purpose|objective|goal|mission|challenge|approach|role|function|"
    r"strategy|nature|character|significance|meaning|reason)s?\b",
    re.IGNORECASE,
)
_WORDS_AFTER = re.compile(r"[A-Za-z][\w'’-]*")
# nouns of measures that "half the ..." takes a share of
_MEASURED = frozenset(
    """population amount total world budget number cost size price area territory land output
    production trade income wealth capacity market product economy debt""".split()
)
_DURATION_AFTER = re.compile(
    r"\s+(?:of\s+)?(?:more\s+)?(?:years?|months?|weeks?|days?|decades?|centuries|century|hours?|"
    r"minutes?|generations?)\b",
    re.IGNORECASE,
)
_DURATION_BEFORE = re.compile(
    r"\b(?:for|over|past|last|next|in|within|after|during|some|nearly|almost|about|than|"
    r"the|these|those|its|our|their|of)\s+(?:the\s+)?(?:past\s+|last\s+|next\s+|first\s+)?$",
    re.IGNORECASE,
)
_AGO_AFTER = re.compile(r"\s+(?:\w+\s+)?ago\b")
_THE_AFTER = re.compile(r"\s+the\s+([\w-]+)(['’]s)?")
_PART_BEFORE = re.compile(r"\b(?:the|our|their|its|this|that|a)\s+(?:\w+\s+)?$", re.IGNORECASE)
_RATIO_AFTER = re.compile(r"\s+(?:in|out\s+of)\s+(?:\d|every|ten|five|four|three|two)")


def _word_number_reason(expr: NumberExpression, before: str, after: str) -> str:
    """Say why a number written in words is a reference, an idiom or how often, not a figure."""
    if _RHETORICAL.match(after) and expr.value <= 10:
        return "rhetorical"  # "I will make three points", "two things": the shape of a speech
    ratio = _RATIO_AFTER.match(after)
    if expr.value == 1 and not _QUALIFIER_BEFORE.search(before) and not ratio:
        return "one"  # "one cannot", "one of the", "one another", "one day"
    if _DETERMINER.search(before) and expr.multiplier == 1.0:
        return "reference"  # "our two countries", "the three pillars": a reference, not a figure
    return ""  # "met three times" is a frequency (FIGURES.md): the classifier weighs it


def is_excluded_by_context(text: str, expr: NumberExpression, sentence: tuple[int, int]) -> bool:
    """Say whether the words around a number make it something other than a cited figure.

    Args:
        text: the whole text.
        expr: a number expression with offsets in `text`.
        sentence: the (start, end) offsets of its sentence.

    Returns:
        True for years, decades, dates, identifiers ("Resolution 2254", "COVID-19", "A/RES/70/1"),
        "N years ago", compound words and idioms with "one"; False for figures.
    """
    return bool(exclusion_reason(text, expr, sentence))


def exclusion_reason(text: str, expr: NumberExpression, sentence: tuple[int, int]) -> str:
    """Return which rule says a number is not a cited figure ("" when none does).

    The reasons: identifier, document, marker, alone, year, day, clock, ago, idiom, part, name,
    rhetorical, one, reference, times.
    """
    before = text[max(sentence[0], expr.start - 60) : expr.start]
    after = text[expr.end : min(sentence[1], expr.end + 60)]
    # a number with a unit of its own ("93 per cent", "$350,000,000") names no document
    plain = expr.unit == "count" or expr.kind == "fold"
    # an identifier ends the text before (or its last line): 7 characters at most, "UNSC " for one
    identifier = _IDENTIFIER_BEFORE.search(before, max(0, len(before) - 8))
    if plain and (identifier or _IDENTIFIER_AFTER.match(after)):
        return "identifier"  # COVID-19, S-400, A/RES/70/1, 2016/17, 24/7
    if plain and (_ID_KEYWORDS.search(before) or _DOCUMENT_AFTER.match(after)):
        return "document"  # "resolution 2254", "194 (III)", "1325 (2000)": document numbers
    if _MARKER_BEFORE.search(before):
        return "marker"  # footnote markers '"6'
    if expr.start - sentence[0] <= 1 and _NOTHING_AFTER.fullmatch(after):
        return "alone"  # numbers standing alone as a sentence
    if _is_year(text, expr, before, after):
        return "year"
    is_day = expr.kind == "digits" and expr.unit == "count" and expr.value in _DAYS
    if is_day and (_MONTH_BEFORE.search(before) or _MONTH_AFTER.match(after)):
        return "day"
    if _CLOCK_BEFORE.search(before) or _CLOCK_AFTER.match(after):
        return "clock"  # "half past ten", "ten o'clock", "7.20 this morning": times of day
    if plain and _AGE_BEFORE.search(before):
        return "age"  # "under age 26", "between the ages of 18 and 26": an age that bounds a group
    at_start = expr.start - sentence[0] <= 1 and expr.kind == "digits" and expr.value < 1000
    if plain and at_start and _PARAGRAPH_START.match(after):
        return "marker"  # "196 In this chapter": a paragraph number left in a verbatim record
    if _AGO_AFTER.match(after):
        return "ago"
    if expr.kind == "fold" and _NOT_A_MULTIPLE.match(expr.text + after):
        return "idiom"  # "double standards", "a twofold task", "the reason is two-fold:"
    if _DURATION_AFTER.match(after) and (expr.is_vague or _DURATION_BEFORE.search(before)):
        return "duration"  # "for six months", "over the past 25 years", "thousands of years"
    half_the = _THE_AFTER.match(after)
    if expr.text.lower() == "half" and half_the and not half_the.group(2):
        following = _WORDS_AFTER.findall(after[half_the.start(1) :])[:3]
        if not any(_is_head(w) or w.lower() in _MEASURED for w in following):
            return "idiom"  # "half the battle": an idiom; "half the votes" stays a figure
    if expr.kind == "fraction" and expr.text.lower() == "half":
        if _PART_BEFORE.search(before):
            return "part"  # "the developed half of the world": a part, not a figure
    if _is_name_number(expr, before, after):
        return "name"
    if expr.kind == "words" and expr.unit == "count":
        return _word_number_reason(expr, before, after)
    return ""


_QUALIFIER_PATTERNS = [
    (
        "up_to",
        r"up\s+to|as\s+many\s+as|as\s+much\s+as|no\s+more\s+than|not\s+more\s+than|at\s+most|"
        r"a\s+maximum\s+of|maximum\s+of",
    ),
    (
        "under",
        r"less\s+than|fewer\s+than|under|below|just\s+under|not\s+even|short\s+of|barely|lower\s+than",
    ),
    (
        "over",
        r"more\s+than|over|above|in\s+excess\s+of|upwards\s+of|exceed(?:ing|ed|s)?|surpass(?:ed|es|ing)?|topped|at\s+least|no\s+less\s+than|"
        r"no\s+fewer\s+than|not\s+less\s+than|well\s+over|just\s+over|higher\s+than|greater\s+than|"
        r"more\s+than\s+a|over\s+a",
    ),
    (
        "about",
        r"about|around|approximately|approx\.|nearly|almost|some|roughly|close\s+to|circa|"
        r"an\s+estimated|estimated|more\s+or\s+less|in\s+the\s+order\s+of|on\s+the\s+order\s+of",
    ),
    ("only", r"only|just|merely|a\s+mere|as\s+few\s+as|as\s+little\s+as|only\s+a"),
    ("exact", r"exactly|precisely"),
]
_QUALIFIER_RES = [
    (name, re.compile(rf"\b(?:{pattern})\s*$", re.IGNORECASE))
    for name, pattern in _QUALIFIER_PATTERNS
]
_QUALIFIER_AFTER = [
    (
        "over",
        re.compile(r"(?:\s*\+|-plus\b|\s+or\s+more\b|\s+and\s+more\b|\s+plus\b)", re.IGNORECASE),
    ),
    ("about", re.compile(r"\s+or\s+so\b|-odd\b|\s+odd\b", re.IGNORECASE)),
    ("up_to", re.compile(r"\s+or\s+(?:less|fewer)\b|\s+at\s+most\b", re.IGNORECASE)),
]


def qualifier_of(text: str, expr: NumberExpression, sentence: tuple[int, int]) -> str | None:
    """Return the qualifier class said around a number ("only", "over", ...), or None when none is said."""
    before = text[max(sentence[0], expr.start - 40) : expr.start]
    best: tuple[int, str] | None = None
    for name, pattern in _QUALIFIER_RES:
        match = pattern.search(before)
        if match and (best is None or len(match.group()) > best[0]):
            best = (len(match.group()), name)
    if best:
        return best[1]
    after = text[expr.end : min(sentence[1], expr.end + 20)]
    for name, pattern in _QUALIFIER_AFTER:
        if pattern.match(after):
            return name
    return None


_STOPWORDS = frozenset(
    """a an the and or but nor of in on at to for from by with without into onto as than that which who whom
    whose where when while if because so such this these those it its is are was were be been being am have
    has had do does did will would shall should can could may might must not no per cent percent
    represented enjoy enjoys voted now today already still also even just only more less over about
    during since until through towards toward around beyond despite along amid amongst throughout versus
    higher lower greater larger smaller bigger fewer across against among between under within upon via whereas yet there here
    we they you he she i them us him her me my our your their ago each every all both
    """.split()
)
_IRREGULAR_HEADS = frozenset(
    "people children men women staff personnel police population youth GDP refugees budget".split()
)
_DEMONYMS = frozenset(
    """Russian American Chinese British French German Italian Spanish Japanese Indian Brazilian Turkish
    Iranian Syrian Iraqi Afghan Ukrainian Belarusian Kazakh Uzbek Armenian Azerbaijani Georgian Moldovan
    Polish Czech Hungarian Romanian Bulgarian Serbian Greek Israeli Palestinian Egyptian Saudi Libyan
    Yemeni Lebanese Jordanian Korean Vietnamese Indonesian Pakistani Mexican Cuban Venezuelan Canadian
    Australian African European Asian Arab Latin Nordic Baltic Western Soviet Kyrgyz Tajik Turkmen Mongolian Estonian Latvian Lithuanian Finnish
    Swedish Norwegian Danish Dutch Belgian Swiss Austrian Portuguese Irish Nigerian Kenyan Ethiopian
    South-African Argentine Chilean Colombian Peruvian""".split()
)
_POSSESSIVES = frozenset("our their its my your his her".split())
_LEAD = re.compile(
    r"\s+(?:of|in|for|on|worth\s+of)\s+(?:(the|our|their|its|all|these|those|my|your)\s+)?"
)
_MODIFIER_END = re.compile(r"(?:ed|ing|ly)$")
_ALL_BEFORE = re.compile(r"\ball\s+(?:the\s+)?$")
_WORD_TOKEN = re.compile(r"\s*([A-Za-z][\w'’.-]*[\w’']|[A-Za-z])")


def _is_head(word: str) -> bool:
    if word.endswith(("'s", "’s")):
        return False  # "the world's biodiversity": a possessive is no head
    if word in _IRREGULAR_HEADS or word.lower() in _IRREGULAR_HEADS:
        return True
    return len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "ous"))


def counted_phrase(
    text: str, expr: NumberExpression, sentence_end: int, sentence_start: int = 0
) -> tuple[str, str]:
    """Return (counted, scope) for the noun phrase that follows a number.

    "70 Russian NGOs enjoy" -> ("Russian NGOs", "Russian"); "three of our NGOs" -> ("NGOs", "our");
    "20 per cent of the population" -> ("population", ""); "$100 billion in aid" -> ("aid", "").
    """
    rest = text[expr.end : sentence_end]
    scope = ""
    lead = _LEAD.match(rest)
    if lead and (
        expr.unit != "count" or expr.kind in ("vague", "fraction") or rest.lstrip().startswith("of")
    ):
        determiner = (lead.group(1) or "").lower()
        scope = determiner if determiner in _POSSESSIVES or determiner == "all" else ""
        rest = rest[lead.end() :]
        if not rest[:1].isspace():
            rest = " " + rest
    words: list[str] = []
    position = 0
    while len(words) < 6:
        match = _WORD_TOKEN.match(rest, position)
        if match is None:
            break
        word = match.group(1)
        if word.lower() in _STOPWORDS:
            # "thousands of honest and industrious citizens": adjectives joined by "and"
            if word.lower() == "and" and words and not any(_is_head(w) for w in words):
                position = match.end()
                continue
            break
        before_dash = dash_cut(word)
        if before_dash != word:
            # "four new States-South Dakota, North Dakota...": a dash written as a hyphen
            words.append(before_dash)
            break
        words.append(word.rstrip("."))
        position = match.end()
    # a general word of quantity names no thing: "a $100 billion increase in defense spending"
    if len(words) == 1 and words[0].lower() in _QUANTITY_NOUNS:
        after = _OF_IN.match(rest, position)
        if after:  # read on from the space before the words after "in" or "of"
            resume = sentence_end - len(rest) + after.end() - 1
            return counted_phrase(text, replace(expr, end=resume), sentence_end, sentence_start)
    heads = [i for i, word in enumerate(words) if _is_head(word)]
    head = (
        heads[-1] if heads else None
    )  # the last plural: "seven United Nations peacekeeping missions"
    if head is not None:
        words = words[: head + 1]
    else:
        words = words[:3]
        while words and _MODIFIER_END.search(words[-1]):
            words.pop()
    if not words or words[0].lower() in _NOT_COUNTED or _NOT_A_NOUN.search(words[0]):
        words = _counted_before(text, expr, sentence_start)
        if not words and expr.is_vague and not rest.lstrip().lower().startswith("of"):
            words = ["people"]  # "killed millions", "Thousands were murdered": people
    elif expr.unit in ("percent", "percentage_points") and _BASE.fullmatch(" ".join(words)):
        # "debt stands at 70 per cent of our GDP": what is measured is the debt, as a share
        subject = _counted_before(text, expr, sentence_start)
        if subject:
            words = [*subject, "as", "share", "of", *words]
    if words and (words[0] in _DEMONYMS or words[0].lower() in ("all",)):
        scope = words[0]
    before = text[max(0, expr.start - 12) : expr.start].lower()
    if not scope and _ALL_BEFORE.search(before):
        scope = "all"
    # "Secretary-" at a line end and "General’s" on the next: one word
    return " ".join(words).replace("- ", "-").rstrip("-"), scope


# words after a number that say nothing of what it counts ("150 times the size", "five instead of")
_NOT_COUNTED = frozenset(
    """times instead out more less each per or and up probably thus exclusive inclusive wide long
    high deep old worse better last next first same""".split()
)
_NOT_A_NOUN = re.compile(r"^(?:\w+ly|\w+er|[A-Z][a-z]+day)$")  # "annually", "shorter", "Monday"
# the bases a percentage is taken of, when what is measured is said before it
_BASE = re.compile(
    r"(?:(?:gross|total)\s+)?(?:domestic|national)\s+(?:product|income)|GDP|GNP|GNI|"
    r"(?:national|annual|total)?\s*(?:budget|income|output|revenue)s?",
    re.IGNORECASE,
)
# verbs and adverbs between a subject and the link to its figure: "the deficit went down from"
_VERB_END = re.compile(
    r"(?:\s+(?:went|came|rose|fell|grew|stood|stands|remains?|remained|goes|go|gone|has|have|had|"
    r"is|are|was|were|be|been|down|up|back|still|now|currently|already|also|\w+ly))+\s*$",
    re.IGNORECASE,
)
_EMPTY_SUBJECTS = frozenset("whole all total sum amount figure number it this that".split())
_QUANTITY_NOUNS = frozenset(
    """increase decrease rise growth reduction cut drop fall sum amount total figure level
    equivalent threshold share proportion percentage""".split()
)
_OF_IN = re.compile(r"\s+(?:of|in)\s+")
# what links a subject to its figure: "the receipts were $558,032,620", "a loss of $55,760,000",
# "poverty has risen by 10 per cent", "debts amounting to $300 billion"
_LINK_BEFORE = re.compile(
    r"(?:\b(?:(?:is|are|was|were|has|have|had|be|been|being|estimated|expected|projected|to|still|"
    r"now|also|already|further|will|would|shall|should|may|might|must|could|can|probably|"
    r"\w+ly)\s+)*(?:was|were|is|are|be|been|remain(?:s|ed)?|stands?|stood|amount(?:s|ed|ing)?\s+to|"
    r"total(?:l?ed|s|l?ing)?|reach(?:ed|es|ing)?|exceed(?:ed|s|ing)?|come\s+to|came\s+to|"
    r"(?:has|have|had)?\s*(?:risen|increased|fallen|grown|decreased|dropped|declined|rose|fell|"
    r"grew|doubled|tripled|climbed|jumped)|estimated|expected|projected|to\s+rise|"
    r"\w{3,}(?:ed|en|ce|se)\s+(?:to|by|from)|at|of|to|by|from)"
    r"\s+(?:\w+ly\s+|at\s+|to\s+|by\s+|still\s+|now\s+|also\s+)*"
    r"(?:(?:more|less|fewer)\s+than\s+|some\s+|about\s+|nearly\s+|almost\s+|over\s+|only\s+|"
    r"approximately\s+|around\s+|just\s+|a\s+|an\s+|the\s+)*$)",
    re.IGNORECASE,
)
_WORD_BEFORE = re.compile(r"([A-Za-z][\w'’-]*)\s*$")
# a link that is a verb ("was", "amounted to"), not a preposition ("a loan of")
_LINK_VERB = re.compile(
    r"\b(?:is|are|was|were|be|been|remain(?:s|ed)?|stands?|stood|amount(?:s|ed)?|total(?:l?ed|s)?|"
    r"reach(?:ed|es)?|exceed(?:ed|s)?|come|came|risen|increased|fallen|grown|decreased|dropped|"
    r"declined|rose|fell|grew|doubled|tripled|climbed|jumped)\b",
    re.IGNORECASE,
)
_VERB_WORD = re.compile(
    r"(?:having|being|reduced|received|raised|increased|decreased|cut|spent|paid|made|given|"
    r"reduces|raises|cuts|spends|pays|makes|gives)",
    re.IGNORECASE,
)
_NOT_SUBJECT_WORDS = frozenset("after before even until like unlike such than".split())
_AND_BEFORE = re.compile(r"\s+and\s*$")
_PP_BEFORE = re.compile(
    r"\b(in|of|for|during|into|from|on|at|among|within|under)\s+"
    r"(?:(?:the|this|that|these|those|our|their|its|his|her|my|your|all|such)\s+)?$",
    re.IGNORECASE,
)
# nouns of measure whose "of" names what is measured: "the number of refugees was"
_MEASURE_OF = frozenset(
    """number share proportion percentage level amount volume total sum value quantity figure
    rate part majority fraction estimate estimates""".split()
)


def _noun_run_before(text: str) -> tuple[list[str], int]:
    """The run of up to four content words ending `text` ("The voter turnout" -> voter,
    turnout), past one participle after it ("the positions remaining" -> positions), and where
    it starts; empty when it ends with a function word or an adverb."""
    words: list[str] = []
    rest = text.rstrip()
    trailing = _WORD_BEFORE.search(rest)
    if trailing and trailing.group(1).lower().endswith(("ing", "ed")):
        rest = rest[: trailing.start()].rstrip()
    start = len(rest)
    while len(words) < 4:
        match = _WORD_BEFORE.search(rest)
        if match is None or match.end() < len(rest):
            break
        word = match.group(1)
        lowered = word.lower()
        if (
            lowered in _STOPWORDS
            or lowered in _NOT_SUBJECT_WORDS
            or (not words and _MODIFIER_END.search(lowered))
        ):
            break
        words.insert(0, word)
        start = match.start()
        rest = rest[:start].rstrip()
    return words, start


# a time phrase between a subject and its figure: "the imports for the year amounted to",
# "the receipts to the 30th of September last have exceeded"
_TIME_PHRASE_END = re.compile(
    rf"""(?:\s*,?\s+(?:for|during|in|on|of|to|at|since|by)\s+(?:the\s+)?
    (?:(?:current|last|present|past|next|same|whole|first|fiscal|calendar|\d{{1,2}}(?:st|nd|rd|th)?
    |day|of|ending|on)\s+)*
    (?:year|years|month|months|quarter|season|period|{_MONTHS})(?:\s+(?:last|next|\d{{4}}))?
    |\s+(?:last|this|next)\s+year)\s*,?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)


def _counted_before(
    text: str, expr: NumberExpression, sentence_start: int, hops: int = 1
) -> list[str]:
    """Return the noun phrase a figure is linked to before it, when nothing after says what it
    counts: "the annual interest charge of $8,967,609" -> ["annual", "interest", "charge"]."""
    before = text[max(sentence_start, expr.start - 120) : expr.start]
    link = _LINK_BEFORE.search(before)
    if link is None:
        return []
    rest = before[: link.start()]
    for _ in range(3):
        time_phrase = _TIME_PHRASE_END.search(rest) or _VERB_END.search(rest)
        if time_phrase is None:
            break
        rest = rest[: time_phrase.start()]
    words: list[str] = []
    while len(words) < 6:
        match = _WORD_BEFORE.search(rest)
        if match is None:
            break
        word = match.group(1)
        if word.lower() in _STOPWORDS:
            # "the cost of the National Government": the phrase goes on before "of the"
            joined = re.search(
                r"\b(?:of|for|into|from|in|to)\s+(?:the\s+)?$", rest[: match.start()] + " "
            )
            named = all(w[:1].isupper() for w in words)  # "the cost of the National Government"
            if (
                word.lower() in ("the", "of", "for", "into", "from", "in", "to")
                and joined
                and words
                and named
            ):
                rest = rest[: joined.start()]
                words = ["of", *words]
                continue
            break
        if words and _VERB_WORD.fullmatch(word):
            break  # "Congress reduced revenues by $3 billion": the verb ends the subject
        words.insert(0, word)
        rest = rest[: match.start()]
    while words and words[0].lower() in ("of", "for", "into", "from", "in", "to"):
        words.pop(0)
    # read further back than the link's window: the subject may stand a long way before
    rest_end = expr.start - len(before) + len(rest)
    rest_start = max(sentence_start, rest_end - 300)
    rest = text[rest_start:rest_end]
    for _ in range(5):
        # "the voter turnout in this year's elections was 83 per cent": the subject is the noun
        # phrase the prepositional phrase hangs on, not the words right before the verb
        if not words or not _LINK_VERB.search(link.group()):
            break
        joined = _AND_BEFORE.search(rest)
        if joined:  # "the cash received from sales and location fees was": both nouns
            more, at = _noun_run_before(rest[: joined.start()])
            if not more:
                break
            words, rest = [*more, "and", *words], rest[:at]
            continue
        attached = _PP_BEFORE.search(rest)
        if attached is None:
            break
        earlier, at = _noun_run_before(rest[: attached.start()])
        if not earlier or (
            attached.group(1).lower() == "of" and earlier[-1].lower() in _MEASURE_OF
        ):
            break  # "the number of refugees": what the number counts are the refugees
        words, rest = earlier, rest[:at]
    if words and all(w.lower() in _EMPTY_SUBJECTS for w in words):
        return []
    if len(words) == 1 and words[0].lower() in _QUANTITY_NOUNS and hops:
        # "amounted to the sum of $120 millions": the subject stands before "the sum"
        at = rest_start + len(rest)
        return _counted_before(text, replace(expr, start=at), sentence_start, hops - 1)
    return words
