"""A deployment shared read-only: viewers read and download, editing needs the editor password."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from corpus.access import hash_password

PASSWORD = "newsroom editors only"


@pytest.fixture
def locked(app: AppTest, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("SPEECHTRACK_EDITOR_PASSWORD_HASH", hash_password(PASSWORD))
    return app


def test_viewers_cannot_upload_until_they_give_the_password(locked: AppTest) -> None:
    locked.switch_page("dashboard/pages/upload.py").run()
    assert not locked.exception
    assert not locked.get("file_uploader"), "no upload widget for viewers"
    assert any("read-only" in i.value for i in locked.info)
    # a form's fields are sent with its submit button, in the same run
    locked.text_input(key="upload_gate_password").input("wrong password")
    locked.button[0].click().run()
    assert any("not the editor password" in e.value for e in locked.error)
    assert not locked.get("file_uploader")
    locked.text_input(key="upload_gate_password").input(PASSWORD)
    locked.button[0].click().run()
    assert not locked.exception
    assert locked.get("file_uploader"), "the editor sees the upload widget"


def test_viewers_still_read_every_page(locked: AppTest) -> None:
    locked.run()
    for name in ("overview", "speech", "themes", "figures"):
        locked.switch_page(f"dashboard/pages/{name}.py").run()
        assert not locked.exception, name
        assert not locked.error, name


def test_without_a_password_setting_everyone_edits(app: AppTest) -> None:
    app.switch_page("dashboard/pages/upload.py").run()
    assert app.get("file_uploader")


def test_password_guessing_backs_off_is_logged_and_unlocking_expires(
    locked: AppTest, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from dashboard import editing

    monkeypatch.setattr(editing, "_failures_by_address", {})  # this test's client only
    locked.switch_page("dashboard/pages/upload.py").run()
    with caplog.at_level("WARNING", logger="speechtrack.auth"):
        for _ in range(editing.FREE_TRIES):
            locked.text_input(key="upload_gate_password").input("a guess")
            locked.button[0].click().run()
            assert any("not the editor password" in e.value for e in locked.error)
        # the next try, even the right password, waits: it is refused without being read
        locked.text_input(key="upload_gate_password").input(PASSWORD)
        locked.button[0].click().run()
    assert any("Too many wrong passwords: try again in" in e.value for e in locked.error)
    assert not locked.get("file_uploader")
    refused = [r for r in caplog.records if "editor password refused" in r.getMessage()]
    assert len(refused) == editing.FREE_TRIES
    # once the wait is over the right password unlocks, and the unlocked state expires
    monkeypatch.setattr(editing, "MAX_WAIT_SECONDS", 0.0)
    locked.text_input(key="upload_gate_password").input(PASSWORD)
    locked.button[0].click().run()
    assert locked.get("file_uploader")
    monkeypatch.setattr(editing, "EDITOR_SESSION_SECONDS", 0)
    locked.run()
    assert not locked.get("file_uploader"), "an unlocked session locks again when it expires"
