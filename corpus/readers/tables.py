"""Tables of many speeches (CSV, JSON Lines, JSON, Parquet, XLSX): one speech per row.

A table is read in two steps. `read_table` finds the format (from the content first, then the
file name), reads the column names and settles which column feeds which speech field, raising at
once when that cannot work. `TableReading.rows()` then streams the rows: one `Document` per usable
row, one `Rejected` per row that cannot become a speech. Only JSON arrays and CSV files in legacy
encodings are read whole; everything else streams, so large tables fit in little memory.
`speech_from_row` turns a row's `Document` into a `Speech`.

Example:
    reading = read_table("un.jsonl.gz", Path("un.jsonl.gz"), mapping={"who": "speaker"})
    speeches = (speech_from_row(row) for row in reading.rows() if isinstance(row, Document))
    store.add_many(speeches)
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePath

from corpus.errors import ImportTableError, MetadataError
from corpus.metadata.dates import parse_date
from corpus.metadata.parse import guess_language, language_code
from corpus.readers.decode import normalise_text
from corpus.readers.table_formats import RawTable, Record, cell_text, is_empty, open_table
from corpus.records import TEXT_FIELDS, Document, Speech, SpeechDate, SpeechFields, speech_id_for

TABLE_FIELDS: tuple[str, ...] = ("text", *TEXT_FIELDS, "date", "year", "id")
"""The speech fields a column can feed; `id` names the row in messages ("un.jsonl#USA_75_2020")."""

# Column names that feed each field, best first, compared after `_column_key`.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "text": (
        "text",
        "speech_text",
        "full_text",
        "fulltext",
        "transcript",
        "speech",
        "body",
        "content",
    ),
    "title": ("title", "speech_title", "headline", "heading"),
    "speaker": (
        "speaker",
        "speaker_name",
        "president",
        "name",
        "name_of_person_speaking",
        "person",
    ),
    "role": ("role", "post", "position", "office", "speaker_role"),
    "country": ("country", "country_name", "nation"),
    "place": ("place", "location", "city", "venue"),
    "date": ("date", "delivered_on", "delivered", "speech_date", "date_delivered", "delivery_date"),
    "year": ("year", "speech_year"),
    "source": ("source", "url", "link", "source_url"),
    "category": ("category", "genre", "occasion", "speech_type", "type"),
    "posted_by": ("posted_by", "byline", "written_by"),
    "language": ("language", "lang"),
    "id": ("id", "speech_id", "doc_id", "document_id", "row_id", "identifier", "uid"),
}
# Country codes feed `country` only when no column holds country names.
_COUNTRY_CODE_COLUMNS = ("iso3", "iso3c", "iso_code", "country_code", "iso", "ccode")

_YEAR = re.compile(r"\s*(\d{1,4})(?:\.0*)?\s*")


@dataclass(frozen=True, slots=True, kw_only=True)
class Rejected:
    """A row of a table that cannot become a speech, with the reason in one plain sentence."""

    source_name: str
    reason: str

    def __str__(self) -> str:
        """Return the row and the reason, as messages show them."""
        return f"{self.source_name}: {self.reason}"


class TableReading:
    """A table whose format and column mapping are settled; `rows()` streams its speeches.

    Attributes:
        name: the file name as the user knows it.
        format: "csv", "jsonl", "json", "parquet" or "xlsx".
        columns: the column names, in table order.
        mapping: column name -> speech field, as used (defaults by name, then the options).
        warnings: doubts about the whole table, such as the encoding a CSV file was read in.
    """

    def __init__(self, name: str, table: RawTable, mapping: dict[str, str]) -> None:
        """Wrap an opened table with the mapping `read_table` settled on; use `read_table`."""
        self.name = name
        self.format = table.format
        self.columns = table.columns
        self.mapping = dict(mapping)
        self.warnings = table.warnings
        self._table = table
        self._n_rows: int | None = -1

    @property
    def n_rows(self) -> int | None:
        """The number of data rows: free for Parquet and JSON, one quick pass otherwise."""
        if self._n_rows == -1:
            self._n_rows = self._table.count()
        return self._n_rows

    def rows(self) -> Iterator[Document | Rejected]:
        """Yield one `Document` per usable row and one `Rejected` per row that cannot be used.

        Rows are numbered from 1 without the header ("table.csv#row 1" is the first speech); a row
        with a value in the `id` column is named by it instead ("un.jsonl#USA_75_2020").

        Raises:
            UnreadableFileError: the file turns out damaged part way through.
        """
        by_field = self.fields()
        for number, record in self.records():
            yield row_document(self.name, number, record, by_field)

    def fields(self) -> dict[str, list[str]]:
        """Return the columns that feed each speech field, in order of preference."""
        by_field: dict[str, list[str]] = {}
        for column, field_name in self.mapping.items():
            by_field.setdefault(field_name, []).append(column)
        return by_field

    def records(self) -> Iterator[tuple[int, Record]]:
        """Yield each row as read, numbered from 1, for `row_document` (maybe in other processes).

        Raises:
            UnreadableFileError: the file turns out damaged part way through.
        """
        yield from enumerate(self._table.records(tuple(self.mapping)), start=1)


def default_mapping(columns: Sequence[str]) -> dict[str, str]:
    """Map columns to speech fields by name, ignoring case, spaces, dashes and dots.

    Each field takes its best-named column: "president" or "name" feed the speaker, "post" or
    "office" the role, "body" or "transcript" the text, "url" the source, "location" the place.
    A column of country codes ("iso3") feeds the country only when no column names countries.
    A "session" column is not a date.

    Returns:
        column name -> field name, in the order of `TABLE_FIELDS`.
    """
    keys = {column: _column_key(column) for column in columns}
    mapping: dict[str, str] = {}

    def take(field_name: str, names: Sequence[str]) -> None:
        for name in names:
            column = next((c for c in columns if keys[c] == name and c not in mapping), None)
            if column is not None:
                mapping[column] = field_name
                return

    for field_name, names in _SYNONYMS.items():
        take(field_name, names)
    if "country" not in mapping.values():
        take("country", _COUNTRY_CODE_COLUMNS)
    return mapping


def read_table(
    name: str,
    source: bytes | Path,
    *,
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
) -> TableReading:
    """Open a table of speeches and settle which column feeds which speech field.

    Args:
        name: the file name as the user knows it; its extension helps tell the format.
        source: the file's bytes (an upload) or its path (read as a stream).
        mapping: column name -> field name, laid over `default_mapping`: a field named here loses
            its default column. Several columns may feed one field; the first non-empty wins.
        sheet: the XLSX sheet to read (the first by default).

    Returns:
        The reading; only the head of the file has been read so far.

    Raises:
        ImportTableError: a mapping option names a missing column or an unknown field, or no
            column holds the speech text.
        UnreadableFileError: the format is unknown, or the file is damaged, empty or too large.

    Example:
        reading = read_table("speeches.csv", Path("speeches.csv"), mapping={"body": "text"})
        rows = list(reading.rows())
    """
    table = open_table(name, source, sheet=sheet)
    return TableReading(name, table, _resolve_mapping(name, table.columns, mapping or {}))


def speech_from_row(
    doc: Document, *, overrides: SpeechFields | None = None, content_hash: str = ""
) -> Speech:
    """Make a speech from one table row; its metadata comes from its columns and the overrides.

    The text is not searched for a title, date or speaker: a table says what it knows in columns.
    A missing title becomes "<country or speaker>, <date> (<table file stem>)", for example
    "Argentina, 1946 (ungdc_1946-2024)"; a missing source becomes the row's name.

    Args:
        doc: a row from `TableReading.rows()`.
        overrides: values the user set for every row; they win over the columns.
        content_hash: `fingerprint(doc.text)` when the caller has it already (the id is its start).

    Raises:
        MetadataError: the row has no date, neither from a column nor from the overrides.
    """
    fields = doc.given.merged(overrides) if overrides is not None else doc.given
    if fields.delivered is None:
        raise MetadataError(
            doc.source_name,
            "the row has no date; name the column that holds it with --map COLUMN=date "
            "(or --map COLUMN=year for years alone).",
        )
    return Speech(
        speech_id=content_hash[:12] if content_hash else speech_id_for(doc.text),
        title=fields.title or _default_title(fields, fields.delivered, doc.source_name),
        speaker=fields.speaker,
        delivered_on=fields.delivered.on,
        date_precision=fields.delivered.precision,
        text=doc.text,
        role=fields.role,
        country=fields.country,
        place=fields.place,
        category=fields.category,
        posted_by=fields.posted_by,
        source=fields.source or doc.source_name,
        language=language_code(fields.language) or guess_language(doc.text),
    )


# --- mapping ---------------------------------------------------------------------------------


def _column_key(column: str) -> str:
    return re.sub(r"[\s\-.]+", "_", column.strip().lower()).strip("_")


def _resolve_mapping(
    name: str, columns: Sequence[str], options: Mapping[str, str]
) -> dict[str, str]:
    chosen: dict[str, str] = {}
    for option_column, option_field in options.items():
        column = _find_column(name, columns, option_column)
        field_name = option_field.strip().lower()
        if field_name not in TABLE_FIELDS:
            raise ImportTableError(
                name,
                f'"{option_field}" (given for column "{column}") is not a speech field; '
                f"map columns to one of: {', '.join(TABLE_FIELDS)}.",
            )
        chosen[column] = field_name
    mapping = {
        column: field_name
        for column, field_name in default_mapping(columns).items()
        if column not in chosen and field_name not in chosen.values()
    }
    mapping.update(chosen)
    if "text" not in mapping.values():
        raise ImportTableError(
            name,
            f"no column holds the speech text (the columns are {_quoted(columns)}); "
            "name it with --map COLUMN=text.",
        )
    return mapping


def _find_column(name: str, columns: Sequence[str], wanted: str) -> str:
    if wanted in columns:
        return wanted
    matches = [c for c in columns if _column_key(c) == _column_key(wanted)]
    if len(matches) == 1:
        return matches[0]
    raise ImportTableError(
        name, f'there is no column "{wanted}" to map; the columns are {_quoted(columns)}.'
    )


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(f'"{n}"' for n in names) if names else "none"


# --- rows to documents -----------------------------------------------------------------------


class _RowProblem(Exception):
    """A cell that cannot feed its field, so its row is rejected."""


def row_document(
    name: str, number: int, record: Record, by_field: dict[str, list[str]]
) -> Document | Rejected:
    """Turn one record (column -> cell) into a `Document`, or a `Rejected` saying why not."""
    row_id = "" if isinstance(record, str) else _first(record, by_field.get("id", ())).strip()
    source_name = f"{name}#{row_id}" if row_id else f"{name}#row {number}"
    if isinstance(record, str):
        return Rejected(source_name=source_name, reason=record)
    raw_text = _first(record, by_field["text"])
    text = normalise_text(raw_text) if raw_text else ""
    if not text:
        return Rejected(
            source_name=source_name, reason=f"no text in column {_or(by_field['text'])}."
        )
    try:
        delivered = _delivered(record, by_field)
    except _RowProblem as problem:
        return Rejected(source_name=source_name, reason=str(problem))
    values = {f: " ".join(_first(record, by_field.get(f, ())).split()) for f in TEXT_FIELDS}
    return Document(
        source_name=source_name, text=text, given=SpeechFields(delivered=delivered, **values)
    )


def _first(record: Mapping[str, object], columns: Sequence[str]) -> str:
    """Return the first non-empty cell of these columns as text."""
    for column in columns:
        value = cell_text(record.get(column))
        if value.strip():
            return value
    return ""


def _or(columns: Sequence[str]) -> str:
    return " or ".join(f'"{c}"' for c in columns)


def _delivered(record: Mapping[str, object], by_field: dict[str, list[str]]) -> SpeechDate | None:
    years = by_field.get("year", [])
    date_columns = by_field.get("date", []) + years
    if not date_columns:
        return None  # `speech_from_row` asks for a column or an override
    for column in date_columns:
        value = record.get(column)
        if not is_empty(value):
            return _year_date(value, column) if column in years else _cell_date(value, column)
    raise _RowProblem(f"no date in column {_or(date_columns)}.")


def _year_date(value: object, column: str) -> SpeechDate:
    year: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        year = value
    elif isinstance(value, float) and value.is_integer():
        year = int(value)  # pandas turns a year column with gaps into floats: 1946.0
    elif isinstance(value, str) and (match := _YEAR.fullmatch(value)):
        year = int(match.group(1))
    if year is None or not 0 < year < 10_000:
        raise _RowProblem(f'column "{column}": "{cell_text(value)}" is not a year.')
    return _parsed(f"{year:04d}", column)


def _cell_date(value: object, column: str) -> SpeechDate:
    if isinstance(value, datetime):
        return _parsed(value.date().isoformat(), column)
    if isinstance(value, int | float) or (isinstance(value, str) and _YEAR.fullmatch(value)):
        return _year_date(value, column)
    return _parsed(cell_text(value), column)


def _parsed(text: str, column: str) -> SpeechDate:
    try:
        return parse_date(text, source_name=column)
    except MetadataError as err:
        raise _RowProblem(f'column "{column}": {err.reason}') from err


def _default_title(fields: SpeechFields, delivered: SpeechDate, source_name: str) -> str:
    table = PurePath(source_name.rsplit("#", 1)[0]).name.removesuffix(".gz")
    stem, dot, extension = table.rpartition(".")
    if dot and extension.lower() in {
        "csv",
        "tsv",
        "txt",
        "jsonl",
        "ndjson",
        "json",
        "parquet",
        "xlsx",
    }:
        table = stem
    who = fields.country or fields.speaker or "Speech"
    return f"{who}, {delivered.iso()} ({table})" if table else f"{who}, {delivered.iso()}"
