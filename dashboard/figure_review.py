"""The review tools of the Figures page: confirm, rename, merge, split, correct, dismiss."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import cache, session
from dashboard.controls import reported_errors
from models.figures.extract import QUALIFIERS
from models.figures.store import (
    confirm_series,
    correct_quantity,
    dismiss_quantity,
    merge_series,
    rename_series,
    split_series,
)

MAX_FIGURES = 500


def _done(message: str) -> None:
    session.set_notice(message)
    st.rerun()


def _figure_name(table: pd.DataFrame) -> dict[str, str]:
    return {
        # the table's date and figure read as people read them ("2018", "dozens (24 or more)")
        row.key: f"{row.date} · {row.qualifier} {row.figure} · {row.counted}"
        for row in table.itertuples(index=False)
    }


def review_tools(table: pd.DataFrame, summary: pd.DataFrame) -> None:
    """Draw the tools; each stores the user's decision and reruns the page."""
    store = cache.get_store()
    series = dict(zip(summary["series"], summary["series_name"], strict=True))
    figures = _figure_name(table.head(MAX_FIGURES))
    if len(table) > MAX_FIGURES:
        st.caption(
            f"The tools offer the first {MAX_FIGURES} of {len(table):,} figures; narrow the table "
            "with the qualifier, organisation and unit filters, or the sidebar."
        )
    tabs = st.tabs(["Confirm / rename", "Merge", "Split", "Correct", "Dismiss"])
    with tabs[0]:
        if not series:
            st.caption("No series yet.")
        else:
            chosen = st.selectbox(
                "Series", list(series), format_func=series.__getitem__, key="review_series"
            )
            new_name = st.text_input("Name", value=series.get(chosen, ""), key="review_name")
            left, right = st.columns(2)
            if left.button("Confirm this series", key="review_confirm"):
                with reported_errors():
                    confirm_series(store, chosen)
                _done("Series confirmed.")
            if right.button("Rename", key="review_rename"):
                with reported_errors():
                    rename_series(store, chosen, new_name)
                _done("Series renamed.")
    with tabs[1]:
        if len(series) < 2:
            st.caption("Merging needs at least two series.")
        else:
            into = st.selectbox(
                "Keep", list(series), format_func=series.__getitem__, key="review_into"
            )
            others = [s for s in series if s != into]
            merged = st.multiselect(
                "Merge into it", others, format_func=series.__getitem__, key="review_merge"
            )
            if st.button("Merge", disabled=not merged, key="review_merge_go"):
                with reported_errors():
                    merge_series(store, merged, into=into)
                _done(f"{len(merged)} series merged.")
    with tabs[2]:
        if not series:
            st.caption("No series yet.")
        else:
            source = st.selectbox(
                "Series", list(series), format_func=series.__getitem__, key="review_split_from"
            )
            members = _figure_name(table[table["series_name"] == series[source]].head(MAX_FIGURES))
            moved = st.multiselect(
                "Figures to move",
                list(members),
                format_func=members.__getitem__,
                key="review_split_keys",
            )
            name = st.text_input("Name of the new series", key="review_split_name")
            if st.button("Split", disabled=not (moved and name.strip()), key="review_split_go"):
                with reported_errors():
                    split_series(store, source, moved, name=name)
                _done("Series split.")
    with tabs[3]:
        if not figures:
            st.caption("No figures to correct.")
        else:
            key = st.selectbox(
                "Figure", list(figures), format_func=figures.__getitem__, key="review_figure"
            )
            row = table.set_index("key").loc[key]
            st.text(str(row["sentence"]))
            with st.form("review_correct_form", border=False):
                value = st.number_input("Value", value=float(row["value"]), format="%g")
                qualifier = st.selectbox(
                    "Qualifier",
                    QUALIFIERS,
                    index=QUALIFIERS.index(row["qualifier"])
                    if row["qualifier"] in QUALIFIERS
                    else 0,
                )
                counted = st.text_input("What is counted", value=str(row["counted"]))
                organisation = st.text_input("Organisation", value=str(row["organisation"]))
                if st.form_submit_button("Save the correction"):
                    with reported_errors():
                        correct_quantity(
                            store,
                            key,
                            value=value,
                            qualifier=qualifier,
                            counted=counted,
                            organisation=organisation,
                        )
                    _done("Figure corrected.")
    with tabs[4]:
        if not figures:
            st.caption("No figures to dismiss.")
        else:
            gone = st.multiselect(
                "Not figures", list(figures), format_func=figures.__getitem__, key="review_dismiss"
            )
            if st.button("Dismiss", disabled=not gone, key="review_dismiss_go"):
                with reported_errors():
                    for key in gone:
                        dismiss_quantity(store, key)
                _done(f"{len(gone)} figure(s) dismissed.")
