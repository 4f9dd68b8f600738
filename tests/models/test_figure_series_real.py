"""Series per FIGURES.md on the real wording of the mission's example: one measure under its names."""

from __future__ import annotations

from datetime import date

import pandas as pd

from corpus.records import Speech
from models.figures.extract import quantities_frame
from models.figures.series import assign_series, series_frame
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


def _series_of(rows: list[tuple[str, str, int]]) -> pd.DataFrame:
    speeches = [
        make_speech(text, country=country, delivered_on=date(year, 9, 20))
        for text, country, year in rows
    ]
    return _assigned(speeches)


def test_people_and_countries_join_only_under_what_defines_them() -> None:
    # real UN General Debate sentences that used to make series of unlike claims
    frame = _series_of([
        ("France also stresses its duties towards a million French citizens who live in "
         "Algeria.", "France", 1961),
        ("We mourn the victims of the Hamas attack, including 48 French citizens.", "France", 2024),
        ("It is recalled that the last OAU summit appointed a committee of 10 African heads of "
         "State to resolve that crisis.", "Nigeria", 1971),
        ("We know that that agreement, in which 20 African Heads of State, including my own, "
         "were involved, is the result of patient and courageous work.", "Zaire", 1989),
        ("Only thirty-three States have accepted the compulsory jurisdiction of the "
         "International Court of Justice.", "Netherlands", 1956),
        ("The Sudan is today one of only 62 States that have fully accepted the jurisdiction of "
         "the International Court of Justice.", "Sudan", 2000),
    ])  # fmt: skip
    by_value = dict(zip(frame["value"], frame["series"], strict=True))
    # who is counted, with nothing said of them that defines a measure: no series
    assert by_value[1000000.0] == by_value[48.0] == ""
    assert by_value[10.0] == by_value[20.0] == ""
    # States that accepted the Court's jurisdiction: one measure, 1956 and 2000
    assert by_value[33.0] == by_value[62.0] != ""
    assert "accept" in by_value[33.0]


def test_an_organisation_s_membership_is_a_series_its_committees_are_not() -> None:
    frame = _series_of([
        ("Kuwait's admission brings the number of Members of the United Nations to 111.",
         "Kuwait", 1963),
        ("On 16 September 1975 three new States solemnly joined the great family of the United "
         "Nations, thus bringing the number of Member States to 141.", "Grenada", 1975),
        ("The 115 States now represented in the United Nations are evidence of far more than a "
         "simple arithmetical increase.", "Mali", 1964),
        ("Today, there are 193 UN member states.", "Armenia", 2020),
        ("I am honoured to thank the General Assembly for electing Mauritius as one of the 47 "
         "members of the Human Rights Council.", "Mauritius", 2006),
        ("The Anglo-American majority took advantage of the absence of two permanent Members "
         "from the Security Council.", "USSR", 1950),
        ("Four of the permanent members of the Security Council recently made a curious approach "
         "to the problem of disarmament.", "Cuba", 1959),
        ("The United Nations is almost $4 billion in the red.", "United States", 1995),
        ("The total assistance from the international community through the United Nations "
         "remains around $520 million.", "Haiti", 2017),
        ("At the SADCC meeting in Harare in January, Denmark pledged 400 million Danish kroner "
         "in its assistance to regional co-operation.", "Denmark", 1986),
        ("We will initiate a programme of transitional assistance to South Africa amounting to "
         "approximately 600 million Danish kroner.", "Denmark", 1993),
        ("It is worth mentioning here that the State of Qatar ranked first in the Arab world in "
         "the field of human development.", "Qatar", 2017),
        ("Mauritania has repeatedly ranked first in the Arab world in terms of freedom of the "
         "press.", "Mauritania", 2018),
    ])  # fmt: skip
    by_value = dict(zip(frame["value"], frame["series"], strict=True))
    # the UN's membership, 1963, 1964, 1975 and 2020, under four names
    assert by_value[111.0] == by_value[115.0] == by_value[141.0] == by_value[193.0] != ""
    # the members of the council named after them, not of the Assembly named before
    assert by_value[47.0].startswith("UN Human Rights Council|")
    assert by_value[2.0] == by_value[4.0] == ""  # some of the permanent members: no measure
    # money said of an organisation's name, a currency as the counted thing, ranks: no series
    assert by_value[4e9] == by_value[520e6] == ""
    assert by_value[400e6] == by_value[600e6] == ""
    ranks = frame[frame["unit"] == "rank"]
    assert len(ranks) and (ranks["series"] == "").all()


def test_the_starting_level_of_a_change_is_not_a_point_of_the_speech_s_year() -> None:
    frame = _series_of([
        ("The increase of the membership of the United Nations from 51 States to 145 reflects "
         "the transformation the world Organization has undergone.", "Mexico", 1976),
        ("At present the United Nations has 152 Member States.", "Chad", 1979),
        ("Originally founded by 50 Members, the United Nations has seen three times that many "
         "nations join it in the intervening years.", "Palau", 2014),
    ])  # fmt: skip
    by_value = dict(zip(frame["value"], frame["series"], strict=True))
    assert by_value[152.0] == "United Nations|count|-|-|member"  # the membership in 1979
    assert by_value[51.0] == ""  # the level of 1945, said in 1976: not a point of 1976
    assert by_value[3.0] == ""  # a multiplier of members is no count of them


def test_a_council_s_membership_leaves_out_its_permanent_seats_and_its_applicants() -> None:
    # real UN General Debate sentences that joined the Security Council's membership series
    frame = _series_of([
        ("This proposal envisages the establishment of a permanent international commission of "
         "good offices, composed of the six non-permanent members of the Security Council and of "
         "six members especially elected by the Assembly from among United Nations Members.",
         "Peru", 1950),
        ("Thus, there were twelve States whose applications had not been favoured by the "
         "Security Council and whose admission to membership had not been recommended to the "
         "General Assembly by the Security Council.", "Argentina", 1948),
        ("Five States, whose applications for membership had been approved by twelve of the "
         "fourteen members and ex-members of the Security Council, have all been arbitrarily "
         "excluded from the United Nations by a tiny minority.", "Australia", 1947),
        ("Under the Charter, the eleven members of the Security Council represent all the "
         "Members of the United Nations and act on their behalf.", "Netherlands", 1947),
        ("The Security Council now has fifteen members, and it must speak for all of us.",
         "Norway", 1966),
    ])  # fmt: skip
    series = {(v, t): s for v, t, s in zip(frame["value"], frame["text"], frame["series"],
                                            strict=True)}  # fmt: skip
    council = series[(11.0, "eleven")]
    assert council.startswith("UN Security Council|") and series[(15.0, "fifteen")] == council
    # its non-permanent members, and States applying to the UN: not the Council's membership
    others = [s for (v, t), s in series.items() if t in ("six", "twelve")]
    assert others and council not in others
