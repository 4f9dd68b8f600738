"""The example corpus in the dashboard: offered on a first run, marked while loaded, removable."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from corpus.example import EXAMPLE_DESCRIPTION, is_example, load_example, remove_example
from dashboard import cache, editing, session
from dashboard.controls import reported_errors


def n_example_speeches(catalogue: pd.DataFrame) -> int:
    """How many of these speeches belong to the example corpus."""
    return int(is_example(catalogue).sum())


def offer_example(*, key: str) -> None:
    """Offer to load the example corpus (to editors; others are told what it would show)."""
    st.markdown(
        f"**Try the example corpus.** {EXAMPLE_DESCRIPTION}: themes over time, comparisons "
        "between countries and decades, and figures followed across speeches at once. Its "
        "speeches are marked as examples (their source starts with \u201cExample corpus\u201d) and "
        "are removed in one step."
    )
    if not editing.is_editor():
        st.caption("An editor can load it here, or with `speechtrack add-example`.")
        return
    if st.button("Load the example corpus", type="primary", key=key, icon=":material/download:"):
        with st.spinner("Adding 360 example speeches..."), reported_errors():
            reports = load_example(cache.get_store())
        added = sum(r.status == "added" for r in reports)
        session.set_notice(f"Added {added} example speeches.")
        session.mark_corpus_changed()
        st.rerun()


def example_notice(n_examples: int, *, key: str) -> None:
    """Say that the example corpus is loaded, with the button that removes it (for editors)."""
    text, button = st.columns([3, 1], vertical_alignment="center")
    text.info(
        f"{n_examples} of these speeches are the example corpus (their source starts with "
        "\u201cExample corpus\u201d).",
        icon=":material/school:",
    )
    if editing.is_editor() and button.button(
        "Remove the example speeches", key=key, icon=":material/delete:"
    ):
        with st.spinner("Removing the example speeches..."), reported_errors():
            removed = remove_example(cache.get_store())
        session.set_notice(f"Removed {removed} example speeches.")
        st.rerun()
