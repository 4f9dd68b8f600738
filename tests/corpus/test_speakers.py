"""Speakers shown tidied, and the user's merges of one person's names, stored in the database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from corpus.backup import export_corpus, import_corpus
from corpus.errors import StoreError
from corpus.metadata.speakers import likely_variants, tidy_speaker
from corpus.records import SpeechFilter
from corpus.store import CorpusStore
from models.selection import parse_selection
from tests.conftest import make_speech

TIDY = [
    ("Mr. KOZYREV", "Kozyrev"),
    ("Sergey V. Lavrov", "Sergey V. Lavrov"),
    ("H.E. Mr. Sergey V. Lavrov", "Sergey V. Lavrov"),
    ("McDONALD", "McDonald"),
    ("Mr. McINTOSH", "McIntosh"),
    ("MacEACHEN", "MacEachen"),
    ("MACHADO", "Machado"),
    ("de GAULLE", "de Gaulle"),
    ("AZEREDO DA SILVEIRA", "Azeredo da Silveira"),
    ("O'BRIEN", "O'Brien"),
    ("Mr. AL-ERYANY", "Al-Eryany"),
    ("Mrs. Maria Helena Lopes De Jesus Pires", "Maria Helena Lopes De Jesus Pires"),
    ("Mme Simone VEIL", "Simone Veil"),
    ("CÉSAR GAVIRIA TRUJILLO", "César Gaviria Trujillo"),
    ("Gloria Macapagal-Arroyo,", "Gloria Macapagal-Arroyo"),
    ("Mr. Luis BAKER II", "Luis Baker II"),
    # titles people are known by, initials and surnames that look like honorifics stay
    ("Sheikh Hasina", "Sheikh Hasina"),
    ("U OHN", "U Ohn"),
    ("M. Poher", "M. Poher"),
    ("He Yafei", "He Yafei"),
    ("Mr.", "Mr."),
]


@pytest.mark.parametrize(("written", "shown"), TIDY, ids=[w for w, _ in TIDY])
def test_names_are_shown_tidied(written: str, shown: str) -> None:
    assert tidy_speaker(written) == shown


def _speakers(store: CorpusStore) -> None:
    for i, speaker in enumerate(
        ["Mr. KOZYREV", "Andrei Kozyrev", "Sergey V. Lavrov", "Sergei Lavrov", "Mr. Sergei LAVROV",
         "Maria Zakharova"]
    ):  # fmt: skip
        store.add(
            make_speech(
                f"Statement {i} on rivers, treaties and the sea.",
                speaker=speaker,
                delivered_on=date(1993 + i, 9, 1),
            )
        )


def _shown(store: CorpusStore) -> dict[str, int]:
    return store.catalogue()["speaker"].value_counts().to_dict()


def test_tables_show_tidied_names_and_select_every_spelling(empty_store: CorpusStore) -> None:
    store = empty_store
    _speakers(store)
    catalogue = store.catalogue()
    assert _shown(store) == {"Sergei Lavrov": 2, "Kozyrev": 1, "Andrei Kozyrev": 1,
                             "Sergey V. Lavrov": 1, "Maria Zakharova": 1}  # fmt: skip
    assert "Mr. Sergei LAVROV" in set(catalogue["speaker_as_written"])
    # a speaker as shown, or as written, selects every stored spelling of that name
    both = store.speech_ids(parse_selection('speaker:"Sergei Lavrov"'))
    assert len(both) == 2
    assert store.speech_ids(parse_selection('speaker:"Mr. Sergei LAVROV"')) == both
    assert store.count(SpeechFilter(speakers=frozenset({"Kozyrev"}))) == 1
    # the stored speeches keep their names as written
    assert sorted(s.speaker for s in store.find())[0] == "Andrei Kozyrev"
    assert "Mr. KOZYREV" in store.speakers()


def test_merged_variants_are_one_speaker_everywhere(empty_store: CorpusStore) -> None:
    store = empty_store
    _speakers(store)
    before = store.version()
    merge = store.merge_speakers(
        "Sergey Lavrov", ["Sergei Lavrov", "Sergey V. Lavrov", "S. Lavrov"]
    )
    assert merge.speaker == "Sergey Lavrov"
    assert merge.variants == ("S. Lavrov", "Sergei Lavrov", "Sergey V. Lavrov")
    assert store.version() > before, "every page and server redraws after a merge"
    assert _shown(store)["Sergey Lavrov"] == 3
    assert "Sergei Lavrov" not in _shown(store)
    for written in ("Sergey Lavrov", "Sergei Lavrov", "Mr. Sergei LAVROV", "Sergey V. Lavrov"):
        assert store.count(SpeechFilter(speakers=frozenset({written}))) == 3, written
    # a later merge into a name that was a variant carries the earlier variants along
    store.merge_speakers("Andrei Kozyrev", ["Mr. KOZYREV"])
    store.merge_speakers("A. V. Kozyrev", ["Andrei Kozyrev"])
    assert _shown(store)["A. V. Kozyrev"] == 2
    # undone: shown as themselves again
    assert store.unmerge_speakers(["Sergei Lavrov"]) == ["sergei lavrov"]
    assert _shown(store)["Sergei Lavrov"] == 2 and _shown(store)["Sergey Lavrov"] == 1
    with pytest.raises(StoreError, match="at least one other name"):
        store.merge_speakers("Sergey Lavrov", ["sergey  lavrov"])


def test_merges_are_kept_in_the_database(sqlite_path: Path) -> None:
    store = CorpusStore(str(sqlite_path))
    _speakers(store)
    store.merge_speakers("Sergey Lavrov", ["Sergei Lavrov", "Sergey V. Lavrov"])
    store.dispose()
    reopened = CorpusStore(str(sqlite_path))
    assert _shown(reopened)["Sergey Lavrov"] == 4  # with the seed's own
    # and in backups: a corpus restored elsewhere keeps them
    backup = sqlite_path.with_name("backup.jsonl.gz")
    export_corpus(reopened, backup)
    reopened.dispose()
    restored = CorpusStore(str(sqlite_path.with_name("restored.sqlite")), seed=False)
    import_corpus(restored, backup)
    assert _shown(restored)["Sergey Lavrov"] == 4
    restored.dispose()


def test_likely_variants_are_suggested_not_merged() -> None:
    shown = ["Sergey Lavrov", "Sergei Lavrov", "S. Lavrov", "Sergey V. Lavrov", "Lavrov",
             "Kozyrev", "Andrei Kozyrev", "Maria Zakharova", "Mikhail Lavrov", "M. Zakharov"]  # fmt: skip
    assert likely_variants(shown) == [
        ["Andrei Kozyrev", "Kozyrev"],
        ["S. Lavrov", "Sergei Lavrov", "Sergey Lavrov", "Sergey V. Lavrov"],
    ]
