"""Speech: the reading view of one speech, its figures, organisations, terms, themes and neighbours."""

import pandas as pd
import streamlit as st

from dashboard import analysis, state
from dashboard.charts import terms_bar_figure, theme_mix_figure
from dashboard.controls import (
    editor_gate,
    refresh_when_ready,
    reported_errors,
    show_figure,
    show_table,
    speech_picker,
)
from dashboard.downloads import about, workbook_button
from dashboard.literal import highlighted_html, literal
from dashboard.metadata_form import metadata_form

st.header("Speech")

with reported_errors():
    flt = state.current_filter()
    catalogue = state.catalogue(flt)
    version = state.corpus_version()

if catalogue.empty:
    st.warning("No speech matches the filters; clear a filter in the sidebar to pick a speech.")
    st.stop()

picked = speech_picker(flt, key="speech")
if picked is None:
    st.stop()
speech_id: str = picked
state.set_last_speech(speech_id)

with reported_errors():
    speech = state.speech(speech_id)
    figures = analysis.speech_figures(speech_id)
    mentions = analysis.speech_organisations(speech_id)

st.subheader(literal(speech.title) or "Untitled speech")
facts = pd.DataFrame(
    {
        "field": ["speaker", "role", "country", "place", "date", "words", "source", "id"],
        "value": [
            speech.speaker,
            speech.role,
            speech.country,
            speech.place,
            speech.date_iso,
            f"{speech.n_words:,}",
            speech.source,
            speech.speech_id,
        ],
    }
)

reading, side = st.columns([3, 2], gap="large")
with reading:
    st.caption(
        "Cited figures are marked in yellow, organisations in blue; hover over a mark for details."
    )
    with st.container(height=720 if len(speech.text) > 3000 else "content", border=True):
        st.html(highlighted_html(speech.text, analysis.marks(figures, mentions)))
with side:
    show_table(facts, key="speech_facts", file_name=f"speech-{speech_id}-metadata.csv")
    with st.expander("Correct the metadata", icon=":material/edit:"):
        if editor_gate("correct the metadata", key="speech_gate"):
            metadata_form(speech, key="speech_edit")

    st.markdown("**Cited figures**")
    if figures.empty:
        st.caption("No cited figures were found in this speech.")
    else:
        show_table(
            figures[["text", "qualifier", "value", "unit", "counted", "organisation", "sentence"]],
            key="speech_figures",
            file_name=f"figures-{speech_id}.csv",
        )

    st.markdown("**Organisations mentioned**")
    if mentions.empty:
        st.caption("No known organisation is mentioned in this speech.")
    else:
        org_counts = analysis.count_mentions(mentions)
        show_table(org_counts, key="speech_orgs", file_name=f"organisations-{speech_id}.csv")


def comparisons() -> None:
    """Distinctive terms, theme mix, nearest speeches and the page's workbook."""
    terms, themes, nearest = analysis.speech_comparisons(speech_id, flt)
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown("**Distinctive terms**")
        if terms.message:
            st.info(terms.message, icon=":material/info:")
        else:
            chart = state.memo(
                "speech_terms_chart",
                (speech_id, state.filter_key(flt)),  # drawn once the terms are counted
                lambda: terms_bar_figure(
                    terms.frame.head(15), title="Terms this speech uses far more"
                ),
            )
            show_figure(chart, key="speech_terms_chart")
            show_table(
                terms.frame, key="speech_terms", file_name=f"distinctive-terms-{speech_id}.csv"
            )
    with right:
        st.markdown("**Theme mix**")
        if themes.message:
            st.info(themes.message, icon=":material/info:")
        else:
            mix_chart = state.memo(
                "speech_mix_chart", (speech_id,), lambda: theme_mix_figure(themes.frame)
            )
            show_figure(mix_chart, key="speech_themes_chart")
            show_table(themes.frame, key="speech_themes", file_name=f"themes-{speech_id}.csv")
    st.markdown("**Nearest speeches**")
    if nearest.message:
        st.info(nearest.message, icon=":material/info:")
    else:
        show_table(nearest.frame, key="speech_nearest", file_name=f"nearest-{speech_id}.csv")
    workbook_button(
        {
            "metadata": facts,
            "figures": figures,
            "organisations": mentions,
            "distinctive terms": terms.frame,
            "theme mix": themes.frame,
            "nearest speeches": nearest.frame,
        },
        about_rows=about(page="Speech", flt=flt, version=version, extra={"Speech": speech_id}),
        file_name=f"speech-{speech_id}.xlsx",
        key="speech_workbook",
    )


comparisons()
if state.corpus_counts() is None:
    refresh_when_ready(lambda: state.corpus_counts() is not None)
