"""Speech: the reading view of one speech, its figures, organisations, terms, themes and neighbours.

Everything below the page's header depends on the speech picked, and picking another reruns that
part alone (a fragment): the sidebar and the navigation stay as they are.
"""

import pandas as pd
import streamlit as st

from corpus.records import Speech, SpeechFilter
from dashboard import analysis, cache, session
from dashboard.controls import (
    editor_gate,
    refresh_when_ready,
    reported_errors,
    show_chart,
    show_table,
    speech_picker,
)
from dashboard.downloads import about, workbook_button
from dashboard.literal import highlighted_html, literal
from dashboard.metadata_form import metadata_form


def facts_of(speech: Speech) -> pd.DataFrame:
    """Return the metadata of a speech as a two-column table: the speaker as shown everywhere
    (with the name as stored when it differs), the country with its ISO code."""
    shown = cache.shown_speaker(speech.speaker)
    speaker = shown if shown == speech.speaker else f"{shown} (written {speech.speaker})"
    country = speech.country
    if speech.country_code and speech.country_code != speech.country:
        country = f"{speech.country} ({speech.country_code})"
    return pd.DataFrame(
        {
            "field": ["speaker", "role", "country", "place", "date", "words", "source", "id"],
            "value": [
                speaker,
                speech.role,
                country,
                speech.place,
                speech.date_iso,
                f"{speech.n_words:,}",
                speech.source,
                speech.speech_id,
            ],
        }
    )


def reading_view(speech: Speech, figures: pd.DataFrame, mentions: pd.DataFrame) -> None:
    """The marked-up text beside the metadata, the cited figures and the organisations."""
    speech_id = speech.speech_id
    reading, side = st.columns([3, 2], gap="large")
    with reading:
        st.caption(
            "Cited figures are marked in yellow, organisations in blue; hover over a mark for "
            "details."
        )
        with st.container(height=720 if len(speech.text) > 3000 else "content", border=True):
            st.html(highlighted_html(speech.text, analysis.marks(figures, mentions)))
    with side:
        show_table(
            facts_of(speech), key="speech_facts", file_name=f"speech-{speech_id}-metadata.csv"
        )
        with st.expander("Correct the metadata", icon=":material/edit:"):
            if editor_gate("correct the metadata", key="speech_gate"):
                metadata_form(speech, key="speech_edit")

        st.markdown("**Cited figures**")
        if figures.empty:
            st.caption("No cited figures were found in this speech.")
        else:
            show_table(
                figures[analysis.FIGURE_COLUMNS],
                key="speech_figures",
                file_name=f"figures-{speech_id}.csv",
            )

        st.markdown("**Organisations mentioned**")
        if mentions.empty:
            st.caption("No known organisation is mentioned in this speech.")
        else:
            org_counts = analysis.count_mentions(mentions)
            show_table(org_counts, key="speech_orgs", file_name=f"organisations-{speech_id}.csv")


def comparisons(
    speech: Speech, flt: SpeechFilter, figures: pd.DataFrame, mentions: pd.DataFrame
) -> None:
    """Distinctive terms, theme mix, nearest speeches and the page's workbook."""
    speech_id = speech.speech_id
    terms, themes, nearest = analysis.speech_comparisons(speech_id, flt)
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown("**Distinctive terms**")
        if terms.message:
            st.info(literal(terms.message), icon=":material/info:")
        else:
            # one table: the bars of its G2 column rank the terms as a chart would, beside the
            # counts behind them (the CSV holds every column)
            show_table(
                terms.frame,
                key="speech_terms",
                file_name=f"distinctive-terms-{speech_id}.csv",
                column_order=["term", "g2", "count_a", "per_10k_a", "per_10k_b", "log_ratio"],
                column_config={
                    "g2": st.column_config.ProgressColumn(
                        "log-likelihood (G2)",
                        format="%.1f",
                        min_value=0.0,
                        max_value=float(terms.frame["g2"].max()),
                    ),
                    "count_a": st.column_config.NumberColumn("uses here"),
                    "per_10k_a": st.column_config.NumberColumn(
                        "per 10,000 words here", format="%.1f"
                    ),
                    "per_10k_b": st.column_config.NumberColumn(
                        "per 10,000 words in the others", format="%.1f"
                    ),
                    "log_ratio": st.column_config.NumberColumn("log2 ratio", format="%.2f"),
                },
            )
            st.caption(terms.note)
    with right:
        st.markdown("**Theme mix**")
        if themes.message:
            st.info(literal(themes.message), icon=":material/info:")
        else:
            if themes.chart is not None:
                show_chart(themes.chart, key="speech_themes_chart")
            show_table(themes.frame, key="speech_themes", file_name=f"themes-{speech_id}.csv")
    st.markdown("**Nearest speeches**")
    if nearest.message:
        st.info(literal(nearest.message), icon=":material/info:")
    else:
        show_table(nearest.frame, key="speech_nearest", file_name=f"nearest-{speech_id}.csv")
    workbook_button(
        {
            "metadata": facts_of(speech),
            "figures": figures,
            "organisations": mentions,
            "distinctive terms": terms.frame,
            "theme mix": themes.frame,
            "nearest speeches": nearest.frame,
        },
        about_rows=about(
            page="Speech", flt=flt, version=cache.corpus_version(), extra={"Speech": speech_id}
        ),
        file_name=f"speech-{speech_id}.xlsx",
        key="speech_workbook",
    )


@st.fragment
def one_speech() -> None:
    """The picker and everything about the speech it picks."""
    session.begin_run()  # a rerun of this part alone reads the corpus version afresh too
    with reported_errors():
        flt = session.current_filter()
        if cache.catalogue(flt).empty:
            st.warning(
                "No speech matches the filters; clear a filter in the sidebar to pick a speech."
            )
            return
    picked = speech_picker(flt, key="speech")
    if picked is None:
        return
    session.set_last_speech(picked)
    with reported_errors():
        speech = cache.speech(picked)
        figures = analysis.speech_figures(picked)
        mentions = analysis.speech_organisations(picked)
    st.subheader(literal(speech.title) or "Untitled speech")
    cut_at = cache.speech_figures_cut_at(picked)
    if cut_at is not None:
        st.warning(
            f"Reading this speech's figures stopped after {cache.SPEECH_PAGE_SECONDS:g} seconds, "
            f"at character {cut_at:,} of {len(speech.text):,}: the figures after it are not "
            "shown. A speech this slow to read is most often a table or a list pasted as text.",
            icon=":material/timer:",
        )
    reading_view(speech, figures, mentions)
    comparisons(speech, flt, figures, mentions)


st.header("Speech")
one_speech()
if cache.corpus_counts() is None:
    refresh_when_ready(lambda: cache.corpus_counts() is not None)
