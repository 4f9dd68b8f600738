"""A large table's rows are prepared on several processes: the same speeches, reports and order."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from corpus import importer
from corpus.importer import Prepared, import_table, store_prepared
from corpus.readers.tables import read_table
from corpus.records import SpeechFields
from corpus.store import CorpusStore


def _table(path: Path) -> Path:
    rows = []
    for i in range(23):
        rows.append(
            {
                "title": f"Statement {i} on water",
                "speaker": f"Delegate {i % 4}",
                "date": f"2019-03-{i % 28 + 1:02d}",
                "text": f"Statement {i}.  Rivers\u00a0and  aquifers need treaties. " * (i + 3),
            }
        )
    rows[5]["text"] = ""  # rejected: no text
    rows[9]["date"] = "3019-01-01"  # rejected: in the future
    rows[12]["text"] = rows[11]["text"]  # a duplicate of the row before
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\nnot json\n", encoding="utf-8")
    return path


def _import(db: Path, table: Path) -> tuple[list[tuple[str, str, str, str]], list[dict]]:
    store = CorpusStore(str(db), seed=False)
    try:
        reports = import_table(store, read_table("speeches.jsonl", table))
        catalogue = store.catalogue().drop(columns=["added_at"])
        return (
            [(r.file, r.status, r.speech_id, r.reason) for r in reports],
            catalogue.to_dict("records"),
        )
    finally:
        store.dispose()


def test_parallel_preparation_gives_what_one_process_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = _table(tmp_path / "speeches.jsonl")
    serial = _import(tmp_path / "serial.sqlite", table)
    monkeypatch.setattr(importer, "PARALLEL_MIN_ROWS", 10)
    monkeypatch.setattr(importer, "_CHUNK_ROWS", 4)  # several chunks, out of step with workers
    if importer._workers_for(read_table("speeches.jsonl", table)) < 2:
        pytest.skip("one core here: tables are prepared in one process")
    parallel = _import(tmp_path / "parallel.sqlite", table)
    assert parallel == serial
    statuses = [status for _, status, _, _ in serial[0]]
    assert statuses.count("added") == 20 and statuses.count("duplicate") == 1
    assert statuses.count("rejected") == 3  # no text, a future date, the line that is not JSON


def test_several_writers_store_every_batch_once_in_row_order(
    store_url: str, tmp_path: Path
) -> None:
    table = _table(tmp_path / "speeches.jsonl")
    prepared = list(
        importer._table_rows(read_table("speeches.jsonl", table), overrides=SpeechFields())
    )
    store = CorpusStore(store_url, seed=False)
    try:
        reports = store_prepared(store, prepared, batch_size=3, writers=3)
        stored = set(store.catalogue()["speech_id"])
        # the hashes made while preparing are the store's own: each text, spaced differently and
        # added alone (hashed by the store), is found as the entry already stored
        again = [
            store.add(replace(p.speech, text=p.speech.text.replace(" ", " \n ")))
            for p in prepared
            if isinstance(p, Prepared)
        ]
    finally:
        store.dispose()
    files = [r.file for r in reports]
    assert files == [p.file for p in prepared]  # one report per row, in row order
    added = [r.speech_id for r in reports if r.status == "added"]
    assert len(added) == 20 and set(added) == stored
    assert {r.status for r in again} == {"duplicate"} and {r.speech_id for r in again} == stored
    duplicate = [r for r in reports if r.status == "duplicate"]
    assert len(duplicate) == 1 and duplicate[0].speech_id in stored
