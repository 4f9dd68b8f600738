"""Terms that may make a theme: boilerplate learned from a corpus, stop terms, readable labels."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd

from models.themes.terms import (
    REASON_EDGE,
    REASON_SPREAD,
    label_terms,
    speech_cells,
    stopped,
)
from models.themes.topics import TopicModel
from tests.models.conftest import SUBJECTS

OPENING = (
    "Mr President, allow me to congratulate you warmly on your election to the presidency and to "
    "express our gratitude to your predecessor for the wisdom with which he guided the session. "
    "My delegation extends its warmest congratulations and wishes you every success."
)
CLOSING = (
    "In conclusion, my delegation wishes the session every success and assures you of its full "
    "cooperation; we congratulate the President once more on his election."
)


def _forum(n: int = 40, *, seed: int = 7) -> tuple[pd.Series, pd.Series]:
    """Speeches of a forum: a ceremonial opening and closing, three subjects in between, and a
    word every speaker uses ("organisation") spread evenly over four decades."""
    rng = random.Random(seed)
    texts, catalogue = {}, []
    subjects = list(SUBJECTS)
    for i in range(n):
        main = subjects[i % 3]
        body = []
        for paragraph in range(5):
            words = [rng.choice(SUBJECTS[main]) for _ in range(60)]
            if paragraph == i % 5:  # once a speech, in a passage of its own choosing
                words[rng.randrange(60)] = "organisation"
            body.append(" ".join(words) + ".")
        speech_id = f"s{i:03d}"
        texts[speech_id] = "\n\n".join([OPENING, *body, CLOSING])
        catalogue.append(
            {"speech_id": speech_id, "date": pd.Timestamp(1990 + i % 4 * 10, 9, 25),
             "speaker": f"speaker {i}", "country": f"country {i}"}
        )  # fmt: skip
    frame = pd.DataFrame(catalogue)
    return pd.Series(texts), speech_cells(frame)


def test_ceremony_and_words_every_speaker_says_are_kept_out_of_the_themes() -> None:
    texts, cells = _forum()
    model = TopicModel(n_topics=3).fit(texts, cells=cells)
    kept_out = model.boilerplate_
    # said in every speech of every decade: no theme tells the speeches apart by it
    assert kept_out.get("organization") == REASON_SPREAD
    # salutations, congratulations, thanks: said in openings and closings
    for word in ("congratulate", "election", "delegation", "session"):
        assert kept_out.get(word) in (REASON_EDGE, REASON_SPREAD), word
    terms = set(model.top_terms(n=10)["term"])
    assert not terms & {"organization", "congratulate", "election", "delegation", "session"}
    labels = model.default_labels()
    subjects = {s: set(w) for s, w in SUBJECTS.items()}
    for label in labels:
        words = set(label.replace(" · ", " ").split())
        assert any(words <= vocabulary for vocabulary in subjects.values()), label


def test_a_subject_word_is_never_boilerplate_and_one_group_alone_learns_nothing() -> None:
    texts, cells = _forum()
    model = TopicModel(n_topics=3).fit(texts, cells=cells)
    for words in SUBJECTS.values():
        assert not set(words) & set(model.boilerplate_)
    # the same speeches as one speaker in one year: no spread over groups can be seen
    one = pd.Series("2020|one", index=cells.index)
    alone = TopicModel(n_topics=3).fit(texts, cells=one)
    assert REASON_SPREAD not in set(alone.boilerplate_.values())


def test_cells_are_periods_and_the_speakers_with_a_tenth_of_the_speeches() -> None:
    catalogue = pd.DataFrame(
        {
            "speech_id": [f"s{i}" for i in range(20)],
            "date": pd.to_datetime([f"{1990 + i * 2}-01-01" for i in range(20)]),
            "speaker": ["Lavrov"] * 10 + [f"other {i}" for i in range(10)],
            "country": ["Russia"] * 10 + ["France"] * 10,
        }
    )
    cells = speech_cells(catalogue)
    assert cells["s0"] == "1990|lavrov" and cells["s19"] == "2020|others"
    # a span under twenty years: periods are years
    short = speech_cells(catalogue.assign(date=pd.to_datetime(["2018-06-15"] * 20)))
    assert short["s0"] == "2018|lavrov"


def test_stop_terms_keep_out_the_term_and_every_phrase_that_holds_it() -> None:
    terms = ["kofi annan", "annan", "annandale", "secretary general", "general"]
    assert stopped(terms, ["annan"]).tolist() == [True, True, False, False, False]
    assert stopped(terms, ["general", ""]).tolist() == [False, False, False, True, True]
    assert not stopped(terms, []).any()


def test_labels_are_distinct_distinctive_and_absorb_words_into_phrases() -> None:
    terms = np.array(["young", "people", "young people", "education", "world", "skills", "war"])
    components = np.array(
        [
            # young people: "young" and "people" are said by the phrase; "world" is everywhere
            [0.9, 0.9, 0.8, 0.5, 0.6, 0.4, 0.0],
            [0.0, 0.1, 0.0, 0.0, 0.6, 0.0, 0.9],
        ]
    )
    labels = label_terms(components, terms)
    assert labels[0][0] == "young people"
    assert "young" not in labels[0] and "people" not in labels[0]
    assert "world" not in labels[0]  # as heavy in the other theme: it tells neither apart
    assert 2 <= len(labels[0]) <= 3
    assert labels[1][0] == "war"
    words = [w for term in labels[0] for w in term.split()]
    assert len(words) == len(set(words))
