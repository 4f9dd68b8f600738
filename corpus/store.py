"""The durable corpus: speeches with their metadata in SQLite (default) or PostgreSQL.

Example:
    store = CorpusStore("sqlite:///speeches.sqlite")
    store.add(speech)                      # AddResult(status="added", ...)
    store.find(SpeechFilter(speakers=frozenset({"Sergey Lavrov"})))
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import time
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal, TypeVar

import numpy as np
import pandas as pd
from sqlalchemy import (
    Engine,
    Select,
    create_engine,
    delete,
    event,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import Connection, Row, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DataError,
    DBAPIError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.pool import StaticPool

from corpus.errors import RefusedRowError, SpeechNotFoundError, StoreError
from corpus.metadata.countries import country_code, table_signature
from corpus.metadata.speakers import MERGE_KIND, SpeakerNames, speaker_key, tidy_speaker
from corpus.records import EDITABLE_FIELDS, SearchHit, Speech, SpeechDate, SpeechFilter, fingerprint
from corpus.schema import (
    MIGRATIONS,
    SCHEMA_VERSION,
    annotation_table,
    artifacts,
    corpus_changes,
    fill_country_codes,
    speeches,
    store_meta,
)

logger = logging.getLogger(__name__)

AddStatus = Literal["added", "duplicate", "rejected"]
T = TypeVar("T")

_SPEECH_COLUMNS = [c for c in speeches.c if c.name not in ("content_hash", "added_at")]
_CATALOGUE_COLUMNS = [
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
_BATCH = 500
_BUMP_VERSION = text(
    "UPDATE store_meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'corpus_version'"
)
_LOCK_RETRIES = 8
# how many of the latest corpus versions the change table keeps
_KEPT_CHANGES = 256


@dataclass(frozen=True, slots=True)
class SpeakerMerge:
    """What `CorpusStore.merge_speakers` did: the name shown and the variants merged into it."""

    speaker: str
    variants: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AddResult:
    """What happened to one speech given to `CorpusStore.add`."""

    status: AddStatus
    speech_id: str
    duplicate_of: str | None = None
    reason: str = ""  # why a speech was rejected (the database refused it)


def sqlite_url(path: str | Path) -> str:
    """Return the SQLAlchemy URL of an SQLite file (its absolute path, as given)."""
    # absolute, not resolved: resolving looks up every folder of the path, and the dashboard
    # reads its database setting dozens of times per page; with twenty readers those lookups
    # were a sixth of the time the page runs spent
    return f"sqlite:///{Path(path).expanduser().absolute()}"


def database_url(value: str) -> str:
    """Turn a setting (an SQLAlchemy URL or a plain file path) into an SQLAlchemy URL."""
    if "://" in value:
        return value
    return sqlite_url(value)


class CorpusStore:
    """All speeches of one corpus, stored in a real database through SQLAlchemy.

    The store holds an engine, never a connection: each operation takes a short-lived connection,
    so that the dashboard's sessions (each on its own thread) and several processes can share it.
    Writes on SQLite use WAL mode and `BEGIN IMMEDIATE` with a busy timeout, so writers queue up
    instead of failing with "database is locked".

    Args:
        url: an SQLAlchemy URL (``sqlite:///path`` or ``postgresql+psycopg://...``) or a file path.
        seed: insert the built-in first speech when the store is created (not again if removed later).
    """

    def __init__(self, url: str, *, seed: bool = True) -> None:
        self.url = database_url(url)
        try:
            parsed = make_url(self.url)
        except ArgumentError as err:
            raise StoreError(
                f"{url!r} is not a database URL; give a file path or a URL such as "
                "sqlite:///speeches.sqlite or postgresql+psycopg://user@host/db."
            ) from err
        self.dialect = parsed.get_backend_name()
        if self.dialect == "sqlite" and parsed.database not in (None, "", ":memory:"):
            # "file:/path?mode=ro&uri=true" names the file as a URI
            folder = Path(parsed.database.removeprefix("file:")).expanduser().parent
            if not folder.exists():
                try:
                    folder.mkdir(parents=True, exist_ok=True)
                except OSError as err:
                    raise StoreError(
                        f"Cannot create the folder {folder} for the database: {err.strerror}."
                    ) from err
        in_memory = self.dialect == "sqlite" and parsed.database in (None, "", ":memory:")
        if in_memory or self.dialect != "sqlite":
            # one engine: an in-memory database lives in a single connection
            self._engine = self._make_engine(writer=True, in_memory=in_memory)
            self._writer = self._engine
        else:
            self._engine = self._make_engine(writer=False)
            self._writer = self._make_engine(writer=True)
        # changes made through this store object (any thread): a reader that kept the version
        # for a moment knows it is out of date when this moves
        self.local_changes = 0
        # a viewer server may connect with a role that only reads (README: "A team on one
        # PostgreSQL database"), or to an SQLite file opened with mode=ro
        self.read_only = self._connects_read_only()
        created = self._migrate()
        if created and seed:
            self._insert_seed()

    # -- engines and transactions -------------------------------------------------------------

    def _make_engine(self, *, writer: bool, in_memory: bool = False) -> Engine:
        if self.dialect != "sqlite":
            return create_engine(self.url, pool_pre_ping=True)
        engine = create_engine(
            self.url,
            connect_args={"timeout": 60, "check_same_thread": False},
            poolclass=StaticPool if in_memory else None,
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA busy_timeout = 60000")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):  # type: ignore[no-untyped-def]
            conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")

        return engine

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self._engine.connect() as conn:
                yield conn
        except OperationalError as err:
            raise self._translate(err) from err

    def _write(
        self,
        work: Callable[[Connection], T],
        *,
        changed: Callable[[T], bool] = lambda _: True,
        added: Callable[[T], Iterable[str]] | None = None,
    ) -> T:
        """Run `work` in one write transaction, retrying while another writer holds the lock.

        The corpus version grows when `changed(result)` says the work changed something, and the
        change table says what it changed in the same transaction: when `added` is given, the
        work only added speeches, and `added(result)` names them (`additions`).
        """
        for attempt in range(_LOCK_RETRIES):
            try:
                with self._writer.begin() as conn:
                    result = work(conn)
                    bumped = changed(result)
                    if bumped:
                        ids = sorted(added(result)) if added is not None else None
                        self._bump_version(conn, ids)
                if bumped:
                    self.local_changes += 1
                return result
            except OperationalError as err:
                if _is_locked(err) and attempt < _LOCK_RETRIES - 1:
                    time.sleep(0.05 * 2**attempt)
                    continue
                raise self._translate(err) from err
            except DBAPIError as err:
                raise self._translate(err) from err
        raise StoreError("The database stayed locked by another writer; try again in a minute.")

    def _bump_version(self, conn: Connection, added: list[str] | None) -> int:
        """Make the next corpus version in the open write transaction and record what it changed:
        the speeches it added (`added`), else "other". Returns the new version."""
        conn.execute(_BUMP_VERSION)
        # read in the transaction that holds the lock: exactly one more than before
        version = int(self._meta(conn, "corpus_version") or 0)
        conn.execute(
            corpus_changes.insert().values(
                version=version,
                kind="other" if added is None else "added",
                speech_ids=json.dumps(added or []),
            )
        )
        conn.execute(
            corpus_changes.delete().where(corpus_changes.c.version <= version - _KEPT_CHANGES)
        )
        return version

    def additions(self, since: int, until: int) -> frozenset[str] | None:
        """Return the speeches added between two corpus versions, when that is all that changed.

        Read from the change table, so a change made by any process or server counts: None when
        any version after `since` up to `until` changed anything but adding speeches, is older
        than the table keeps, or when `until` is not after `since`.
        """
        if until <= since or until - since > _KEPT_CHANGES:
            return None
        query = select(corpus_changes.c.kind, corpus_changes.c.speech_ids).where(
            corpus_changes.c.version > since, corpus_changes.c.version <= until
        )
        with self._read() as conn:
            rows = conn.execute(query).all()
        if len(rows) != until - since or any(kind != "added" for kind, _ in rows):
            return None
        return frozenset(i for _, ids in rows for i in json.loads(ids))

    def _translate(self, err: SQLAlchemyError) -> StoreError:
        message = str(getattr(err, "orig", err)).lower()
        where = self.describe()
        if "readonly" in message or "read-only" in message or "permission denied" in message:
            return StoreError(
                f"The database {where} is read-only for this connection; check its file "
                "permissions or the database role, or make this change on an editor server."
            )
        if "disk is full" in message or "no space" in message:
            return StoreError(
                f"The disk holding {where} is full; nothing was stored. Free some space."
            )
        if "disk i/o error" in message:
            return StoreError(
                f"Writing to the database {where} failed (the disk may be full, failing or "
                "limited); nothing was stored. Free some space or check the disk, then try again."
            )
        if "not a database" in message or "malformed" in message:
            return StoreError(
                f"The database {where} is damaged or not a speech-tracker database; "
                "restore it from a backup (speechtrack import-corpus) or point --db elsewhere."
            )
        if "unable to open" in message:
            return StoreError(
                f"Cannot open the database {where}; check the path and its permissions."
            )
        if _is_locked(err):
            return StoreError(f"The database {where} is busy with another writer; try again.")
        if isinstance(err, DataError) or "too long" in message or "out of range" in message:
            # a value of this row the database cannot hold: the row, not the database, is at fault
            return RefusedRowError(
                "The database cannot hold this speech as it is (a value too long or out of "
                "range for it, or a character it refuses); split the text into smaller speeches "
                "or shorten it."
            )
        return StoreError(f"The database {where} failed: {getattr(err, 'orig', err)}")

    def describe(self) -> str:
        """Name the database for messages, without any password."""
        return make_url(self.url).render_as_string(hide_password=True)

    def dispose(self) -> None:
        """Close every pooled connection (tests and short-lived command-line runs)."""
        self._engine.dispose()
        self._writer.dispose()

    # -- schema ----------------------------------------------------------------------------

    def _connects_read_only(self) -> bool:
        """Whether this store's connection cannot write: an SQLite file opened with mode=ro, or
        a PostgreSQL role without INSERT on the tables (checked once, when the store opens)."""
        parsed = make_url(self.url)
        if self.dialect == "sqlite":
            return parsed.query.get("mode") == "ro"
        try:
            with self._engine.connect() as conn:
                exists = conn.exec_driver_sql("SELECT to_regclass('artifacts')").scalar()
                if exists is None:
                    return False  # a new database: the migration says whether we may write
                allowed = conn.exec_driver_sql(
                    "SELECT has_table_privilege(current_user, 'artifacts', 'INSERT')"
                ).scalar()
        except SQLAlchemyError as err:
            raise self._translate(err) from err
        return not allowed

    def _migrate(self) -> bool:
        """Bring the schema up to date; return True when the store was created just now."""
        if self.read_only:
            # nothing may be written: the schema must already be this version's
            with self._engine.connect() as conn:
                current = self._meta(conn, "schema_version")
            if current is None or int(current) != SCHEMA_VERSION:
                raise StoreError(
                    f"The database {self.describe()} is opened read-only and its schema is "
                    f"version {current or 'none'}, not {SCHEMA_VERSION}; open it once with a "
                    "role or file that may write, so that it is brought up to date."
                )
            return False
        try:
            with self._writer.begin() as conn:
                if self.dialect == "postgresql":
                    # one migrator at a time across processes and servers
                    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(727274)")
                conn.exec_driver_sql(
                    "CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
                )
                current = self._meta(conn, "schema_version")
                version = int(current) if current is not None else 0
                if version > SCHEMA_VERSION:
                    raise StoreError(
                        f"The database {self.describe()} was written by a newer speech-tracker "
                        f"(schema {version}; this version knows up to {SCHEMA_VERSION}); "
                        "upgrade speech-tracker to open it."
                    )
                if version == 0 and self._has_table(conn, "speeches"):
                    raise StoreError(
                        f"The database {self.describe()} has a speeches table but no speech-tracker "
                        "schema version; point --db at a new file or a speech-tracker database."
                    )
                for migration in MIGRATIONS:
                    if migration.version > version:
                        logger.info(
                            "Applying schema migration %s: %s",
                            migration.version,
                            migration.description,
                        )
                        migration.apply(conn, self.dialect)
                        self._set_meta(conn, "schema_version", str(migration.version))
                if version == 0:
                    self._set_meta(conn, "corpus_version", "0")
                    self._set_meta(conn, "created_at", datetime.now(UTC).isoformat())
                # a newer table of country names (or pycountry) reads the stored names again
                signature = table_signature()
                if self._meta(conn, "country_codes") != signature:
                    if fill_country_codes(conn):
                        self._bump_version(conn, None)
                    self._set_meta(conn, "country_codes", signature)
                return version == 0
        except SQLAlchemyError as err:
            raise self._translate(err) from err

    def _has_table(self, conn: Connection, name: str) -> bool:
        if self.dialect == "sqlite":
            query = text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :n")
        else:
            query = text("SELECT 1 FROM information_schema.tables WHERE table_name = :n")
        return conn.execute(query, {"n": name}).first() is not None

    @staticmethod
    def _meta(conn: Connection, key: str) -> str | None:
        row = conn.execute(select(store_meta.c.value).where(store_meta.c.key == key)).first()
        return None if row is None else str(row[0])

    def _set_meta(self, conn: Connection, key: str, value: str) -> None:
        insert = self._insert(store_meta).values(key=key, value=value)
        conn.execute(insert.on_conflict_do_update(index_elements=["key"], set_={"value": value}))

    def _insert(self, table):  # type: ignore[no-untyped-def]
        module = pg_dialect if self.dialect == "postgresql" else sqlite_dialect
        return module.insert(table)

    def _insert_seed(self) -> None:
        from corpus.seed import seed_speech  # the seed needs the readers; import only when creating

        self.add(seed_speech())

    def schema_version(self) -> int:
        """Return the schema version of the database."""
        with self._read() as conn:
            return int(self._meta(conn, "schema_version") or 0)

    def version(self) -> int:
        """Return a number that grows with every change of speeches, annotations or artifacts."""
        with self._read() as conn:
            return int(self._meta(conn, "corpus_version") or 0)

    # -- speeches ----------------------------------------------------------------------------

    def add(self, speech: Speech) -> AddResult:
        """Store one speech in one transaction, or report the entry it duplicates."""
        return self.add_many([speech])[0]

    def add_many(
        self, batch: Iterable[Speech], *, content_hashes: Iterable[str] | None = None
    ) -> list[AddResult]:
        """Store speeches, each complete or not at all, in chunked transactions.

        A speech whose text (white space folded) is already stored is not stored again; its result
        names the existing entry. Duplicates within the batch are caught the same way.

        Args:
            batch: the speeches.
            content_hashes: `fingerprint(speech.text)` of each speech, in the same order, when the
                caller has them already (an empty string: not known); else they are computed here.
        """
        results: list[AddResult] = []
        chunk: list[tuple[Speech, str]] = []

        def write(pairs: list[tuple[Speech, str]]) -> list[AddResult]:
            return self._write(
                lambda conn: self._add_chunk(conn, pairs),
                changed=lambda done: any(r.status == "added" for r in done),
                added=lambda done: (r.speech_id for r in done if r.status == "added"),
            )

        def flush() -> None:
            try:
                results.extend(write(chunk))
            except RefusedRowError:
                # one speech the database refuses must not cost the others theirs: each is
                # stored on its own, and the one refused says why
                for pair in chunk:
                    try:
                        results.extend(write([pair]))
                    except RefusedRowError as err:
                        results.append(AddResult("rejected", pair[0].speech_id, reason=str(err)))
            chunk.clear()

        known = itertools.repeat("") if content_hashes is None else content_hashes
        for speech, digest in zip(batch, known, strict=content_hashes is not None):
            chunk.append((speech, digest))
            if len(chunk) >= _BATCH:
                flush()
        if chunk:
            flush()
        return results

    def restore(
        self,
        batch: list[Speech],
        notes: list[tuple[str, str, dict[str, object]]],
        blobs: list[tuple[str, bytes]],
    ) -> list[AddResult]:
        """Store a checked backup in one transaction: its speeches (duplicates skipped), its
        annotations (replacing those with the same key) and its accepted artifacts. A failure
        anywhere leaves the store as it was."""

        def work(conn: Connection) -> list[AddResult]:
            results: list[AddResult] = []
            for start in range(0, len(batch), _BATCH):
                chunk = [(speech, "") for speech in batch[start : start + _BATCH]]
                results.extend(self._add_chunk(conn, chunk))
            writes = Writes(self, conn)
            for kind, key, value in notes:
                writes.put_annotation(kind, key, value)
            for name, payload in blobs:
                writes.put_artifact(name, payload)
            return results

        if notes or blobs:  # more than speeches added: every cache is made again
            return self._write(work)
        return self._write(
            work,
            changed=lambda done: any(r.status == "added" for r in done),
            added=lambda done: (r.speech_id for r in done if r.status == "added"),
        )

    def _add_chunk(self, conn: Connection, pairs: list[tuple[Speech, str]]) -> list[AddResult]:
        chunk = [speech for speech, _ in pairs]
        hashes = [digest or fingerprint(speech.text) for speech, digest in pairs]
        existing = dict(
            conn.execute(
                select(speeches.c.content_hash, speeches.c.speech_id).where(
                    speeches.c.content_hash.in_(set(hashes))
                )
            ).all()
        )
        now = datetime.now(UTC)
        fresh: dict[str, dict[str, object]] = {}  # by hash: the first of each new text
        for speech, digest in zip(chunk, hashes, strict=True):
            if digest not in existing and digest not in fresh:
                fresh[digest] = _to_row(speech) | {"content_hash": digest, "added_at": now}
        inserted: set[str] = set()
        if fresh and self.dialect == "postgresql":
            inserted = _copy_new_speeches(conn, list(fresh.values()))
        elif fresh:
            # one multi-row statement; rows another writer stored meanwhile are skipped, not failed
            statement = (
                self._insert(speeches).on_conflict_do_nothing().returning(speeches.c.content_hash)
            )
            inserted = set(conn.execute(statement, list(fresh.values())).scalars().all())
        missing = set(fresh) - inserted
        if missing:
            existing.update(
                conn.execute(
                    select(speeches.c.content_hash, speeches.c.speech_id).where(
                        speeches.c.content_hash.in_(missing)
                    )
                ).all()
            )
        results: list[AddResult] = []
        for speech, digest in zip(chunk, hashes, strict=True):
            if digest in inserted:
                inserted.discard(digest)  # a later copy in the same batch is a duplicate
                existing[digest] = speech.speech_id
                results.append(AddResult("added", speech.speech_id))
            else:
                found = existing.get(digest) or self._holder_of(conn, speech.speech_id)
                results.append(AddResult("duplicate", found, found))
        return results

    @staticmethod
    def _holder_of(conn: Connection, speech_id: str) -> str:
        # a different text whose id collides with a stored one: the stored entry holds the id
        return str(
            conn.execute(
                select(speeches.c.speech_id).where(speeches.c.speech_id == speech_id)
            ).scalar_one()
        )

    def update_metadata(self, speech_id: str, **changes: object) -> Speech:
        """Correct the metadata of a stored speech (never its text); return the corrected speech."""
        allowed = set(EDITABLE_FIELDS)
        unknown = set(changes) - allowed
        if unknown:
            raise StoreError(
                f"Cannot change {', '.join(sorted(unknown))}; only {', '.join(sorted(allowed))}."
            )
        current = self.get(speech_id)
        corrected = replace(current, **changes)  # type: ignore[arg-type]  # validated by Speech

        def work(conn: Connection) -> None:
            values = {k: v for k, v in _to_row(corrected).items() if k in allowed}
            values["country_code"] = corrected.country_code  # follows the country
            conn.execute(update(speeches).where(speeches.c.speech_id == speech_id).values(**values))

        self._write(work)
        return corrected

    def get(self, speech_id: str) -> Speech:
        """Return one speech by id, or raise `SpeechNotFoundError`."""
        with self._read() as conn:
            row = conn.execute(
                select(*_SPEECH_COLUMNS).where(speeches.c.speech_id == speech_id)
            ).first()
        if row is None:
            raise SpeechNotFoundError(speech_id)
        return _from_row(row._mapping)

    def remove(self, speech_id: str) -> None:
        """Remove one speech, or raise `SpeechNotFoundError`."""
        if not self.remove_many([speech_id]):
            raise SpeechNotFoundError(speech_id)

    def remove_many(self, speech_ids: Iterable[str]) -> int:
        """Remove several speeches in one transaction (all or none); return how many were removed.

        Ids that are not stored are passed over.
        """
        ids = sorted(set(speech_ids))
        if not ids:
            return 0

        def work(conn: Connection) -> int:
            removed = 0
            for start in range(0, len(ids), 500):  # within every database's parameter limit
                chunk = ids[start : start + 500]
                removed += conn.execute(
                    delete(speeches).where(speeches.c.speech_id.in_(chunk))
                ).rowcount
            return removed

        return self._write(work, changed=lambda removed: removed > 0)

    def count(self, flt: SpeechFilter = SpeechFilter()) -> int:
        """Return the number of speeches the filter selects."""
        query = self._filtered(select(func.count()).select_from(speeches), flt)
        with self._read() as conn:
            return int(conn.execute(query).scalar_one())

    def find(self, flt: SpeechFilter = SpeechFilter()) -> tuple[Speech, ...]:
        """Return the speeches the filter selects, by date then id, with their text."""
        query = self._filtered(select(*_SPEECH_COLUMNS), flt).order_by(
            speeches.c.delivered_on, speeches.c.speech_id
        )
        with self._read() as conn:
            return tuple(_from_row(row._mapping) for row in conn.execute(query))

    def catalogue(self, flt: SpeechFilter = SpeechFilter()) -> pd.DataFrame:
        """Return the metadata of the selected speeches (no text), one row each, by date then id.

        Returns:
            A frame with columns speech_id, title, speaker (as shown: tidied, variants merged;
            `corpus.metadata.speakers`), speaker_as_written, role, country, country_code (ISO 3166
            alpha-3, "" when the country is not known), place, date (datetime64),
            date_iso, date_precision, n_words, source, category, posted_by, language, added_at
            (when the speech was stored, UTC).
        """
        query = self._catalogue_query(flt)
        with self._read() as conn:
            rows = conn.execute(query).all()
            names = self._speaker_names(conn)
        return self._catalogue_frame(query, rows, names)

    def versioned_catalogue(self) -> tuple[int, pd.DataFrame]:
        """Return the corpus version and the whole `catalogue`, both read from one snapshot."""
        query = self._catalogue_query(SpeechFilter())
        with self._read() as conn:
            if self.dialect == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                version = int(self._meta(conn, "corpus_version") or 0)
                rows = conn.execute(query).all()
                names = self._speaker_names(conn)
        return version, self._catalogue_frame(query, rows, names)

    @staticmethod
    def _catalogue_frame(
        query: Select, rows: Sequence[Row], speakers: SpeakerNames
    ) -> pd.DataFrame:  # type: ignore[type-arg]
        names = [c.name for c in query.selected_columns]
        frame = pd.DataFrame(
            dict(zip(names, zip(*rows, strict=True), strict=True)) if rows else {},
            columns=names,
        )
        # speakers as shown: tidied, variants merged; the stored name beside it
        written = frame["speaker"].tolist()
        shown = speakers.shown_all(written)
        frame["speaker_as_written"] = pd.Series(written, index=frame.index, dtype=object)
        frame["speaker"] = pd.Series(
            [shown[name] for name in written], index=frame.index, dtype=object
        )
        frame = frame.rename(columns={"delivered_on": "date"})
        frame["date"] = pd.to_datetime(frame["date"])
        frame["added_at"] = pd.to_datetime(frame["added_at"], utc=True)
        frame["date_iso"] = _iso_dates(frame["date"], frame["date_precision"])
        return frame[_CATALOGUE_COLUMNS].reset_index(drop=True)

    def _catalogue_query(self, flt: SpeechFilter) -> Select:  # type: ignore[type-arg]
        """The query of `catalogue`: on SQLite the index `speeches_catalogue` answers it alone."""
        columns = [c for c in _SPEECH_COLUMNS if c.name != "text"] + [speeches.c.added_at]
        return self._filtered(select(*columns), flt).order_by(
            speeches.c.delivered_on, speeches.c.speech_id
        )

    def speech_ids(self, flt: SpeechFilter = SpeechFilter()) -> list[str]:
        """Return the ids of the selected speeches, by date then id (a quick query: no metadata)."""
        query = self._filtered(select(speeches.c.speech_id), flt).order_by(
            speeches.c.delivered_on, speeches.c.speech_id
        )
        with self._read() as conn:
            return [str(v) for v in conn.execute(query).scalars().all()]

    def texts(self, flt: SpeechFilter = SpeechFilter()) -> pd.Series:
        """Return the text of the selected speeches indexed by speech_id, by date then id."""
        query = self._filtered(select(speeches.c.speech_id, speeches.c.text), flt).order_by(
            speeches.c.delivered_on, speeches.c.speech_id
        )
        with self._read() as conn:
            rows = conn.execute(query).all()
        return pd.Series(
            [r[1] for r in rows],
            index=pd.Index([r[0] for r in rows], name="speech_id"),
            name="text",
            dtype=object,
        )

    def languages(self) -> dict[str, str]:
        """Return every speech's language code by speech_id (a quick query of two columns)."""
        with self._read() as conn:
            rows = conn.execute(select(speeches.c.speech_id, speeches.c.language)).all()
        return {str(r[0]): str(r[1]) for r in rows}

    def speakers(self) -> list[str]:
        """Return the distinct speakers as stored, sorted."""
        return self._distinct(speeches.c.speaker)

    # -- speakers as shown, and their merges --------------------------------------------------

    @staticmethod
    def _speaker_names(conn: Connection) -> SpeakerNames:
        rows = conn.execute(
            select(annotation_table.c.key, annotation_table.c.value).where(
                annotation_table.c.kind == MERGE_KIND
            )
        ).all()
        return SpeakerNames.from_annotations({str(k): json.loads(v) for k, v in rows})

    def speaker_names(self) -> SpeakerNames:
        """Return how stored speakers are shown: tidied, with the user's merges."""
        with self._read() as conn:
            return self._speaker_names(conn)

    def _stored_speakers(self, wanted: Iterable[str]) -> list[str]:
        """The stored speakers shown as any of `wanted` (and `wanted` as written)."""
        with self._read() as conn:
            names = self._speaker_names(conn)
            stored = conn.execute(select(speeches.c.speaker).distinct()).scalars().all()
        return sorted(names.stored_for(wanted, (str(v) for v in stored)))

    def merge_speakers(self, speaker: str, variants: Iterable[str]) -> SpeakerMerge:
        """Show the speeches of every variant under one speaker, from now on (stored in the
        database, for every page and command); the stored speakers are not changed.

        Args:
            speaker: the name to show, as the user writes it (tidied: "Mr. LAVROV" -> "Lavrov").
            variants: other names of the same person, as stored or as shown.

        Returns:
            The name shown and the variants merged into it.
        """
        shown = tidy_speaker(speaker)
        own = speaker_key(shown)
        merged = sorted({tidy_speaker(v) for v in variants if v.strip()} - {shown})
        merged = [v for v in merged if speaker_key(v) != own]
        if not shown or not merged:
            raise StoreError(
                "Name the speaker to keep and at least one other name of the same person, as in "
                'speakers --merge "Sergey Lavrov" "Sergei Lavrov".'
            )
        keys = {speaker_key(v) for v in merged}

        def work(conn: Connection) -> None:
            writes = Writes(self, conn)
            writes.delete_annotation(MERGE_KIND, own)  # the speaker kept is no one's variant
            for key, value in writes.annotations(MERGE_KIND).items():
                if speaker_key(str(value.get("speaker", ""))) in keys | {own}:
                    writes.put_annotation(MERGE_KIND, key, {**value, "speaker": shown})
            for variant in merged:
                note: dict[str, object] = {"speaker": shown, "variant": variant}
                writes.put_annotation(MERGE_KIND, speaker_key(variant), note)

        self._write(work)
        return SpeakerMerge(shown, tuple(merged))

    def speaker_merges(self) -> list[tuple[str, str]]:
        """Return each merged name (as the user gave it) with the speaker it is shown as."""
        notes = self.annotations(MERGE_KIND)
        return sorted(
            (str(note.get("variant") or key), str(note.get("speaker", "")))
            for key, note in notes.items()
        )

    def unmerge_speakers(self, variants: Iterable[str]) -> list[str]:
        """Show these names as themselves again; return those that were merged."""
        keys = {speaker_key(v) for v in variants}

        def work(conn: Connection) -> list[str]:
            writes = Writes(self, conn)
            found = [key for key in writes.annotations(MERGE_KIND) if key in keys]
            for key in found:
                writes.delete_annotation(MERGE_KIND, key)
            return found

        return self._write(work, changed=bool)

    def places(self) -> list[str]:
        """Return the distinct places, sorted."""
        return self._distinct(speeches.c.place)

    def countries(self) -> list[str]:
        """Return the distinct countries, sorted."""
        return self._distinct(speeches.c.country)

    def _distinct(self, column) -> list[str]:  # type: ignore[no-untyped-def]
        with self._read() as conn:
            values = conn.execute(select(column).distinct().where(column != "")).scalars().all()
        return sorted(str(v) for v in values)

    def date_range(self) -> tuple[datetime, datetime] | None:
        """Return the first and last delivery dates, or None for an empty corpus."""
        with self._read() as conn:
            row = conn.execute(
                select(func.min(speeches.c.delivered_on), func.max(speeches.c.delivered_on))
            ).first()
        if row is None or row[0] is None:
            return None
        return pd.Timestamp(row[0]).to_pydatetime(), pd.Timestamp(row[1]).to_pydatetime()

    def _filtered(self, query: Select, flt: SpeechFilter) -> Select:  # type: ignore[type-arg]
        if flt.speakers:
            # a speaker as shown selects every stored spelling of that person
            query = query.where(speeches.c.speaker.in_(self._stored_speakers(flt.speakers)))
        if flt.places:
            query = query.where(speeches.c.place.in_(sorted(flt.places)))
        if flt.countries:
            query = query.where(_country_condition(flt.countries))
        if flt.speech_ids:
            query = query.where(speeches.c.speech_id.in_(sorted(flt.speech_ids)))
        if flt.start is not None:
            query = query.where(speeches.c.delivered_on >= flt.start)
        if flt.end is not None:
            query = query.where(speeches.c.delivered_on <= flt.end)
        if flt.contains:
            match = self._match_ids(flt.contains)
            if match is not None:
                query = query.where(speeches.c.speech_id.in_(match))
        return query

    # -- full-text search -------------------------------------------------------------------

    def _match_ids(self, query_text: str) -> Select | None:  # type: ignore[type-arg]
        terms = _search_terms(query_text)
        if not terms:
            return None
        if self.dialect == "postgresql":
            condition = text("search_vector @@ websearch_to_tsquery('english', :q)").bindparams(
                q=query_text
            )
        else:
            condition = text(
                "speeches.rowid IN (SELECT rowid FROM speeches_fts WHERE speeches_fts MATCH :q)"
            ).bindparams(q=_fts5_query(terms))
        return select(speeches.c.speech_id).where(condition)

    def search(self, query_text: str, *, limit: int = 50) -> list[SearchHit]:
        """Find speeches by words or "quoted phrases"; every word must occur. Best matches first."""
        terms = _search_terms(query_text)
        if not terms:
            return []
        if self.dialect == "postgresql":
            sql = text(
                """SELECT speech_id, title, speaker, delivered_on, date_precision,
                          ts_headline('english', left(text, 200000), q,
                                      'StartSel=«, StopSel=», MaxWords=24, MinWords=8') AS snippet,
                          ts_rank(search_vector, q) AS rank
                   FROM speeches, websearch_to_tsquery('english', :q) q
                   WHERE search_vector @@ q ORDER BY rank DESC, delivered_on LIMIT :limit"""
            )
            params: dict[str, object] = {"q": query_text, "limit": limit}
        else:
            sql = text(
                """SELECT s.speech_id, s.title, s.speaker, s.delivered_on, s.date_precision,
                          snippet(speeches_fts, 1, '«', '»', '…', 16) AS snippet,
                          -bm25(speeches_fts) AS rank
                   FROM speeches_fts JOIN speeches s ON s.rowid = speeches_fts.rowid
                   WHERE speeches_fts MATCH :q ORDER BY bm25(speeches_fts), s.delivered_on LIMIT :limit"""
            )
            params = {"q": _fts5_query(terms), "limit": limit}
        with self._read() as conn:
            rows = conn.execute(sql, params).all()
        return [
            SearchHit(
                speech_id=r.speech_id,
                title=r.title,
                speaker=r.speaker,
                date_iso=SpeechDate(_as_date(r.delivered_on), r.date_precision).iso(),
                snippet=" ".join(str(r.snippet).split()),
                rank=float(r.rank),
            )
            for r in rows
        ]

    # -- several changes as one -------------------------------------------------------------

    def transaction(self, work: Callable[[Writes], T], *, lock: str | None = None) -> T:
        """Run `work` with one write transaction: its reads see the database as the transaction
        does, and its writes land together or not at all (one corpus version for all of them).

        Args:
            lock: a name; on PostgreSQL the transaction first takes an advisory lock of that
                name, so that work of the same name from other processes and servers waits its
                turn (SQLite's write transaction already admits one writer at a time).
        """

        def run(conn: Connection) -> T:
            if lock is not None and self.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": lock})
            return work(Writes(self, conn))

        return self._write(run)

    # -- annotations and artifacts ----------------------------------------------------------

    def put_annotation(self, kind: str, key: str, value: dict[str, object]) -> None:
        """Store a user's annotation (a theme label, a figure correction...), replacing any earlier one."""
        self._write(lambda conn: Writes(self, conn).put_annotation(kind, key, value))

    def annotations(self, kind: str) -> dict[str, dict[str, object]]:
        """Return every annotation of one kind, by key."""
        with self._read() as conn:
            rows = conn.execute(
                select(annotation_table.c.key, annotation_table.c.value)
                .where(annotation_table.c.kind == kind)
                .order_by(annotation_table.c.key)
            ).all()
        return {str(k): json.loads(v) for k, v in rows}

    def annotation_kinds(self) -> list[str]:
        """Return the kinds of annotation stored, sorted."""
        with self._read() as conn:
            return sorted(conn.execute(select(annotation_table.c.kind).distinct()).scalars().all())

    def artifact_names(self) -> list[str]:
        """Return the names of the stored artifacts, sorted."""
        with self._read() as conn:
            return sorted(conn.execute(select(artifacts.c.name)).scalars().all())

    def delete_annotation(self, kind: str, key: str) -> None:
        """Remove one annotation (no error when there is none)."""
        self._write(lambda conn: Writes(self, conn).delete_annotation(kind, key))

    def put_artifact(self, name: str, payload: bytes, *, changes_results: bool = False) -> None:
        """Store a computed artifact (a fitted model, a cache) shared by every server on this database.

        Args:
            name: the artifact's name.
            payload: its bytes.
            changes_results: True when the artifact changes what users see (a refitted theme
                model), so that the corpus version grows and every server redraws; caches of
                derived values leave it False.
        """
        if self.read_only and not changes_results:
            return  # a cache of derived values: kept in the caller's memory only

        def work(conn: Connection) -> bool:
            Writes(self, conn).put_artifact(name, payload)
            return changes_results

        self._write(work, changed=bool)

    def get_artifact(self, name: str) -> bytes | None:
        """Return a stored artifact, or None."""
        with self._read() as conn:
            value = conn.execute(
                select(artifacts.c.payload).where(artifacts.c.name == name)
            ).scalar()
        return None if value is None else bytes(value)

    def integrity_check(self) -> str:
        """Run the database's own consistency check; return "ok" or what it found."""
        if self.dialect != "sqlite":
            return "ok"
        with self._read() as conn:
            rows = conn.exec_driver_sql("PRAGMA integrity_check").all()
        return "; ".join(str(r[0]) for r in rows)


class Writes:
    """The annotations and artifacts of a store inside one of its transactions
    (`CorpusStore.transaction`): the same methods as the store, on the transaction's connection."""

    def __init__(self, store: CorpusStore, conn: Connection) -> None:
        """Wrap the transaction's connection."""
        self._store = store
        self._conn = conn

    def get_artifact(self, name: str) -> bytes | None:
        """Return a stored artifact as this transaction sees it, or None."""
        value = self._conn.execute(
            select(artifacts.c.payload).where(artifacts.c.name == name)
        ).scalar()
        return None if value is None else bytes(value)

    def put_artifact(self, name: str, payload: bytes, *, changes_results: bool = False) -> None:
        """Store an artifact. `changes_results` is the store's argument, kept for the same
        calls: a transaction grows the corpus version once, whatever it wrote."""
        now = datetime.now(UTC)
        insert = self._store._insert(artifacts).values(name=name, payload=payload, updated_at=now)
        self._conn.execute(
            insert.on_conflict_do_update(
                index_elements=["name"], set_={"payload": payload, "updated_at": now}
            )
        )

    def delete_artifact(self, name: str) -> None:
        """Remove a stored artifact (no error when there is none)."""
        self._conn.execute(artifacts.delete().where(artifacts.c.name == name))

    def annotations(self, kind: str) -> dict[str, dict[str, object]]:
        """Return every annotation of one kind, by key, as this transaction sees them."""
        rows = self._conn.execute(
            select(annotation_table.c.key, annotation_table.c.value)
            .where(annotation_table.c.kind == kind)
            .order_by(annotation_table.c.key)
        ).all()
        return {str(k): json.loads(v) for k, v in rows}

    def put_annotation(self, kind: str, key: str, value: dict[str, object]) -> None:
        """Store a user's annotation, replacing any earlier one."""
        payload = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        now = datetime.now(UTC)
        insert = self._store._insert(annotation_table).values(
            kind=kind, key=key, value=payload, updated_at=now
        )
        self._conn.execute(
            insert.on_conflict_do_update(
                index_elements=["kind", "key"], set_={"value": payload, "updated_at": now}
            )
        )

    def delete_annotation(self, kind: str, key: str) -> None:
        """Remove one annotation (no error when there is none)."""
        self._conn.execute(
            delete(annotation_table).where(
                (annotation_table.c.kind == kind) & (annotation_table.c.key == key)
            )
        )


def with_added_rows(catalogue: pd.DataFrame, added: pd.DataFrame) -> pd.DataFrame:
    """Return a catalogue with more rows put in their places, by date then id (a new frame).

    The rows of `catalogue` keep their order; rows of `added` already in it are left out. Reading
    the few speeches an upload added and putting them in place took 17-52 ms on the UN corpus in
    PostgreSQL, where reading the whole catalogue again took 165-208 ms.
    """
    ids = catalogue["speech_id"].tolist()
    known = set(ids)  # not Series.isin: a tenth of a second on Arrow-backed strings
    added = added[[speech_id not in known for speech_id in added["speech_id"].tolist()]]
    if added.empty:
        return catalogue.copy()
    added = added.sort_values(["date", "speech_id"], kind="mergesort")
    days = catalogue["date"].to_numpy(dtype="datetime64[ns]")
    places = []
    for day, speech_id in zip(
        added["date"].to_numpy(dtype="datetime64[ns]"), added["speech_id"], strict=True
    ):
        first = int(np.searchsorted(days, day, side="left"))
        last = int(np.searchsorted(days, day, side="right"))
        places.append(bisect_left(ids, speech_id, first, last))
    order = np.insert(np.arange(len(catalogue)), places, len(catalogue) + np.arange(len(added)))
    both = pd.concat([catalogue, added], ignore_index=True)
    return both.iloc[order].reset_index(drop=True)


def _country_condition(countries: Iterable[str]):  # type: ignore[no-untyped-def]
    """Speeches of any of these countries, each given by name, short form or code: by the code
    where the name is known ("Russia", "Russian Federation" and "RUS" alike), else as written."""
    codes = {country_code(name) for name in countries} - {""}
    unknown = sorted(name for name in countries if not country_code(name))
    conditions = []
    if codes:
        conditions.append(speeches.c.country_code.in_(sorted(codes)))
    if unknown:
        conditions.append(speeches.c.country.in_(unknown))
    return or_(*conditions)


def _is_locked(err: SQLAlchemyError) -> bool:
    message = str(getattr(err, "orig", err)).lower()
    return (
        "database is locked" in message
        or "database table is locked" in message
        or "busy" in message
    )


def _as_date(value: object) -> date:
    return pd.Timestamp(value).date()  # type: ignore[arg-type]


def _iso_dates(dates: pd.Series, precisions: pd.Series) -> pd.Series:
    """Return each date as ISO text as precise as it is known (as `SpeechDate.iso`), vectorised."""
    day = dates.dt.strftime("%Y-%m-%d")
    return day.where(
        precisions == "day", day.str.slice(0, 7).where(precisions == "month", day.str.slice(0, 4))
    ).astype(object)


_INCOMING = "speeches_incoming"


def _copy_new_speeches(conn: Connection, rows: list[dict[str, object]]) -> set[str]:
    """Store new speeches on PostgreSQL through COPY; return the content hashes stored.

    The rows are copied into a temporary table of this transaction, then moved with one
    INSERT ... ON CONFLICT DO NOTHING, so that rows another writer stored meanwhile are skipped,
    as with the multi-row INSERT used elsewhere. COPY sends the texts as they are: no statement
    of thousands of parameters to build and parse for every batch.
    """
    import psycopg  # the PostgreSQL driver: imported only when a PostgreSQL store writes

    names = list(rows[0])
    columns = ", ".join(names)
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        # made afresh in each transaction, so it always has the columns of the speeches table;
        # and their compression (PostgreSQL 14+): a value moves on compressed as it is, so the
        # texts are compressed once, the way the speeches table asks
        like = "INCLUDING DEFAULTS"
        if (conn.dialect.server_version_info or (0,)) >= (14,):
            like += " INCLUDING COMPRESSION"
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {_INCOMING} (LIKE speeches {like}) ON COMMIT DROP"
        )
        cursor.execute(f"TRUNCATE {_INCOMING}")
        with cursor.copy(f"COPY {_INCOMING} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[name] for name in names])
        cursor.execute(
            f"INSERT INTO speeches ({columns}) SELECT {columns} FROM {_INCOMING} "
            "ON CONFLICT DO NOTHING RETURNING content_hash"
        )
        stored = {str(found[0]) for found in cursor.fetchall()}
    except psycopg.DataError as err:
        # a value PostgreSQL cannot hold (a NUL character, a value out of range): the row is at
        # fault, not the database; the caller stores the batch's other speeches one by one
        raise RefusedRowError(
            "The database cannot hold this speech as it is (a value too long or out of range "
            "for it, or a character it refuses); split the text into smaller speeches or "
            "shorten it."
        ) from err
    finally:
        cursor.close()
    return stored


def _to_row(speech: Speech) -> dict[str, object]:
    # the speeches table has one column per field of Speech
    return {f.name: getattr(speech, f.name) for f in fields(Speech)}


def _from_row(row) -> Speech:  # type: ignore[no-untyped-def]
    # the country code is derived from the country by `Speech` itself
    return Speech(**{key: row[key] for key in row.keys() if key != "country_code"})


_TERM = re.compile(r'"([^"]+)"|(\S+)')


def _search_terms(query_text: str) -> list[str]:
    terms: list[str] = []
    for phrase, word in _TERM.findall(query_text):
        cleaned = " ".join(re.findall(r"\w+", phrase or word))
        if cleaned:
            terms.append(cleaned)
    return terms


def _fts5_query(terms: list[str]) -> str:
    # every term as a quoted phrase: user text can never be read as FTS5 syntax
    return " AND ".join('"' + term.replace('"', "") + '"' for term in terms)
