"""Errors raised by the corpus package.

CorpusError
├── UnreadableFileError        a file cannot be turned into text (format, encoding, damage, limits)
│   └── TranscriptDecodeError  bytes that do not decode to trustworthy text
├── MetadataError              the metadata is missing, ambiguous or impossible (no date, future date)
├── SpeechNotFoundError        no speech with that id
├── StoreError                 the database cannot be opened, migrated or written
│   └── RefusedRowError        the database refuses one speech's values (too long for it)
└── ImportTableError           a table of speeches cannot be mapped to speech fields

Every message is one plain sentence that names the input, says what was wrong and what to do.
"""

from __future__ import annotations


class CorpusError(Exception):
    """Base class of every error the corpus package raises on purpose."""


class UnreadableFileError(CorpusError):
    """A file cannot be read as a transcript."""

    def __init__(self, source_name: str, reason: str) -> None:
        self.source_name = source_name
        self.reason = reason
        super().__init__(f"{source_name}: {reason}")


class TranscriptDecodeError(UnreadableFileError):
    """The bytes of a text file do not decode to trustworthy text."""


class MetadataError(CorpusError):
    """The metadata of a speech is missing, ambiguous or impossible."""

    def __init__(self, source_name: str, reason: str) -> None:
        self.source_name = source_name
        self.reason = reason
        super().__init__(f"{source_name}: {reason}")


class SpeechNotFoundError(CorpusError):
    """No speech has the given id."""

    def __init__(self, speech_id: str) -> None:
        self.speech_id = speech_id
        super().__init__(
            f"No speech has the id {speech_id!r}; run `speechtrack list` to see the ids."
        )


class StoreError(CorpusError):
    """The database cannot be opened, migrated or written."""


class RefusedRowError(StoreError):
    """The database refused one speech's values (too long or out of range for it)."""


class ImportTableError(CorpusError):
    """A table of speeches cannot be mapped to speech fields."""

    def __init__(self, source_name: str, reason: str) -> None:
        self.source_name = source_name
        self.reason = reason
        super().__init__(f"{source_name}: {reason}")
