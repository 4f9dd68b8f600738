"""Mentions of organisations and countries, per speech and over time."""

from __future__ import annotations

import pandas as pd
import pytest

from corpus.metadata.countries import country_code
from models.compare.mentions import (
    COUNTRIES,
    DEMONYMS,
    canonical_country,
    country_mentions,
    find_countries,
    mentions_over_time,
    organisation_mentions,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Russia and the Russian Federation", ["Russia", "Russia"]),
        ("the US, the U.S., USA and the United States of America", ["United States"] * 4),
        ("China and the People's Republic of China", ["China", "China"]),
        (
            "Guinea-Bissau, Equatorial Guinea, Papua New Guinea and Guinea",
            ["Guinea-Bissau", "Equatorial Guinea", "Papua New Guinea", "Guinea"],
        ),
        ("Niger and Nigeria", ["Niger", "Nigeria"]),
        ("South Sudan and Sudan", ["South Sudan", "Sudan"]),
        (
            "the Democratic Republic of the Congo and the Congo",
            ["Democratic Republic of the Congo", "Congo"],
        ),
        (
            "the Democratic People's Republic of Korea and the Republic of Korea",
            ["North Korea", "South Korea"],
        ),
        ("Korea", []),
        ("Latin America and America", ["United States"]),
        ("New Mexico and Mexico", ["Mexico"]),
        ("Turkey, Türkiye, a roast turkey", ["Turkey", "Turkey"]),
        ("let us talk; chad; Chad", ["Chad"]),
        ("Georgia and Jordan", ["Georgia", "Jordan"]),
        ("Dominica and the Dominican Republic", ["Dominica", "Dominican Republic"]),
        ("the USSR and the Soviet Union", ["Soviet Union", "Soviet Union"]),
        ("Russian officials", []),
    ],
    ids=[
        "russia",
        "united-states",
        "china",
        "guineas-longest-first",
        "niger-nigeria",
        "sudans",
        "congos",
        "koreas",
        "bare-korea-left-out",
        "america-not-continent",
        "new-mexico",
        "turkey-not-the-bird",
        "us-pronoun-and-common-noun",
        "ambiguous-but-counted",
        "dominica",
        "former-state",
        "no-demonyms-by-default",
    ],
)
def test_find_countries(text: str, expected: list[str]) -> None:
    assert [m.entity for m in find_countries(text)] == expected


def test_country_mentions_carry_their_span_and_surface() -> None:
    text = "We met the Russian Federation in Moscow."
    (mention,) = find_countries(text)
    assert (mention.entity, mention.surface) == ("Russia", "Russian Federation")
    assert text[mention.start : mention.end] == mention.surface


def test_demonyms_on_request() -> None:
    found = find_countries("Russian and Chinese diplomats met Americans.", demonyms=True)
    assert [m.entity for m in found] == ["Russia", "China", "United States"]
    assert [m.entity for m in find_countries("Latin American states", demonyms=True)] == []


def test_canonical_country() -> None:
    assert canonical_country("the Russian Federation") == "Russia"
    assert canonical_country("usa") == "United States"
    assert canonical_country("People's Republic of China") == "China"
    assert canonical_country("Latin America") is None
    assert canonical_country("Atlantis") is None


def test_every_country_mentioned_has_its_own_iso_code() -> None:
    """Mentions and speeches share one code per country, whatever the names: the table's
    countries each have a code, no two the same, and names people write lead to them."""
    codes = {country: country_code(country) for country in COUNTRIES}
    assert [country for country, code in codes.items() if not code] == []
    assert len(set(codes.values())) == len(codes)
    (mention,) = find_countries("The Union of Soviet Socialist Republics voted against.")
    assert (mention.entity, mention.code) == ("Soviet Union", "SUN")
    assert [m.code for m in find_countries("Russia and the Russian Federation")] == ["RUS"] * 2
    assert [canonical_country(n) for n in ("RUS", "Korea, Republic of", "Swaziland")] == [
        "Russia",
        "South Korea",
        "Eswatini",
    ]


def test_every_demonym_points_at_a_country_in_the_table() -> None:
    assert set(DEMONYMS.values()) <= set(COUNTRIES)


def test_organisation_mentions_per_speech() -> None:
    texts = pd.Series(
        {
            "s1": "ECOSOC and the Economic and Social Council; UNESCO. The UN and NATO.",
            "s2": "No organisation here.",
            "s3": "The Council of Europe and the OSCE.",
        }
    )
    frame = organisation_mentions(texts)
    assert list(frame.columns) == ["speech_id", "entity", "n_mentions"]
    counts = {(r.speech_id, r.entity): r.n_mentions for r in frame.itertuples()}
    assert counts[("s1", "UN Economic and Social Council")] == 2
    assert counts[("s1", "United Nations")] == 1
    assert ("s3", "Council of Europe") in counts
    assert "s2" not in set(frame["speech_id"])


def test_country_mentions_per_speech() -> None:
    texts = pd.Series({"s1": "Russia, the Russian Federation and China.", "s2": "Nothing."})
    frame = country_mentions(texts)
    assert list(frame.columns) == ["speech_id", "entity", "n_mentions", "country_code"]
    assert frame.to_dict("records") == [
        {"speech_id": "s1", "entity": "Russia", "n_mentions": 2, "country_code": "RUS"},
        {"speech_id": "s1", "entity": "China", "n_mentions": 1, "country_code": "CHN"},
    ]


def test_mentions_over_time_fill_periods_without_mentions() -> None:
    mentions = pd.DataFrame(
        {
            "speech_id": ["s1", "s1", "s3"],
            "entity": ["Russia", "China", "Russia"],
            "n_mentions": [2, 1, 4],
        }
    )
    catalogue = pd.DataFrame(
        {
            "speech_id": ["s1", "s2", "s3"],
            "date": pd.to_datetime(["2018-05-01", "2018-07-01", "2019-01-01"]),
            "date_precision": ["day", "day", "year"],
            "n_words": [1000, 1000, 500],
        }
    )
    frame = mentions_over_time(mentions, catalogue=catalogue, period="year")
    assert list(frame.columns) == [
        "entity",
        "period",
        "n_mentions",
        "n_speeches_mentioning",
        "n_speeches",
        "n_words",
        "per_10k",
    ]
    assert frame[
        ["entity", "n_mentions", "n_speeches_mentioning", "n_speeches", "n_words"]
    ].to_dict("records") == [
        {
            "entity": "China",
            "n_mentions": 1,
            "n_speeches_mentioning": 1,
            "n_speeches": 2,
            "n_words": 2000,
        },
        {
            "entity": "China",
            "n_mentions": 0,
            "n_speeches_mentioning": 0,
            "n_speeches": 1,
            "n_words": 500,
        },
        {
            "entity": "Russia",
            "n_mentions": 2,
            "n_speeches_mentioning": 1,
            "n_speeches": 2,
            "n_words": 2000,
        },
        {
            "entity": "Russia",
            "n_mentions": 4,
            "n_speeches_mentioning": 1,
            "n_speeches": 1,
            "n_words": 500,
        },
    ]
    assert frame["per_10k"].tolist() == pytest.approx([5.0, 0.0, 10.0, 80.0])
    monthly = mentions_over_time(mentions, catalogue=catalogue, period="month")
    assert monthly["n_mentions"].sum() == 3  # the speech dated to the year only is left out
