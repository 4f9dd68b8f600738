"""Crashes: a real import process killed mid-way leaves a consistent store, every speech whole."""

from __future__ import annotations

import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corpus.records import fingerprint
from corpus.store import CorpusStore

N_SPEECHES = 3000


def _table(path: Path) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for i in range(N_SPEECHES):
            words = " ".join(f"word{(i * 7 + k) % 997}" for k in range(300))
            record = {
                "text": f"Speech number {i}. {words}",
                "speaker": f"Speaker {i % 13}",
                "year": 1950 + i % 70,
            }
            out.write(json.dumps(record) + "\n")


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
            return int(conn.execute("SELECT count(*) FROM speeches").fetchone()[0])
    except sqlite3.Error:
        return 0


def _children(pid: int) -> list[int]:
    """Return the ids of the processes whose parent is `pid` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("kill_after", [1, 2], ids=["early", "later"])
def test_killed_import_leaves_every_speech_whole(tmp_path: Path, kill_after: int) -> None:
    table = tmp_path / "speeches.jsonl.gz"
    _table(table)
    db = tmp_path / "corpus.sqlite"
    CorpusStore(str(db)).dispose()  # created with the seed, so the schema exists before the kill
    command = [
        sys.executable,
        "-m",
        "cli.main",
        "--db",
        str(db),
        "import-table",
        str(table),
        "--quiet",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while (
        _count(db) < 1 + 500 * kill_after and time.monotonic() < deadline and process.poll() is None
    ):
        time.sleep(0.05)
    assert process.poll() is None, (
        "the import finished before it could be killed; use a larger table"
    )
    workers = _children(process.pid)
    assert workers, "a table this large is prepared by worker processes"
    os.kill(process.pid, signal.SIGKILL)
    process.wait(30)
    deadline = time.monotonic() + 30
    while (left := [pid for pid in workers if _alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not left, "the workers of a killed import must end, not wait for ever"

    store = CorpusStore(str(db))
    assert store.integrity_check() == "ok"
    stored = store.find()
    assert 1 < len(stored) < N_SPEECHES + 1
    for speech in stored:  # every stored speech is complete: its text still matches its id
        assert fingerprint(speech.text)[:12] == speech.speech_id
    assert store.search("word5")  # the full-text index kept up with the rows
    store.dispose()

    again = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert again.returncode == 0, again.stderr
    final = CorpusStore(str(db))
    assert final.count() == N_SPEECHES + 1, "a second run stores each missing speech exactly once"
    assert final.integrity_check() == "ok"
    final.dispose()
