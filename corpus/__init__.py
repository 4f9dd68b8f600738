"""Speeches in, speeches out: reading transcripts, parsing their metadata, storing them for good.

The names below are loaded on first use, so that a process needing one part (the store behind a
dashboard page, the figure extractor) does not load every reader (PDF, Word, Excel, HTML).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the same names, for type checkers
    from corpus.errors import (
        CorpusError,
        ImportTableError,
        MetadataError,
        SpeechNotFoundError,
        StoreError,
        TranscriptDecodeError,
        UnreadableFileError,
    )
    from corpus.importer import import_paths, import_table, import_upload
    from corpus.limits import DEFAULT_LIMITS, Limits
    from corpus.metadata.dates import find_date_in_text, parse_date
    from corpus.metadata.parse import (
        guess_language,
        parse_document,
        parse_filename,
        parse_header,
        parse_title,
        parse_transcript,
    )
    from corpus.readers.archive import iter_archive
    from corpus.readers.decode import decode_transcript, normalise_text
    from corpus.readers.ingest import read_file, sniff_format
    from corpus.readers.tables import (
        TABLE_FIELDS,
        Rejected,
        TableReading,
        default_mapping,
        read_table,
        speech_from_row,
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
    from corpus.store import CorpusStore

_WHERE = {
    "import_paths": "corpus.importer",
    "import_table": "corpus.importer",
    "import_upload": "corpus.importer",
    "CorpusStore": "corpus.store",
    "iter_archive": "corpus.readers.archive",
    "find_date_in_text": "corpus.metadata.dates",
    "parse_date": "corpus.metadata.dates",
    "decode_transcript": "corpus.readers.decode",
    "normalise_text": "corpus.readers.decode",
    "CorpusError": "corpus.errors",
    "ImportTableError": "corpus.errors",
    "MetadataError": "corpus.errors",
    "SpeechNotFoundError": "corpus.errors",
    "StoreError": "corpus.errors",
    "TranscriptDecodeError": "corpus.errors",
    "UnreadableFileError": "corpus.errors",
    "read_file": "corpus.readers.ingest",
    "sniff_format": "corpus.readers.ingest",
    "DEFAULT_LIMITS": "corpus.limits",
    "Limits": "corpus.limits",
    "guess_language": "corpus.metadata.parse",
    "parse_document": "corpus.metadata.parse",
    "parse_filename": "corpus.metadata.parse",
    "parse_header": "corpus.metadata.parse",
    "parse_title": "corpus.metadata.parse",
    "parse_transcript": "corpus.metadata.parse",
    "Document": "corpus.records",
    "SearchHit": "corpus.records",
    "Speech": "corpus.records",
    "SpeechDate": "corpus.records",
    "SpeechFields": "corpus.records",
    "SpeechFilter": "corpus.records",
    "count_words": "corpus.records",
    "fingerprint": "corpus.records",
    "speech_id_for": "corpus.records",
    "Rejected": "corpus.readers.tables",
    "TABLE_FIELDS": "corpus.readers.tables",
    "TableReading": "corpus.readers.tables",
    "default_mapping": "corpus.readers.tables",
    "read_table": "corpus.readers.tables",
    "speech_from_row": "corpus.readers.tables",
}

__all__ = [
    "CorpusError",
    "CorpusStore",
    "DEFAULT_LIMITS",
    "Document",
    "ImportTableError",
    "Limits",
    "MetadataError",
    "Rejected",
    "SearchHit",
    "Speech",
    "SpeechDate",
    "SpeechFields",
    "SpeechFilter",
    "SpeechNotFoundError",
    "StoreError",
    "TABLE_FIELDS",
    "TableReading",
    "TranscriptDecodeError",
    "UnreadableFileError",
    "count_words",
    "decode_transcript",
    "default_mapping",
    "find_date_in_text",
    "fingerprint",
    "guess_language",
    "import_paths",
    "import_table",
    "import_upload",
    "iter_archive",
    "normalise_text",
    "parse_date",
    "parse_document",
    "parse_filename",
    "parse_header",
    "parse_title",
    "parse_transcript",
    "read_file",
    "read_table",
    "sniff_format",
    "speech_from_row",
    "speech_id_for",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'corpus' has no attribute {name!r}")
    return getattr(import_module(_WHERE[name]), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
