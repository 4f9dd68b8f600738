"""Backup and restore: the whole corpus with labels, corrections and artifacts, exactly."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import pytest

from corpus import CorpusError
from corpus.backup import export_corpus, import_corpus
from corpus.store import CorpusStore
from tests.conftest import make_speech


def _fill(store: CorpusStore) -> None:
    store.add_many(
        [
            make_speech(
                "Only 70 Russian NGOs enjoy consultative status.", delivered_on=date(2018, 6, 15)
            ),
            make_speech(
                "Année 1999: «ça» — Ünïcödé text.\n\nSecond paragraph.",
                delivered_on=date(1999, 1, 1),
                date_precision="year",
                country="France",
                posted_by="Web desk",
            ),  # fmt: skip
        ]
    )
    store.put_annotation("theme_label", "2", {"label": "NGOs in international bodies"})
    store.put_annotation("quantity_correction", "abc:10:12", {"value": 71, "dismissed": False})
    store.put_artifact("topics/model", bytes(range(256)))


def test_round_trip_is_exact(empty_store: CorpusStore, tmp_path: Path) -> None:
    _fill(empty_store)
    backup = tmp_path / "backup.jsonl.gz"
    counts = export_corpus(empty_store, backup)
    assert (counts.speeches, counts.annotations, counts.artifacts) == (2, 2, 1)
    restored = CorpusStore(f"sqlite:///{tmp_path / 'restored.sqlite'}", seed=False)
    result = import_corpus(restored, backup)
    assert (result.speeches, result.duplicates) == (2, 0)
    assert restored.find() == empty_store.find()
    for kind in ("theme_label", "quantity_correction"):
        assert restored.annotations(kind) == empty_store.annotations(kind)
    assert restored.get_artifact("topics/model") == bytes(range(256))
    again = import_corpus(restored, backup)
    assert (again.speeches, again.duplicates) == (0, 2)


def test_damaged_backup_changes_nothing(tmp_path: Path) -> None:
    source = CorpusStore(f"sqlite:///{tmp_path / 'a.sqlite'}", seed=False)
    _fill(source)
    backup = tmp_path / "backup.jsonl.gz"
    export_corpus(source, backup)
    lines = gzip.decompress(backup.read_bytes()).decode().splitlines()
    lines = [
        line.replace("consultative", "CONSULTATIVE") for line in lines
    ]  # text no longer matches its id
    damaged = tmp_path / "damaged.jsonl.gz"
    damaged.write_bytes(gzip.compress("\n".join(lines).encode()))
    target = CorpusStore(f"sqlite:///{tmp_path / 'b.sqlite'}", seed=False)
    with pytest.raises(CorpusError, match="does not match its id"):
        import_corpus(target, damaged)
    truncated = tmp_path / "truncated.jsonl.gz"
    truncated.write_bytes(backup.read_bytes()[:-20])
    with pytest.raises(CorpusError, match="cannot be read"):
        import_corpus(target, truncated)
    assert target.count() == 0 and target.annotation_kinds() == []
