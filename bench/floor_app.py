"""The smallest Streamlit page (a heading and a number): the floor `bench_dashboard` compares with.

Its first draw in a fresh browser is what Streamlit's own scripts cost on the machine, before any
of the dashboard's pages, charts or tables.
"""

import streamlit as st

st.title("Speech tracker")
st.metric("Speeches", "1")
