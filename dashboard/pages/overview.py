"""Overview: the corpus at a glance, within the sidebar filters."""

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from dashboard import analysis, cache, session
from dashboard.app import PAGES
from dashboard.controls import editor_gate, reported_errors, show_chart, show_table
from dashboard.downloads import about, csv_button, workbook_button
from dashboard.example_panel import example_notice, n_example_speeches, offer_example
from dashboard.literal import literal
from dashboard.settings import APP_TITLE
from dashboard.summaries import OVERVIEW_COLUMNS

MAX_ROWS = 300

st.title(APP_TITLE)
st.caption("The corpus at a glance. The filters in the sidebar apply to every page.")
notice = session.pop_notice()
if notice:
    st.success(literal(notice), icon=":material/check_circle:")

with reported_errors():
    flt = session.current_filter()
    catalogue = cache.catalogue(flt)
    total = cache.corpus_size()
    version = cache.corpus_version()

if catalogue.empty:
    if total:
        st.warning(
            f"No speech matches the filters (the corpus holds {total:,}); "
            "clear a filter in the sidebar to see more."
        )
    else:
        st.info("The corpus is empty: add transcripts on the Upload page.")
    st.stop()


def the_speech(row: pd.Series) -> None:
    """Draw one speech as a line about it and the link to read it (no tables of one row)."""
    st.subheader("The speech")
    st.markdown(f"**{literal(row['title']) or 'Untitled speech'}**")
    facts = (row["speaker"], row["place"], row["date_iso"], f"{int(row['n_words']):,} words")
    st.caption(literal(" · ".join(str(v) for v in facts if v)))
    st.page_link(
        PAGES / "speech.py",
        label="Read it, with its figures and distinctive terms",
        icon=":material/article:",
        query_params={"speech": str(row["speech_id"])},
    )


if total == 1:
    # a first run: the one speech, what can already be seen of it, and an example corpus that
    # shows the rest; not four metrics, charts of one point and tables of one row
    only = catalogue.iloc[0]
    the_speech(only)
    st.info(
        "Only one speech so far. Comparisons, themes over time and figure series need more: "
        "add speeches on the Upload page, or load the example corpus below. This page then "
        "shows them on a time line, counts them by year and speaker and offers them as CSV "
        "and Excel downloads.",
        icon=":material/info:",
    )
    with reported_errors():
        figures = analysis.speech_figures(str(only["speech_id"]))
        themes, key_terms = analysis.one_speech_outline(str(only["speech_id"]))
    st.subheader("Figures it cites")
    if figures.empty:
        st.caption("No cited figures were found in this speech.")
    else:
        show_table(
            figures[analysis.FIGURE_COLUMNS[:7] + ["sentence"]],
            key="overview_one_figures",
            file_name="cited-figures.csv",
        )
    columns = st.columns([3, 2], gap="large")
    for column, title, outcome, name in (
        (columns[0], "Its themes", themes, "themes"),
        (columns[1], "Key terms", key_terms, "key-terms"),
    ):
        with column:
            st.subheader(title)
            if outcome.message:
                st.info(literal(outcome.message), icon=":material/info:")
            else:
                show_table(outcome.frame, key=f"overview_one_{name}", file_name=f"{name}.csv")
                st.caption(outcome.note)
    st.divider()
    offer_example(key="overview_load_example")
    st.stop()

n_examples = n_example_speeches(catalogue)
if n_examples:
    example_notice(n_examples, key="overview_remove_example")

first, last = catalogue["date_iso"].iloc[0], catalogue["date_iso"].iloc[-1]
cols = st.columns(4)
cols[0].metric("Speeches", f"{len(catalogue):,}", help=f"{total:,} in the whole corpus")
cols[1].metric("Speakers", f"{catalogue['speaker'].nunique():,}")
cols[2].metric("Words", f"{int(catalogue['n_words'].sum()):,}")
cols[3].metric("Dates", first if first == last else f"{first} to {last}")

summary = cache.overview(flt)
by_year, by_speaker, latest = summary["by_year"], summary["by_speaker"], summary["latest"]
if len(catalogue) == 1:
    # a chart of one point says nothing the metrics above do not
    st.info(
        "One speech matches the filters; the time line and the counts by year and speaker "
        "are drawn when two or more match.",
        icon=":material/info:",
    )
else:
    show_chart(summary["timeline"], key="overview_timeline")
    left, right = st.columns(2)
    with left:
        show_chart(summary["year_chart"], key="overview_by_year")
    with right:
        show_chart(summary["speaker_chart"], key="overview_by_speaker")

listing = catalogue[OVERVIEW_COLUMNS]
if len(listing) == 1:
    the_speech(listing.iloc[0])
else:
    st.subheader("Latest additions")
    show_table(latest, key="overview_latest", file_name="latest-speeches.csv")

    st.subheader("Speeches")
    shown = listing.iloc[::-1].head(MAX_ROWS)
    st.caption(
        "Select a row to open the speech in the reading view."
        + (
            f" The table lists the {MAX_ROWS:,} latest of {len(listing):,} speeches; "
            "the CSV has all."
            if len(listing) > MAX_ROWS
            else ""
        )
    )
    event = st.dataframe(
        shown,
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key="overview_speeches",
        height=min(600, 38 + 35 * len(shown)),
    )
    picked = event.selection.rows if event is not None else []
    if picked:
        speech_id = str(shown.iloc[picked[0]]["speech_id"])
        session.set_last_speech(speech_id)
        st.page_link(
            PAGES / "speech.py",
            label="Open the selected speech",
            icon=":material/article:",
            query_params={"speech": speech_id},
        )

c1, c2 = st.columns(2)
with c1:
    csv_button(
        listing, file_name="speeches.csv", key="overview_speeches_csv", label="CSV of speeches"
    )
with c2:
    workbook_button(
        {
            "speeches": listing,
            "by year": by_year,
            "by speaker": by_speaker,
            "latest additions": latest,
        },
        about_rows=about(page="Overview", flt=flt, version=version),
        file_name="overview.xlsx",
        key="overview_workbook",
    )


def speaker_merging(speakers: Sequence[str]) -> None:
    """Merge names of one person: the speaker to keep and its other names, for every page."""
    notice = session.pop_notice()
    if notice:
        st.success(literal(notice), icon=":material/check:")
    merges, suggestions = cache.speaker_merges()
    if suggestions:
        st.caption(
            "Likely the same person: "
            + literal("; ".join(" = ".join(group) for group in suggestions[:12]))
            + (f" (and {len(suggestions) - 12:,} more groups)" if len(suggestions) > 12 else "")
        )
    if not editor_gate("merge speakers", key="merge_speakers"):
        return
    with st.form("merge_speakers_form", clear_on_submit=True):
        keep = st.selectbox("Speaker to keep", speakers, index=None, key="merge_keep")
        variants = st.multiselect("Its other names", speakers, key="merge_variants")
        if st.form_submit_button("Merge"):
            with reported_errors():
                done = cache.get_store().merge_speakers(keep or "", variants)
            session.set_notice(f"{done.speaker} now stands for {', '.join(done.variants)}.")
            st.rerun()
    if merges:
        undo = st.multiselect(
            "Merged names (choose to show them as themselves again)",
            [f"{variant} → {speaker}" for variant, speaker in merges],
            key="unmerge_names",
        )
        if undo and st.button("Undo these merges", key="unmerge_button"):
            with reported_errors():
                cache.get_store().unmerge_speakers([item.split(" → ")[0] for item in undo])
            st.rerun()


all_speakers = cache.choices()["speaker"]
if len(all_speakers) > 1 and st.toggle(
    "Merge speakers",
    key="merge_speakers_open",
    help="Show several names of one person (Sergey Lavrov, Sergei Lavrov, S. Lavrov) as one "
    "speaker on every page, filter and table; stored in the database for everyone.",
):
    speaker_merging(all_speakers)
