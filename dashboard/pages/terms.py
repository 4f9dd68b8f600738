"""Terms: how often any words or phrases are used over time, and every use in its context."""

import streamlit as st

from dashboard import cache, session
from dashboard.charts import term_trend_chart
from dashboard.controls import reported_errors, show_chart, show_table
from dashboard.downloads import about, workbook_button
from dashboard.literal import literal
from models.compare.stats import PERIODS

st.header("Terms")
with reported_errors():
    flt = session.current_filter()
    catalogue = cache.catalogue(flt)
    version = cache.corpus_version()

if catalogue.empty:
    st.warning("No speech matches the filters; clear a filter in the sidebar.")
    st.stop()

left, right = st.columns([3, 1])
typed = left.text_input(
    "Terms or phrases, separated by commas",
    value="",
    key="terms",
    bind="query-params",
    placeholder="sanctions, rule of law, climate change",
)
period = right.segmented_control(
    "Period", list(PERIODS), default="year", key="terms_period", bind="query-params"
)
terms = [t.strip() for t in typed.split(",") if t.strip()]
trend = None
if not terms:
    st.info("Type one or more terms to see how often they are used per 10,000 words over time.")
else:
    with reported_errors(), st.spinner("Counting..."):
        trend = cache.term_trend(flt, terms=tuple(terms), period=period or "year")
    left_out = [t for t in terms if t not in set(trend["term"])]
    if left_out:
        st.warning(
            f"Counting stopped after {cache.TREND_SECONDS:g} seconds; left out: "
            f"{literal(', '.join(left_out))}. Ask for fewer terms or narrow the filters.",
            icon=":material/timer:",
        )
    show_chart(term_trend_chart(trend), key="terms_trend_chart")
    if trend["period"].nunique() < 2:
        st.caption(
            "All the selected speeches fall in one period; the lines grow as speeches "
            "from other periods are added."
        )
    show_table(trend, key="terms_trend", file_name="term-trends.csv")

st.subheader("Keyword in context")
left, right = st.columns([3, 1])
kwic_term = left.text_input(
    "Term or phrase", key="kwic", bind="query-params", placeholder="civil society"
)
width = right.slider("Context (characters)", 20, 120, 60, step=10, key="kwic_width")
lines = None
if kwic_term.strip():
    with reported_errors():
        lines = cache.concordance_lines(flt, term=kwic_term.strip(), width=width)
    st.caption(f"{len(lines):,} uses shown.")
    show_table(
        lines,
        key="terms_kwic",
        file_name="concordance.csv",
        column_order=["left", "match", "right", "date", "title", "speech_id"],
        column_config={
            "left": st.column_config.TextColumn(width="large"),
            "match": st.column_config.TextColumn(width="small"),
            "right": st.column_config.TextColumn(width="large"),
        },
    )
else:
    st.info("Type a term to see every use of it with the words around it.")

if trend is not None or lines is not None:
    sheets = {
        name: frame
        for name, frame in (("term trends", trend), ("concordance", lines))
        if frame is not None
    }
    workbook_button(
        sheets,
        about_rows=about(
            page="Terms",
            flt=flt,
            version=version,
            extra={"Terms": ", ".join(terms), "Concordance": kwic_term},
        ),
        file_name="terms.xlsx",
        key="terms_workbook",
    )
