"""The script `speechtrack dashboard` hands to Streamlit; the dashboard itself is `dashboard.app`.

It sits in a folder of its own because Streamlit puts the script's folder on the import path.
Upload readers and background jobs run in worker processes, which import this file again as
`__mp_main__`; there it does nothing.
"""

if __name__ == "__main__":
    from dashboard.app import run

    run()
