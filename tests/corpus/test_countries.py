"""Country codes: every spelling of one country gets one ISO code, stored, filtered and migrated."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from corpus.metadata.countries import country_code, country_name
from corpus.records import SpeechFilter
from corpus.schema import SCHEMA_VERSION, SEED_SPEECH_ID
from corpus.seed import seed_speech
from corpus.store import CorpusStore
from models.selection import parse_selection
from tests.conftest import make_speech, need_corpora

SAME_COUNTRY = {
    "RUS": ["Russia", "Russian Federation", "the Russian Federation", "RUS", "rus",
            "Republic of Russia"],
    "GBR": ["United Kingdom", "UK", "Britain", "Great Britain",
            "United Kingdom of Great Britain and Northern Ireland"],
    "USA": ["USA", "United States", "United States of America", "U.S.", "US"],
    "IRN": ["Iran", "Islamic Republic of Iran", "Iran, Islamic Republic of"],
    "SYR": ["Syria", "Syrian Arab Republic"],
    "VEN": ["Venezuela", "Bolivarian Republic of Venezuela", "Venezuela, Bolivarian Republic of"],
    "BOL": ["Bolivia", "Plurinational State of Bolivia"],
    "VNM": ["Vietnam", "Viet Nam", "Socialist Republic of Viet Nam"],
    "LAO": ["Laos", "Lao People's Democratic Republic", "Lao People’s Democratic Republic"],
    "KOR": ["South Korea", "Republic of Korea", "Korea, Republic of"],
    "PRK": ["North Korea", "Democratic People's Republic of Korea", "DPRK"],
    "CIV": ["Ivory Coast", "Côte d'Ivoire", "Cote d'Ivoire", "Côte d’Ivoire"],
    "CZE": ["Czech Republic", "Czechia"],
    "VAT": ["Holy See", "Vatican", "Holy See (Vatican City State)", "Holy See/ Vatican"],
    "PSE": ["Palestine", "State of Palestine", "Palestine, State of"],
    "COD": ["Democratic Republic of the Congo", "DRC", "Zaire",
            "Congo, the Democratic Republic of the"],
    "COG": ["Congo", "Republic of the Congo", "Congo, Brazzaville"],
    "SUN": ["Soviet Union", "USSR", "Union of Soviet Socialist Republics", "SUN"],
    "YUG": ["Yugoslavia", "YUG"],
    "DDR": ["German Democratic Republic", "East Germany", "DDR"],
    "CSK": ["Czechoslovakia", "CSK"],
    "DEU": ["Germany", "Federal Republic of Germany"],
    "BEN": ["Benin", "Dahomey", "Benin (Dahomey)"],
    "BFA": ["Burkina Faso", "Upper Volta", "Upper Volta/Burkina Faso"],
    "MMR": ["Myanmar", "Burma", "Myanmar / Burma"],
    "LKA": ["Sri Lanka", "Ceylon", "Ceylon (Sri Lanka)"],
    "TUR": ["Turkey", "Türkiye", "Republic of Turkey"],
}  # fmt: skip


@pytest.mark.parametrize("code", sorted(SAME_COUNTRY))
def test_every_spelling_of_a_country_has_its_code(code: str) -> None:
    assert {name: country_code(name) for name in SAME_COUNTRY[code]} == dict.fromkeys(
        SAME_COUNTRY[code], code
    )


def test_look_alike_names_are_not_confused_and_nothing_is_guessed() -> None:
    # the traps of a fuzzy search: names inside other names, and misspellings
    assert country_code("Niger") == "NER" and country_code("Nigeria") == "NGA"
    assert country_code("Dominica") == "DMA" and country_code("Dominican Republic") == "DOM"
    assert country_code("Guinea") == "GIN" and country_code("Guinea-Bissau") == "GNB"
    assert country_code("Equatorial Guinea") == "GNQ"
    assert country_code("Austria") == "AUT" and country_code("Australia") == "AUS"
    assert country_code("Sudan") == "SDN" and country_code("South Sudan") == "SSD"
    assert country_code("Republic of China") == "TWN"
    for unknown in ("Korea", "Hungry", "Atlantis", "European Union", "", "  ", "Latin America"):
        assert country_code(unknown) == "", unknown


def test_every_code_has_a_short_name_that_leads_back_to_it() -> None:
    import pycountry

    codes = [c.alpha_3 for c in pycountry.countries] + ["SUN", "YUG", "DDR", "CSK", "YMD", "SCG"]
    assert {code: country_code(country_name(code)) for code in codes} == {c: c for c in codes}
    assert [country_name(c) for c in ("RUS", "SUN", "KOR", "DDR")] == [
        "Russia",
        "Soviet Union",
        "South Korea",
        "East Germany",
    ]


def test_the_seed_speaks_for_russia(sqlite_path: Path) -> None:
    seed = seed_speech()
    assert (seed.speech_id, seed.country, seed.country_code) == (SEED_SPEECH_ID, "Russia", "RUS")
    store = CorpusStore(str(sqlite_path))
    row = store.catalogue().iloc[0]
    assert (row["speaker"], row["country"], row["country_code"]) == (
        "Sergey Lavrov",
        "Russia",
        "RUS",
    )
    store.dispose()


def _countries(store: CorpusStore) -> None:
    for i, (country, place) in enumerate(
        [
            ("Russian Federation", "New York"),
            ("RUS", "Geneva"),
            ("Union of Soviet Socialist Republics", "New York"),
            ("United Kingdom", "London"),
            ("Transnistria", "Tiraspol"),
        ]
    ):
        store.add(
            make_speech(
                f"Speech {i} on rivers and treaties from {place}.",
                country=country,
                place=place,
                delivered_on=date(2000 + i, 1, 1),
            )
        )


def test_a_country_filter_selects_by_code_whatever_the_spelling(empty_store: CorpusStore) -> None:
    store = empty_store
    store.add(seed_speech())
    _countries(store)
    russia = store.speech_ids(parse_selection("country:Russia"))
    assert len(russia) == 3  # the seed, "Russian Federation" and "RUS"
    for written in ('country:"Russian Federation"', "country:RUS", "country:rus"):
        assert store.speech_ids(parse_selection(written)) == russia, written
    # the Soviet Union is its own country (SUN), not Russia
    assert len(store.speech_ids(parse_selection("country:USSR"))) == 1
    assert store.speech_ids(parse_selection("country:USSR country:UK")) == store.speech_ids(
        parse_selection('country:"Soviet Union" country:Britain')
    )
    # a name without a code still selects the speeches that give it as written
    assert len(store.speech_ids(SpeechFilter(countries=frozenset({"Transnistria"})))) == 1
    assert store.count(SpeechFilter(countries=frozenset({"Russia", "Transnistria"}))) == 4
    catalogue = store.catalogue()
    assert Counter(catalogue["country_code"]) == Counter({"RUS": 3, "SUN": 1, "GBR": 1, "": 1})


def test_correcting_the_country_corrects_its_code(empty_store: CorpusStore) -> None:
    speech = make_speech("A speech with its country mistaken.", country="Austria")
    empty_store.add(speech)
    corrected = empty_store.update_metadata(speech.speech_id, country="Australia")
    assert corrected.country_code == "AUS"
    assert empty_store.get(speech.speech_id).country_code == "AUS"
    assert empty_store.speech_ids(parse_selection("country:AUS")) == [speech.speech_id]
    assert empty_store.speech_ids(SpeechFilter(countries=frozenset({"Austria"}))) == []


def test_an_older_database_gains_country_codes(store_url: str) -> None:
    """A database as schema 5 left it (no codes; the seed without a country) is brought up to
    date when opened: codes for every stored speech, Russia for the seed, the fast catalogue."""
    from sqlalchemy import create_engine

    store = CorpusStore(store_url)
    _countries(store)
    store.dispose()
    engine = create_engine(store_url)
    sqlite = engine.dialect.name == "sqlite"
    with engine.begin() as conn:
        if sqlite:
            conn.exec_driver_sql("DROP INDEX speeches_catalogue")
        conn.exec_driver_sql("DROP INDEX speeches_country_code")
        conn.exec_driver_sql("ALTER TABLE speeches DROP COLUMN country_code")
        conn.exec_driver_sql("DROP TABLE corpus_changes")
        conn.exec_driver_sql(
            f"UPDATE speeches SET country = '' WHERE speech_id = '{SEED_SPEECH_ID}'"
        )
        if sqlite:
            conn.exec_driver_sql(
                "CREATE INDEX speeches_catalogue ON speeches (delivered_on, speech_id, title, "
                "speaker, role, country, place, date_precision, category, posted_by, source, "
                "language, n_words, added_at)"
            )
        conn.exec_driver_sql("UPDATE store_meta SET value = '5' WHERE key = 'schema_version'")
    reopened = CorpusStore(store_url)
    assert reopened.schema_version() == SCHEMA_VERSION
    frame = reopened.catalogue().set_index("speech_id")
    assert frame.loc[SEED_SPEECH_ID, ["country", "country_code"]].tolist() == ["Russia", "RUS"]
    assert sorted(frame["country_code"]) == ["", "GBR", "RUS", "RUS", "RUS", "SUN"]
    assert len(reopened.speech_ids(parse_selection("country:Russia"))) == 3
    if sqlite:
        with engine.connect() as conn:
            plan = conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT speech_id, country_code, added_at FROM speeches "
                "ORDER BY delivered_on, speech_id"
            ).all()
        assert "COVERING INDEX speeches_catalogue" in plan[0][3]
    engine.dispose()
    reopened.dispose()


def test_codes_are_read_again_when_the_table_of_names_changes(sqlite_path: Path) -> None:
    """Codes stored by an earlier table of names (a version that did not know a spelling, or an
    older pycountry) are brought up to date when the database is opened."""
    from sqlalchemy import create_engine

    store = CorpusStore(str(sqlite_path))
    _countries(store)
    store.dispose()
    engine = create_engine(f"sqlite:///{sqlite_path}")
    with engine.begin() as conn:  # as an older table of names left them
        conn.exec_driver_sql("UPDATE speeches SET country_code = '' WHERE country = 'RUS'")
        conn.exec_driver_sql("UPDATE store_meta SET value = 'older' WHERE key = 'country_codes'")
        version = conn.exec_driver_sql(
            "SELECT value FROM store_meta WHERE key = 'corpus_version'"
        ).scalar()
    engine.dispose()
    reopened = CorpusStore(str(sqlite_path))
    assert len(reopened.speech_ids(parse_selection("country:Russia"))) == 3
    assert reopened.version() == int(version) + 1, "every server redraws its pages"
    reopened.dispose()


@pytest.mark.slow
def test_the_country_names_of_the_un_corpus_get_their_codes() -> None:
    """The UN General Debate corpus names its countries 544 ways; all but misspellings, the
    European Union and a bare "Korea" get a code, the corpus's own code but where it differs on
    purpose (it codes the USSR as RUS) or is wrong (a speech of Austria under AUS)."""
    path = need_corpora("ungdc", "ungdc_1946-2024.jsonl.gz")
    pairs: Counter[tuple[str, str]] = Counter()
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if row.get("country"):
                pairs[(row["country"], row["iso3"])] += 1
    total = sum(pairs.values())
    resolved = sum(n for (name, _), n in pairs.items() if country_code(name))
    assert resolved / total > 0.99
    agree = sum(n for (name, iso3), n in pairs.items() if country_code(name) == iso3)
    assert agree / total > 0.985
    assert country_code("Union of Soviet Socialist Republics") == "SUN"


def test_search_follows_a_new_title_and_metadata_edits_leave_the_index_alone(
    tmp_path: Path,
) -> None:
    store = CorpusStore(str(tmp_path / "c.sqlite"))
    try:
        (seed,) = store.catalogue()["speech_id"]
        store.update_metadata(seed, country="Russian Federation", place="Moscow")
        assert [h.speech_id for h in store.search('"consultative status"')] == [seed]
        store.update_metadata(seed, title="Remarks on the Volga delta")
        assert [h.speech_id for h in store.search("Volga")] == [seed]
    finally:
        store.dispose()
