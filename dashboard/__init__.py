"""The Streamlit dashboard: pages that read widgets, call corpus and models, and draw."""
