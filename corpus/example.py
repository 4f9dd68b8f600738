"""The example corpus that ships with speech-tracker, loaded and removed in one step each.

It is every UN General Debate statement of the Security Council's five permanent members
(China, France, the Soviet Union and Russia, the United Kingdom, the United States), 1946-2024:
360 speeches and 1.5 million words from the UN General Debate Corpus (Jankin, Baturo & Dasandi;
CC0), built by `tools/build_example_corpus.py`. Each of its speeches is marked as an example by
its source ("Example corpus: ..."), which is also how it is found again to be removed.

Example:
    reports = load_example(store)      # 360 speeches; already loaded ones are duplicates
    remove_example(store)              # 360
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import as_file, files

import pandas as pd

from corpus.importer import FileReport, import_table
from corpus.readers.tables import read_table
from corpus.store import CorpusStore

__all__ = [
    "EXAMPLE_DESCRIPTION",
    "EXAMPLE_SOURCE",
    "example_speech_ids",
    "is_example",
    "load_example",
    "remove_example",
]

EXAMPLE_FILE = "un-general-debate-p5.jsonl.gz"
EXAMPLE_SOURCE = "Example corpus: "
"""How every example speech's source starts (the rest names the corpus and the speech)."""
EXAMPLE_DESCRIPTION = (
    "360 UN General Debate statements of the five permanent members of the Security Council "
    "(China, France, the Soviet Union and Russia, the United Kingdom, the United States), "
    "1946-2024, from the UN General Debate Corpus (Jankin, Baturo & Dasandi; public domain, CC0)"
)


def load_example(
    store: CorpusStore, *, progress: Callable[[int], None] | None = None
) -> list[FileReport]:
    """Add the example speeches; one report per speech (a second load finds duplicates).

    Args:
        progress: called with the number of speeches read since the last call.
    """
    packaged = files("corpus").joinpath("data", "examples", EXAMPLE_FILE)
    with as_file(packaged) as path:
        reading = read_table(EXAMPLE_FILE, path)
        return import_table(store, reading, progress=progress)


def is_example(catalogue: pd.DataFrame) -> pd.Series:
    """Which speeches of a catalogue (`CorpusStore.catalogue`) belong to the example corpus."""
    return catalogue["source"].fillna("").str.startswith(EXAMPLE_SOURCE)


def example_speech_ids(store: CorpusStore) -> list[str]:
    """The ids of the stored example speeches."""
    catalogue = store.catalogue()
    return catalogue.loc[is_example(catalogue), "speech_id"].tolist()


def remove_example(store: CorpusStore) -> int:
    """Remove every example speech in one transaction; return how many were removed."""
    return store.remove_many(example_speech_ids(store))
