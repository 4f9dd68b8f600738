"""Settings of the dashboard: where the corpus lives and the limits of uploads, read from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from corpus.settings import Settings

# A table upload with more rows than this shows a progress bar while its speeches are stored.
PROGRESS_ROWS = 50
APP_TITLE = "Speech tracker"
OPEN_EDITING_VARIABLE = "SPEECHTRACK_OPEN_EDITING"


@dataclass(frozen=True, slots=True, kw_only=True)
class DashboardSettings:
    """What the dashboard needs to know about its deployment.

    Attributes:
        database_url: the SQLAlchemy URL of the corpus (SPEECHTRACK_DB; an SQLite file by default).
        editor_password_hash: when set, uploads and corrections ask for the editor password.
        open_editing: the operator's explicit word (SPEECHTRACK_OPEN_EDITING=1) that everyone
            who reaches a server listening beyond this machine may edit without a password.
    """

    database_url: str
    editor_password_hash: str = ""
    open_editing: bool = False


def load_settings(environ: Mapping[str, str] | None = None) -> DashboardSettings:
    """Read the settings from the environment (SPEECHTRACK_DB and friends)."""
    env = os.environ if environ is None else environ
    core = Settings.from_env(env)
    return DashboardSettings(
        database_url=core.database_url,
        editor_password_hash=core.editor_password_hash,
        open_editing=env.get(OPEN_EDITING_VARIABLE, "").strip().lower() in ("1", "true", "yes"),
    )
