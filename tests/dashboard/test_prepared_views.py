"""After the corpus changes, what this session shows next is made before it is opened, and what
the change left as it was is not made again."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from corpus.store import CorpusStore
from dashboard import analysis, charts, state
from models.figures.extract import Quantity
from models.themes.store import current_themes
from tests.conftest import make_speech

RIVERS = (
    "Rivers, aquifers and glaciers feed billions. The basins we share need treaties, data and "
    "trust between upstream and downstream states, and over 40 countries signed the charter. "
)
GRAIN = (
    "Grain corridors kept the ports open and the sea lanes safe; only 3 of the 12 terminals "
    "were closed, and the harvest reached markets across the region. "
)


def _join_preparation() -> None:
    for thread in threading.enumerate():
        if thread.name == "speechtrack-prepare":
            thread.join(timeout=120)
            assert not thread.is_alive(), "preparing the pages did not finish in 2 minutes"


def _run(app: AppTest, page: str) -> None:
    app.switch_page(f"dashboard/pages/{page}.py").run()
    assert not app.exception, [e.value for e in app.exception]
    _join_preparation()


def test_the_speech_this_session_reads_is_compared_again_before_it_is_opened(
    app: AppTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = CorpusStore(str(tmp_path / "corpus.sqlite"))
    rivers = make_speech(RIVERS * 6, title="On rivers", delivered_on=date(2021, 3, 22))
    store.add(rivers)
    app.query_params["speech"] = rivers.speech_id
    _run(app, "speech")  # the session reads the speech on rivers
    # who compares a speech with the others (once per corpus version, speech and selection)
    compared: list[tuple[str, str]] = []
    comparisons = analysis._speech_comparisons

    def spy(speech_id: str, flt: object) -> object:
        compared.append((threading.current_thread().name, speech_id))
        return comparisons(speech_id, flt)  # type: ignore[arg-type]

    monkeypatch.setattr(analysis, "_speech_comparisons", spy)

    store.add(make_speech(GRAIN * 6, title="On grain", delivered_on=date(2022, 5, 1)))
    _run(app, "overview")  # a page that shows the change: the others are prepared
    assert compared == [("speechtrack-prepare", rivers.speech_id)]

    _run(app, "speech")  # finds the comparison made for this version
    assert compared == [("speechtrack-prepare", rivers.speech_id)]
    assert "On rivers" in [s.value for s in app.subheader]
    store.dispose()


def test_the_themes_this_session_views_are_drawn_before_they_are_opened(
    app: AppTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = CorpusStore(str(tmp_path / "corpus.sqlite"))
    store.add_many(
        [
            make_speech(RIVERS * 30, title="On rivers", delivered_on=date(2019, 3, 22)),
            make_speech(GRAIN * 30, title="On grain", delivered_on=date(2020, 5, 1)),
        ]
    )
    current_themes(store, n_topics=3)  # fitted, as the Themes page's button does
    app.query_params["themes_period"] = "quarter"
    _run(app, "themes")
    assert state.themes() is not None
    drawn: list[tuple[str, int]] = []
    shares_chart = charts.theme_shares_chart

    def spy(over_time: pd.DataFrame, *, stacked: bool) -> object:
        drawn.append((threading.current_thread().name, int(over_time["period"].nunique())))
        return shares_chart(over_time, stacked=stacked)

    monkeypatch.setattr(charts, "theme_shares_chart", spy)

    store.add(make_speech(RIVERS * 20 + GRAIN * 10, delivered_on=date(2021, 7, 1)))
    _run(app, "overview")
    # the session's own choice of period, with the new speech's quarter
    assert drawn == [("speechtrack-prepare", 4)]
    _run(app, "themes")
    assert drawn == [("speechtrack-prepare", 4)]
    store.dispose()


def test_a_speech_s_figures_and_mentions_are_kept_when_others_are_added(
    app: AppTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = CorpusStore(str(tmp_path / "corpus.sqlite"))
    grain = make_speech(GRAIN * 3 + "The OSCE agreed.", title="On grain")
    store.add(grain)
    extracted: list[str] = []
    extract = state.extract_within

    def spy(text: str, **kwargs: Any) -> tuple[list[Quantity], int | None]:
        extracted.append(kwargs["speech_id"])
        return extract(text, **kwargs)

    monkeypatch.setattr(state, "extract_within", spy)
    figures = state.speech_quantities(grain.speech_id)
    assert extracted == [grain.speech_id] and len(figures) >= 2
    mentions = state.speech_organisations(grain.speech_id)
    assert "OSCE" in set(mentions["organisation"])

    store.add(make_speech(RIVERS * 3, title="On rivers"))  # another speech: a new version
    state.begin_run()
    assert state.speech_quantities(grain.speech_id).equals(figures)
    assert extracted == [grain.speech_id]
    # a correction of its metadata is a new speech to the cache
    store.update_metadata(grain.speech_id, title="On grain, corrected")
    state.begin_run()
    state.speech_quantities(grain.speech_id)
    assert extracted == [grain.speech_id] * 2
    store.dispose()


def test_a_chart_is_kept_by_the_content_of_its_table() -> None:
    built: list[int] = []

    def build(frame: pd.DataFrame) -> object:
        built.append(len(frame))
        return object()

    table = pd.DataFrame({"theme": [1, 2], "label": ["water", "grain"], "share": [0.7, 0.3]})
    first = state.chart_of("test_mix", table, build)
    assert state.chart_of("test_mix", table.copy(), build) is first
    assert built == [2]
    changed = table.assign(share=[0.6, 0.4])
    assert state.chart_of("test_mix", changed, build) is not first
    assert state.chart_of("test_mix", table.rename(columns={"label": "name"}), build) is not first
    assert built == [2, 2, 2]


def test_the_two_speeches_this_session_compares_are_compared_again_before_it_returns(
    app: AppTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard import comparison

    store = CorpusStore(str(tmp_path / "corpus.sqlite"))
    rivers = make_speech(RIVERS * 6, title="On rivers", delivered_on=date(2021, 3, 22))
    grain = make_speech(GRAIN * 6, title="On grain", delivered_on=date(2022, 5, 1))
    store.add_many([rivers, grain])
    app.query_params["compare_a"] = rivers.speech_id
    app.query_params["compare_b"] = grain.speech_id
    _run(app, "compare")
    compared: list[tuple[str, str, str]] = []
    compare_of = comparison._compare

    def spy(a: comparison.Side, b: comparison.Side) -> object:
        compared.append((threading.current_thread().name, *a.speech_ids, *b.speech_ids))
        return compare_of(a, b)

    monkeypatch.setattr(comparison, "_compare", spy)

    store.add(make_speech(RIVERS * 2 + GRAIN * 2, title="On both", delivered_on=date(2023, 1, 9)))
    _run(app, "overview")  # the comparison is made again, once the new figures are added
    assert compared == [("speechtrack-prepare", rivers.speech_id, grain.speech_id)]
    # back on the page (its link carries no speeches): the same two, compared already
    app.query_params.clear()
    _run(app, "compare")
    assert compared == [("speechtrack-prepare", rivers.speech_id, grain.speech_id)]
    assert app.selectbox(key="compare_a").value == rivers.speech_id
    assert app.selectbox(key="compare_b").value == grain.speech_id
    store.dispose()
