"""Reading the formats of tables of speeches: CSV, JSON Lines, JSON arrays, Parquet and XLSX.

`open_table` tells the format from the content first (gzip, Parquet and ZIP magic bytes, a JSON
"[" or "{"), then from the file name, reads the column names and returns a `RawTable` whose
`records` streams the rows as plain mappings of column name to cell value. UTF-8 CSV and JSON
Lines stream at any size (gzip-compressed too); Parquet streams by batches; XLSX is checked from
its ZIP directory before anything is unpacked and then read row by row; JSON arrays and CSV files
in legacy encodings are read whole, within `TABLE_LIMITS`. Column mapping and speech fields live in
`corpus.readers.tables`.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import math
import zipfile
import zlib
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO, TextIO

from openpyxl.utils.exceptions import InvalidFileException

from corpus.errors import ImportTableError, UnreadableFileError
from corpus.limits import Limits
from corpus.readers.archive import open_zip
from corpus.readers.decode import decode_bytes

MAX_ROW_BYTES = 64 * 1024 * 1024
"""The longest row (or CSV field) read; a longer one is a damaged file, not a speech."""
TABLE_LIMITS = Limits(
    max_file_bytes=1024 * 1024 * 1024,
    max_archive_total_bytes=2 * 1024 * 1024 * 1024,
    max_compression_ratio=100.0,
)
"""The budget for a whole table read at once: a JSON array, a legacy-encoded CSV, an XLSX
workbook (checked from its ZIP directory before anything is unpacked)."""
_COLUMN_SCAN_ROWS = 50
_DELIMITERS = (",", ";", "\t", "|")
_SAVE_AS = "save the table as CSV (UTF-8), JSON Lines, Parquet or XLSX and import it again."

# What openpyxl and the XML and ZIP readers under it raise on damaged workbooks.
_XLSX_FAILURES = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    KeyError,
    IndexError,
    TypeError,
    ValueError,
    SyntaxError,  # XML parse errors of lxml and ElementTree
    InvalidFileException,
)

Record = Mapping[str, object] | str
"""One row by column name, or (a string) the reason the row cannot be read, such as bad JSON."""
Opener = Callable[[], BinaryIO]


@dataclass(frozen=True, slots=True)
class RawTable:
    """One opened table: its format, its columns and how to stream its records, again and again.

    Attributes:
        format: "csv", "jsonl", "json", "parquet" or "xlsx".
        columns: the column names in table order (blank names numbered, repeats suffixed ".1").
        records: given the columns wanted, a fresh iterator over the data rows.
        count: the number of data rows (metadata for Parquet and JSON, one pass otherwise).
        warnings: doubts about the whole file, such as the legacy encoding a CSV was read in.
    """

    format: str
    columns: tuple[str, ...]
    records: Callable[[tuple[str, ...]], Iterator[Record]]
    count: Callable[[], int | None]
    warnings: tuple[str, ...] = ()


def open_table(name: str, source: bytes | Path, *, sheet: str | None = None) -> RawTable:
    """Tell the format of a table, from its content first and its name second, and open it.

    Args:
        name: the file name as the user knows it (".tsv" means tab-separated).
        source: the file's bytes or its path; gzip-compressed text formats are unpacked on the fly.
        sheet: the XLSX sheet to read (the first by default).

    Raises:
        UnreadableFileError: the format is unknown, or the file is damaged, empty or too large.
        ImportTableError: the XLSX workbook has no sheet of that name.
    """
    raw = _raw_opener(source)
    head = _read_head(name, raw, 8)
    lower = name.lower()
    opener = raw
    if head.startswith(b"\x1f\x8b"):
        opener = _gzip_opener(source)
        lower = lower.removesuffix(".gz")
        head = _read_head(name, opener, 4096)
    compressed = opener is not raw
    if head.startswith(b"PAR1") and not compressed:
        return _parquet_table(name, source)
    if head.startswith(b"PK\x03\x04") and not compressed:
        return _xlsx_table(name, source, sheet=sheet)
    if head.startswith((b"PAR1", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")) or lower.endswith(
        (".parquet", ".pq", ".xlsx", ".xlsm", ".xls")
    ):
        raise UnreadableFileError(
            name,
            f"the file is not an uncompressed Parquet or XLSX table that can be read; {_SAVE_AS}",
        )
    if not head.strip():
        raise UnreadableFileError(
            name, "the file is empty; it needs a header row and one row per speech."
        )
    first = head.removeprefix(codecs.BOM_UTF8).lstrip()[:1]
    if first == b"[":
        return _json_array_table(name, opener)
    if first == b"{":
        return _jsonl_table(name, opener)
    return _csv_table(name, opener, tab=lower.endswith(".tsv"))


def _raw_opener(source: bytes | Path) -> Opener:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        return lambda: io.BytesIO(data)
    path = Path(source)
    return lambda: path.open("rb")


def _gzip_opener(source: bytes | Path) -> Opener:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        return lambda: gzip.GzipFile(fileobj=io.BytesIO(data), mode="rb")  # type: ignore[return-value]
    path = Path(source)
    return lambda: gzip.open(path, "rb")  # type: ignore[return-value]


def _read_head(name: str, opener: Opener, size: int) -> bytes:
    with _damaged(name), opener() as stream:
        return stream.read(size)


@contextmanager
def _damaged(name: str) -> Iterator[None]:
    """Turn the errors of a missing, damaged or cut-short file into one `UnreadableFileError`."""
    try:
        yield
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as err:
        raise UnreadableFileError(
            name, f"the file cannot be read to the end ({err}); check that it is complete."
        ) from err


def _jsonl_table(name: str, opener: Opener) -> RawTable:
    columns: dict[str, None] = {}
    head = _jsonl_records(name, opener)
    for number, record in enumerate(head, start=1):
        if not isinstance(record, str):
            columns.update(dict.fromkeys(record))
        if number >= _COLUMN_SCAN_ROWS:
            break
    head.close()

    def count() -> int:
        with _damaged(name), opener() as stream:
            return sum(1 for line in _lines(stream) if line.strip())

    return RawTable("jsonl", tuple(columns), lambda _wanted: _jsonl_records(name, opener), count)


def _lines(stream: BinaryIO) -> Iterator[bytes]:
    return iter(lambda: stream.readline(MAX_ROW_BYTES), b"")


def _jsonl_records(name: str, opener: Opener) -> Generator[Record, None, None]:
    with _damaged(name), opener() as stream:
        for line in _lines(stream):
            if len(line) == MAX_ROW_BYTES and not line.endswith(b"\n"):
                while (rest := stream.readline(MAX_ROW_BYTES)) and not rest.endswith(b"\n"):
                    pass
                yield f"the line is longer than {MAX_ROW_BYTES // 2**20} MB; check the file."
            elif line.strip():
                try:
                    record = json.loads(line)
                except (ValueError, RecursionError) as err:  # RecursionError: nesting too deep
                    yield f"the line is not valid JSON ({err}); each line must be one JSON object."
                    continue
                yield record if isinstance(record, dict) else "the line is not a JSON object."


def _json_array_table(name: str, opener: Opener) -> RawTable:
    with _damaged(name), opener() as stream:
        data = stream.read(TABLE_LIMITS.max_file_bytes + 1)
    if len(data) > TABLE_LIMITS.max_file_bytes:
        raise UnreadableFileError(
            name, "the JSON array is too large to read at once; save it as JSON Lines."
        )
    try:
        items = json.loads(data)
    except (ValueError, RecursionError) as err:
        raise UnreadableFileError(name, f"the file is not valid JSON ({err}); {_SAVE_AS}") from err
    if not isinstance(items, list):
        raise UnreadableFileError(
            name, "the JSON file must hold an array of objects, one per speech."
        )
    columns: dict[str, None] = {}
    for item in items[:_COLUMN_SCAN_ROWS]:
        if isinstance(item, dict):
            columns.update(dict.fromkeys(item))

    def records(_wanted: tuple[str, ...]) -> Iterator[Record]:
        for item in items:
            yield item if isinstance(item, dict) else "the array item is not a JSON object."

    return RawTable("json", tuple(str(c) for c in columns), records, lambda: len(items))


def _csv_table(name: str, opener: Opener, *, tab: bool) -> RawTable:
    text_opener, warnings = _csv_text(name, opener)
    with _damaged(name), text_opener() as text:
        delimiter = "\t" if tab else _sniff_delimiter(text.readline(MAX_ROW_BYTES))
    if csv.field_size_limit() < MAX_ROW_BYTES:
        # Speeches are long: the csv module's default of 128 KB per field is too small. The new
        # cap still fits a C long everywhere and still stops a damaged file from eating memory.
        csv.field_size_limit(MAX_ROW_BYTES)

    def rows() -> Generator[list[str], None, None]:
        with _damaged(name), text_opener() as text:
            reader = csv.reader(text, delimiter=delimiter, strict=True)
            try:
                yield from (row for row in reader if any(cell.strip() for cell in row))
            except csv.Error as err:
                raise UnreadableFileError(
                    name, f"line {reader.line_num} cannot be read as CSV ({err}); check its quotes."
                ) from err

    columns = _header(name, rows())

    def records(wanted: tuple[str, ...]) -> Iterator[Record]:
        positions = [(column, columns.index(column)) for column in wanted]
        body = rows()
        next(body, None)
        for row in body:
            yield {column: row[i] if i < len(row) else "" for column, i in positions}

    return RawTable("csv", columns, records, lambda: sum(1 for _ in rows()) - 1, warnings)


def _csv_text(
    name: str, opener: Opener
) -> tuple[Callable[[], AbstractContextManager[TextIO]], tuple[str, ...]]:
    """Stream UTF-8 text (the usual case, any size); decode other encodings whole, as uploads."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with _damaged(name), opener() as stream:
        try:
            while chunk := stream.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            is_utf8 = True
        except UnicodeDecodeError:
            is_utf8 = False
    if is_utf8:
        return lambda: _utf8_text(opener), ()
    with _damaged(name), opener() as stream:
        data = stream.read(TABLE_LIMITS.max_file_bytes + 1)
    decoded, warnings = decode_bytes(name, data, limits=TABLE_LIMITS)
    del data
    return lambda: _string_text(decoded), warnings


@contextmanager
def _utf8_text(opener: Opener) -> Iterator[TextIO]:
    with opener() as stream:
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        try:
            yield text
        finally:
            text.detach()


@contextmanager
def _string_text(decoded: str) -> Iterator[TextIO]:
    yield io.StringIO(decoded, newline="")


def _sniff_delimiter(header_line: str) -> str:
    """Pick the delimiter that splits the header most often, outside quotes (comma on a tie)."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    return max(_DELIMITERS, key=lambda d: counts[d])


def _header(name: str, rows: Generator[Sequence[object], None, None]) -> tuple[str, ...]:
    """Read column names from the first row: blank names numbered, repeats suffixed ".1"."""
    header = next(rows, None)
    rows.close()
    if header is None:
        raise UnreadableFileError(
            name, "the table is empty; it needs a header row and one row per speech."
        )
    columns: list[str] = []
    for position, cell in enumerate(header, start=1):
        column = base = " ".join(cell_text(cell).split()) or f"column {position}"
        n = 1
        while column in columns:
            column, n = f"{base}.{n}", n + 1
        columns.append(column)
    return tuple(columns)


def _parquet_table(name: str, source: bytes | Path) -> RawTable:
    import pyarrow as pa
    import pyarrow.parquet as pq

    def open_file() -> pq.ParquetFile:
        try:
            return pq.ParquetFile(
                pa.BufferReader(source) if isinstance(source, bytes) else str(source)
            )
        except (pa.ArrowException, OSError) as err:
            raise UnreadableFileError(
                name, f"the Parquet file cannot be read ({err}); {_SAVE_AS}"
            ) from err

    with open_file() as parquet:
        columns = tuple(parquet.schema_arrow.names)
        n_rows = parquet.metadata.num_rows

    def records(wanted: tuple[str, ...]) -> Iterator[Record]:
        with open_file() as parquet:
            try:
                for batch in parquet.iter_batches(batch_size=256, columns=list(wanted)):
                    yield from batch.to_pylist()
            except (pa.ArrowException, OSError) as err:
                raise UnreadableFileError(
                    name, f"the Parquet file is damaged ({err}); {_SAVE_AS}"
                ) from err

    return RawTable("parquet", columns, records, lambda: n_rows)


def _xlsx_table(name: str, source: bytes | Path, *, sheet: str | None) -> RawTable:
    import openpyxl

    data = source if isinstance(source, bytes) else _read_all(name, source)
    open_zip(name, data, limits=TABLE_LIMITS).close()  # sizes, ratios, overlaps: before unpacking

    def sheet_rows() -> Generator[tuple[object, ...], None, None]:
        unreadable = f"the XLSX workbook cannot be read ({{}}); {_SAVE_AS}"
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except _XLSX_FAILURES as err:
            raise UnreadableFileError(name, unreadable.format(err)) from err
        try:
            names = [worksheet.title for worksheet in book.worksheets]  # not chart sheets
            if not names or (sheet is not None and sheet not in names):
                raise ImportTableError(
                    name, f'there is no sheet "{sheet or 1}"; the sheets are {_quoted(names)}.'
                )
            for row in book[sheet or names[0]].iter_rows(values_only=True):
                if not all(is_empty(cell) for cell in row):
                    yield row
        except _XLSX_FAILURES as err:
            raise UnreadableFileError(name, unreadable.format(err)) from err
        finally:
            book.close()

    columns = _header(name, sheet_rows())

    def records(wanted: tuple[str, ...]) -> Iterator[Record]:
        positions = [(column, columns.index(column)) for column in wanted]
        body = sheet_rows()
        next(body, None)
        for row in body:
            yield {column: row[i] if i < len(row) else None for column, i in positions}

    return RawTable("xlsx", columns, records, lambda: sum(1 for _ in sheet_rows()) - 1)


def _read_all(name: str, path: Path) -> bytes:
    with _damaged(name), path.open("rb") as stream:
        data = stream.read(TABLE_LIMITS.max_file_bytes + 1)
    if len(data) > TABLE_LIMITS.max_file_bytes:
        raise UnreadableFileError(name, f"the file is too large to read at once; {_SAVE_AS}")
    return data


def is_empty(value: object) -> bool:
    """Tell whether a cell holds nothing: None, NaN (pandas' gap) or blank text."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def cell_text(value: object) -> str:
    """Return a cell as text: whole numbers without ".0", lists of paragraphs joined."""
    if is_empty(value):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return "\n\n".join(value)
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(f'"{n}"' for n in names) if names else "none"
