"""The example corpus: shipped in the package, loaded and removed in one step each, marked as
such, rebuilt byte for byte by its script from the real corpus."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.example import EXAMPLE_SOURCE, example_speech_ids, load_example, remove_example
from corpus.store import CorpusStore
from tests.cli.test_cli import run

ROOT = Path(__file__).resolve().parents[2]
PACKAGED = ROOT / "corpus" / "data" / "examples" / "un-general-debate-p5.jsonl.gz"
UNGDC = ROOT.parent / "shared" / "corpora" / "ungdc" / "ungdc_1946-2024.jsonl.gz"


def test_add_example_adds_360_marked_speeches_and_removes_exactly_them(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite"
    mine = tmp_path / "mine.txt"
    mine.write_text(
        "Statement on the budget\n\nOslo, 4 May 2021\n\n"
        + "We will raise the support for 200 local museums this year. " * 10,
        encoding="utf-8",
    )
    run(db, "add", str(mine))
    done = run(db, "add-example")
    assert done.stdout.startswith("added 360 example speeches (0 already stored)")
    again = run(db, "add-example")
    assert again.stdout.startswith("added 0 example speeches (360 already stored)")
    rows = json.loads(run(db, "list", "--format", "json").stdout)
    examples = [r for r in rows if r["source"].startswith(EXAMPLE_SOURCE)]
    assert len(rows) == 362 and len(examples) == 360
    years = sorted(int(r["date"]) for r in examples)
    assert (years[0], years[-1]) == (1946, 2024)
    countries = {r["country"] for r in examples}
    assert {"China", "France", "Soviet Union", "United Kingdom", "United States"} <= countries
    assert all(r["date_precision"] == "year" for r in examples)
    removed = run(db, "add-example", "--remove")
    assert removed.stdout == "removed 360 example speeches\n"
    left = json.loads(run(db, "list", "--format", "json").stdout)
    assert sorted(r["title"][:9] for r in left) == ["Foreign M", "Statement"]  # the seed, mine


def test_removing_the_example_is_one_transaction(tmp_path: Path) -> None:
    store = CorpusStore(str(tmp_path / "c.sqlite"))
    try:
        load_example(store)
        version = store.version()
        assert remove_example(store) == 360
        assert store.version() == version + 1  # one change, seen by every server at once
        assert example_speech_ids(store) == [] and store.count() == 1
        assert remove_example(store) == 0
    finally:
        store.dispose()


def test_the_example_is_rebuilt_byte_for_byte_from_the_real_corpus(tmp_path: Path) -> None:
    if not UNGDC.exists():
        pytest.skip(f"needs the UN General Debate Corpus at {UNGDC}")
    out = tmp_path / "example.jsonl.gz"
    built = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "build_example_corpus.py"),
            str(UNGDC),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert built.stdout.startswith("360 speeches")
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    assert digest == hashlib.sha256(PACKAGED.read_bytes()).hexdigest()
