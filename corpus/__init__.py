"""Speeches in, speeches out: reading transcripts, parsing their metadata, storing them for good."""

from corpus.archive import iter_archive
from corpus.dates import find_date_in_text, parse_date
from corpus.decode import decode_transcript, normalise_text
from corpus.errors import (
    CorpusError,
    ImportTableError,
    MetadataError,
    SpeechNotFoundError,
    StoreError,
    TranscriptDecodeError,
    UnreadableFileError,
)
from corpus.ingest import read_file, sniff_format
from corpus.limits import DEFAULT_LIMITS, Limits
from corpus.metadata import (
    guess_language,
    parse_document,
    parse_filename,
    parse_header,
    parse_title,
    parse_transcript,
)
from corpus.records import (
    Document,
    SearchHit,
    Speech,
    SpeechDate,
    SpeechFields,
    SpeechFilter,
    count_words,
    fingerprint,
    speech_id_for,
)
from corpus.tables import (
    TABLE_FIELDS,
    Rejected,
    TableReading,
    default_mapping,
    read_table,
    speech_from_row,
)

__all__ = [
    "DEFAULT_LIMITS",
    "TABLE_FIELDS",
    "Rejected",
    "TableReading",
    "default_mapping",
    "read_table",
    "speech_from_row",
    "CorpusError",
    "Limits",
    "decode_transcript",
    "find_date_in_text",
    "guess_language",
    "parse_date",
    "parse_document",
    "parse_filename",
    "parse_header",
    "parse_title",
    "parse_transcript",
    "iter_archive",
    "normalise_text",
    "read_file",
    "sniff_format",
    "Document",
    "ImportTableError",
    "MetadataError",
    "SearchHit",
    "Speech",
    "SpeechDate",
    "SpeechFields",
    "SpeechFilter",
    "SpeechNotFoundError",
    "StoreError",
    "TranscriptDecodeError",
    "UnreadableFileError",
    "count_words",
    "fingerprint",
    "speech_id_for",
]
