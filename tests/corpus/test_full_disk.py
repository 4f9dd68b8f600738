"""A disk that refuses writes: a clear message, nothing half-stored, the database still sound."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from corpus.store import CorpusStore

ROOT = Path(__file__).resolve().parents[2]

# A real process whose files may not grow past their current size (RLIMIT_FSIZE): every write
# beyond it fails at the operating system, as it does on a full disk.
CHILD = textwrap.dedent(
    """
    import os, resource, signal, sys
    from corpus.errors import StoreError
    from corpus.records import Speech, speech_id_for
    from corpus.store import CorpusStore
    from datetime import date

    db = sys.argv[1]
    store = CorpusStore(db, seed=False)
    size = sum(os.path.getsize(db + s) for s in ("", "-wal") if os.path.exists(db + s))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size + 4096, size + 4096))
    text = "A long speech that cannot fit. " * 100_000
    speech = Speech(speech_id=speech_id_for(text), title="T", speaker="S",
                    delivered_on=date(2020, 1, 1), text=text)
    try:
        store.add(speech)
    except StoreError as err:
        print(err)
        sys.exit(3)
    """
)


def test_a_full_disk_gives_a_clear_message_and_loses_nothing(tmp_path: Path) -> None:
    db = tmp_path / "corpus.sqlite"
    store = CorpusStore(str(db))  # with the seed
    before = store.find()
    store.dispose()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(db)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 3, done.stderr
    assert "nothing was stored" in done.stdout and "disk" in done.stdout
    after = CorpusStore(str(db))
    assert after.find() == before
    assert after.integrity_check() == "ok"
    after.dispose()
