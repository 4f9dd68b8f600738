"""Figures: every tracked series over time, the table of all cited figures, and the review tools."""

import streamlit as st

from dashboard import cache, session
from dashboard.controls import (
    editor_gate,
    refresh_when_ready,
    reported_errors,
    show_chart,
    show_table,
)
from dashboard.downloads import about, csv_button, workbook_button
from dashboard.figure_review import review_tools
from dashboard.figure_tables import figure_table
from dashboard.literal import literal

MAX_CHARTS = 2  # series charted when the page opens; users add more in the picker
MAX_SERIES_OPTIONS = 300
MAX_ROWS = 500  # rows drawn in a table; its CSV download has every row

st.header("Figures")
st.caption("Numbers cited in speeches, gathered into series of the same measure over time.")
notice = session.pop_notice()
if notice:
    st.success(literal(notice), icon=":material/check_circle:")

with reported_errors():
    flt = session.current_filter()
    version = cache.corpus_version()
    view = cache.figures_view(flt)

if view is None:
    st.info("The cited figures of the corpus are being extracted; this page fills in when ready.")
    refresh_when_ready(lambda: cache.corpus_figures() is not None)
    st.stop()
figures, points, summary = view.figures, view.points, view.summary
if cache.updating("figures"):
    st.caption(
        "The figures of the newest speeches or corrections are being added; the page shows them "
        "by itself when ready."
    )
    refresh_when_ready(lambda: not cache.updating("figures"))
cut = cache.figure_cuts(flt)
if cut:
    st.warning(
        f"Reading the figures of {len(cut)} speech(es) stopped after "
        f"{cache.figure_seconds_per_speech():g} seconds each, so only their figures before that "
        f"point are shown: {literal('; '.join(cut))}. Such texts are usually pasted tables of "
        "numbers.",
        icon=":material/timer:",
    )
if figures.empty:
    st.info("The selected speeches cite no figures; widen the filters or add speeches.")
    st.stop()

st.subheader(f"{len(summary):,} series")
if len(summary):
    if summary["n_speeches"].max() < 2:
        st.info(
            "Every series has figures from one speech so far; as speeches citing the same "
            "measures are added, each series becomes a line over time with changes flagged.",
            icon=":material/info:",
        )
    offered = summary.head(MAX_SERIES_OPTIONS)
    names = dict(zip(offered["series"], offered["series_name"], strict=True))
    picked = st.multiselect(
        "Series to chart",
        list(names),
        default=cache.followed(flt, n=MAX_CHARTS, options=MAX_SERIES_OPTIONS),
        format_func=names.__getitem__,
        key="figures_series",
        bind="query-params",
        help=f"The {MAX_SERIES_OPTIONS} series cited in most speeches are offered. Charted "
        "first: the most cited measures whose value changed while keeping its order of "
        "magnitude (at most three times apart).",
    )
    columns = st.columns(2)
    for i, series_id in enumerate(picked):
        with columns[i % 2]:
            chart = cache.series_chart(flt, series_id, title=names[series_id])
            if chart is not None:
                show_chart(chart, key=f"figures_chart_{i}")
    show_table(
        summary.head(MAX_ROWS),
        key="figures_series_table",
        file_name="figure-series.csv",
        caption="Every series: values over time, changes and disagreements"
        + (f" (the first {MAX_ROWS:,} of {len(summary):,})." if len(summary) > MAX_ROWS else "."),
    )
    if len(summary) > MAX_ROWS:
        csv_button(
            summary,
            file_name="figure-series-all.csv",
            key="figures_series_all",
            label="CSV of every series",
        )

st.subheader("All figures")
left, middle, right = st.columns(3)
qualifiers = left.multiselect("Qualifier", sorted(figures["qualifier"].unique()), key="figures_q")
organisations = middle.multiselect(
    "Organisation", sorted(o for o in figures["organisation"].unique() if o), key="figures_org"
)
units = right.multiselect("Unit", sorted(figures["unit"].unique()), key="figures_unit")
table = figure_table(figures, qualifiers=qualifiers, organisations=organisations, units=units)
show_table(
    table.head(MAX_ROWS),
    key="figures_table",
    file_name="figures.csv" if len(table) <= MAX_ROWS else "figures-first-rows.csv",
    caption=f"The first {MAX_ROWS:,} of {len(table):,} figures." if len(table) > MAX_ROWS else "",
)
if len(table) > MAX_ROWS:
    csv_button(table, file_name="figures.csv", key="figures_all", label="CSV of every figure")

# drawn only on request: the tools offer hundreds of series and figures to pick from
if st.toggle(
    "Review figures and series",
    key="figures_review",
    help="Confirm, rename, merge or split series; correct or dismiss figures.",
) and editor_gate("review figures and series", key="figures_gate"):
    review_tools(table, summary.head(MAX_SERIES_OPTIONS))

workbook_button(
    {"series": summary, "series points": points, "figures": table},
    about_rows=about(page="Figures", flt=flt, version=version),
    file_name="figures.xlsx",
    key="figures_workbook",
)
