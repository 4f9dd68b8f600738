"""Delivery dates: reading a date as people write it, with its precision, and finding datelines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from dateutil import parser as date_parser

from corpus.errors import MetadataError
from corpus.records import SpeechDate

EARLIEST_YEAR = 1700
ASK_ISO = "give it as YYYY-MM-DD (or YYYY-MM, or YYYY)"

_ENGLISH_MONTHS = (
    "january february march april may june july august september october november december"
).split()
# Month names of other languages we read in datelines, mapped to the English month (1-12).
_FOREIGN_MONTHS: dict[str, int] = {
    # Russian, genitive (15 июня 2018) and nominative (июнь 2018)
    **dict.fromkeys(("января", "январь", "янв"), 1),
    **dict.fromkeys(("февраля", "февраль", "фев"), 2),
    **dict.fromkeys(("марта", "март"), 3),
    **dict.fromkeys(("апреля", "апрель", "апр"), 4),
    **dict.fromkeys(("мая", "май"), 5),
    **dict.fromkeys(("июня", "июнь"), 6),
    **dict.fromkeys(("июля", "июль"), 7),
    **dict.fromkeys(("августа", "август", "авг"), 8),
    **dict.fromkeys(("сентября", "сентябрь", "сент"), 9),
    **dict.fromkeys(("октября", "октябрь", "окт"), 10),
    **dict.fromkeys(("ноября", "ноябрь", "нояб"), 11),
    **dict.fromkeys(("декабря", "декабрь", "дек"), 12),
    # French, German, Spanish (names that differ from English)
    **dict.fromkeys(("janvier", "januar", "jänner", "enero"), 1),
    **dict.fromkeys(("février", "fevrier", "februar", "febrero"), 2),
    **dict.fromkeys(("mars", "märz", "marzo"), 3),
    **dict.fromkeys(("avril", "abril"), 4),
    **dict.fromkeys(("mai", "mayo"), 5),
    **dict.fromkeys(("juin", "juni", "junio"), 6),
    **dict.fromkeys(("juillet", "juli", "julio"), 7),
    **dict.fromkeys(("août", "aout", "agosto"), 8),
    **dict.fromkeys(("septembre", "septiembre", "setiembre"), 9),
    **dict.fromkeys(("octobre", "oktober", "octubre"), 10),
    **dict.fromkeys(("novembre", "noviembre"), 11),
    **dict.fromkeys(("décembre", "decembre", "dezember", "diciembre"), 12),
}
_ABBREVIATIONS = "jan feb mar apr jun jul aug sep sept oct nov dec".split()
_MONTH_WORDS = sorted(
    {*_ENGLISH_MONTHS, *_ABBREVIATIONS, *_FOREIGN_MONTHS}, key=lambda word: (-len(word), word)
)
_MONTH = r"(?:" + "|".join(_MONTH_WORDS) + r")\.?"
_WEEKDAY = r"(?:mon|tue|tues|wed|wednes|thu|thur|thurs|fri|sat|satur|sun)(?:day)?\.?"
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"\d{4}"
_JOIN = r"(?:\s+(?:of|de|del)\s+|\s+|\s*-\s*)"
_YEAR_WORD = r"(?:\s*(?:года|год|г\.|г)(?!\w))?"

_MENTION = re.compile(
    r"(?<![\w./-])(?:"
    rf"(?:{_WEEKDAY},?\s+)?{_DAY}{_JOIN}{_MONTH},?{_JOIN}{_YEAR}{_YEAR_WORD}"
    rf"|(?:{_WEEKDAY},?\s+)?{_MONTH}\s+{_DAY},?\s+{_YEAR}"
    rf"|{_MONTH},?(?:\s+(?:of|de)\s+|\s+){_YEAR}{_YEAR_WORD}"
    r"|\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|\d{4}-(?:0[1-9]|1[0-2])(?![\d-])"
    r"|\d{1,2}([./-])\d{1,2}\1\d{4}"
    r"|\d{4}([./])\d{1,2}\2\d{1,2}"
    r")(?![\w-])",
    re.IGNORECASE,
)

_TIME = (
    r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:\s*[ap]\.?\s?m\.?)?(?:\s+[A-Z]{2,5})?)?"
)
_ISO_DAY = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?"
)
_ISO_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_YEAR_FIRST = re.compile(r"(\d{4})([./])(\d{1,2})\2(\d{1,2})" + _TIME)
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})" + _TIME)
_SLASHED = re.compile(r"(\d{1,2})([/-])(\d{1,2})\2(\d{4})" + _TIME)
_SHORT_YEAR = re.compile(r"\d{1,2}[./-]\d{1,2}[./-]\d{2}")
_MONTH_YEAR_NUMERIC = re.compile(r"(\d{1,2})[./](\d{4})")
_NUMERIC_INSIDE = re.compile(r"\d{1,2}[./-]\d{1,2}")
_MONTH_WORD = re.compile(r"(?<!\w)(" + "|".join(_MONTH_WORDS) + r")(?!\w)", re.IGNORECASE)
_FILLER_WORDS = re.compile(r"(?<!\w)(?:the|de|del|года|год|г\.|г)(?!\w)", re.IGNORECASE)
_MERIDIEM = re.compile(r"(?<!\w)([ap])\.\s?m\.", re.IGNORECASE)
_FOUR_DIGITS = re.compile(r"(?<!\d)\d{4}(?!\d)")
# Written dates in other languages ("15 червня 2018", "15 giugno 2018", "15. Juni 2018"): a day,
# a word and a year, kept as a date only when dateparser's data knows the word for a month.
_ANY_WRITTEN = re.compile(
    r"(?<![\w./-])(?:[0-3]?\d\.?\s+(?:de\s+)?(?P<month>[^\W\d_]{3,12})\.?,?\s+(?:de\s+)?"
    r"\d{4}(?:\s*(?:року|рік|р\.|года|год|г\.)(?!\w))?)(?![\w-])"
)
# The languages whose written dates dateparser reads when the English rules above do not: the
# languages of the governments the corpus follows. Numeric dates never reach it.
DATE_LANGUAGES = (
    "en", "ru", "uk", "fr", "es", "it", "de", "pt", "pl", "nl", "be", "bg", "sr", "hr", "cs",
    "sk", "sl", "ro", "hu", "el", "tr", "sv", "da", "nb", "fi", "et", "lv", "lt", "ka", "hy",
)  # fmt: skip
_EARLY = datetime(2000, 1, 1)  # two leap-year defaults: a field that differs was not written
_LATE = datetime(2004, 2, 2)


@dataclass(frozen=True, slots=True)
class DateMention:
    """A piece of text that looks like a date (not yet checked), with its place in the text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Dateline:
    """A line that gives the delivery date, perhaps with the place ("Moscow, 15 June 2018")."""

    on: SpeechDate
    place: str = ""


def parse_date(text: str, *, today: date | None = None, source_name: str = "date") -> SpeechDate:
    """Read a delivery date as people write it, keeping how precise it is.

    Written dates ("15 June 2018", "June 15, 2018", "Friday, 15 June 2018"), ISO dates and
    datetimes, "2018-06", "June 2018", a year alone, and dotted day.month.year are read. A
    numeric date whose first two parts could each be the month ("03/04/2019") is never guessed.

    Args:
        text: the date as written.
        today: the latest date accepted (default: today).
        source_name: the input named in error messages (a file name, or "--date").

    Returns:
        The date with precision "day", "month" or "year".

    Raises:
        MetadataError: the text is not a date, is ambiguous, before 1700 or in the future.

    Example:
        >>> parse_date("Friday, 15 June 2018")
        SpeechDate(on=datetime.date(2018, 6, 15), precision='day')
    """
    cleaned = " ".join(text.split()).strip(" .,;")
    if not cleaned:
        raise MetadataError(source_name, f"the date is empty; {ASK_ISO}.")
    found = (
        _parse_numeric(cleaned, source_name)
        or _parse_written(cleaned, source_name)
        or _parse_any_language(cleaned)
    )
    if found is None:
        raise MetadataError(
            source_name, f"{_quote(cleaned)} is not a date that can be read; {ASK_ISO}."
        )
    return _checked(found, cleaned, today or date.today(), source_name)


def date_mentions(text: str) -> list[DateMention]:
    """Return the pieces of a text that look like dates, in order (they may still be invalid).

    Besides the English forms and the Russian, French, German and Spanish month names of the
    strict rules, a day, month name and year in any of `DATE_LANGUAGES` is a mention
    ("15 червня 2018 р.", "15 giugno 2018"), the month name as dateparser's data knows it.
    """
    found = [DateMention(m.group(0), m.start(), m.end()) for m in _MENTION.finditer(text)]
    for m in _ANY_WRITTEN.finditer(text):
        if any(f.start < m.end() and m.start() < f.end for f in found):
            continue
        if m["month"].lower() in _month_words():
            found.append(DateMention(m.group(0), m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def parse_dateline(
    line: str, *, today: date | None = None, source_name: str = "text"
) -> Dateline | None:
    """Read a line that holds a date and little else: a weekday, a time, "Dated", a place.

    Returns:
        The date and place, or None when the line is not a dateline (prose that mentions a date).

    Raises:
        MetadataError: the line is a dateline but its date is ambiguous or impossible.
    """
    stripped = line.strip()
    mentions = date_mentions(stripped)
    if not mentions or len(stripped) > 120:
        return None
    bounds = [0, *(edge for m in mentions for edge in (m.start, m.end)), len(stripped)]
    place = ""
    for start, end in zip(bounds[::2], bounds[1::2], strict=True):
        segment = stripped[start:end]
        if start and _LABEL_AFTER.match(segment):
            continue  # "June 15, 2021 • Speeches and Remarks": a site's label, not a place
        words = _leftover_words(segment)
        if words is None:
            return None
        if words and not place:
            place = words
    return Dateline(parse_date(mentions[0].text, today=today, source_name=source_name), place)


def find_date_in_text(
    text: str, *, max_lines: int = 6, today: date | None = None, source_name: str = "text"
) -> SpeechDate | None:
    """Return the date of the first dateline among the first non-empty lines of a text.

    Dates inside sentences are ignored: "when we met on the 4th of March, 1897" in a speech of
    1901 is not its delivery date.

    Raises:
        MetadataError: a dateline's date is ambiguous or impossible.
    """
    lines = [line for line in text.splitlines() if line.strip()][:max_lines]
    for line in lines:
        found = parse_dateline(line, today=today, source_name=source_name)
        if found is not None:
            return found.on
    return None


def format_date(when: SpeechDate) -> str:
    """Return a date for people to read, as precise as it is known: 15 June 2018, June 2018, 2018."""
    if when.precision == "year":
        return str(when.on.year)
    month = _ENGLISH_MONTHS[when.on.month - 1].capitalize()
    if when.precision == "month":
        return f"{month} {when.on.year}"
    return f"{when.on.day} {month} {when.on.year}"


_FILLERS = frozenset(
    "dated date delivered on at the as updated published posted released issued of and in "
    "hrs h last created modified time local am pm a.m. p.m. gmt utc msk est edt cet cest "
    "bst pst pdt mst cst".split()
)
_LABEL_AFTER = re.compile(r"\s*[•|·]|\s+[–—-]\s")
_WEEKDAY_ONLY = re.compile(rf"{_WEEKDAY}$", re.IGNORECASE)
_CLOCK = re.compile(r"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:[ap]\.?m\.?)?$", re.IGNORECASE)


def _leftover_words(segment: str) -> str | None:
    """Return the place words of a dateline segment, "" for none, None when it reads as prose."""
    kept: list[str] = []
    for raw in segment.split():
        word = raw.strip(",;:.()[]|–—-•/")
        bare = word.lower()
        if not word or bare in _FILLERS or _WEEKDAY_ONLY.match(word) or _CLOCK.match(word):
            continue
        if word.isupper() and len(word) <= 5 and word.isalpha():  # a time zone such as EST
            continue
        if not word[0].isupper() or any(ch.isdigit() for ch in word):
            return None
        kept.append(raw)
    if len(kept) > 4:
        return None
    place = " ".join(kept).strip(" ,;:–—-")
    if place.endswith(".") and "." not in place[:-1].split()[-1]:
        place = place[:-1]  # a full stop, not the end of an abbreviation such as "D.C."
    return place


def _parse_numeric(text: str, source_name: str) -> SpeechDate | None:
    if re.fullmatch(r"\d{4}", text):
        return _make(source_name, text, int(text), 1, None, precision="year")
    if m := _ISO_MONTH.fullmatch(text):
        return _make(source_name, text, int(m[1]), int(m[2]), None)
    if (m := _ISO_DAY.fullmatch(text)) or (m := _YEAR_FIRST.fullmatch(text)):
        groups = (m[1], m[2], m[3]) if m.re is _ISO_DAY else (m[1], m[3], m[4])
        return _make(source_name, text, int(groups[0]), int(groups[1]), int(groups[2]))
    if m := _DOTTED.fullmatch(text):
        return _make(source_name, text, int(m[3]), int(m[2]), int(m[1]))
    if m := _SLASHED.fullmatch(text):
        first, second, year = int(m[1]), int(m[3]), int(m[4])
        if first <= 12 and second <= 12 and first != second:
            raise MetadataError(
                source_name,
                f"the date {_quote(text)} is ambiguous: it could be "
                f"{format_date(SpeechDate(date(year, second, first)))} or "
                f"{format_date(SpeechDate(date(year, first, second)))}; give it as YYYY-MM-DD, "
                f"e.g. {year}-{second:02d}-{first:02d}.",
            )
        day, month = (first, second) if first > 12 else (second, first)
        return _make(source_name, text, year, month, day)
    if _SHORT_YEAR.fullmatch(text):
        raise MetadataError(
            source_name, f"the date {_quote(text)} has a two-digit year; {ASK_ISO}."
        )
    if m := _MONTH_YEAR_NUMERIC.fullmatch(text):
        return _make(source_name, text, int(m[2]), int(m[1]), None)
    return None


def _parse_written(text: str, source_name: str) -> SpeechDate | None:
    """Read a date written with a month name, through dateutil, in English."""
    if not _MONTH_WORD.search(text) or not _FOUR_DIGITS.search(text):
        return None
    if _NUMERIC_INSIDE.search(text):
        return None
    english = _MONTH_WORD.sub(_to_english_month, text)
    english = _MERIDIEM.sub(r"\1m", _FILLER_WORDS.sub(" ", english))
    try:
        early = date_parser.parse(english, default=_EARLY, ignoretz=True)
        late = date_parser.parse(english, default=_LATE, ignoretz=True)
    except (ValueError, OverflowError) as err:
        if "out of range" in str(err):
            raise MetadataError(
                source_name, f"the date {_quote(text)} does not exist; check the day and month."
            ) from err
        return None
    if early.year != late.year or str(early.year) not in _FOUR_DIGITS.findall(text):
        return None
    if early.month != late.month:
        return SpeechDate(date(early.year, 1, 1), "year")
    if early.day != late.day:
        return SpeechDate(early.date(), "month")
    return SpeechDate(early.date(), "day")


def _parse_any_language(text: str) -> SpeechDate | None:
    """Read a written date in one of `DATE_LANGUAGES` with dateparser, after the strict rules.

    Only text with a word and a four-digit year gets here, and never a numeric day and month
    ("03/04/2019" stays refused: dateparser would pick an order). The precision is dateparser's
    period: "giugno 2018" is June 2018, not a day of it.
    """
    if not _LETTER_WORD.search(text) or not _FOUR_DIGITS.search(text):
        return None
    if _NUMERIC_INSIDE.search(text):
        return None
    found = _date_parser().get_date_data(text)
    if found.date_obj is None or str(found.date_obj.year) not in _FOUR_DIGITS.findall(text):
        return None
    on = found.date_obj.date()
    if found.period == "year":
        return SpeechDate(date(on.year, 1, 1), "year")
    if found.period == "month":
        return SpeechDate(date(on.year, on.month, 1), "month")
    if found.period == "day":
        return SpeechDate(on, "day")
    return None


_LETTER_WORD = re.compile(r"[^\W\d_]{3,}")


@lru_cache(maxsize=1)
def _date_parser() -> Any:
    """dateparser for `DATE_LANGUAGES`, made once (its language data ships with the package)."""
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=list(DATE_LANGUAGES),
        settings={"PREFER_DATES_FROM": "past", "DATE_ORDER": "DMY", "STRICT_PARSING": False},
    )


@lru_cache(maxsize=1)
def _month_words() -> frozenset[str]:
    """Every month name and abbreviation dateparser knows in `DATE_LANGUAGES`, lower case."""
    from dateparser.languages.loader import default_loader

    months = _ENGLISH_MONTHS
    words: set[str] = set()
    for code in DATE_LANGUAGES:
        info = default_loader.get_locale(code).info
        for month in months:
            words.update(str(w).lower().rstrip(".") for w in info.get(month, []))
    return frozenset(words)


def _to_english_month(match: re.Match[str]) -> str:
    word = match.group(1).lower()
    number = _FOREIGN_MONTHS.get(word)
    return _ENGLISH_MONTHS[number - 1] if number else match.group(1)


def _make(
    source_name: str, text: str, year: int, month: int, day: int | None, *, precision: str = ""
) -> SpeechDate:
    if year < EARLIEST_YEAR:
        raise MetadataError(
            source_name,
            f"the date {_quote(text)} is before {EARLIEST_YEAR}; check the year, or {ASK_ISO}.",
        )
    try:
        if precision == "year":
            return SpeechDate(date(year, 1, 1), "year")
        if day is None:
            return SpeechDate(date(year, month, 1), "month")
        return SpeechDate(date(year, month, day), "day")
    except ValueError as err:
        raise MetadataError(
            source_name, f"the date {_quote(text)} does not exist; check the day and month."
        ) from err


def _checked(found: SpeechDate, text: str, today: date, source_name: str) -> SpeechDate:
    if found.on.year < EARLIEST_YEAR:
        raise MetadataError(
            source_name,
            f"the date {_quote(text)} is before {EARLIEST_YEAR}; check the year, or {ASK_ISO}.",
        )
    if found.on > today:
        raise MetadataError(
            source_name,
            f"the date {_quote(text)} is in the future (after {today.isoformat()}); "
            f"check the year, or {ASK_ISO}.",
        )
    return found


def _quote(text: str) -> str:
    return '"' + (text if len(text) <= 60 else text[:57] + "...") + '"'
