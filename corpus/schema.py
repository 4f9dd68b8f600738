"""The database schema and its versioned migrations, for SQLite and PostgreSQL alike.

Each migration is applied in its own transaction and recorded in `store_meta` under `schema_version`.
A migration is never edited once released: a change to the schema is a new entry at the end of
`MIGRATIONS`. The `Table` objects below describe the schema as the last migration leaves it and are
used to build queries; the DDL in the migrations is what creates it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    text,
)
from sqlalchemy.engine import Connection

metadata = MetaData()

speeches = Table(
    "speeches",
    metadata,
    Column("speech_id", Text, primary_key=True),
    Column("content_hash", Text, nullable=False, unique=True),
    Column("title", Text, nullable=False),
    Column("speaker", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("country", Text, nullable=False),
    Column("place", Text, nullable=False),
    Column("delivered_on", Date, nullable=False),
    Column("date_precision", Text, nullable=False),
    Column("category", Text, nullable=False),
    Column("posted_by", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("language", Text, nullable=False),
    Column("n_words", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
    # ISO 3166 alpha-3 code of `country` (migration 6); "" when the name is not known
    Column("country_code", Text, nullable=False, server_default=""),
)

store_meta = Table(
    "store_meta",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

annotation_table = Table(
    "annotations",
    metadata,
    Column("kind", Text, primary_key=True),
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

corpus_changes = Table(
    "corpus_changes",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("speech_ids", Text, nullable=False),
)

artifacts = Table(
    "artifacts",
    metadata,
    Column("name", Text, primary_key=True),
    Column("payload", LargeBinary, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True, slots=True)
class Migration:
    """One step of the schema: its version, what it does, and the statements per dialect."""

    version: int
    description: str
    apply: Callable[[Connection, str], None]


def _run(conn: Connection, statements: Sequence[str]) -> None:
    for statement in statements:
        conn.exec_driver_sql(statement)


def _initial(conn: Connection, dialect: str) -> None:
    blob = "BYTEA" if dialect == "postgresql" else "BLOB"
    stamp = "TIMESTAMP WITH TIME ZONE" if dialect == "postgresql" else "TIMESTAMP"
    _run(
        conn,
        [
            "CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            f"""CREATE TABLE speeches (
                speech_id TEXT PRIMARY KEY,
                content_hash TEXT NOT NULL UNIQUE,
                title TEXT NOT NULL,
                speaker TEXT NOT NULL,
                role TEXT NOT NULL,
                country TEXT NOT NULL,
                place TEXT NOT NULL,
                delivered_on DATE NOT NULL,
                date_precision TEXT NOT NULL
                    CHECK (date_precision IN ('day', 'month', 'year')),
                category TEXT NOT NULL,
                posted_by TEXT NOT NULL,
                source TEXT NOT NULL,
                language TEXT NOT NULL,
                n_words INTEGER NOT NULL,
                text TEXT NOT NULL,
                added_at {stamp} NOT NULL
            )""",
            "CREATE INDEX speeches_delivered_on ON speeches (delivered_on)",
            "CREATE INDEX speeches_speaker ON speeches (speaker)",
            f"""CREATE TABLE annotations (
                kind TEXT NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                updated_at {stamp} NOT NULL,
                PRIMARY KEY (kind, key)
            )""",
            f"""CREATE TABLE artifacts (
                name TEXT PRIMARY KEY,
                payload {blob} NOT NULL,
                updated_at {stamp} NOT NULL
            )""",
        ],
    )


def _full_text(conn: Connection, dialect: str) -> None:
    if dialect == "postgresql":
        _run(
            conn,
            [
                """ALTER TABLE speeches ADD COLUMN search_vector tsvector
                   GENERATED ALWAYS AS (
                       setweight(to_tsvector('english', title), 'A')
                       || setweight(to_tsvector('english', left(text, 900000)), 'B')
                   ) STORED""",
                "CREATE INDEX speeches_search ON speeches USING GIN (search_vector)",
            ],
        )
        return
    # External-content FTS5 index over the speeches table: the text is stored once.
    _run(
        conn,
        [
            """CREATE VIRTUAL TABLE speeches_fts USING fts5(
                   title, text, content='speeches', content_rowid='rowid',
                   tokenize='unicode61 remove_diacritics 2'
               )""",
            """CREATE TRIGGER speeches_fts_insert AFTER INSERT ON speeches BEGIN
                   INSERT INTO speeches_fts (rowid, title, text)
                   VALUES (new.rowid, new.title, new.text);
               END""",
            """CREATE TRIGGER speeches_fts_delete AFTER DELETE ON speeches BEGIN
                   INSERT INTO speeches_fts (speeches_fts, rowid, title, text)
                   VALUES ('delete', old.rowid, old.title, old.text);
               END""",
            """CREATE TRIGGER speeches_fts_update AFTER UPDATE ON speeches BEGIN
                   INSERT INTO speeches_fts (speeches_fts, rowid, title, text)
                   VALUES ('delete', old.rowid, old.title, old.text);
                   INSERT INTO speeches_fts (rowid, title, text)
                   VALUES (new.rowid, new.title, new.text);
               END""",
        ],
    )


def _fast_compression(conn: Connection, dialect: str) -> None:
    # PostgreSQL compresses long values (texts, search vectors, fitted models) with pglz unless
    # told otherwise; lz4 (PostgreSQL 14 and later, when the server is built with it) compresses
    # several times faster, which is most of a bulk import's cost after the text search vectors.
    # Values stored before keep their compression; both read back alike.
    if dialect != "postgresql":
        return
    has_lz4 = conn.exec_driver_sql(
        "SELECT 1 FROM pg_settings "
        "WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
    ).first()
    if has_lz4 is None:
        return
    _run(
        conn,
        [
            "ALTER TABLE speeches ALTER COLUMN text SET COMPRESSION lz4, "
            "ALTER COLUMN search_vector SET COMPRESSION lz4",
            "ALTER TABLE artifacts ALTER COLUMN payload SET COMPRESSION lz4",
        ],
    )


# the columns of `CorpusStore.catalogue` as migration 4 indexed them (migration 6 adds the code)
_CATALOGUE_INDEX_COLUMNS_4 = (
    "delivered_on", "speech_id", "title", "speaker", "role", "country", "place", "date_precision",
    "category", "posted_by", "source", "language", "n_words", "added_at",
)  # fmt: skip


def _catalogue_index(conn: Connection, dialect: str) -> None:
    # SQLite keeps a row's columns together, and `added_at` comes after the text: reading it meant
    # walking the overflow pages of every speech's text (110 ms of the 150 ms a catalogue of the
    # 10,924-speech UN corpus took to fetch). An index holding every catalogue column, in the
    # catalogue's order, answers the query alone (35-55 ms) and sorts nothing. PostgreSQL keeps
    # long texts out of the row already, and caps the size of an index entry, which long titles
    # could pass.
    if dialect != "sqlite":
        return
    _run(
        conn,
        [f"CREATE INDEX speeches_catalogue ON speeches ({', '.join(_CATALOGUE_INDEX_COLUMNS_4)})"],
    )


# PostgreSQL's search index of a speech covers its first 200,000 characters: a tsvector holds at
# most 1 MB, and 900,000 characters of distinct Cyrillic words (two bytes a letter) passed it,
# failing the whole batch. 200,000 characters is the longest real speech on record (a State of
# the Union address) and, even as distinct two-byte words, stays under half that limit.
SEARCH_PREFIX_CHARS = 200_000


def _bounded_search(conn: Connection, dialect: str) -> None:
    if dialect != "postgresql":
        return
    _run(
        conn,
        [
            "DROP INDEX IF EXISTS speeches_search",
            "ALTER TABLE speeches DROP COLUMN search_vector",
            f"""ALTER TABLE speeches ADD COLUMN search_vector tsvector
               GENERATED ALWAYS AS (
                   setweight(to_tsvector('english', left(title, 2000)), 'A')
                   || setweight(to_tsvector('english', left(text, {SEARCH_PREFIX_CHARS})), 'B')
               ) STORED""",
            "CREATE INDEX speeches_search ON speeches USING GIN (search_vector)",
        ],
    )


# the columns of `CorpusStore.catalogue`, in the order it sorts by first: every page reads the whole
# catalogue again after an upload or an edit
CATALOGUE_INDEX_COLUMNS = (
    "delivered_on", "speech_id", "title", "speaker", "role", "country", "country_code", "place",
    "date_precision", "category", "posted_by", "source", "language", "n_words", "added_at",
)  # fmt: skip

# the built-in first speech (`corpus.seed`): Russia's foreign minister, stored without a country
# by the versions before migration 6
SEED_SPEECH_ID = "d1204cba6dca"
SEED_COUNTRY = "Russia"


def fill_country_codes(conn: Connection) -> int:
    """Give every stored speech the code of its country as `corpus.metadata.countries` reads it
    now; return the speeches changed.

    One read of ids and names (which the catalogue's index answers on SQLite, without touching
    the texts) and one update by id per speech that changes: a scan of the table per distinct
    name read every text again, 48 s for the UN corpus's 544 names.
    """
    # pycountry's tables: loaded only when needed
    from corpus.metadata.countries import country_code

    rows = conn.exec_driver_sql("SELECT speech_id, country, country_code FROM speeches").all()
    codes: dict[str, str] = {}
    changes = []
    for speech_id, country, stored in rows:
        if country not in codes:
            codes[country] = country_code(str(country))
        if codes[country] != stored:
            changes.append({"code": codes[country], "speech_id": speech_id})
    if changes:
        conn.execute(
            text("UPDATE speeches SET country_code = :code WHERE speech_id = :speech_id"), changes
        )
    return len(changes)


def _country_codes(conn: Connection, dialect: str) -> None:
    # One standard code beside each country name, so that "Russia", "Russian Federation" and
    # "RUS" select the same speeches; the codes of stored speeches are filled in here
    _run(
        conn,
        [
            "ALTER TABLE speeches ADD COLUMN country_code TEXT NOT NULL DEFAULT ''",
            "CREATE INDEX speeches_country_code ON speeches (country_code)",
        ],
    )
    if dialect == "sqlite":
        # the search index reads a speech again only when its title or text changes, not when
        # its metadata does: filling in the codes re-indexed every text (18 s on the UN corpus)
        _run(
            conn,
            [
                "DROP TRIGGER speeches_fts_update",
                """CREATE TRIGGER speeches_fts_update AFTER UPDATE OF title, text ON speeches BEGIN
                   INSERT INTO speeches_fts (speeches_fts, rowid, title, text)
                   VALUES ('delete', old.rowid, old.title, old.text);
                   INSERT INTO speeches_fts (rowid, title, text)
                   VALUES (new.rowid, new.title, new.text);
               END""",
            ],
        )
    conn.execute(
        text("UPDATE speeches SET country = :country WHERE speech_id = :seed AND country = ''"),
        {"country": SEED_COUNTRY, "seed": SEED_SPEECH_ID},
    )
    fill_country_codes(conn)
    if dialect == "sqlite":
        # the catalogue's covering index holds the new column too
        _run(
            conn,
            [
                "DROP INDEX IF EXISTS speeches_catalogue",
                f"CREATE INDEX speeches_catalogue ON speeches ({', '.join(CATALOGUE_INDEX_COLUMNS)})",
            ],
        )


def _change_table(conn: Connection, dialect: str) -> None:
    # what each corpus version changed, so that any process or server can grow what it derived
    # from an earlier version: "added" with the speech ids, else "other"
    _run(
        conn,
        [
            """CREATE TABLE corpus_changes (
                version INTEGER PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('added', 'other')),
                speech_ids TEXT NOT NULL
            )"""
        ],
    )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "speeches, annotations, artifacts", _initial),
    Migration(2, "full-text search (FTS5 on SQLite, tsvector on PostgreSQL)", _full_text),
    Migration(3, "lz4 compression of long values on PostgreSQL", _fast_compression),
    Migration(4, "an index answering the catalogue on SQLite", _catalogue_index),
    Migration(5, "a search index of a bounded prefix on PostgreSQL", _bounded_search),
    Migration(6, "ISO 3166 country codes beside country names", _country_codes),
    Migration(7, "what each corpus version changed", _change_table),
)

SCHEMA_VERSION = MIGRATIONS[-1].version
