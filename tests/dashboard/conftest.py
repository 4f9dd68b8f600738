"""Fixtures of the dashboard tests: the app in-process on a throwaway database."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from corpus.importer import prepare_upload

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "streamlit_app.py"

HOSTILE = (
    "Remarks by Jane Doe at the <script>window.pwned=1</script> forum, Geneva, 3 March 2024\n\n"
    "Friends, **bold** claims and $x$ maths and [link](javascript:alert(1)) are not markup here.\n\n"
    "The United Nations counts over 40 countries in the programme, and only 3 of them reported "
    "on time. The OSCE agreed, and about 12 per cent of the budget went to water.\n"
)


@pytest.fixture(scope="session")
def warm_reader() -> None:
    """Start the guarded upload reader once, so its start-up is not counted against one file."""
    prepare_upload("warm-up.txt", b"Remarks at a warm-up, Geneva, 3 March 2024\n\nA short text.\n")


@pytest.fixture
def hostile() -> str:
    """A transcript whose title and text are full of Markdown, maths, links and HTML."""
    return HOSTILE


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The dashboard on a new database holding only the seed speech, not yet run."""
    monkeypatch.setenv("SPEECHTRACK_DB", str(tmp_path / "corpus.sqlite"))
    return AppTest.from_file(str(APP), default_timeout=90)
