"""The dashboard: its pages and the work around every page run.

Started by `speechtrack dashboard` from an installed package, or by `streamlit run streamlit_app.py`
from a checkout; both scripts call `run()` on every page run.
"""

from __future__ import annotations

from pathlib import Path

PAGES = Path(__file__).resolve().parent / "pages"


def run() -> None:
    """Draw the page the reader asked for; after a change this session made, bring what is
    derived from the corpus up to date, so that the pages opened next only draw."""
    import streamlit as st

    from dashboard import cache, session
    from dashboard.controls import editing_notice, reported_errors, shared_filters
    from dashboard.memory import freeze_loaded_objects
    from dashboard.settings import APP_TITLE

    freeze_loaded_objects()  # the modules the dashboard imports, for as long as it serves

    st.set_page_config(
        page_title=APP_TITLE, page_icon=":material/record_voice_over:", layout="wide"
    )
    page = st.navigation(
        [
            st.Page(PAGES / "overview.py", title="Overview", icon=":material/dashboard:"),
            st.Page(PAGES / "speech.py", title="Speech", icon=":material/article:"),
            st.Page(PAGES / "themes.py", title="Themes", icon=":material/category:"),
            st.Page(PAGES / "compare.py", title="Compare", icon=":material/compare_arrows:"),
            st.Page(PAGES / "figures.py", title="Figures", icon=":material/query_stats:"),
            st.Page(PAGES / "terms.py", title="Terms", icon=":material/manage_search:"),
            st.Page(PAGES / "upload.py", title="Upload", icon=":material/upload_file:"),
        ]
    )
    session.begin_run()
    cache.warm_up()
    with reported_errors():
        shared_filters()
    editing_notice()
    page.run()
    with reported_errors():
        cache.refresh_after_change()
