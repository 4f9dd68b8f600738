"""Reusable inputs and outputs of pages: the shared filters, speech pickers, tables, error handling.

The shared filters live in the sidebar, are drawn by the entry script on every page, and are bound to
the URL (`bind="query-params"`), so that a view can be shared by its link and survives page switches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Literal

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from corpus.errors import CorpusError
from corpus.metadata.countries import country_code
from corpus.records import SpeechFilter
from dashboard import cache, editing, session
from dashboard.downloads import csv_button
from dashboard.literal import literal
from models.errors import ModelError

PLOTLY_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "scale": 2},
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
}


@contextmanager
def reported_errors() -> Iterator[None]:
    """Show a corpus or model error as a message and stop the page; anything else is a bug."""
    try:
        yield
    except (CorpusError, ModelError) as err:
        st.error(literal(str(err)), icon=":material/error:")
        st.stop()


def shared_filters() -> SpeechFilter:
    """Draw the sidebar filters (speaker, country, place, date range, text); return the filter.

    The values are kept in the URL: ?speaker=...&country=...&place=...&from=YYYY-MM-DD&to=...&q=...
    A country is one entry whatever its spellings, and a link may name it any way: ?country=RUS.
    A corpus of one speech has nothing to filter: the sidebar says when the filters appear.
    """
    if cache.corpus_size() < 2:
        # nothing to narrow down yet; the widgets would only slow the very first page
        with st.sidebar:
            st.subheader("Filters")
            st.caption(
                "Filters by speaker, country, place, dates and text appear here once the corpus holds "
                "two speeches or more."
            )
        flt = SpeechFilter()
        session.set_current_filter(flt)
        return flt
    options = cache.choices()
    span = cache.date_range()
    with st.sidebar:
        st.subheader("Filters")
        speakers = st.multiselect(
            "Speakers",
            options["speaker"],
            key="speaker",
            bind="query-params",
            placeholder="All speakers",
        )
        countries = st.multiselect(
            "Countries",
            _with_linked(options["country"], "country"),
            key="country",
            bind="query-params",
            placeholder="All countries",
            help="Each country once, however its speeches spell it (Russia, Russian Federation, "
            "RUS); former states such as the Soviet Union are their own entry.",
        )
        places = st.multiselect(
            "Places", options["place"], key="place", bind="query-params", placeholder="All places"
        )
        low, high = span if span else (date(1900, 1, 1), date.today())
        start = st.date_input(
            "From", value=None, min_value=low, max_value=high, key="from", bind="query-params"
        )
        end = st.date_input(
            "To", value=None, min_value=low, max_value=high, key="to", bind="query-params"
        )
        contains = st.text_input(
            "Text contains",
            key="q",
            bind="query-params",
            placeholder='words or "a phrase"',
            help="Every word must occur in the speech; quote a phrase to find it as written.",
        )
    flt = SpeechFilter(
        speakers=frozenset(speakers),
        places=frozenset(places),
        countries=frozenset(countries),
        start=start if isinstance(start, date) else None,
        end=end if isinstance(end, date) else None,
        contains=contains.strip() or None,
    )
    session.set_current_filter(flt)
    return flt


def _with_linked(options: Sequence[str], key: str) -> list[str]:
    """The options of a filter, with the country a link names its own way (?country=RUS) when
    it is one of them under another name: shown as it is one of the options."""
    linked = session.url_values(key)
    if not linked:
        return list(options)
    known = {country_code(option) or option for option in options}
    extra = [v for v in linked if v not in options and (country_code(v) or v) in known]
    return [*options, *extra]


def speech_picker(
    flt: SpeechFilter,
    *,
    key: str,
    label: str = "Speech",
    limit: int = cache.MAX_PICKER_OPTIONS,
    leave_out: str | None = None,
) -> str | None:
    """Draw a select box of the selected speeches (newest first); return the chosen id.

    The choice is kept in the URL under `key` as the speech id (?speech=3f2a...), so that a link
    opens that speech. Only the `limit` newest speeches are offered (plus the one chosen), so a
    picker over a large corpus stays quick; the filters narrow it down. `leave_out` is a speech
    not to offer (the other side of a comparison).
    """
    choices = cache.speech_choices(flt, limit)
    ids = [i for i in choices.newest if i != leave_out][:limit]
    if not ids:
        return None
    # Streamlit's own URL binding would write the label, not the id, and ignore a link's id: the
    # id in the URL is applied when it changed since this session last saw it (a link was
    # followed), and the choice is written back after the widget
    seen = _chosen_key(key)
    linked = session.url_value(key)
    if linked != session.value(seen) and linked in choices.ids and linked != leave_out:
        session.set_value(key, linked)
    current = session.value(key)
    if current is None:
        # a picker drawn anew (Streamlit forgets a widget's value once its page is left): the
        # speech this session last chose in it, so that coming back shows the same speeches
        current = session.value(seen)
    if current in choices.ids and current != leave_out and current not in ids:
        ids.append(str(current))
    if current in ids:
        session.set_value(key, current)
    else:
        last = session.last_speech()
        session.set_value(key, last if last in ids else ids[0])
    chosen = st.selectbox(label, ids, format_func=choices.label, key=key)
    if chosen is not None:
        session.set_url_value(key, str(chosen))
        session.set_value(seen, str(chosen))
    offered = len(choices.ids) - (leave_out in choices.ids)
    if offered > limit:
        st.caption(
            f"The list offers the {limit:,} newest of {offered:,} speeches; "
            "narrow it with the filters in the sidebar."
        )
    return str(chosen) if chosen is not None else None


def _chosen_key(picker: str) -> str:
    return f"{picker}__url"


def chosen_speech(picker: str) -> str | None:
    """Return the speech this session last chose in a `speech_picker` (by its key), which the
    picker shows again when its page is opened anew."""
    chosen = session.value(_chosen_key(picker))
    return chosen if isinstance(chosen, str) else None


def show_table(
    frame: pd.DataFrame,
    *,
    key: str,
    file_name: str,
    caption: str = "",
    column_config: dict | None = None,
    column_order: list[str] | None = None,
    height: int | Literal["auto", "stretch", "content"] = "auto",
) -> None:
    """Draw a table (never as Markdown or HTML) with its CSV download (all columns) under it."""
    if caption:
        st.caption(caption)
    config = {
        name: st.column_config.DateColumn(name, format="YYYY-MM-DD")
        for name in frame.columns
        if pd.api.types.is_datetime64_any_dtype(frame[name])
    }
    config.update(column_config or {})
    st.dataframe(
        frame,
        hide_index=True,
        column_config=config,
        column_order=column_order,
        height=height,
        key=f"{key}_table",
    )
    csv_button(frame, file_name=file_name, key=f"{key}_csv")


def show_chart(chart: go.Figure, *, key: str) -> None:
    """Draw a chart across the page with the toolbar's PNG export."""
    st.plotly_chart(chart, key=key, config=PLOTLY_CONFIG, width="stretch")


def refresh_when_ready(ready: Callable[[], bool], *, every: float = 5.0) -> None:
    """Rerun the page once `ready()` turns true (a background job finished); check every few s."""

    @st.fragment(run_every=every)
    def _poll() -> None:
        try:
            finished = ready()
        except (CorpusError, ModelError):
            finished = True  # the page's own run says what went wrong
        if finished:
            st.rerun()

    _poll()


def heading(text: str, *, user_text: str = "") -> None:
    """Draw a page header; any part that comes from users is made literal."""
    st.header(text + (f": {literal(user_text)}" if user_text else ""))


def waiting_for(feature: str, *, what: str) -> None:
    """Say plainly that a part of the page is not available yet, and what will appear there."""
    st.info(f"{feature} will appear here: {what}", icon=":material/hourglass_empty:")


def editing_notice() -> None:
    """Say in the sidebar, on every page, who may edit this corpus when no password guards it."""
    mode = editing.editing_mode()
    if mode == "local":
        st.sidebar.caption(
            ":material/lock_open: No editor password is set: anyone at this machine can upload, "
            "relabel, refit and correct. The dashboard listens on this machine only."
        )
    elif mode == "open":
        st.sidebar.warning(
            "No editor password is set and this server is open to other machines: anyone who "
            "can open it can upload, relabel, refit and correct.",
            icon=":material/lock_open:",
        )
    elif mode == "read_only":
        st.sidebar.caption(
            ":material/lock: A viewer server: the corpus is read through a read-only database "
            "connection."
        )
    elif mode == "off":
        st.sidebar.warning(
            "Read-only: this server is open to other machines and no editor password is set, "
            "so editing is off.",
            icon=":material/lock:",
        )


def editor_gate(action: str, *, key: str) -> bool:
    """Return True when the session may edit; otherwise ask for the editor password.

    Viewers of a deployment shared read-only can read and download everything; `action` names
    what the password unlocks ("upload speeches", "correct the metadata").
    """
    if editing.editing_mode() == "read_only":
        st.info(
            f"This server reads the corpus through a read-only database connection, so you "
            f"cannot {action} here; uploads and edits are made on an editor server of the same "
            "database and show here at once.",
            icon=":material/lock:",
        )
        return False
    if editing.editing_mode() == "off":
        st.warning(
            f"Editing is off, so you cannot {action}: this server accepts connections from other "
            "machines and no editor password is set. The operator sets one with "
            "SPEECHTRACK_EDITOR_PASSWORD_HASH (from `speechtrack hash-password`), or lets "
            "everyone edit with SPEECHTRACK_OPEN_EDITING=1.",
            icon=":material/lock:",
        )
        return False
    if editing.is_editor():
        return True
    st.info(
        f"This corpus is shared read-only. Enter the editor password to {action}.",
        icon=":material/lock:",
    )
    with st.form(key=f"{key}_unlock", clear_on_submit=True):
        password = st.text_input("Editor password", type="password", key=f"{key}_password")
        if st.form_submit_button("Unlock editing"):
            wait = editing.password_wait()
            if wait > 0:
                st.error(
                    f"Too many wrong passwords: try again in {wait:.0f} seconds.",
                    icon=":material/timer:",
                )
                return False
            with reported_errors():
                if editing.unlock_editing(password):
                    st.rerun()
                st.error("That is not the editor password.")
    return False
