"""Themes: each theme with its label and top terms, shares over time, speech x theme, refit."""

import pandas as pd
import streamlit as st

from dashboard import analysis, state
from dashboard.controls import editor_gate, reported_errors, show_figure, show_table
from dashboard.downloads import about, csv_button, workbook_button
from dashboard.theme_tables import label_changes, refit_changes
from models.topic_store import PERIODS

st.header("Themes")
notice = state.pop_notice()
if notice:
    st.success(notice, icon=":material/check_circle:")

with reported_errors():
    flt = state.current_filter()
    found = state.themes()
    catalogue = state.catalogue(flt)
    version = state.corpus_version()

if found is None:
    st.info(
        "No themes are fitted yet. Themes are fitted once on the passages of every stored "
        "speech; each new speech is then scored with them at once, without a refit. Here will "
        "appear each theme with its label and top terms, theme shares over time and a speech x "
        "theme map.",
        icon=":material/info:",
    )
    if editor_gate("fit themes", key="themes_fit_gate") and st.button(
        "Fit themes now", type="primary", key="themes_fit"
    ):
        with st.spinner("Fitting themes..."), reported_errors():
            fitted = state.fit_themes()
        state.set_notice(f"Fitted {len(fitted.theme_ids)} themes.")
        st.rerun()
    st.stop()

table = found.themes(n_terms=10)
st.subheader(f"{len(table)} themes")
st.caption("Edit a label and save; an empty label goes back to the top terms.")
edited = st.data_editor(
    table,
    hide_index=True,
    disabled=["theme", "terms"],
    column_config={
        "label": st.column_config.TextColumn("label", width="medium"),
        "terms": st.column_config.TextColumn("top terms", width="large"),
    },
    key="themes_labels",
)
csv_button(table, file_name="themes.csv", key="themes_csv", label="CSV of themes")
changes = label_changes(table, edited, user_labelled=found.user_labelled)
if changes and not state.is_editor():
    editor_gate("save theme labels", key="themes_label_gate")
elif st.button(f"Save {len(changes)} label(s)", disabled=not changes, key="themes_save_labels"):
    with reported_errors():
        for theme, label in changes.items():
            state.set_theme_label(theme, label)
    state.set_notice(f"Saved {len(changes)} label(s).")
    st.rerun()

period = st.segmented_control(
    "Period",
    list(PERIODS),
    default=analysis.DEFAULT_PERIOD,
    key="themes_period",
    bind="query-params",
)
stacked = st.toggle("Stacked areas", value=analysis.DEFAULT_STACKED, key="themes_stacked")
mix, over_time = analysis.theme_shares(found, flt, period or analysis.DEFAULT_PERIOD)
if over_time.empty:
    st.info("No speech of the selection has a theme mix; widen the filters in the sidebar.")
else:
    chart = analysis.theme_shares_chart(
        found, flt, period or analysis.DEFAULT_PERIOD, stacked=stacked
    )
    show_figure(chart, key="themes_over_time")
    if over_time["period"].nunique() < 2:
        st.caption(
            "All the selected speeches fall in one period: lines over time appear once "
            "speeches from other periods are added."
        )

heatmap = analysis.theme_heatmap(found, flt)
if heatmap is not None:
    show_figure(heatmap, key="themes_heatmap")
    if len(catalogue) > analysis.MAX_HEATMAP_SPEECHES:
        st.caption(
            f"The map shows the {analysis.MAX_HEATMAP_SPEECHES} latest of {len(catalogue):,} "
            "selected speeches; narrow the filters to see others."
        )

with st.expander("Refit the themes", icon=":material/refresh:"):
    st.caption(
        f"The themes were fitted on {found.n_words_at_fit:,} words; they are refitted on their "
        "own once the corpus grows by a quarter. Themes that keep their meaning keep their "
        "number and label."
    )
    n_topics = st.number_input(
        "Number of themes", 2, 40, value=len(found.theme_ids), key="themes_n"
    )
    if editor_gate("refit the themes", key="themes_refit_gate") and st.button(
        "Refit now", key="themes_refit"
    ):
        before = table
        with st.spinner("Refitting themes..."), reported_errors():
            refitted = state.fit_themes(n_topics=int(n_topics), refit=True)
        state.set_refit_report(refit_changes(before, refitted.themes(n_terms=10), refitted))
        state.set_notice("Themes refitted; what changed is listed under Refit the themes.")
        st.rerun()
    report = state.refit_report()
    if report is not None:
        show_table(report, key="themes_refit_report", file_name="refit-changes.csv")

over_time_sheet = over_time if not over_time.empty else pd.DataFrame()
workbook_button(
    {"themes": table, "shares over time": over_time_sheet, "speech mix": mix},
    about_rows=about(page="Themes", flt=flt, version=version, extra={"Period": period or "year"}),
    file_name="themes.xlsx",
    key="themes_workbook",
)
show_table(
    over_time_sheet,
    key="themes_over_time",
    file_name="theme-shares-over-time.csv",
    caption="Theme shares over time",
)
