"""Immutable records that flow through the corpus package: documents, metadata, speeches, filters."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Literal

from corpus.codepoints import WORD_PATTERN as WORD_PATTERN
from corpus.codepoints import count_words as _count_words
from corpus.metadata.countries import country_code

DatePrecision = Literal["day", "month", "year"]
DATE_PRECISIONS: tuple[DatePrecision, ...] = ("day", "month", "year")


def fingerprint(text: str) -> str:
    """Return the content hash that identifies a speech whatever its line endings or spacing.

    Args:
        text: the normalised speech text.

    Returns:
        The hex SHA-256 of the text with every run of white space folded to one space.
    """
    folded = " ".join(text.split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def speech_id_for(text: str) -> str:
    """Return the short, stable id of a speech: the first 12 hex digits of its fingerprint."""
    return fingerprint(text)[:12]


def count_words(text: str) -> int:
    """Count the words of a text (letters or digits, with inner hyphens and apostrophes).

    The words are the matches of `WORD_PATTERN`, counted without making them (see
    `corpus.codepoints.count_words`).
    """
    return _count_words(text)


@dataclass(frozen=True, slots=True)
class SpeechDate:
    """A date known to the day, the month or only the year.

    `on` is the first day of the period when the precision is coarser than a day.
    """

    on: date
    precision: DatePrecision = "day"

    def __post_init__(self) -> None:
        if self.precision not in DATE_PRECISIONS:
            raise ValueError(
                f"date precision must be one of {DATE_PRECISIONS}, not {self.precision!r}"
            )
        if self.precision == "month" and self.on.day != 1:
            object.__setattr__(self, "on", self.on.replace(day=1))
        if self.precision == "year" and (self.on.month, self.on.day) != (1, 1):
            object.__setattr__(self, "on", self.on.replace(month=1, day=1))

    def iso(self) -> str:
        """Return the date as ISO text, as precise as it is known: 2018-06-15, 2018-06 or 2018."""
        if self.precision == "year":
            return f"{self.on.year:04d}"
        if self.precision == "month":
            return f"{self.on.year:04d}-{self.on.month:02d}"
        return self.on.isoformat()


@dataclass(frozen=True, slots=True, kw_only=True)
class SpeechFields:
    """Metadata known about a speech from one origin; empty values mean "not known here".

    Several origins (document properties, the text, the file name, table columns, the user)
    each give a `SpeechFields`; `merged` lays a stronger origin over a weaker one.
    """

    title: str = ""
    speaker: str = ""
    role: str = ""
    country: str = ""
    place: str = ""
    delivered: SpeechDate | None = None
    category: str = ""
    posted_by: str = ""
    source: str = ""
    language: str = ""

    def merged(self, stronger: SpeechFields) -> SpeechFields:
        """Return these fields with every value that `stronger` knows laid over them."""
        changes = {
            f.name: getattr(stronger, f.name)
            for f in fields(stronger)
            if getattr(stronger, f.name) not in ("", None)
        }
        return replace(self, **changes)

    def known(self) -> dict[str, object]:
        """Return the fields that have a value, by name."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) not in ("", None)
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """Text read from one file (or one archive member, or one table row), before metadata parsing.

    Attributes:
        source_name: the file name as the user knows it; archive members read "archive.zip/member.txt"
            and table rows "table.csv#row 12".
        text: the normalised text (NFC, no control characters, "\\n" line ends, paragraphs
            separated by one blank line).
        hints: weak metadata carried by the format (HTML <title>, DOCX core properties); the text
            itself and the user override them.
        given: strong metadata from explicit columns of a table of speeches; only the user overrides it.
        warnings: things the reader repaired or doubts, in plain sentences.
        format: what the file was read as ("text", "html", "pdf", "docx"; "" for table rows).
    """

    source_name: str
    text: str
    hints: SpeechFields = field(default_factory=SpeechFields)
    given: SpeechFields = field(default_factory=SpeechFields)
    warnings: tuple[str, ...] = ()
    format: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Speech:
    """One stored transcript with its metadata."""

    speech_id: str
    title: str
    speaker: str
    delivered_on: date
    date_precision: DatePrecision = "day"
    text: str
    role: str = ""
    country: str = ""
    place: str = ""
    category: str = ""
    posted_by: str = ""  # a CMS "Written by ..." byline: who posted the page, never the speaker
    source: str = ""
    language: str = "en"
    n_words: int = 0
    # the ISO 3166 alpha-3 code of `country` ("RUS"; "" when the name is not known), always
    # derived from it (`corpus.metadata.countries`), so that a correction of the country
    # corrects it too
    country_code: str = field(default="", init=False)

    def __post_init__(self) -> None:
        if not self.text.strip():
            raise ValueError("a speech needs text")
        if self.date_precision not in DATE_PRECISIONS:
            raise ValueError(f"date precision must be one of {DATE_PRECISIONS}")
        for name in (
            "title",
            "speaker",
            "role",
            "country",
            "place",
            "category",
            "posted_by",
            "source",
        ):
            object.__setattr__(self, name, getattr(self, name).strip())
        if not self.n_words:
            object.__setattr__(self, "n_words", count_words(self.text))
        object.__setattr__(self, "country_code", country_code(self.country))

    @property
    def delivered(self) -> SpeechDate:
        """The delivery date with its precision."""
        return SpeechDate(self.delivered_on, self.date_precision)

    @property
    def date_iso(self) -> str:
        """The delivery date as ISO text, as precise as it is known."""
        return self.delivered.iso()


# A speech's fields, named once (`Speech`); every other list of them is derived from these.
# What the record holds, in the order of its definition (a backup writes these).
SPEECH_FIELDS = tuple(f.name for f in fields(Speech) if f.init)
# Who gave it, where and as what: the free-text fields a user types in a form or a table cell.
PEOPLE_AND_PLACE_FIELDS = ("title", "speaker", "role", "country", "place")
# Every free-text metadata field (a table of speeches maps its columns onto these).
TEXT_FIELDS = tuple(
    name
    for name in SPEECH_FIELDS
    if name not in ("speech_id", "delivered_on", "date_precision", "text", "n_words")
)
# What a correction of a stored speech may change (never its text, nor what follows from it).
EDITABLE_FIELDS = (*TEXT_FIELDS, "delivered_on", "date_precision")


@dataclass(frozen=True, slots=True, kw_only=True)
class SpeechFilter:
    """A selection of speeches; empty values select everything."""

    speakers: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    start: date | None = None
    end: date | None = None
    contains: str | None = None
    speech_ids: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchHit:
    """One speech found by full-text search, with a snippet around the match."""

    speech_id: str
    title: str
    speaker: str
    date_iso: str
    snippet: str
    rank: float
