"""A synthetic corpus whose themes are known by construction, for theme and comparison tests.

Two speakers speak in three years on three subjects (fishing, taxes, football). Each speech has
six paragraphs: four on its main subject, one on a second subject, one of shared filler, so the
right themes, each speech's main theme and its distinctive terms are all known in advance.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

import pandas as pd
import pytest

from corpus.records import Speech, speech_id_for

SUBJECTS: dict[str, tuple[str, ...]] = {
    "fishing": (
        "fishing boats nets harbour trawlers catch fishermen cod herring quotas "
        "fleet salmon coastal anchors crews"
    ).split(),
    "taxes": (
        "taxes budget revenue deficit spending treasury income levy audit fiscal "
        "payroll tariffs surplus ledger accountants"
    ).split(),
    "football": (
        "football goals league stadium striker referee penalty championship supporters "
        "midfield coach fixtures tournament kickoff goalkeeper"
    ).split(),
}
EXTRA_SUBJECT = {
    "astronomy": (
        "telescope planets galaxy orbit comet observatory asteroids nebula stars "
        "astronomers eclipse meteor lunar solar cosmos"
    ).split()
}
FILLER = "government people nation region future progress citizens community plan work".split()
SPEAKERS = ("Anna Berg", "Carl Dunn")
YEARS = (2019, 2020, 2021)


@dataclass(frozen=True, slots=True)
class SyntheticCorpus:
    """Speeches with known themes.

    Attributes:
        texts: speech texts indexed by speech_id (as `store.texts` returns them).
        catalogue: metadata frame with the columns of `store.catalogue`.
        records: the same speeches as `Speech` records, for stores.
        main_subject: the main subject of each speech, indexed by speech_id.
    """

    texts: pd.Series
    catalogue: pd.DataFrame
    records: tuple[Speech, ...]
    main_subject: pd.Series


def paragraph(words: tuple[str, ...] | list[str], rng: random.Random, *, n: int = 45) -> str:
    """Return one paragraph of `n` words drawn from `words`, with a little filler."""
    drawn = [rng.choice(words) if rng.random() < 0.85 else rng.choice(FILLER) for _ in range(n)]
    return " ".join(drawn).capitalize() + "."


def synthetic_speech(
    main: str, second: str, *, seed: int, speaker: str = "Anna Berg", year: int = 2020
) -> Speech:
    """Return one speech: four paragraphs on `main`, one on `second`, one of filler."""
    subjects = {**SUBJECTS, **EXTRA_SUBJECT}
    rng = random.Random(seed)
    paragraphs = [paragraph(subjects[main], rng) for _ in range(4)]
    paragraphs.insert(2, paragraph(subjects[second], rng))
    paragraphs.append(paragraph(FILLER, rng, n=20))
    text = "\n\n".join(paragraphs)
    return Speech(
        speech_id=speech_id_for(text),
        title=f"{speaker} on {main}, {year}",
        speaker=speaker,
        delivered_on=date(year, 1 + seed % 12, 1 + seed % 28),
        text=text,
        place="Oslo" if speaker == SPEAKERS[0] else "Bergen",
        country="Norway",
    )


def build_corpus() -> SyntheticCorpus:
    """Build the 18 speeches: 2 speakers x 3 years x 3 main subjects."""
    names = list(SUBJECTS)
    records = []
    seed = 0
    for speaker in SPEAKERS:
        for year in YEARS:
            for i, main in enumerate(names):
                second = names[(i + 1) % len(names)]
                records.append(
                    synthetic_speech(main, second, seed=seed, speaker=speaker, year=year)
                )
                seed += 1
    index = pd.Index([s.speech_id for s in records], name="speech_id")
    texts = pd.Series([s.text for s in records], index=index, name="text", dtype=object)
    catalogue = pd.DataFrame(
        {
            "speech_id": [s.speech_id for s in records],
            "title": [s.title for s in records],
            "speaker": [s.speaker for s in records],
            "role": [s.role for s in records],
            "country": [s.country for s in records],
            "place": [s.place for s in records],
            "date": pd.to_datetime([s.delivered_on for s in records]),
            "date_iso": [s.date_iso for s in records],
            "date_precision": [s.date_precision for s in records],
            "n_words": [s.n_words for s in records],
            "source": [s.source for s in records],
            "category": [s.category for s in records],
            "posted_by": [s.posted_by for s in records],
            "language": [s.language for s in records],
        }
    )
    mains = [s.title.split(" on ")[1].split(",")[0] for s in records]
    return SyntheticCorpus(texts, catalogue, tuple(records), pd.Series(mains, index=index))


@pytest.fixture(scope="session")
def speeches() -> SyntheticCorpus:
    """The synthetic corpus (texts, catalogue, records, main subject of each speech)."""
    return build_corpus()
