"""Fixtures shared by every test: real stores on SQLite files and, when a server is given, PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from corpus.records import Speech, speech_id_for
from corpus.store import CorpusStore

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SPEECHTRACK_SHARED", ROOT.parent / "shared"))
CORPORA = SHARED / "corpora"
PG_URL = os.environ.get("SPEECHTRACK_TEST_PG_URL", "")


def need_corpora(*parts: str) -> Path:
    """Return a path under ../shared/corpora, or skip the test when it is absent."""
    path = CORPORA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs the real corpora at {path} (../shared/corpora beside the checkout)")
    return path


def make_speech(text: str, **fields: object) -> Speech:
    """Build a speech for tests; fields default to a plain dated speech."""
    values: dict[str, object] = {
        "title": "A speech",
        "speaker": "Test Speaker",
        "delivered_on": date(2020, 1, 1),
    }
    values.update(fields)
    return Speech(speech_id=speech_id_for(text), text=text, **values)  # type: ignore[arg-type]


def _fresh_pg_url() -> Iterator[str]:
    yield from fresh_pg_database(PG_URL)


def fresh_pg_database(server_url: str, *, prefix: str = "speechtrack_test") -> Iterator[str]:
    """Yield the URL of a new database on the PostgreSQL server at `server_url`; drop it after."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(server_url)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(
                not PG_URL,
                reason="no PostgreSQL server: set SPEECHTRACK_TEST_PG_URL (run.sh test does)",
            ),
        ],
    ),
]


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'corpus.sqlite'}"
    else:
        yield from _fresh_pg_url()


@pytest.fixture
def empty_store(store_url: str) -> Iterator[CorpusStore]:
    """A store on each backend without the seed speech."""
    store = CorpusStore(store_url, seed=False)
    yield store
    store.dispose()


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    """The path of a new SQLite database file."""
    return tmp_path / "corpus.sqlite"
