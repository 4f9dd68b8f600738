"""Compare: two speeches or two selections side by side: themes, keyness, statistics, figures.

Everything below the page's header depends on the two sides chosen, and choosing another reruns
that part alone (a fragment): the sidebar and the navigation stay as they are.
"""

from datetime import timedelta

import streamlit as st

from dashboard import cache, session
from dashboard.analysis import Outcome
from dashboard.comparison import compare, narrowed, side
from dashboard.controls import (
    refresh_when_ready,
    reported_errors,
    show_chart,
    show_table,
    speech_picker,
)
from dashboard.downloads import about, workbook_button
from dashboard.literal import literal
from dashboard.summaries import country_options


def chart_and_table(title: str, outcome: Outcome, *, name: str, file_name: str) -> None:
    """A section of the comparison: its chart of A and B and its table."""
    st.subheader(title)
    if outcome.message:
        st.info(literal(outcome.message), icon=":material/info:")
        return
    if outcome.chart is not None:
        show_chart(outcome.chart, key=f"{name}_chart")
    show_table(outcome.frame, key=name, file_name=file_name)


@st.fragment
def comparison() -> None:
    """The choice of the two sides and everything compared between them."""
    session.begin_run()  # a rerun of this part alone reads the corpus version afresh too
    with reported_errors():
        flt = session.current_filter()
        catalogue = cache.catalogue(flt)

    if len(catalogue) < 2:
        st.info(
            "Comparisons need at least two speeches; the selection holds "
            f"{len(catalogue)}. Add speeches on the Upload page (or widen the filters): here will "
            "appear their theme shares side by side, the terms that set them apart, their text "
            "statistics and their cited figures.",
            icon=":material/info:",
        )
        return

    mode = st.segmented_control(
        "Compare",
        ["two speeches", "two selections"],
        default="two speeches",
        key="compare_mode",
        bind="query-params",
    )
    left, right = st.columns(2)
    if mode == "two selections":
        speakers = sorted(set(catalogue["speaker"]))
        countries = country_options(catalogue)
        low, high = catalogue["date"].min().date(), catalogue["date"].max().date()
        # until people choose, A is the earlier half of the selected period and B the later
        middle = low + (high - low) / 2
        halves = {"a": (low, middle), "b": (min(middle + timedelta(days=1), high), high)}
        sides = []
        for column, name in ((left, "a"), (right, "b")):
            with column:
                st.markdown(f"**Selection {name.upper()}**")
                chosen = st.multiselect(
                    "Speakers",
                    speakers,
                    key=f"compare_{name}_speakers",
                    bind="query-params",
                    placeholder="All speakers",
                )
                chosen_countries = st.multiselect(
                    "Countries",
                    countries,
                    key=f"compare_{name}_countries",
                    bind="query-params",
                    placeholder="All countries",
                )
                start, end = [
                    st.date_input(
                        title,
                        value=default,
                        min_value=low,
                        max_value=high,
                        key=f"compare_{name}_{part}",
                        bind="query-params",
                    )
                    for (title, part), default in zip(
                        (("From", "from"), ("To", "to")), halves[name], strict=True
                    )
                ]
                label = ", ".join(chosen_countries + chosen) or "all speakers"
                label += f" {start or low} to {end or high}"
                sides.append(
                    side(
                        label,
                        narrowed(
                            flt,
                            speakers=chosen,
                            countries=chosen_countries,
                            start=start,
                            end=end,
                        ),
                    )
                )
        a, b = sides
        if a.speech_ids == b.speech_ids:
            st.info(
                "A and B hold the same speeches; choose other speakers, countries or another period for "
                "one of them.",
                icon=":material/info:",
            )
            return
    else:
        with left:
            first = speech_picker(flt, key="compare_a", label="Speech A")
        with right:
            second = speech_picker(flt, key="compare_b", label="Speech B", leave_out=first)
        if first is None or second is None:
            return
        choices = cache.speech_choices(flt, cache.MAX_PICKER_OPTIONS)
        a = side(choices.label(first), cache.speech_filter_of([first]))
        b = side(choices.label(second), cache.speech_filter_of([second]))

    with reported_errors():
        result = compare(a, b)
    show_table(result.summary, key="compare_summary", file_name="comparison-groups.csv")

    for title, outcome, name, file_name in (
        ("Theme shares", result.themes, "compare_themes", "theme-shares.csv"),
        ("Terms that set them apart", result.keyness, "compare_keyness", "keyness.csv"),
    ):
        chart_and_table(title, outcome, name=name, file_name=file_name)

    st.subheader("Text statistics")
    show_table(result.stats.frame, key="compare_stats", file_name="text-statistics.csv")

    st.subheader("Cited figures")
    if result.figures.message:
        st.info(literal(result.figures.message), icon=":material/info:")
    else:
        show_table(result.figures.frame, key="compare_figures", file_name="compared-figures.csv")

    st.caption(f"A: {literal(a.name)} · B: {literal(b.name)}")
    workbook_button(
        result.sheets(),
        about_rows=about(
            page="Compare",
            flt=flt,
            version=cache.corpus_version(),
            extra={"A": a.name, "B": b.name},
        ),
        file_name="comparison-pack.xlsx",
        key="compare_pack",
        label="comparison pack (every table, one workbook)",
    )


st.header("Compare")
comparison()
if cache.corpus_counts() is None or cache.corpus_figures() is None:
    refresh_when_ready(
        lambda: cache.corpus_counts() is not None and cache.corpus_figures() is not None
    )
