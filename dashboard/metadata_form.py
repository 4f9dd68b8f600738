"""The form that corrects the metadata of a stored speech (never its text)."""

from __future__ import annotations

import streamlit as st

from corpus.records import DATE_PRECISIONS, PEOPLE_AND_PLACE_FIELDS, Speech
from dashboard import cache, session
from dashboard.controls import reported_errors

_TEXT_FIELDS = PEOPLE_AND_PLACE_FIELDS


def metadata_form(speech: Speech, *, key: str) -> None:
    """Draw the correction form of one speech; on submit, store the changes and rerun."""
    with st.form(key=f"{key}_{speech.speech_id}", border=False):
        values = {
            name: st.text_input(name.capitalize(), value=getattr(speech, name), key=f"{key}_{name}")
            for name in _TEXT_FIELDS
        }
        left, right = st.columns(2)
        delivered_on = left.date_input(
            "Date",
            value=speech.delivered_on,
            min_value=None,
            key=f"{key}_date",
            format="YYYY-MM-DD",
        )
        precision = right.selectbox(
            "Known to the",
            DATE_PRECISIONS,
            index=DATE_PRECISIONS.index(speech.date_precision),
            key=f"{key}_precision",
        )
        submitted = st.form_submit_button("Save corrections", type="primary")
    if not submitted:
        return
    changes: dict[str, object] = {
        name: value.strip()
        for name, value in values.items()
        if value.strip() != getattr(speech, name)
    }
    if delivered_on != speech.delivered_on:
        changes["delivered_on"] = delivered_on
    if precision != speech.date_precision:
        changes["date_precision"] = precision
    if not changes:
        st.info("Nothing changed.")
        return
    if "title" in changes and not changes["title"]:
        st.error("The title cannot be empty; type a title and save again.")
        return
    with reported_errors():
        cache.get_store().update_metadata(speech.speech_id, **changes)
    session.set_notice(f"Saved: {', '.join(sorted(changes))}.")
    st.rerun()
