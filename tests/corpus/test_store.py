"""The store on real databases: an SQLite file, and a real PostgreSQL server when one is given."""

from __future__ import annotations

import multiprocessing
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from sqlalchemy import create_engine

from corpus import SpeechFilter, SpeechNotFoundError, StoreError
from corpus.records import Speech, speech_id_for
from corpus.store import CorpusStore
from tests.conftest import PG_URL, fresh_pg_database, make_speech

CATALOGUE_COLUMNS = [
    "speech_id",
    "title",
    "speaker",
    "speaker_as_written",
    "role",
    "country",
    "country_code",
    "place",
    "date",
    "date_iso",
    "date_precision",
    "n_words",
    "source",
    "category",
    "posted_by",
    "language",
    "added_at",
]


def _three(store: CorpusStore) -> list[Speech]:
    speeches = [
        make_speech(
            "Only 70 Russian NGOs enjoy consultative status with ECOSOC.",
            speaker="Sergey Lavrov",
            place="Moscow",
            delivered_on=date(2018, 6, 15),
        ),
        make_speech(
            "Fisheries and boats matter to our coastal towns.",
            speaker="Ana Pérez",
            place="Lisbon",
            delivered_on=date(2019, 1, 1),
            date_precision="year",
        ),
        make_speech(
            "Taxation and the budget were debated at length.",
            speaker="Sergey Lavrov",
            place="Geneva",
            delivered_on=date(2021, 3, 1),
            date_precision="month",
        ),
    ]
    assert [r.status for r in store.add_many(speeches)] == ["added"] * 3
    return speeches


def test_add_get_round_trip(empty_store: CorpusStore) -> None:
    speech = make_speech(
        "Colleagues,\n\nWe meet again.",
        role="Foreign Minister",
        country="Russia",
        posted_by="V. P.",
    )
    result = empty_store.add(speech)
    assert (result.status, result.speech_id, result.duplicate_of) == (
        "added",
        speech.speech_id,
        None,
    )
    assert empty_store.get(speech.speech_id) == speech


def test_duplicate_by_text_whatever_the_line_endings(empty_store: CorpusStore) -> None:
    first = make_speech("First paragraph.\n\nSecond paragraph.")
    again = make_speech("First paragraph.\r\n \r\nSecond   paragraph.", title="Other title")
    assert empty_store.add(first).status == "added"
    result = empty_store.add(again)
    assert (result.status, result.duplicate_of) == ("duplicate", first.speech_id)
    assert empty_store.count() == 1


def test_duplicates_within_one_batch(empty_store: CorpusStore) -> None:
    speech = make_speech("Same words twice in one batch.")
    results = empty_store.add_many([speech, speech])
    assert [r.status for r in results] == ["added", "duplicate"]


def test_find_filters_and_order(empty_store: CorpusStore) -> None:
    a, b, c = _three(empty_store)
    assert [s.speech_id for s in empty_store.find()] == [a.speech_id, b.speech_id, c.speech_id]
    lavrov = empty_store.find(SpeechFilter(speakers=frozenset({"Sergey Lavrov"})))
    assert [s.speech_id for s in lavrov] == [a.speech_id, c.speech_id]
    assert [
        s.speech_id
        for s in empty_store.find(SpeechFilter(start=date(2019, 1, 1), end=date(2020, 12, 31)))
    ] == [b.speech_id]
    assert [s.speech_id for s in empty_store.find(SpeechFilter(places=frozenset({"Geneva"})))] == [
        c.speech_id
    ]
    assert [s.speech_id for s in empty_store.find(SpeechFilter(contains="consultative"))] == [
        a.speech_id
    ]
    assert empty_store.speakers() == ["Ana Pérez", "Sergey Lavrov"]
    assert empty_store.count(SpeechFilter(speech_ids=frozenset({b.speech_id}))) == 1


@pytest.mark.parametrize(
    "flt",
    [
        SpeechFilter(),
        SpeechFilter(speakers=frozenset({"Sergey Lavrov"})),
        SpeechFilter(start=date(2019, 1, 1), end=date(2020, 12, 31)),
        SpeechFilter(contains="consultative"),
        SpeechFilter(contains="nothing-of-the-sort"),
    ],
)
def test_speech_ids_are_the_catalogue_rows_in_order(
    empty_store: CorpusStore, flt: SpeechFilter
) -> None:
    _three(empty_store)
    assert empty_store.speech_ids(flt) == list(empty_store.catalogue(flt)["speech_id"])


def test_catalogue_columns_and_precise_dates(empty_store: CorpusStore) -> None:
    _three(empty_store)
    frame = empty_store.catalogue()
    assert list(frame.columns) == CATALOGUE_COLUMNS
    assert list(frame["date_iso"]) == ["2018-06-15", "2019", "2021-03"]
    assert str(frame["date"].dtype).startswith("datetime64")
    texts = empty_store.texts()
    assert list(texts.index) == list(frame["speech_id"])
    assert texts.index.name == "speech_id"


def test_search_ranks_and_snippets(empty_store: CorpusStore) -> None:
    a, _, _ = _three(empty_store)
    hits = empty_store.search("consultative ECOSOC")
    assert [h.speech_id for h in hits] == [a.speech_id]
    assert "«" in hits[0].snippet and hits[0].date_iso == "2018-06-15"
    assert empty_store.search("consultative taxation") == []


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        "NEAR(",
        "a OR",
        "-x",
        "title:foo",
        "*",
        "'; DROP TABLE speeches; --",
        "((",
        "^",
    ],
    ids=["quote", "near", "dangling-or", "minus", "column", "star", "sql", "parens", "caret"],
)
def test_search_never_reads_user_text_as_syntax(empty_store: CorpusStore, query: str) -> None:
    _three(empty_store)
    empty_store.search(query)
    empty_store.find(SpeechFilter(contains=query))
    assert empty_store.count() == 3


def test_version_grows_only_on_change(empty_store: CorpusStore) -> None:
    start = empty_store.version()
    speech = make_speech("A new speech.")
    empty_store.add(speech)
    after_add = empty_store.version()
    empty_store.add(speech)  # duplicate: nothing changes
    assert empty_store.version() == after_add > start
    empty_store.put_annotation("theme_label", "3", {"label": "NGOs"})
    assert empty_store.version() > after_add


def test_remove(empty_store: CorpusStore) -> None:
    a, _, _ = _three(empty_store)
    empty_store.remove(a.speech_id)
    with pytest.raises(SpeechNotFoundError, match="speechtrack list"):
        empty_store.get(a.speech_id)
    with pytest.raises(SpeechNotFoundError):
        empty_store.remove(a.speech_id)
    assert empty_store.search("consultative") == []


def test_update_metadata_keeps_text(empty_store: CorpusStore) -> None:
    a, _, _ = _three(empty_store)
    corrected = empty_store.update_metadata(a.speech_id, place="Sochi", speaker="S. Lavrov")
    assert empty_store.get(a.speech_id) == corrected
    assert (corrected.place, corrected.text) == ("Sochi", a.text)
    with pytest.raises(StoreError, match="only"):
        empty_store.update_metadata(a.speech_id, text="other")


def test_annotations_and_artifacts(empty_store: CorpusStore) -> None:
    empty_store.put_annotation("theme_label", "2", {"label": "Eurasian integration"})
    empty_store.put_annotation("theme_label", "2", {"label": "Eurasia"})
    empty_store.put_annotation("quantity_correction", "x:1:3", {"dismissed": True})
    assert empty_store.annotations("theme_label") == {"2": {"label": "Eurasia"}}
    empty_store.delete_annotation("theme_label", "2")
    assert empty_store.annotations("theme_label") == {}
    payload = bytes(range(256)) * 10
    empty_store.put_artifact("topics/model", payload)
    assert empty_store.get_artifact("topics/model") == payload
    assert empty_store.get_artifact("missing") is None


def test_seed_is_inserted_once(store_url: str) -> None:
    store = CorpusStore(store_url)
    (seed,) = store.find()
    assert seed.speaker == "Sergey Lavrov"
    store.remove(seed.speech_id)
    store.dispose()
    reopened = CorpusStore(store_url)
    assert reopened.count() == 0, "a seed the user removed must not come back"
    reopened.dispose()


def test_schema_version_recorded(empty_store: CorpusStore) -> None:
    from corpus.schema import SCHEMA_VERSION

    assert empty_store.schema_version() == SCHEMA_VERSION


@pytest.fixture
def pg_url() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database (compression methods are PostgreSQL's)."""
    if not PG_URL:
        pytest.skip("no PostgreSQL server: set SPEECHTRACK_TEST_PG_URL (run.sh test does)")
    yield from fresh_pg_database(PG_URL)


@pytest.mark.postgres
def test_long_texts_are_stored_with_the_fast_compression(pg_url: str) -> None:
    """PostgreSQL with lz4: texts stored one by one and in bulk (COPY) are lz4, read back whole."""
    engine = create_engine(pg_url)
    with engine.connect() as conn:
        if not conn.exec_driver_sql(
            "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' "
            "AND 'lz4' = ANY(enumvals)"
        ).first():
            engine.dispose()
            pytest.skip("this PostgreSQL server is built without lz4")
    store = CorpusStore(pg_url, seed=False)
    texts = [f"Paragraph {i} on rivers, treaties and {i} delegations. " * 400 for i in range(3)]
    store.add(make_speech(texts[0]))
    store.add_many([make_speech(t) for t in texts[1:]])
    with engine.connect() as conn:
        methods = conn.exec_driver_sql("SELECT pg_column_compression(text) FROM speeches").all()
    engine.dispose()
    assert methods == [("lz4",)] * 3
    assert sorted(store.texts()) == sorted(texts)
    store.dispose()


def _catalogue_plan(store: CorpusStore, path: Path) -> str:
    from sqlalchemy.dialects import sqlite as sqlite_dialect

    query = store._catalogue_query(SpeechFilter())
    sql = str(
        query.compile(dialect=sqlite_dialect.dialect(), compile_kwargs={"literal_binds": True})
    )
    with sqlite3.connect(path) as conn:
        return " | ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))


def test_catalogue_is_read_from_its_index_alone(sqlite_path: Path) -> None:
    """The whole catalogue comes from one index, in order: no text page is read, nothing sorted."""
    store = CorpusStore(str(sqlite_path))
    store.add(make_speech("A second speech on rivers and treaties. " * 50))
    plan = _catalogue_plan(store, sqlite_path)
    assert plan == "SCAN speeches USING COVERING INDEX speeches_catalogue", plan
    frame = store.catalogue()
    assert len(frame) == 2 and frame["added_at"].notna().all()
    store.dispose()


def test_an_older_database_gains_the_catalogue_index(sqlite_path: Path) -> None:
    store = CorpusStore(str(sqlite_path))
    store.dispose()
    with sqlite3.connect(sqlite_path) as conn:  # the database as schema 3 left it
        conn.execute("DROP INDEX speeches_catalogue")
        conn.execute("DROP INDEX speeches_country_code")
        conn.execute("ALTER TABLE speeches DROP COLUMN country_code")
        conn.execute("DROP TABLE corpus_changes")
        conn.execute("UPDATE store_meta SET value = '3' WHERE key = 'schema_version'")
    reopened = CorpusStore(str(sqlite_path))
    assert "COVERING INDEX speeches_catalogue" in _catalogue_plan(reopened, sqlite_path)
    assert reopened.count() == 1
    reopened.dispose()


def test_newer_database_is_refused(sqlite_path: Path) -> None:
    CorpusStore(str(sqlite_path), seed=False).dispose()
    with sqlite3.connect(sqlite_path) as conn:
        conn.execute("UPDATE store_meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="newer speech-tracker"):
        CorpusStore(str(sqlite_path))


def test_damaged_file_is_refused(sqlite_path: Path) -> None:
    sqlite_path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match="damaged or not a speech-tracker database"):
        CorpusStore(str(sqlite_path))
    assert sqlite_path.read_bytes().startswith(b"this is not"), "the file must not be overwritten"


def test_read_only_database_gives_a_clear_message(sqlite_path: Path, tmp_path: Path) -> None:
    CorpusStore(str(sqlite_path), seed=False).dispose()
    uri = f"sqlite:///file:{sqlite_path}?mode=ro&uri=true"
    store = CorpusStore(uri, seed=False)
    with pytest.raises(StoreError, match="read-only"):
        store.add(make_speech("Nothing can be written here."))


def _add_many_in_process(url: str, worker: int, n: int) -> list[str]:
    store = CorpusStore(url, seed=False)
    statuses = []
    for i in range(n):
        text = f"Worker {worker} speech {i}. " + "Shared words of every speech. " * 50
        statuses.append(store.add(make_speech(text)).status)
    shared = make_speech("One speech that every worker uploads at the same moment.")
    statuses.append(store.add(shared).status)
    store.dispose()
    return statuses


def test_several_processes_add_at_once(store_url: str) -> None:
    CorpusStore(store_url, seed=False).dispose()
    n_workers, n_each = 4, 15
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(n_workers) as pool:
        results = pool.starmap(
            _add_many_in_process, [(store_url, w, n_each) for w in range(n_workers)]
        )
    store = CorpusStore(store_url, seed=False)
    assert store.count() == n_workers * n_each + 1
    last = [statuses[-1] for statuses in results]
    assert sorted(last) == ["added"] + ["duplicate"] * (n_workers - 1)
    assert all(s == "added" for statuses in results for s in statuses[:-1])
    assert store.integrity_check() == "ok"
    store.dispose()


_texts = hs.text(
    alphabet=hs.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=300
).filter(lambda t: t.strip() != "")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=_texts,
    title=hs.text(max_size=40),
    speaker=hs.text(max_size=40),
    day=hs.dates(min_value=date(1700, 1, 1), max_value=date(2026, 1, 1)),
    precision=hs.sampled_from(["day", "month", "year"]),
)
def test_any_speech_round_trips(
    text: str, title: str, speaker: str, day: date, precision: str
) -> None:
    store = CorpusStore("sqlite://", seed=False)  # in memory, built inside the test body
    if precision == "month":
        day = day.replace(day=1)
    elif precision == "year":
        day = day.replace(month=1, day=1)
    speech = Speech(
        speech_id=speech_id_for(text),
        title=title,
        speaker=speaker,
        delivered_on=day,
        date_precision=precision,  # type: ignore[arg-type]
        text=text,
    )
    store.add(speech)
    assert store.get(speech.speech_id) == speech
    store.dispose()


def test_local_changes_count_what_this_store_changed(empty_store: CorpusStore) -> None:
    speech = make_speech("Counted once, then offered again as a duplicate.")
    before, version = empty_store.local_changes, empty_store.version()
    empty_store.add(speech)
    assert empty_store.local_changes == before + 1 and empty_store.version() > version
    empty_store.add(speech)  # a duplicate changes nothing
    assert empty_store.local_changes == before + 1


def test_additions_name_what_each_version_made_here_added(empty_store: CorpusStore) -> None:
    start = empty_store.version()
    three, second = _three(empty_store), make_speech("Water and rivers, then the sea.")
    after_three = empty_store.version()
    assert empty_store.additions(start, after_three) == {s.speech_id for s in three}
    empty_store.add(second)
    assert empty_store.additions(after_three, empty_store.version()) == {second.speech_id}
    assert second.speech_id in (empty_store.additions(start, empty_store.version()) or set())
    assert empty_store.additions(empty_store.version(), empty_store.version()) is None
    empty_store.add(second)  # a duplicate: no version, nothing added
    assert empty_store.additions(after_three, empty_store.version()) == {second.speech_id}


def test_additions_are_unknown_after_any_other_change(empty_store: CorpusStore) -> None:
    speeches = _three(empty_store)
    added = empty_store.version()
    empty_store.update_metadata(speeches[0].speech_id, title="Corrected")
    assert empty_store.additions(added, empty_store.version()) is None
    corrected = empty_store.version()
    empty_store.remove(speeches[1].speech_id)
    assert empty_store.additions(corrected, empty_store.version()) is None


def test_additions_made_by_another_process_are_known_to_every_server(
    empty_store: CorpusStore, tmp_path: Path
) -> None:
    """The change table is in the database: a speech added from the command line (another
    process) is known as an addition to a server that opened the store before."""
    _three(empty_store)
    before = empty_store.version()
    speech = tmp_path / "new.txt"
    speech.write_text("A speech added from the command line, about rivers and bridges.\n")
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "--db", empty_store.url, "add", str(speech),
         "--title", "Added elsewhere", "--speaker", "Someone", "--date", "2020-02-02"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    after = empty_store.version()
    added = empty_store.additions(before, after)
    assert added is not None and len(added) == 1
    assert empty_store.get(next(iter(added))).title == "Added elsewhere"
    # a correction made by another store object makes what came after it unknown again
    other = CorpusStore(empty_store.url, seed=False)
    other.update_metadata(next(iter(added)), title="Corrected elsewhere")
    assert empty_store.additions(before, empty_store.version()) is None
    other.dispose()


def test_a_catalogue_grown_by_the_added_rows_is_the_catalogue_read_again(
    empty_store: CorpusStore,
) -> None:
    from corpus.store import with_added_rows

    _three(empty_store)
    version, catalogue = empty_store.versioned_catalogue()
    assert version == empty_store.version()
    # new speeches before, between (same day as one stored) and after the stored ones
    more = [
        make_speech("An early speech on grain.", delivered_on=date(2001, 5, 5)),
        make_speech("Same day as the Moscow meeting.", delivered_on=date(2018, 6, 15)),
        make_speech("Also on that day, on fisheries.", delivered_on=date(2018, 6, 15)),
        make_speech("The latest speech, on space.", delivered_on=date(2024, 9, 9)),
    ]
    empty_store.add_many(more)
    added = empty_store.additions(version, empty_store.version())
    assert added == {s.speech_id for s in more}
    grown = with_added_rows(catalogue, empty_store.catalogue(SpeechFilter(speech_ids=added)))
    _, again = empty_store.versioned_catalogue()
    assert grown.equals(again), (grown["speech_id"].tolist(), again["speech_id"].tolist())
    # rows already there are not added twice, and the frame given is left as it was
    assert with_added_rows(again, again.head(2)).equals(again)
    assert len(catalogue) == 3


def _distinct_cyrillic_words(n_chars: int) -> str:
    """Distinct Cyrillic 'words' (two bytes a letter): the worst case for a search index."""
    letters = "абвгдежзиклмнопрстуфхцчшщэюя"
    words: list[str] = []
    length, i = 0, 0
    while length < n_chars:
        j, word = i, ""
        for _ in range(5):
            word += letters[j % len(letters)]
            j //= len(letters)
        words.append(word)
        length += len(word) + 1
        i += 1
    return " ".join(words)[:n_chars]


def test_a_very_long_text_of_distinct_words_is_stored_with_its_batch(
    empty_store: CorpusStore,
) -> None:
    """900,000 characters of distinct Cyrillic words passed PostgreSQL's 1 MB tsvector limit
    and lost their whole batch; the search index now covers a bounded prefix."""
    huge = make_speech("Вступление. " + _distinct_cyrillic_words(899_000), title="Long")
    before = make_speech("Rivers and glaciers need treaties.", title="Before")
    after = make_speech("Oceans and fisheries need rules.", title="After")
    results = empty_store.add_many([before, huge, after])
    assert [r.status for r in results] == ["added", "added", "added"]
    assert len(empty_store.get(huge.speech_id).text) == len(huge.text)
    assert [h.speech_id for h in empty_store.search("Вступление")] == [huge.speech_id]
    assert [h.speech_id for h in empty_store.search("glaciers")] == [before.speech_id]


@pytest.mark.postgres
def test_a_speech_the_database_refuses_costs_only_itself(pg_url: str) -> None:
    """PostgreSQL refuses a NUL character in text: that speech is rejected with the store's own
    message (no driver error), and the others of its batch are stored."""
    store = CorpusStore(pg_url, seed=False)
    good = [make_speech(f"Speech {i} on rivers and treaties.", title=f"Good {i}") for i in range(3)]
    bad = make_speech("A text with a \x00 NUL character inside.", title="Bad")
    results = store.add_many([good[0], bad, good[1], good[2]])
    assert [r.status for r in results] == ["added", "rejected", "added", "added"]
    assert "cannot hold this speech" in results[1].reason
    assert "psycopg" not in results[1].reason and "0x00" not in results[1].reason
    assert sorted(store.catalogue()["title"]) == ["Good 0", "Good 1", "Good 2"]
    store.dispose()
