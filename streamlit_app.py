"""Speech tracker from a checkout: `streamlit run streamlit_app.py` (installed: `speechtrack dashboard`).

The dashboard itself is `dashboard.app`. Upload readers and background jobs run in worker
processes, which import this file again as `__mp_main__`; there it does nothing.
"""

if __name__ == "__main__":
    from dashboard.app import run

    run()
