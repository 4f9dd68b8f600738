"""Background jobs: one at a time, in order, results whole, memory given back, a deadline kept."""

from __future__ import annotations

import os
import time

import pytest


def large_result(url: str) -> bytes:
    """A background job's result as large as a big corpus's figures (tens of MB)."""
    return url.encode() * (40_000_000 // len(url))


def test_a_large_result_polled_by_many_page_runs_at_once_arrives_whole() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from models.jobs import BackgroundJob

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
    from models.jobs import BackgroundJob

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
    from models.jobs import BackgroundJob

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
    from models.jobs import JOB_NICENESS, BackgroundJob

    job = BackgroundJob(own_priority, "sqlite:///corpus.sqlite")
    _wait(job)
    server = os.getpriority(os.PRIO_PROCESS, 0)
    assert job.result() == min(server + JOB_NICENESS, 19)
    assert os.getpriority(os.PRIO_PROCESS, 0) == server  # the server keeps its own


def test_a_job_past_its_deadline_is_stopped_and_says_so() -> None:
    from models.jobs import BackgroundJob, JobTimeoutError

    job = BackgroundJob(timed_nap, "60", deadline=1.0)
    _wait(job, 60)
    with pytest.raises(JobTimeoutError, match="longer than 1 seconds"):
        job.result()
    assert job._process is not None and not job._process.is_alive()
    # and the jobs after it still run
    after = BackgroundJob(timed_nap, "0.1")
    _wait(after)
    assert after.result()[1] >= after.result()[0]
