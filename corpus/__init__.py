"""Speeches in, speeches out: reading transcripts, parsing their metadata, storing them for good."""

from corpus.errors import (
    CorpusError,
    ImportTableError,
    MetadataError,
    SpeechNotFoundError,
    StoreError,
    TranscriptDecodeError,
    UnreadableFileError,
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

__all__ = [
    "CorpusError",
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
