"""After the corpus changes, what the change left as it was is not made again."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from corpus.store import CorpusStore
from dashboard import cache, session
from models.figures.extract import Quantity
from tests.conftest import make_speech

RIVERS = (
    "Rivers, aquifers and glaciers feed billions. The basins we share need treaties, data and "
    "trust between upstream and downstream states, and over 40 countries signed the charter. "
)
GRAIN = (
    "Grain corridors kept the ports open and the sea lanes safe; only 3 of the 12 terminals "
    "were closed, and the harvest reached markets across the region. "
)


def test_a_speech_s_figures_and_mentions_follow_its_corrections(
    app: AppTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = CorpusStore(str(tmp_path / "corpus.sqlite"))
    grain = make_speech(GRAIN * 3 + "The OSCE agreed.", title="On grain")
    store.add(grain)
    extracted: list[str] = []
    extract = cache.extract_within

    def spy(text: str, **kwargs: Any) -> tuple[list[Quantity], int | None]:
        extracted.append(kwargs["speech_id"])
        return extract(text, **kwargs)

    monkeypatch.setattr(cache, "extract_within", spy)
    figures = cache.speech_quantities(grain.speech_id)
    assert extracted == [grain.speech_id] and len(figures) >= 2
    mentions = cache.speech_organisations(grain.speech_id)
    assert "OSCE" in set(mentions["organisation"])

    store.add(make_speech(RIVERS * 3, title="On rivers"))  # another speech: a new version
    session.begin_run()
    assert cache.speech_quantities(grain.speech_id).equals(figures)
    # a corrected date is the date of its figures from the next run on
    store.update_metadata(grain.speech_id, delivered_on=date(2011, 5, 4))
    session.begin_run()
    redated = cache.speech_quantities(grain.speech_id)
    assert set(redated["date"].dt.year) == {2011} and len(redated) == len(figures)
    store.dispose()
