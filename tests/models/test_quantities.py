"""Tests for cited-figure extraction: the seed speech, traps that are not figures, values, qualifiers."""

from __future__ import annotations

import json
import math
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from models.figures.extract import QUANTITY_COLUMNS, extract_quantities, quantities_frame
from models.figures.numbers import find_number_expressions
from models.figures.scoring import (
    SCORE_COLUMNS,
    mistakes,
    predict_sentence,
    read_labelled,
    score_quantities,
)
from models.figures.text import sentence_spans
from tests.conftest import make_speech

LABELLED = Path(__file__).resolve().parents[1] / "data" / "quantities_labelled.jsonl"
ECOSOC = "UN Economic and Social Council"


def _seed_text() -> str:
    return (
        resources.files("corpus")
        .joinpath("data/2018-06-15-lavrov-remarks-to-russian-ngos.txt")
        .read_text(encoding="utf-8")
    )


def test_seed_speech_gives_exactly_the_four_figures() -> None:
    text = _seed_text()
    found = extract_quantities(text, speech_id="seed", delivered_on=date(2018, 6, 15))
    got = [
        (text[q.start : q.end], q.value, q.qualifier, q.counted, q.scope, q.organisation)
        for q in found
    ]
    assert got == [
        ("70", 70.0, "only", "Russian NGOs", "Russian", ECOSOC),
        ("4,000", 4000.0, "over", "organisations", "", ECOSOC),
        ("four", 4.0, "only", "Russian NGOs", "Russian", "Council of Europe"),
        ("three", 3.0, "only", "non-governmental organisations", "our", "UNESCO"),
    ]
    for q in found:
        assert text[q.sentence_start : q.sentence_end] == q.sentence
        assert q.sentence_start <= q.start < q.end <= q.sentence_end
        assert q.unit == "count" and q.speech_id == "seed"
        assert (q.reference_year, q.reference_on) == (2018, date(2018, 6, 15))
    assert found[0].sentence.startswith(
        "Only 70 Russian NGOs enjoy consultative status with ECOSOC"
    )
    assert found[1].sentence == found[0].sentence  # "it has over 4,000": "it" is ECOSOC


TRAPS = {
    "date-day-month": "The Charter was signed in San Francisco on 26 June 1945.",
    "date-month-day": "On June 15, 2018, the minister met NGO representatives.",
    "day-range-month": "The meeting will take place from 14 to 16 September.",
    "time-colon": "The meeting began at 11:40 in the morning.",
    "time-am": "We will meet again at 10 a.m. tomorrow.",
    "iso-date": "The decree of 2018-06-15 entered into force.",
    "dotted-date": "The report is dated 12.03.2021.",
    "g20": "The G20 summit in Osaka discussed trade.",
    "g-20": "The G-20 summit in Osaka discussed trade.",
    "resolution": "Security Council resolution 2254 remains the basis for a settlement.",
    "resolutions-list": "Resolutions 242 and 338 of the Security Council remain valid.",
    "resolution-roman": "In resolution 194 (III), the Assembly recognized the right of return.",
    "covid": "The COVID-19 pandemic has changed the world.",
    "document-symbol": "This is reflected in document A/RES/70/1.",
    "year": "The Second World War ended in 1945.",
    "year-range": "In the years 2015-2020 the economy grew steadily.",
    "decade": "In the 1990s, many believed in the end of history.",
    "decade-hyphen": "The Organization was founded in the mid-1940s.",
    "agenda-2030": "The 2030 Agenda for Sustainable Development is our common compass.",
    "world-war-ii": "We remember the victims of World War II.",
    "ordinal-century": "The 21st century must be a century of cooperation.",
    "ordinal-session": "I congratulate you on your election to preside over the 75th session.",
    "ordinal-word": "The seventy-fifth anniversary of the United Nations is a moment to reflect.",
    "one-cannot": "In this regard, one cannot but rejoice that common sense has prevailed.",
    "each-other": "States should respect each other's interests.",
    "a-number-of": "There are a number of factors which prevent a quick solution.",
    "one-of-the": "One of the main tasks is to strengthen the United Nations.",
    "one-another": "These two processes reinforce one another.",
    "first-second": "First, we must end the war; second, we must rebuild.",
    "our-two-countries": "Our two countries share a long history.",
    "a-third-country": "A third country should not interfere in our relations.",
    "phone": "For further information call +7 495 244 1606.",
    "phone-dashes": "Call 8-800-100-12-12 to reach the hotline.",
    "hits": "Hits: 517",
    "page": "Page 3 of 12",
    "pages-range": "Please see pages 12-14 of the report.",
    "article": "Article 51 of the Charter guarantees the right of self-defence.",
    "protocol-no": "Protocol No. 14 reformed the Court.",
    "weapon": "The S-400 systems are purely defensive.",
    "sdg": "Sustainable Development Goal 4 concerns education.",
    "mdg": "We know that MDG 8 remains unfulfilled.",
    "group-of-77": "The Group of 77 and China issued a statement.",
    "flight": "The MH17 tragedy must be investigated impartially.",
    "years-ago": "Twenty years ago, the Kosovo crisis shook Europe.",
    "compound": "The two-state solution remains the only option.",
    "compound-year": "We adopted a five-year plan.",
    "several": "Several countries have joined the initiative.",
    "nine-eleven": "The 9/11 attacks united the world against terrorism.",
    "rio-plus": "The Rio+20 outcome document was adopted.",
    "org-version": "Namibia welcomes UN 2.0 and the Quintet of Change.",
    "header-line": "Friday, 15 June 2018 11:40",
    "no-one": "No one can be left behind.",
    "p5-plus-one": "The talks took place in the 5+1 format.",
    "half-the-battle": "Half the battle is to understand each other.",
    "half-past": "At half past ten, the delegates reconvened.",
    "rhetorical-points": "I will make three points.",
    "name-number": "The Nord Stream 2 pipeline is a commercial project.",
}


@pytest.mark.parametrize("sentence", list(TRAPS.values()), ids=list(TRAPS))
def test_traps_are_not_figures(sentence: str) -> None:
    assert [q.text for q in extract_quantities(sentence)] == []


def test_paragraph_numbers_of_old_records_are_not_figures() -> None:
    text = "The first item.\n78. The delegation wishes to state its position.\n\r79. It supports 12 proposals."
    assert [q.text for q in extract_quantities(text)] == ["12"]


FIGURES = {
    "digits-separator": ("Over 4,000 organisations are accredited.", [(4000, "count", "over")]),
    "decimal-scale": ("Some 1.5 million refugees have returned.", [(1.5e6, "count", "about")]),
    "money-prefix": ("We need $100 billion a year.", [(1e11, "USD", "exact")]),
    "money-us": ("The damage reached US$ 3.2 trillion.", [(3.2e12, "USD", "exact")]),
    "money-euro": ("The fund received €5 million.", [(5e6, "EUR", "exact")]),
    "money-words": ("The cost was 100 billion dollars.", [(1e11, "USD", "exact")]),
    "roubles": ("We allocated 2 billion roubles.", [(2e9, "RUB", "exact")]),
    "percent-words": ("Exports grew by 20 per cent.", [(20, "percent", "exact")]),
    "percent-sign": ("Exports grew by nearly 20%.", [(20, "percent", "about")]),
    "percent-one-word": ("Exports grew by 20 percent.", [(20, "percent", "exact")]),
    "number-word": ("Only four Russian NGOs take part.", [(4, "count", "only")]),
    "compound-word": ("Twenty-five States voted in favour.", [(25, "count", "exact")]),
    "word-scale": ("More than two million people signed.", [(2e6, "count", "over")]),
    "a-third": ("A third of the population lives in poverty.", [(100 / 3, "percent", "exact")]),
    "two-thirds": ("Two thirds of the members agreed.", [(200 / 3, "percent", "exact")]),
    "half-of": (
        "Nearly half of the world's population lives in Asia.",
        [(50, "percent", "about")],
    ),
    "two-fold": ("Trade grew two-fold.", [(2, "x", "exact")]),
    "threefold": ("The number of victims rose threefold.", [(3, "x", "exact")]),
    "dozens": ("Dozens of countries have joined.", [(24, "count", "about")]),
    "thousands": ("Thousands of civilians were killed.", [(2000, "count", "about")]),
    "tens-of-thousands": (
        "Tens of thousands of children are out of school.",
        [(2e4, "count", "about")],
    ),
    "millions-of-dollars": ("Millions of dollars were spent.", [(2e6, "USD", "about")]),
    "range-between": ("Between 10 and 15 per cent was lost.", [(10, "percent", "about")]),
    "range-dash": ("We expect 250,000-350,000 jobs.", [(250000, "count", "about")]),
    "from-to": (
        "Unemployment fell from 12 to 8 per cent.",
        [(12, "percent", "exact"), (8, "percent", "exact")],
    ),
    "up-to": ("Up to 40 per cent of food is wasted.", [(40, "percent", "up_to")]),
    "less-than": ("Fewer than 20 States have ratified it.", [(20, "count", "under")]),
    "at-least": ("At least 300 journalists are in prison.", [(300, "count", "over")]),
    "exceeded": ("Spending exceeded $2 trillion.", [(2e12, "USD", "over")]),
    "or-more": ("We need 50 or more ships.", [(50, "count", "over")]),
    "thousand-dot": ("It will store 27.000 tons of carbon.", [(27000, "t", "exact")]),
    "duration": (  # a duration used as a time reference is no figure (FIGURES.md)
        "For over 70 years the United Nations has kept the peace.",
        [],
    ),
    "year-as-count": ("Over 2000 people were evacuated.", [(2000, "count", "over")]),
    "celsius": ("We must keep warming below 1.5°C.", [(1.5, "celsius", "under")]),
    "half-a-dozen": ("Half a dozen countries objected.", [(6, "count", "exact")]),
    # how often is a frequency (FIGURES.md: "held eleven times this year")
    "three-times": ("We asked them three times.", [(3, "count", "exact")]),
    "a-trillion": ("We will invest a trillion dollars.", [(1e12, "USD", "exact")]),
    "one-in-five": (
        "One in five children is hungry.",
        [(20, "percent", "exact")],
    ),
    "thousands-of-millions": ("Thousands of millions of people.", [(2e9, "count", "about")]),
    "half-the-votes": ("We won half the votes.", [(50, "percent", "exact")]),
}


@pytest.mark.parametrize(("sentence", "expected"), list(FIGURES.values()), ids=list(FIGURES))
def test_figures(sentence: str, expected: list[tuple[float, str, str]]) -> None:
    found = extract_quantities(sentence)
    assert len(found) == len(expected)
    for q, (value, unit, qualifier) in zip(found, expected, strict=True):
        assert math.isclose(q.value, value, rel_tol=1e-9)
        assert (q.unit, q.qualifier) == (unit, qualifier)
        assert sentence[q.start : q.end] == q.text


def test_range_keeps_its_high_end_and_vague_amounts_are_flagged() -> None:
    (between,) = extract_quantities("Between 10 and 15 per cent of the harvest was lost.")
    assert (between.value, between.value_high, between.text) == (10.0, 15.0, "10 and 15 per cent")
    (dozens,) = extract_quantities("Dozens of countries have joined the initiative.")
    assert dozens.is_vague and dozens.counted == "countries"
    (money,) = extract_quantities("Over $100 billion in aid was pledged.")
    assert (money.multiplier, money.counted) == (1e9, "aid")


@pytest.mark.parametrize(
    ("text", "organisation"),
    [
        (
            "ECOSOC is the main platform. It has over 4,000 organisations represented with it.",
            ECOSOC,
        ),
        ("The OSCE met in Vienna. Its 57 participating States agreed.", "OSCE"),
        ("The OSCE met in Vienna. Then 57 delegations went home.", ""),
        ("The Conference of INGOs of the Council of Europe has 300 members.", "Council of Europe"),
        ("The World Health Organization reports 7 million deaths.", "World Health Organization"),
    ],
    ids=["it-previous-sentence", "its", "no-pronoun", "ingo-under-coe", "full-name"],
)
def test_organisation_of_a_figure(text: str, organisation: str) -> None:
    (quantity,) = extract_quantities(text)
    assert quantity.organisation == organisation


def test_reference_year_named_in_the_sentence() -> None:
    spoken = date(2021, 3, 1)
    (named,) = extract_quantities("In 2015, only 50 NGOs had that status.", delivered_on=spoken)
    assert (named.reference_year, named.reference_on) == (2015, None)
    (last,) = extract_quantities("Last year, only 50 NGOs had that status.", delivered_on=spoken)
    assert last.reference_year == 2020
    (plain,) = extract_quantities("Only 50 NGOs have that status.", delivered_on=spoken)
    assert (plain.reference_year, plain.reference_on) == (2021, spoken)


def test_sentences_respect_abbreviations_and_wrapped_lines() -> None:
    text = "Mr. Lavrov spoke. The U.S. delegation left.\nA line wrapped in the middle of a sentence goes\non here."
    sentences = [text[a:b] for a, b in sentence_spans(text)]
    assert sentences == [
        "Mr. Lavrov spoke.",
        "The U.S. delegation left.",
        "A line wrapped in the middle of a sentence goes\non here.",
    ]


def test_number_expressions_are_read_before_judgement() -> None:
    found = find_number_expressions("In 1945, 51 States and twenty-five thousand people")
    assert [(n.text, n.value, n.kind) for n in found] == [
        ("1945", 1945.0, "digits"),
        ("51", 51.0, "digits"),
        ("twenty-five thousand", 25000.0, "words"),
    ]


def test_quantities_frame_columns_and_dates() -> None:
    speech = make_speech(
        "Only 70 Russian NGOs enjoy consultative status with ECOSOC.",
        delivered_on=date(2018, 6, 15),
    )
    frame = quantities_frame([speech])
    assert list(frame.columns) == QUANTITY_COLUMNS
    assert frame["date"].dtype.kind == "M"
    assert frame.loc[0, "speech_id"] == speech.speech_id
    assert (frame.loc[0, "value"], frame.loc[0, "organisation"]) == (70.0, ECOSOC)
    assert list(quantities_frame([]).columns) == QUANTITY_COLUMNS


def test_labelled_set_meets_the_targets() -> None:
    records = read_labelled(LABELLED)
    assert len(records) >= 150
    assert sum(not r.figures for r in records) >= 70  # traps
    scores = score_quantities(records).set_index("field")
    assert scores.loc["value", "precision"] >= 0.95
    assert scores.loc["value", "recall"] >= 0.9
    assert mistakes(records).empty or len(mistakes(records)) < 10


def test_scoring_counts_hits_misses_and_false_alarms(tmp_path: Path) -> None:
    rows = [
        {
            "id": "hit",
            "sentence": "Only 70 NGOs agreed.",
            "figures": [{"value": 70, "qualifier": "only"}],
        },
        {"id": "wrong-qualifier", "sentence": "About 5 NGOs agreed.", "figures": [{"value": 5}]},
        {"id": "miss", "sentence": "The NGOs agreed.", "figures": [{"value": 3}]},
        {"id": "false-alarm", "sentence": "We met 12 NGOs.", "figures": []},
        {
            "id": "organisation",
            "context": "ECOSOC met in July.",
            "sentence": "It has over 4,000 organisations represented with it.",
            "figures": [{"value": 4000, "qualifier": "over", "organisation": ECOSOC}],
        },
    ]
    path = tmp_path / "labelled.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    records = read_labelled(path)
    assert [q.value for q in predict_sentence(records[4])] == [4000.0]  # the context is not scored
    scores = score_quantities(records)
    assert list(scores.columns) == SCORE_COLUMNS
    by_field = scores.set_index("field")
    assert by_field.loc["value", ["n_correct", "n_predicted", "n_expected"]].tolist() == [3, 4, 4]
    assert by_field.loc["qualifier", "n_correct"] == 2
    assert by_field.loc["organisation", ["n_correct", "n_predicted", "n_expected"]].tolist() == [
        1,
        1,
        1,
    ]
    assert set(mistakes(records)["record_id"]) == {"wrong-qualifier", "miss", "false-alarm"}


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        # real sentences: a place in a ranking is no count, and forms no series
        ("Since the creation of the Fund, we have been a consistent partner, and we are a top 10 "
         "donor.", 10.0),
        ("Our stability has led Barbados to be consistently ranked among the top 50 nations in "
         "the world.", 50.0),
    ],
)  # fmt: skip
def test_a_place_among_the_top_is_a_rank(sentence: str, value: float) -> None:
    (found,) = [e for e in find_number_expressions(sentence) if e.value == value]
    assert (found.unit, found.kind) == ("rank", "rank")
    # a share of the top stays a percentage
    (share,) = find_number_expressions("The top 1 per cent of earners gained the most.")
    assert share.unit == "percent"
