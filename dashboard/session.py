"""What one reader's session remembers between page runs, typed, in one place.

Streamlit keeps a dictionary per browser tab (`st.session_state`); the dashboard keeps one
`Session` in it, plus the values of its widgets under their keys. Pages read and write the
session through the functions here, never through `st.session_state` itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from corpus.records import SpeechFilter

_KEY = "speechtrack_session"


@dataclass
class Session:
    """One reader's memory of the dashboard.

    Attributes:
        filter: the selection made in the sidebar, shared by every page.
        last_speech: the speech last read, which the Speech page opens on again.
        upload_items: the speeches of an upload read and waiting for the user to store them.
        upload_reports: the report of the last stored upload, shown after the page reruns.
        notice: a one-line success message shown once after the next rerun.
        corpus_changed: this session stored speeches that the derived data have not taken in.
        run_version: the corpus version read during this page run, with what it was read from
            (the store and the changes it made itself).
    """

    filter: SpeechFilter = SpeechFilter()
    last_speech: str | None = None
    upload_items: list[Any] | None = None
    upload_reports: list[Any] | None = None
    notice: str | None = None
    corpus_changed: bool = False
    run_version: tuple[tuple[str, int], int] | None = None

    def take_corpus_change(self) -> bool:
        """Return whether this session changed the corpus since the last call."""
        changed, self.corpus_changed = self.corpus_changed, False
        return changed


def session() -> Session:
    """Return this reader's session (made on the first page run)."""
    found = st.session_state.get(_KEY)
    if not isinstance(found, Session):
        found = Session()
        st.session_state[_KEY] = found
    return found


def begin_run() -> None:
    """Forget the corpus version read during the previous page run of this session."""
    session().run_version = None


def set_current_filter(flt: SpeechFilter) -> None:
    """Remember the filter of the sidebar for the page that runs next."""
    session().filter = flt


def current_filter() -> SpeechFilter:
    """Return the filter chosen in the sidebar (everything when none was chosen)."""
    return session().filter


def mark_corpus_changed() -> None:
    """Say that this session has just stored speeches (the next run's page shows them)."""
    session().corpus_changed = True


def set_last_speech(speech_id: str) -> None:
    """Remember the speech last read, so the reading view opens on it again."""
    session().last_speech = speech_id


def last_speech() -> str | None:
    """Return the speech last read in this session, if any."""
    return session().last_speech


def set_upload_items(items: list[Any] | None) -> None:
    """Keep the prepared speeches of an upload until the user stores them."""
    session().upload_items = items


def upload_items() -> list[Any] | None:
    """Return the prepared speeches waiting for confirmation, if any."""
    return session().upload_items


def set_upload_reports(reports: list[Any] | None) -> None:
    """Keep the report of the last stored upload to show it after the rerun."""
    session().upload_reports = reports


def upload_reports() -> list[Any] | None:
    """Return the report of the last stored upload, if any."""
    return session().upload_reports


def set_notice(message: str | None) -> None:
    """Keep a one-line success message to show once after the next rerun."""
    session().notice = message


def pop_notice() -> str | None:
    """Return the pending success message and forget it."""
    state = session()
    found, state.notice = state.notice, None
    return found


def value(key: str, default: object = None) -> object:
    """Return the current value of a widget by its key (for widgets drawn on another page)."""
    return st.session_state.get(key, default)


def set_value(key: str, new: object) -> None:
    """Set a widget's value before it is drawn (e.g. to pick a speech from a table)."""
    st.session_state[key] = new


def url_value(key: str) -> str | None:
    """Return a value given in the page's URL (?key=value), if any."""
    return st.query_params.get(key)


def url_values(key: str) -> list[str]:
    """Return every value a key is given in the page's URL (?key=a&key=b)."""
    return list(st.query_params.get_all(key))


def set_url_value(key: str, new: str) -> None:
    """Write a value into the page's URL (?key=value), so that a copied link keeps it."""
    if st.query_params.get(key) != new:
        st.query_params[key] = new
