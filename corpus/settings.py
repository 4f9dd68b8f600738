"""Settings of a deployment, read from an environment mapping that the caller passes in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from corpus.store import database_url

DB_VARIABLE = "SPEECHTRACK_DB"


def default_database_path(environ: Mapping[str, str]) -> Path:
    """Return the default SQLite file: $XDG_DATA_HOME/speechtrack/corpus.sqlite (or ~/.local/share)."""
    base = environ.get("XDG_DATA_HOME") or str(
        Path(environ.get("HOME") or Path.home()) / ".local" / "share"
    )
    return Path(base) / "speechtrack" / "corpus.sqlite"


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Where the corpus lives and what users may do.

    Attributes:
        database_url: the SQLAlchemy URL of the corpus (SQLite file by default).
        editor_password_hash: when set, uploads and edits in the dashboard ask for the editor password.
    """

    database_url: str
    editor_password_hash: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str], *, db: str | None = None) -> Settings:
        """Read settings from an environment mapping; an explicit `db` wins over SPEECHTRACK_DB."""
        value = db or environ.get(DB_VARIABLE) or str(default_database_path(environ))
        return cls(
            database_url=database_url(value),
            editor_password_hash=environ.get("SPEECHTRACK_EDITOR_PASSWORD_HASH", ""),
        )
