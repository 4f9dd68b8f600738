"""Large corpora: term counts made in a background process, then speeches added later at once."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from corpus.store import CorpusStore
from dashboard import cache
from models import derived
from tests.conftest import make_speech

COUNTING = "being counted"


WATER = (
    "Water security is the first duty of this conference. Rivers, aquifers and glaciers feed "
    "billions, and the basins we share need treaties, data and trust between upstream and "
    "downstream states. "
)


def _texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("info", "caption") for e in getattr(at, kind))


def _terms(at: AppTest) -> list[str]:
    """Return the distinctive terms listed on the Speech page."""
    (table,) = [d.value for d in at.dataframe if "g2" in d.value.columns]
    return list(table["term"])


def _speech_page(app: AppTest, speech_id: str) -> str:
    app.query_params["speech"] = speech_id
    app.switch_page("dashboard/pages/speech.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return _texts(app)


def test_counts_come_from_the_background_then_new_speeches_are_counted_at_once(
    app: AppTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the seed (1,421 words) and one more speech count as a large corpus here
    monkeypatch.setattr(derived, "SYNC_WORDS", 200)
    store = CorpusStore(str(tmp_path / "corpus.sqlite"))
    water = make_speech(WATER * 12, title="On water", delivered_on=date(2021, 3, 22))
    store.add(water)

    assert COUNTING in _speech_page(app, water.speech_id)
    deadline = time.monotonic() + 120
    while COUNTING in _speech_page(app, water.speech_id):
        assert time.monotonic() < deadline, "the background count did not finish in 2 minutes"
        time.sleep(0.5)
    assert {"water", "aquifers", "glaciers"} <= set(_terms(app))

    # a short speech added later is counted alone, during the page run: no wait, no recount
    glaciers = make_speech(
        "Glaciers are melting; glaciers feed rivers; glaciers need treaties.",
        title="On glaciers",
        delivered_on=date(2022, 1, 5),
    )
    store.add(glaciers)
    shown = _speech_page(app, glaciers.speech_id)
    assert COUNTING not in shown
    assert not cache.updating("counts")
    assert "glaciers" in _terms(app)
    store.dispose()
