"""Backup and restore of a whole corpus: speeches, user annotations and fitted artifacts.

The backup is one gzip-compressed JSON Lines file: a header line, then one line per speech,
annotation and artifact. It is plain, documented data that any tool can read, and it restores
the same ids, metadata, texts, theme labels and figure corrections.

A backup is not trusted: it may have been edited. A restore checks every field's type and size,
recomputes what is derived from the texts (word counts; figures, term counts and theme mixes are
made again from the restored speeches), takes artifacts only when the caller's `artifact_check`
accepts them (the command line accepts a theme model that loads and matches its labels, so that
labels keep their themes) and writes everything in one transaction: all or nothing.

Example:
    export_corpus(store, Path("corpus-backup.jsonl.gz"))
    import_corpus(other_store, Path("corpus-backup.jsonl.gz"))
"""

from __future__ import annotations

import base64
import gzip
import json
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from corpus.errors import CorpusError
from corpus.records import SPEECH_FIELDS, Speech, fingerprint
from corpus.store import CorpusStore

FORMAT = "speechtrack-corpus"
FORMAT_VERSION = 1
# every field of a speech but its date, which is written as ISO text
_SPEECH_FIELDS = tuple(name for name in SPEECH_FIELDS if name != "delivered_on")


@dataclass(frozen=True, slots=True)
class BackupCounts:
    """How many records a backup wrote or a restore brought in."""

    speeches: int
    annotations: int
    artifacts: int
    duplicates: int = 0
    skipped: int = 0  # artifacts left out of a restore: derived data, made again


def export_corpus(store: CorpusStore, path: Path) -> BackupCounts:
    """Write the whole corpus to `path` (gzip JSON Lines); return what was written."""
    kinds = store.annotation_kinds()
    n_speeches = n_annotations = n_artifacts = 0
    try:
        with gzip.open(path, "wt", encoding="utf-8") as out:
            header = {
                "format": FORMAT,
                "version": FORMAT_VERSION,
                "schema_version": store.schema_version(),
                "exported_at": datetime.now(UTC).isoformat(),
            }
            out.write(json.dumps(header) + "\n")
            for speech in store.find():
                record = {name: getattr(speech, name) for name in _SPEECH_FIELDS}
                record["delivered_on"] = speech.delivered_on.isoformat()
                out.write(json.dumps({"type": "speech", **record}, ensure_ascii=False) + "\n")
                n_speeches += 1
            for kind in kinds:
                for key, value in store.annotations(kind).items():
                    line = {"type": "annotation", "kind": kind, "key": key, "value": value}
                    out.write(json.dumps(line, ensure_ascii=False) + "\n")
                    n_annotations += 1
            for name in store.artifact_names():
                payload = store.get_artifact(name) or b""
                line = {
                    "type": "artifact",
                    "name": name,
                    "payload": base64.b64encode(payload).decode(),
                }
                out.write(json.dumps(line) + "\n")
                n_artifacts += 1
    except OSError as err:
        raise CorpusError(
            f"{path}: the backup could not be written ({err.strerror}); check the folder and free space."
        ) from err
    return BackupCounts(n_speeches, n_annotations, n_artifacts)


_TEXT_FIELDS = tuple(name for name in _SPEECH_FIELDS if name not in ("n_words", "text"))
MAX_FIELD_CHARS = 10_000  # a title, a speaker, a source: far longer is not metadata
MAX_LINE_CHARS = 50_000_000  # one record of the backup once unpacked
MAX_ANNOTATION_BYTES = 64 * 1024
MAX_ARTIFACT_BYTES = 512 * 1024 * 1024
_KIND = re.compile(r"[a-z][a-z0-9_]{0,39}")


def _speech(record: dict[str, object], path: Path, line_no: int) -> Speech:
    where = f"{path}: line {line_no}"
    values: dict[str, object] = {}
    for name in (*_TEXT_FIELDS, "text"):
        value = record.get(name, "" if name != "text" else None)
        if not isinstance(value, str):
            raise CorpusError(
                f"{where}: the field {name!r} of a speech must be text, not "
                f"{type(value).__name__}; the backup is damaged or was edited."
            )
        if name != "text" and len(value) > MAX_FIELD_CHARS:
            raise CorpusError(
                f"{where}: the field {name!r} has {len(value):,} characters, more than metadata "
                f"may have ({MAX_FIELD_CHARS:,}); the backup is damaged or was edited."
            )
        values[name] = value
    try:
        values["delivered_on"] = date.fromisoformat(str(record["delivered_on"]))
        # the word count is derived from the text: counted again, never taken from the file
        speech = Speech(**values, n_words=0)  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError) as err:
        raise CorpusError(
            f"{where} is not a complete speech record ({err}); the backup is damaged."
        ) from err
    if fingerprint(speech.text)[:12] != speech.speech_id:
        raise CorpusError(
            f"{where}: the text of {speech.speech_id} does not match its id; the backup is damaged."
        )
    return speech


def _annotation(record: dict[str, object], path: Path, line_no: int) -> tuple[str, str, dict]:
    where = f"{path}: line {line_no}"
    kind, key, value = record.get("kind"), record.get("key"), record.get("value")
    if not isinstance(kind, str) or not _KIND.fullmatch(kind):
        raise CorpusError(
            f"{where}: an annotation's kind must be a short name; the backup is damaged."
        )
    if not isinstance(key, str) or not key or len(key) > 500:
        raise CorpusError(f"{where}: an annotation's key must be text of 1 to 500 characters.")
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise CorpusError(
            f"{where}: an annotation's value must be an object with named fields, not "
            f"{type(value).__name__}; the backup is damaged or was edited."
        )
    if len(json.dumps(value, ensure_ascii=False).encode()) > MAX_ANNOTATION_BYTES:
        raise CorpusError(f"{where}: an annotation is larger than {MAX_ANNOTATION_BYTES:,} bytes.")
    return kind, key, value


def import_corpus(
    store: CorpusStore,
    path: Path,
    *,
    artifact_check: Callable[[str, bytes], bool] | None = None,
) -> BackupCounts:
    """Restore a backup written by `export_corpus` into `store`, in one transaction.

    The whole file is checked before anything is written, so a damaged or edited backup changes
    nothing. Speeches already in the store are reported as duplicates; annotations from the
    backup replace those with the same key. Artifacts are derived data: only those that
    `artifact_check(name, payload)` accepts are restored (none without it); the others are made
    again from the restored speeches, and counted as `skipped`.
    """
    speeches: list[Speech] = []
    notes: list[tuple[str, str, dict[str, object]]] = []
    blobs: list[tuple[str, bytes]] = []
    skipped = 0
    try:
        with gzip.open(path, "rt", encoding="utf-8") as source:
            header = json.loads(source.readline(MAX_LINE_CHARS) or "{}")
            if not isinstance(header, dict) or header.get("format") != FORMAT:
                raise CorpusError(
                    f"{path}: not a speech-tracker backup; write one with `speechtrack export-corpus`."
                )
            if int(header.get("version", 0)) > FORMAT_VERSION:
                raise CorpusError(
                    f"{path}: the backup comes from a newer speech-tracker; upgrade to restore it."
                )
            line_no = 1
            while line := source.readline(MAX_LINE_CHARS + 1):
                line_no += 1
                if len(line) > MAX_LINE_CHARS:
                    raise CorpusError(
                        f"{path}: line {line_no} is longer than {MAX_LINE_CHARS:,} characters; "
                        "the backup is damaged or was edited."
                    )
                record = json.loads(line)
                kind = record.get("type") if isinstance(record, dict) else None
                if kind == "speech":
                    speeches.append(_speech(record, path, line_no))
                elif kind == "annotation":
                    notes.append(_annotation(record, path, line_no))
                elif kind == "artifact":
                    name, encoded = record.get("name"), record.get("payload")
                    if not isinstance(name, str) or not isinstance(encoded, str):
                        raise CorpusError(f"{path}: line {line_no} is not an artifact record.")
                    if artifact_check is None or len(encoded) > MAX_ARTIFACT_BYTES * 4 // 3 + 4:
                        skipped += 1
                        continue
                    payload = base64.b64decode(encoded, validate=True)
                    if artifact_check(name, payload):
                        blobs.append((name, payload))
                    else:
                        skipped += 1
                else:
                    raise CorpusError(
                        f"{path}: line {line_no} has an unknown record type {kind!r}."
                    )
    except (
        OSError,
        EOFError,
        zlib.error,
        json.JSONDecodeError,
        UnicodeDecodeError,
        KeyError,
        ValueError,
        TypeError,
    ) as err:
        raise CorpusError(
            f"{path}: the backup cannot be read ({type(err).__name__}); check that the file is complete."
        ) from err
    results = store.restore(speeches, notes, blobs)
    duplicates = sum(r.status == "duplicate" for r in results)
    return BackupCounts(len(speeches) - duplicates, len(notes), len(blobs), duplicates, skipped)
