"""Mentions of international organisations and of countries, per speech and over time.

Organisations come from `models.organisations` (acronyms and full names resolved to one entity).
Countries come from the table below: names as speeches write them, mapped to one canonical name
("Russian Federation" -> Russia, "the US" -> United States).

Matching is case-sensitive on capitals as written, which keeps the bird, the common noun and the
pronoun out ("turkey", "chad", "us"). Known ambiguities, counted as the country all the same:
"Georgia" (also a US state), "Jordan" (also a river and a name), "Chad" (also a given name),
"Turkey"/"Türkiye" (one country, two names). A bare "Congo" is the Republic of the Congo, as in UN
usage; a bare "Korea" is left out (North or South cannot be told); "America" is the United States,
but "Latin America", "South America", "Central America", "North America" and "the Americas" are
not. Demonyms ("Russian", "Chinese") are counted only on request: "Russian" also names a language
and "American" hides in "Latin American".

Every country carries its ISO 3166 alpha-3 code (`corpus.metadata.countries`): "RUS" for Russia,
"SUN" for the Soviet Union, the same code as the speeches it is the country of.

Example:
    mentions = country_mentions(store.texts(flt))
    mentions_over_time(mentions, catalogue=store.catalogue(flt), period="year")
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from corpus.metadata.countries import country_code
from models.compare.stats import with_periods
from models.organisations import find_organisations

__all__ = [
    "COUNTRIES",
    "DEMONYMS",
    "CountryMention",
    "canonical_country",
    "country_mentions",
    "find_countries",
    "mentions_over_time",
    "organisation_mentions",
]

# Canonical name -> other ways speeches name the country (the canonical name always matches).
COUNTRIES: dict[str, tuple[str, ...]] = {
    "Afghanistan": ("Islamic Republic of Afghanistan",),
    "Albania": (), "Algeria": (), "Andorra": (), "Angola": (), "Antigua and Barbuda": (),
    "Argentina": (), "Armenia": (), "Australia": (), "Austria": (), "Azerbaijan": (),
    "Bahamas": (), "Bahrain": (), "Bangladesh": (), "Barbados": (), "Belarus": ("Byelorussia",),
    "Belgium": (), "Belize": (), "Benin": ("Dahomey",), "Bhutan": (),
    "Bolivia": ("Plurinational State of Bolivia",),
    "Bosnia and Herzegovina": ("Bosnia-Herzegovina", "Bosnia"), "Botswana": (),
    "Brazil": (), "Brunei": ("Brunei Darussalam",), "Bulgaria": (),
    "Burkina Faso": ("Upper Volta",),
    "Burundi": (), "Cabo Verde": ("Cape Verde",), "Cambodia": ("Kampuchea",), "Cameroon": (),
    "Canada": (), "Central African Republic": (), "Chad": (), "Chile": (),
    "China": ("People's Republic of China", "People’s Republic of China", "PRC"),
    "Colombia": (), "Comoros": (), "Congo": ("Republic of the Congo", "Congo-Brazzaville"),
    "Costa Rica": (), "Côte d'Ivoire": ("Cote d'Ivoire", "Côte d’Ivoire", "Ivory Coast"),
    "Croatia": (), "Cuba": (), "Cyprus": (), "Czechia": ("Czech Republic",),
    "Democratic Republic of the Congo": ("DR Congo", "DRC", "Congo-Kinshasa", "Zaire"),
    "Denmark": (), "Djibouti": (), "Dominica": (), "Dominican Republic": (),
    "Ecuador": (), "Egypt": ("Arab Republic of Egypt",), "El Salvador": (),
    "Equatorial Guinea": (), "Eritrea": (), "Estonia": (), "Eswatini": ("Swaziland",),
    "Ethiopia": (), "Fiji": (), "Finland": (), "France": ("French Republic",), "Gabon": (),
    "Gambia": (), "Georgia": (), "Germany": ("Federal Republic of Germany",), "Ghana": (),
    "Greece": ("Hellenic Republic",), "Grenada": (), "Guatemala": (), "Guinea": (),
    "Guinea-Bissau": (), "Guyana": (), "Haiti": (), "Holy See": ("Vatican",), "Honduras": (),
    "Hungary": (), "Iceland": (), "India": ("Republic of India",), "Indonesia": (),
    "Iran": ("Islamic Republic of Iran", "Persia"), "Iraq": (), "Ireland": (), "Israel": (),
    "Italy": (), "Jamaica": (), "Japan": (), "Jordan": (), "Kazakhstan": (), "Kenya": (),
    "Kiribati": (), "Kuwait": (), "Kyrgyzstan": ("Kyrgyz Republic",),
    "Laos": ("Lao People's Democratic Republic", "Lao People’s Democratic Republic"),
    "Latvia": (), "Lebanon": (), "Lesotho": (), "Liberia": (), "Libya": (), "Liechtenstein": (),
    "Lithuania": (), "Luxembourg": (), "Madagascar": (), "Malawi": (), "Malaysia": (),
    "Maldives": (), "Mali": (), "Malta": (), "Marshall Islands": (), "Mauritania": (),
    "Mauritius": (), "Mexico": (), "Micronesia": ("Federated States of Micronesia",),
    "Moldova": ("Republic of Moldova",), "Monaco": (), "Mongolia": (), "Montenegro": (),
    "Morocco": (), "Mozambique": (), "Myanmar": ("Burma",), "Namibia": (), "Nauru": (),
    "Nepal": (), "Netherlands": ("Kingdom of the Netherlands",), "New Zealand": (),
    "Nicaragua": (), "Niger": (), "Nigeria": (),
    "North Korea": (
        "Democratic People's Republic of Korea",
        "Democratic People’s Republic of Korea",
        "DPRK",
    ),
    "North Macedonia": ("Macedonia",),  # also "the former Yugoslav Republic of Macedonia"
    "Norway": (), "Oman": (), "Pakistan": (), "Palau": (),
    "Palestine": ("State of Palestine",), "Panama": (), "Papua New Guinea": (), "Paraguay": (),
    "Peru": (), "Philippines": (), "Poland": (), "Portugal": (), "Qatar": (), "Romania": (),
    "Russia": ("Russian Federation",), "Rwanda": (), "Saint Kitts and Nevis": (),
    "Saint Lucia": (), "Saint Vincent and the Grenadines": (), "Samoa": (), "San Marino": (),
    "Sao Tome and Principe": ("São Tomé and Príncipe",), "Saudi Arabia": (), "Senegal": (),
    "Serbia": (), "Seychelles": (), "Sierra Leone": (), "Singapore": (), "Slovakia": (),
    "Slovenia": (), "Solomon Islands": (), "Somalia": (), "South Africa": (),
    "South Korea": ("Republic of Korea",), "South Sudan": (), "Spain": (), "Sri Lanka": ("Ceylon",),
    "Sudan": (), "Suriname": (), "Sweden": (), "Switzerland": (),
    "Syria": ("Syrian Arab Republic",),
    "Taiwan": ("Republic of China",), "Tajikistan": (),
    "Tanzania": ("United Republic of Tanzania",), "Thailand": (), "Timor-Leste": ("East Timor",),
    "Togo": (), "Tonga": (), "Trinidad and Tobago": (), "Tunisia": (), "Turkey": ("Türkiye",),
    "Turkmenistan": (), "Tuvalu": (), "Uganda": (), "Ukraine": (),
    "United Arab Emirates": ("UAE",),
    "United Kingdom": ("UK", "U.K.", "Great Britain", "Britain", "Northern Ireland"),
    "United States": ("United States of America", "USA", "U.S.A.", "US", "U.S.", "America"),
    "Uruguay": (), "Uzbekistan": (), "Vanuatu": (),
    "Venezuela": ("Bolivarian Republic of Venezuela",), "Viet Nam": ("Vietnam",),
    "Yemen": (), "Zambia": (), "Zimbabwe": ("Rhodesia",),
    # former states that speeches still name
    "Soviet Union": ("USSR", "U.S.S.R.", "Union of Soviet Socialist Republics"),
    "Yugoslavia": (), "Czechoslovakia": (),
}  # fmt: skip

# Names that contain a country name but are not the country: matched, then dropped.
_NOT_COUNTRIES = (
    "Latin America", "South America", "Central America", "North America", "the Americas",
    "New Mexico", "New Guinea", "Georgia State", "Latin American", "South American",
    "Central American", "North American", "Korean Peninsula",
)  # fmt: skip

# Demonym -> country; counted only when asked.
DEMONYMS: dict[str, str] = {
    "Afghan": "Afghanistan", "American": "United States", "Argentine": "Argentina",
    "Armenian": "Armenia", "Australian": "Australia", "Azerbaijani": "Azerbaijan",
    "Belarusian": "Belarus", "Brazilian": "Brazil", "British": "United Kingdom",
    "Canadian": "Canada", "Chinese": "China", "Cuban": "Cuba", "Egyptian": "Egypt",
    "French": "France", "Georgian": "Georgia", "German": "Germany", "Indian": "India",
    "Iranian": "Iran", "Iraqi": "Iraq", "Israeli": "Israel", "Italian": "Italy",
    "Japanese": "Japan", "Kazakh": "Kazakhstan", "Libyan": "Libya", "Mexican": "Mexico",
    "Pakistani": "Pakistan", "Palestinian": "Palestine", "Polish": "Poland",
    "Russian": "Russia", "Saudi": "Saudi Arabia", "Serbian": "Serbia", "Soviet": "Soviet Union",
    "Spanish": "Spain", "Syrian": "Syria", "Turkish": "Turkey", "Ukrainian": "Ukraine",
    "Venezuelan": "Venezuela", "Vietnamese": "Viet Nam",
}  # fmt: skip

MENTION_COLUMNS = ["speech_id", "entity", "n_mentions"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CountryMention:
    """One mention of a country in a text: canonical name, text as written, character span, and
    the country's ISO 3166 alpha-3 code."""

    entity: str
    surface: str
    start: int
    end: int
    code: str = ""


@cache
def _codes() -> dict[str, str]:
    """Canonical country name -> its ISO code (every country of the table has one)."""
    return {country: country_code(country) for country in COUNTRIES}


def _surfaces(*, demonyms: bool) -> dict[str, str | None]:
    """Every matched spelling -> its country, or None for look-alikes that are not countries."""
    table: dict[str, str | None] = {}
    for country, aliases in COUNTRIES.items():
        for spelling in (country, *aliases):
            table[spelling] = country
    for spelling in _NOT_COUNTRIES:
        table[spelling] = None
    if demonyms:
        for spelling, country in DEMONYMS.items():
            table.setdefault(spelling, country)
            table.setdefault(spelling + "s", country)  # "Russians", "Afghans"
    return table


@cache
def _pattern(demonyms: bool) -> tuple[re.Pattern[str], dict[str, str | None]]:
    table = _surfaces(demonyms=demonyms)
    # One branch per first letter, so each position tries a handful of names rather than all;
    # within a branch longest first, so "Guinea-Bissau" wins over "Guinea".
    by_initial: dict[str, list[str]] = {}
    for spelling in sorted(table, key=len, reverse=True):
        by_initial.setdefault(spelling[0], []).append(re.escape(spelling[1:]))
    body = "|".join(
        f"{re.escape(initial)}(?:{'|'.join(rests)})"
        for initial, rests in sorted(by_initial.items())
    )
    # Not inside a longer word or dotted acronym; "U.S." may end a sentence.
    return re.compile(rf"(?<![\w.-])(?:{body})(?![\w]|-\w)"), table


def find_countries(text: str, *, demonyms: bool = False) -> list[CountryMention]:
    """Find every mention of a country in a text, the longest name winning where names overlap.

    Args:
        text: any text.
        demonyms: also count demonyms ("Russian", "Chinese") as mentions of their country.

    Returns:
        Mentions in text order.

    Example:
        >>> [m.entity for m in find_countries("The Russian Federation and the US met in Georgia.")]
        ['Russia', 'United States', 'Georgia']
    """
    pattern, table = _pattern(demonyms)
    codes = _codes()
    found = []
    for match in pattern.finditer(text):
        entity = table.get(match.group())
        if entity is not None:
            found.append(
                CountryMention(
                    entity=entity,
                    surface=match.group(),
                    start=match.start(),
                    end=match.end(),
                    code=codes[entity],
                )
            )
    return found


def canonical_country(name: str) -> str | None:
    """Return the canonical country for a name, alias or ISO code (case-insensitive, "the"
    ignored), or None.

    Example:
        >>> canonical_country("the Russian Federation"), canonical_country("RUS")
        ('Russia', 'Russia')
    """
    key = re.sub(r"^the\s+", "", " ".join(name.split()), flags=re.IGNORECASE).casefold()
    for spelling, country in _surfaces(demonyms=False).items():
        if country is not None and spelling.casefold() == key:
            return country
    code = country_code(name)
    by_code = {found: country for country, found in _codes().items()}
    return by_code.get(code) if code else None


def _count(rows: list[tuple[str, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["speech_id", "entity"])
    counted = frame.groupby(["speech_id", "entity"], sort=False).size().rename("n_mentions")
    counted = counted.reset_index().astype({"n_mentions": np.int64})
    return counted[MENTION_COLUMNS]


def organisation_mentions(texts: pd.Series) -> pd.DataFrame:
    """Count mentions of each organisation in each speech (see `models.organisations`).

    Returns:
        Columns speech_id, entity, n_mentions; one row per speech and organisation mentioned, in
        speech order and then order of first mention. Speeches mentioning none have no row.
    """
    rows = [
        (speech_id, mention.entity)
        for speech_id, text in texts.items()
        for mention in find_organisations(text)
    ]
    return _count(rows)


def country_mentions(texts: pd.Series, *, demonyms: bool = False) -> pd.DataFrame:
    """Count mentions of each country in each speech.

    Returns:
        Columns speech_id, entity, n_mentions, as `organisation_mentions`, and country_code
        (ISO 3166 alpha-3).
    """
    rows = [
        (speech_id, mention.entity)
        for speech_id, text in texts.items()
        for mention in find_countries(text, demonyms=demonyms)
    ]
    counted = _count(rows)
    codes = _codes()
    return counted.assign(country_code=[codes[entity] for entity in counted["entity"]])


def mentions_over_time(
    mentions: pd.DataFrame, *, catalogue: pd.DataFrame, period: str = "year"
) -> pd.DataFrame:
    """Mentions of each entity, period by period, with the speeches and words behind each point.

    Args:
        mentions: per-speech counts (speech_id, entity, n_mentions).
        catalogue: the speeches the counts were made on (speech_id, date, n_words, and optionally
            date_precision); periods without a mention still count their speeches and words.
        period: "year", "quarter" or "month" (speeches dated only to the year are left out of the
            finer periods).

    Returns:
        One row per entity and period of the catalogue, with columns entity, period (first day,
        datetime64), n_mentions, n_speeches_mentioning, n_speeches, n_words, per_10k (mentions per
        10,000 words), sorted by entity then period; and country_code after entity when the
        mentions have it (countries).
    """
    dated = with_periods(catalogue, period=period)[["speech_id", "period", "n_words"]]
    totals = dated.groupby("period").agg(
        n_speeches=("speech_id", "size"), n_words=("n_words", "sum")
    )
    joined = mentions.merge(dated[["speech_id", "period"]], on="speech_id", how="inner")
    counted = joined.groupby(["entity", "period"]).agg(
        n_mentions=("n_mentions", "sum"), n_speeches_mentioning=("speech_id", "nunique")
    )
    entities = sorted(mentions["entity"].unique())
    grid = pd.MultiIndex.from_product([entities, totals.index], names=["entity", "period"])
    frame = counted.reindex(grid, fill_value=0).reset_index()
    frame = frame.merge(totals.reset_index(), on="period", how="left")
    frame["per_10k"] = np.where(
        frame["n_words"] > 0, frame["n_mentions"] / frame["n_words"] * 10_000, 0.0
    )
    columns = [
        "entity",
        "period",
        "n_mentions",
        "n_speeches_mentioning",
        "n_speeches",
        "n_words",
        "per_10k",
    ]
    if "country_code" in mentions.columns:
        codes = dict(zip(mentions["entity"], mentions["country_code"], strict=True))
        frame["country_code"] = [codes[entity] for entity in frame["entity"]]
        columns.insert(1, "country_code")
    frame = frame.sort_values(["entity", "period"], kind="mergesort").reset_index(drop=True)
    return frame[columns].astype(
        {"n_mentions": np.int64, "n_speeches_mentioning": np.int64, "n_speeches": np.int64}
    )
