"""Overview: the corpus at a glance, within the sidebar filters."""

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.controls import editor_gate, reported_errors, show_figure, show_table
from dashboard.downloads import about, csv_button, workbook_button
from dashboard.literal import literal
from dashboard.settings import APP_TITLE
from dashboard.summaries import OVERVIEW_COLUMNS

MAX_ROWS = 300

st.title(APP_TITLE)
st.caption("The corpus at a glance. The filters in the sidebar apply to every page.")

with reported_errors():
    flt = state.current_filter()
    catalogue = state.catalogue(flt)
    total = state.corpus_size()
    version = state.corpus_version()

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
        "dashboard/pages/speech.py",
        label="Read it, with its figures and distinctive terms",
        icon=":material/article:",
        query_params={"speech": str(row["speech_id"])},
    )


if total == 1:
    # the corpus is one speech: what it is, the way to read it and what this page will show,
    # rather than four metrics, charts of one point and tables of one row (the first page a new
    # user sees is drawn with the fewest of the browser's element scripts)
    the_speech(catalogue.iloc[0])
    st.info(
        "Only one speech so far. As speeches are added (Upload page), this page shows them on a "
        "time line, counts them by year and speaker, lists the latest additions and offers them "
        "as CSV and Excel downloads.",
        icon=":material/info:",
    )
    st.stop()

first, last = catalogue["date_iso"].iloc[0], catalogue["date_iso"].iloc[-1]
cols = st.columns(4)
cols[0].metric("Speeches", f"{len(catalogue):,}", help=f"{total:,} in the whole corpus")
cols[1].metric("Speakers", f"{catalogue['speaker'].nunique():,}")
cols[2].metric("Words", f"{int(catalogue['n_words'].sum()):,}")
cols[3].metric("Dates", first if first == last else f"{first} to {last}")

summary = state.overview(flt)
by_year, by_speaker, latest = summary["by_year"], summary["by_speaker"], summary["latest"]
if len(catalogue) == 1:
    # a chart of one point says nothing the metrics above do not
    st.info(
        "One speech matches the filters; the time line and the counts by year and speaker "
        "are drawn when two or more match.",
        icon=":material/info:",
    )
else:
    show_figure(summary["timeline"], key="overview_timeline")
    left, right = st.columns(2)
    with left:
        show_figure(summary["year_figure"], key="overview_by_year")
    with right:
        show_figure(summary["speaker_figure"], key="overview_by_speaker")

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
        state.set_last_speech(speech_id)
        st.page_link(
            "dashboard/pages/speech.py",
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


def speaker_merging(speakers: list[str]) -> None:
    """Merge names of one person: the speaker to keep and its other names, for every page."""
    notice = state.pop_notice()
    if notice:
        st.success(literal(notice), icon=":material/check:")
    merges, suggestions = state.speaker_merges()
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
                done = state.merge_speakers(keep or "", variants)
            state.set_notice(f"{done.speaker} now stands for {', '.join(done.variants)}.")
            st.rerun()
    if merges:
        undo = st.multiselect(
            "Merged names (choose to show them as themselves again)",
            [f"{variant} → {speaker}" for variant, speaker in merges],
            key="unmerge_names",
        )
        if undo and st.button("Undo these merges", key="unmerge_button"):
            with reported_errors():
                state.unmerge_speakers([item.split(" → ")[0] for item in undo])
            st.rerun()


all_speakers = state.choices()["speaker"]
if len(all_speakers) > 1 and st.toggle(
    "Merge speakers",
    key="merge_speakers_open",
    help="Show several names of one person (Sergey Lavrov, Sergei Lavrov, S. Lavrov) as one "
    "speaker on every page, filter and table; stored in the database for everyone.",
):
    speaker_merging(all_speakers)
