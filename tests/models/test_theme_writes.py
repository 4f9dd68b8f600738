"""Two servers refitting themes and a user labelling them at the same time, as real processes on
SQLite and PostgreSQL: each refit, restore and label save is one transaction under one lock, so
the stored themes, their mix, their labels and the earlier models always agree."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus.store import CorpusStore
from models.errors import UnknownThemeError
from models.themes.store import (
    LABEL_KIND,
    current_themes,
    earlier_fits,
    restore_fit,
    set_label,
    stored_themes,
)
from tests.conftest import PG_URL, fresh_pg_database
from tests.models.conftest import build_corpus


def _refits(url: str, numbers: list[int]) -> None:
    store = CorpusStore(url, seed=False)
    for k in numbers:
        current_themes(store, n_topics=k, refit=True)
    restore_fit(store)
    store.dispose()


def _labels(url: str, rounds: int) -> None:
    store = CorpusStore(url, seed=False)
    for i in range(rounds):
        found = stored_themes(store)
        assert found is not None
        for theme in found.theme_ids:
            try:
                set_label(store, theme, f"label {i} of theme {theme}")
            except UnknownThemeError:
                pass  # a refit landed first and the number went: refused, as it should be
    store.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'corpus.sqlite'}"
        return
    if not PG_URL:
        pytest.skip("no PostgreSQL server: set SPEECHTRACK_TEST_PG_URL (run.sh test does)")
    yield from fresh_pg_database(PG_URL)


def test_refits_and_labels_from_several_processes_leave_consistent_themes(url: str) -> None:
    store = CorpusStore(url, seed=False)
    store.add_many(list(build_corpus().records))
    current_themes(store, n_topics=3)
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_refits, args=(url, [4, 3, 5])),
        context.Process(target=_refits, args=(url, [5, 4, 3])),
        context.Process(target=_labels, args=(url, 12)),
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=600)
    assert [w.exitcode for w in workers] == [0, 0, 0]

    found = stored_themes(store)
    assert found is not None
    # the mix is the model's: one column per theme, a row per speech
    assert list(found.mix.columns) == list(found.theme_ids)
    assert set(found.mix.index) == set(store.catalogue()["speech_id"])
    # no label of a theme that is not there
    assert set(store.annotations(LABEL_KIND)) <= {str(t) for t in found.theme_ids}
    # every earlier model kept can be restored, with a label for each of its themes
    history = earlier_fits(store)
    assert history and len({e["fit_id"] for e in history}) == len(history)
    for entry in history:
        assert len(entry["labels"]) == entry["n_themes"]
    restored = restore_fit(store, history[-1]["fit_id"])
    assert list(restored.mix.columns) == list(restored.theme_ids)
    store.dispose()


def _corrections(url: str, field: str, rounds: int) -> None:
    from models.figures.store import correct_quantity

    store = CorpusStore(url, seed=False)
    for i in range(rounds):
        correct_quantity(store, "speech:10:12", **{field: f"{field} {i}"})
    store.dispose()


def test_two_people_correcting_one_figure_at_once_lose_neither_change(url: str) -> None:
    """Each correction reads, changes and writes back the figure's record in one transaction
    under the figures lock: the last counted thing and the last scope both survive."""
    from models.figures.series import CORRECTION_KIND

    store = CorpusStore(url, seed=False)
    context = multiprocessing.get_context("spawn")
    rounds = 150
    workers = [
        context.Process(target=_corrections, args=(url, "counted", rounds)),
        context.Process(target=_corrections, args=(url, "scope", rounds)),
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=600)
    assert [w.exitcode for w in workers] == [0, 0]
    record = store.annotations(CORRECTION_KIND)["speech:10:12"]
    assert record["counted"] == f"counted {rounds - 1}"
    assert record["scope"] == f"scope {rounds - 1}"
    store.dispose()
