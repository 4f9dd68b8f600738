"""Large corpora: term counts made in a background process, then speeches added later at once."""

from __future__ import annotations

import os
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from corpus.store import CorpusStore
from dashboard import state
from tests.conftest import make_speech

COUNTING = "being counted"


class _NoIndex:
    speech_ids: tuple[str, ...] = ()


_NO_INDEX = _NoIndex()
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
    monkeypatch.setattr(state, "SYNC_WORDS", 200)
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
    assert not state.updating("counts")
    assert "glaciers" in _terms(app)
    store.dispose()


def large_result(url: str) -> bytes:
    """A background job's result as large as a big corpus's figures (tens of MB)."""
    return url.encode() * (40_000_000 // len(url))


def test_a_large_result_polled_by_many_page_runs_at_once_arrives_whole() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from dashboard.background import BackgroundJob

    job = BackgroundJob(large_result, "sqlite:///corpus.sqlite")

    def poll(_: int) -> bytes:
        deadline = time.monotonic() + 120
        while not job.done():
            assert time.monotonic() < deadline, "the job did not finish in 2 minutes"
            time.sleep(0.001)
        return job.result()

    # sessions poll the same job from their own threads, as page runs and fragments do
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(poll, range(6)))
    assert {len(r) for r in results} == {len(large_result("sqlite:///corpus.sqlite"))}


def timed_nap(url: str) -> tuple[float, float]:
    """A job that takes a moment and says when it ran (wall clock, comparable across processes)."""
    started = time.time()
    time.sleep(float(url))
    return started, time.time()


def _wait(job: object, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not job.done():  # type: ignore[attr-defined]
        assert time.monotonic() < deadline, "the job did not finish in time"
        time.sleep(0.01)


def test_jobs_run_one_at_a_time_in_order_and_a_cancelled_one_never_runs() -> None:
    from dashboard.background import BackgroundJob

    first = BackgroundJob(timed_nap, "1.0")
    dropped = BackgroundJob(timed_nap, "30")
    second = BackgroundJob(timed_nap, "0.2")
    dropped.cancel()  # still waiting behind the first: it is taken out of the queue
    _wait(second)
    assert first.done() and dropped.done()
    (_, first_end), (second_start, _) = first.result(), second.result()
    assert second_start >= first_end, "two large jobs must never hold memory at once"
    with pytest.raises(RuntimeError, match="cancelled"):
        dropped.result()


def test_a_finished_job_gives_its_memory_back_without_a_page_polling() -> None:
    from dashboard.background import BackgroundJob

    job = BackgroundJob(large_result, "sqlite:///corpus.sqlite")
    deadline = time.monotonic() + 120
    while job._process is None or job._process.is_alive():  # never asks done() or result()
        assert time.monotonic() < deadline, "the job's process still holds its memory"
        time.sleep(0.05)
    _wait(job)
    assert len(job.result()) == len(large_result("sqlite:///corpus.sqlite"))


def own_priority(url: str) -> int:
    """A job that reports the scheduling priority it runs at."""
    import os

    return os.getpriority(os.PRIO_PROCESS, 0)


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="no process priorities here")
def test_a_job_runs_at_a_lower_priority_than_the_server() -> None:
    from dashboard.background import JOB_NICENESS, BackgroundJob

    job = BackgroundJob(own_priority, "sqlite:///corpus.sqlite")
    _wait(job)
    server = os.getpriority(os.PRIO_PROCESS, 0)
    assert job.result() == min(server + JOB_NICENESS, 19)
    assert os.getpriority(os.PRIO_PROCESS, 0) == server  # the server keeps its own


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="threads share priorities here")
def test_a_server_thread_can_step_back_without_slowing_the_others() -> None:
    from dashboard.background import JOB_NICENESS, lower_thread_priority

    server = os.getpriority(os.PRIO_PROCESS, 0)
    seen: list[object] = []

    def step_back() -> None:
        seen.append(lower_thread_priority())
        seen.append(os.getpriority(os.PRIO_PROCESS, 0))

    thread = threading.Thread(target=step_back)
    thread.start()
    thread.join(10)
    assert seen == [True, min(server + JOB_NICENESS, 19)]
    assert os.getpriority(os.PRIO_PROCESS, 0) == server  # this thread, and the others, keep theirs


def _join_preparation() -> None:
    for thread in threading.enumerate():
        if thread.name == "speechtrack-prepare":
            thread.join(timeout=120)
            assert not thread.is_alive(), "preparing the pages did not finish in 2 minutes"


def test_once_a_page_shows_a_change_the_other_pages_are_prepared_before_they_ask(
    app: AppTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the speech pickers' lists, made by the preparation (the real cached function runs)
    listed: list[tuple[str, int]] = []
    choices = state._speech_choices

    def speech_choices(url: str, version: int, key: state.FilterKey, limit: int) -> object:
        if threading.current_thread().name == "speechtrack-prepare" and key == state._NO_FILTER:
            listed.append((url, version))
        return choices(url, version, key, limit)

    monkeypatch.setattr(state, "_speech_choices", speech_choices)
    app.run()  # the Overview, on the seed alone
    assert not app.exception, [e.value for e in app.exception]
    _join_preparation()
    store = CorpusStore(str(tmp_path / "corpus.sqlite"))
    water = make_speech(WATER * 4, title="On water", delivered_on=date(2021, 3, 22))
    store.add(water)

    # the Upload page, where uploads follow one another, leaves the work for later
    app.switch_page("dashboard/pages/upload.py").run()
    _join_preparation()
    assert not [k for k in state._jobs() if k[0] == "counts" and water.speech_id in k[2]]
    assert water.speech_id not in state._last_indexes().get(store.url, _NO_INDEX).speech_ids

    app.switch_page("dashboard/pages/overview.py").run()  # a page that shows the new speech
    assert not app.exception, [e.value for e in app.exception]
    _join_preparation()
    counted = [job.result() for key, job in state._jobs().items() if key[0] == "counts"]
    assert any(water.speech_id in counts.speech_ids for counts in counted)
    index = state._last_indexes()[store.url]
    assert water.speech_id in index.speech_ids
    themes = state._themes(store.url, store.version())
    assert themes is None or water.speech_id in themes.mix.index
    assert (store.url, store.version()) in listed

    # the Speech page then finds them made: the counts are the very ones prepared
    shown = _speech_page(app, water.speech_id)
    assert COUNTING not in shown and "aquifers" in _terms(app)
    assert state._last_indexes()[store.url] is index
    store.dispose()


def test_the_figures_of_an_upload_are_added_to_the_corpus_figures_once_it_shows(
    app: AppTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No page asks for them, no extraction of the whole corpus is started, and the server
    thread that adds them leaves the processor to page runs (a lower priority)."""
    import pandas as pd

    from dashboard.background import JOB_NICENESS, extract_figures
    from models.figures.corpus import grow_corpus_figures

    app.switch_page("dashboard/pages/figures.py").run()  # the seed's figures
    assert not app.exception, [e.value for e in app.exception]
    _join_preparation()
    store = CorpusStore(str(tmp_path / "corpus.sqlite"))
    doctors = make_speech(
        "Our country sent 300 medical doctors to the region, and over 40 countries joined.",
        title="On doctors",
        delivered_on=date(2021, 3, 22),
    )
    store.add(doctors)
    # the priority the figures are added at, seen from inside (the real growth runs)
    priorities: list[int] = []

    def grow(*args: object, **kwargs: object) -> object:
        priorities.append(os.getpriority(os.PRIO_PROCESS, 0))
        return grow_corpus_figures(*args, **kwargs)

    monkeypatch.setattr(state, "grow_corpus_figures", grow)
    app.switch_page("dashboard/pages/overview.py").run()
    assert not app.exception, [e.value for e in app.exception]
    _join_preparation()
    digest, _ = state._figures_key(store.url, store.version())
    grown = state._jobs()[("figures", store.url, digest)]
    assert isinstance(grown, state._Ready), "the whole corpus went to a background job"
    if sys.platform.startswith("linux"):  # threads have priorities of their own there
        server = os.getpriority(os.PRIO_PROCESS, 0)
        assert priorities == [min(server + JOB_NICENESS, 19)]
    assert doctors.speech_id in set(grown.result().figures["speech_id"])
    pd.testing.assert_frame_equal(grown.result().points, extract_figures(store.url).points)
    store.dispose()


def test_preparation_no_page_waits_for_keeps_out_of_page_runs() -> None:
    entered, release = threading.Event(), threading.Event()

    def page() -> None:
        with state.page_run():
            entered.set()
            release.wait(10)

    running = threading.Thread(target=page)
    running.start()
    entered.wait(10)
    waiter = threading.Thread(target=state._wait_for_quiet)
    waiter.start()
    time.sleep(0.3)
    assert waiter.is_alive(), "preparation went ahead while a page was drawn"
    # unless the page waits for that very preparation
    wanted = threading.Event()
    for_page = threading.Thread(target=state._wait_for_quiet, kwargs={"unless": wanted})
    for_page.start()
    time.sleep(0.1)
    assert for_page.is_alive()
    wanted.set()
    for_page.join(1)
    assert not for_page.is_alive(), "a page waiting for the figures waited for itself"
    assert waiter.is_alive()
    release.set()
    running.join(10)
    waiter.join(state.QUIET_WAIT_SECONDS)
    assert not waiter.is_alive()
