"""Speech tracker: the dashboard's entry point (`streamlit run streamlit_app.py`).

Everything sits under the main guard: upload readers and background jobs run in worker processes,
which import this file again as `__mp_main__`; there it must do nothing and import nothing heavy.
"""

if __name__ == "__main__":
    from dashboard.memory import freeze_loaded_objects, keep_freed_memory

    keep_freed_memory()

    import streamlit as st

    from dashboard import state
    from dashboard.controls import editing_notice, reported_errors, shared_filters
    from dashboard.next_views import session_views
    from dashboard.settings import APP_TITLE

    freeze_loaded_objects()  # the modules the dashboard imports, for as long as it serves

    st.set_page_config(
        page_title=APP_TITLE, page_icon=":material/record_voice_over:", layout="wide"
    )
    page = st.navigation(
        [
            st.Page("dashboard/pages/overview.py", title="Overview", icon=":material/dashboard:"),
            st.Page("dashboard/pages/speech.py", title="Speech", icon=":material/article:"),
            st.Page("dashboard/pages/themes.py", title="Themes", icon=":material/category:"),
            st.Page(
                "dashboard/pages/compare.py", title="Compare", icon=":material/compare_arrows:"
            ),
            st.Page("dashboard/pages/figures.py", title="Figures", icon=":material/query_stats:"),
            st.Page("dashboard/pages/terms.py", title="Terms", icon=":material/manage_search:"),
            st.Page("dashboard/pages/upload.py", title="Upload", icon=":material/upload_file:"),
        ]
    )
    state.begin_run()
    state.warm_up()
    with state.page_run():
        with reported_errors():
            shared_filters()
        editing_notice()
        page.run()
    # the page is drawn: prepare what the other pages read of a changed corpus (the Upload page
    # starts that itself once an upload is stored, and its other runs change nothing)
    if page.title != "Upload":
        with reported_errors():
            state.prepare_pages(views=session_views)
