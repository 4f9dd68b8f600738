"""Series per FIGURES.md on the real wording of the mission's example: one measure under its names."""

from __future__ import annotations

from datetime import date

import pandas as pd

from corpus.records import Speech
from models.quantities import quantities_frame
from models.quantity_series import assign_series, series_frame
from tests.conftest import make_speech

# Real sentences of Russian foreign-ministry speeches (2009, 2016) and the seed (2018).
SENTENCES = [
    (
        date(2009, 11, 20),
        "At present 41 Russian organizations have special consultative status with the Economic "
        "and Social Council of the United Nations, 14 ones are participants or partners of CE "
        "International NGO Conference.",
    ),
    (
        date(2016, 5, 30),
        "Only 64 Russian organisations currently have Consultative Status on the UN's Economic and "
        "Social Council.",
    ),
    (
        date(2018, 6, 15),
        "Only 70 Russian NGOs enjoy consultative status with ECOSOC, at a time where it has over "
        "4,000 organisations represented with it. Speaking about the Conference of International "
        "Non-Governmental Organisations of the Council of Europe, only four Russian NGOs are its "
        "permanent participants.",
    ),
]


def _points() -> dict[float, tuple[str, str]]:
    speeches = [
        make_speech(text, delivered_on=day, country="Russia", speaker="Sergey Lavrov")
        for day, text in SENTENCES
    ]
    countries = {s.speech_id: "Russia" for s in speeches}
    frame = assign_series(quantities_frame(speeches), {}, countries=countries, owners=countries)
    points = series_frame(frame)
    return {
        v: (s, k) for v, s, k in zip(points["value"], points["series"], points["key"], strict=True)
    }


def _assigned(speeches: list[Speech]) -> pd.DataFrame:
    """The figures of the speeches in their series, each speech speaking for its country."""
    countries = {s.speech_id: s.country for s in speeches}
    return assign_series(quantities_frame(speeches), {}, countries=countries, owners=countries)


def test_the_three_ecosoc_figures_are_one_series_and_the_ingo_figures_another() -> None:
    points = _points()
    ecosoc = {points[v][0] for v in (41.0, 64.0, 70.0)}
    ingo = {points[v][0] for v in (14.0, 4.0)}
    assert len(ecosoc) == 1 and len(ingo) == 1 and ecosoc != ingo
    key = points[70.0][1]
    assert "russia" in key and "consultative status" in key
    assert "UN Economic and Social Council" in key
    assert "Council of Europe" in points[4.0][1]
    # all of ECOSOC's organisations are another measure: no scope, never joined with Russia's
    assert 4000.0 not in points or points[4000.0][0] not in ecosoc


def test_no_series_from_a_default_scope_or_a_vague_magnitude() -> None:
    speeches = [
        make_speech("We took in 1.4 million refugees last year.", country="Norway"),
        make_speech("We took in 2 million refugees in all.", country="Norway"),
        make_speech("Millions of refugees crossed into Europe.", country="Sweden"),
        make_speech("Thousands of refugees crossed into Europe.", country="Sweden"),
    ]
    frame = _assigned(speeches)
    assert set(frame["series"]) == {""}


def test_what_a_clause_says_of_its_people_keeps_different_measures_apart() -> None:
    # real UN General Debate sentences (Greece 1983, Cyprus 1999, Greece 1991)
    speeches = [
        make_speech(text, delivered_on=day, country=country)
        for text, day, country in (
            (
                "As a result 200,000 Greek Cypriots live as refugees in their own country.",
                date(1983, 9, 15),
                "Greece",
            ),
            (
                "I could bring up the drama of the relatives of the 1,600 Greek Cypriots missing "
                "since the invasion of Cyprus by Turkish forces in 1974.",
                date(1999, 9, 15),
                "Cyprus",
            ),
            (
                "As a result nearly 200,000 Greek Cypriots live as refugees in their own country.",
                date(1991, 9, 15),
                "Greece",
            ),
        )
    ]
    frame = _assigned(speeches)
    by_value = dict(zip(frame["value"], frame["series"], strict=True))
    assert by_value[200000.0] != ""
    assert by_value[1600.0] not in ("", by_value[200000.0])  # missing people: another measure
    assert len(set(frame.loc[frame["value"] == 200000.0, "series"])) == 1


def test_a_share_of_a_population_is_a_measure_only_when_the_clause_says_which_share() -> None:
    # real UN General Debate wording (Belize 2017, Georgia 2021 and 2023, Pakistan 2013)
    rows = [
        ("Our external public debt stands at 70 per cent of our gross domestic product.",
         "Belize", 2017),
        ("Our external public debt stands at 75 per cent of our gross domestic product.",
         "Belize", 2018),
        ("Not only is Russia occupying 20 per cent of Georgian territory, it is also seeking to "
         "undermine our aspirations.", "Georgia", 2021),
        ("That is still evident in the occupation of 20 per cent of Georgian territory by the "
         "Russian Federation.", "Georgia", 2023),
        ("More than 63 per cent of our population is under the age of 25.", "Pakistan", 2013),
        ("Radical land reforms have given land to 85 per cent of our population.", "Pakistan",
         1960),
    ]  # fmt: skip
    speeches = [
        make_speech(text, country=country, delivered_on=date(year, 9, 15))
        for text, country, year in rows
    ]
    frame = _assigned(speeches)
    by_value = dict(zip(frame["value"], frame["series"], strict=True))
    assert by_value[70.0] == by_value[75.0] != ""  # the debt, as a share of GDP
    assert "debt" in by_value[70.0]
    georgia = set(frame.loc[frame["value"] == 20.0, "series"])
    assert len(georgia) == 1 and "" not in georgia  # occupied territory, said before the number
    assert by_value[63.0] == "" and by_value[85.0] == ""  # shares of a population, unsaid which


def test_what_we_did_is_each_speaker_s_own_measure() -> None:
    # real UN General Debate wording (Ecuador 2019 and 2021, Brazil 2021)
    rows = [
        ("We have already welcomed almost 500,000 Venezuelan citizens, the victims of the worst "
         "exodus on our continent.", "Ecuador", 2019),
        ("We welcomed approximately 433,000 Venezuelan citizens, who have benefited from a "
         "process of regularization.", "Ecuador", 2021),
        ("At our border with Venezuela, we have already received and welcomed 400,000 "
         "Venezuelan citizens.", "Brazil", 2021),
    ]  # fmt: skip
    speeches = [
        make_speech(text, country=country, delivered_on=date(year, 9, 15))
        for text, country, year in rows
    ]
    frame = _assigned(speeches)
    by_value = dict(zip(frame["value"], frame["series"], strict=True))
    assert by_value[500000.0] == by_value[433000.0] != ""  # Ecuador's intake, twice
    assert by_value[400000.0] not in ("", by_value[433000.0])  # Brazil's is another measure
    assert "by ecuador" in by_value[433000.0]
