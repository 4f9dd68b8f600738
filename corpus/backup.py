"""Backup and restore of a whole corpus: speeches, user annotations and fitted artifacts.

The backup is one gzip-compressed JSON Lines file: a header line, then one line per speech,
annotation and artifact. It is plain, documented data that any tool can read, and it restores
exactly: the same ids, metadata, texts, theme labels and figure corrections.

Example:
    export_corpus(store, Path("corpus-backup.jsonl.gz"))
    import_corpus(other_store, Path("corpus-backup.jsonl.gz"))
"""

from __future__ import annotations

import base64
import gzip
import json
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from corpus.errors import CorpusError
from corpus.records import Speech, fingerprint
from corpus.store import CorpusStore

FORMAT = "speechtrack-corpus"
FORMAT_VERSION = 1
_SPEECH_FIELDS = (
    "speech_id",
    "title",
    "speaker",
    "role",
    "country",
    "place",
    "date_precision",
    "category",
    "posted_by",
    "source",
    "language",
    "n_words",
    "text",
)


@dataclass(frozen=True, slots=True)
class BackupCounts:
    """How many records a backup wrote or a restore brought in."""

    speeches: int
    annotations: int
    artifacts: int
    duplicates: int = 0


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


def _speech(record: dict[str, object], path: Path, line_no: int) -> Speech:
    try:
        values = {name: record[name] for name in _SPEECH_FIELDS}
        values["delivered_on"] = date.fromisoformat(str(record["delivered_on"]))
        speech = Speech(**values)  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError) as err:
        raise CorpusError(
            f"{path}: line {line_no} is not a complete speech record ({err}); the backup is damaged."
        ) from err
    if fingerprint(speech.text)[:12] != speech.speech_id:
        raise CorpusError(
            f"{path}: line {line_no}: the text of {speech.speech_id} does not match its id; the backup is damaged."
        )
    return speech


def import_corpus(store: CorpusStore, path: Path) -> BackupCounts:
    """Restore a backup written by `export_corpus` into `store`.

    The whole file is checked before anything is written, so a damaged backup changes nothing.
    Speeches already in the store are reported as duplicates; annotations and artifacts from the
    backup replace those with the same key.
    """
    speeches: list[Speech] = []
    notes: list[tuple[str, str, dict[str, object]]] = []
    blobs: list[tuple[str, bytes]] = []
    try:
        with gzip.open(path, "rt", encoding="utf-8") as source:
            header = json.loads(source.readline() or "{}")
            if header.get("format") != FORMAT:
                raise CorpusError(
                    f"{path}: not a speech-tracker backup; write one with `speechtrack export-corpus`."
                )
            if int(header.get("version", 0)) > FORMAT_VERSION:
                raise CorpusError(
                    f"{path}: the backup comes from a newer speech-tracker; upgrade to restore it."
                )
            for line_no, line in enumerate(source, start=2):
                record = json.loads(line)
                kind = record.get("type")
                if kind == "speech":
                    speeches.append(_speech(record, path, line_no))
                elif kind == "annotation":
                    notes.append((str(record["kind"]), str(record["key"]), dict(record["value"])))
                elif kind == "artifact":
                    blobs.append(
                        (str(record["name"]), base64.b64decode(record["payload"], validate=True))
                    )
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
    ) as err:
        raise CorpusError(
            f"{path}: the backup cannot be read ({type(err).__name__}); check that the file is complete."
        ) from err
    results = store.add_many(speeches)
    for kind_name, key, value in notes:
        store.put_annotation(kind_name, key, value)
    for name, payload in blobs:
        store.put_artifact(name, payload)
    duplicates = sum(r.status == "duplicate" for r in results)
    return BackupCounts(len(speeches) - duplicates, len(notes), len(blobs), duplicates)
