"""Hostile files through the upload page: each refused with its reason, nothing stored, no traceback."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.corpus.test_hostile_files import HOSTILE

SENT = HOSTILE  # the same files as the command-line test, sent as a browser sends them


def test_every_hostile_upload_is_refused_with_a_reason(app: AppTest, warm_reader: None) -> None:
    app.switch_page("dashboard/pages/upload.py").run()
    app.file_uploader(key="upload_files").set_value(
        [(name, data, "application/octet-stream") for name, data in SENT.items()]
    ).run(timeout=300)
    assert not app.exception, [e.value for e in app.exception]
    refused = app.dataframe[0].value
    files = {str(f).split("/")[0] for f in refused["file"]}
    assert files == set(SENT), set(SENT) ^ files
    assert all(isinstance(r, str) and r for r in refused["reason"])
    assert not [b for b in app.button if b.key == "upload_store"], "nothing to store"
    app.switch_page("dashboard/pages/overview.py").run()
    shown = [i.value for i in app.info]
    assert any("Only one speech so far" in i for i in shown), "the store still holds only the seed"
