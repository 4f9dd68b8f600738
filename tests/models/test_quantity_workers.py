"""Extracting cited figures on several cores: the same table as one process, in a background job too."""

from __future__ import annotations

import gzip
import json
import multiprocessing
import os
import time
from datetime import date

import pandas as pd
import pytest

from corpus.records import Speech
from models.errors import ModelError
from models.figures.extract import _rows, quantities_frame
from models.figures.workers import _chunks, in_parallel
from models.jobs import BackgroundJob
from tests.conftest import make_speech, need_corpora


def _un_speeches(count: int) -> list[Speech]:
    """Read the first `count` speeches of the UN General Debate corpus (1946 onwards)."""
    path = need_corpora("ungdc", "ungdc_1946-2024.jsonl.gz")
    speeches = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            speeches.append(
                make_speech(
                    row["text"], delivered_on=date(row["year"], 9, 1), country=row["country"] or ""
                )
            )
            if len(speeches) == count:
                break
    return speeches


@pytest.fixture(scope="module")
def un_speeches() -> list[Speech]:
    return _un_speeches(48)


def test_workers_give_exactly_the_table_of_one_process(un_speeches: list[Speech]) -> None:
    serial = quantities_frame(un_speeches, n_jobs=1)
    parallel = quantities_frame(un_speeches, n_jobs=2)
    assert len(serial) > 100  # real speeches cite figures: the comparison is not trivially empty
    assert serial["speech_id"].nunique() > 20
    pd.testing.assert_frame_equal(parallel, serial)


def _extract_twelve(_: str) -> pd.DataFrame:
    """A background job that reads twelve UN speeches' figures on two cores."""
    assert not multiprocessing.current_process().daemon
    return quantities_frame(_un_speeches(12), n_jobs=2)


def test_workers_start_inside_a_background_job(un_speeches: list[Speech]) -> None:
    # a large corpus's figures are read in a background job, which starts processes of its own
    job = BackgroundJob(_extract_twelve, "")
    deadline = time.monotonic() + 120
    while not job.done():
        assert time.monotonic() < deadline, "the background job did not finish in two minutes"
        time.sleep(0.05)
    pd.testing.assert_frame_equal(job.result(), quantities_frame(un_speeches[:12], n_jobs=1))
    # and the job's process ended by itself, its workers with it (a process waits for its
    # children: joblib's idle workers kept it, and the server's exit, waiting)
    assert job._process is not None and job._process.exitcode == 0


def test_small_selections_and_one_job_stay_in_this_process() -> None:
    speeches = [make_speech("Only 70 Russian NGOs have consultative status with ECOSOC.")]
    frame = quantities_frame(speeches)
    assert frame["value"].tolist() == [70.0]
    assert quantities_frame(speeches, n_jobs=4)["value"].tolist() == [70.0]  # one speech, one job


def test_n_jobs_below_one_is_refused() -> None:
    with pytest.raises(ModelError, match="n_jobs must be 1 or more"):
        quantities_frame([make_speech("Over 30 countries signed.")], n_jobs=0)


def test_an_error_in_a_worker_is_raised_in_the_caller() -> None:
    with pytest.raises(TypeError):  # no text: the extractor fails
        in_parallel(_rows, [("broken", None, None, ""), ("ok", "Over 30 countries.", None, "")],
                    workers=2)  # fmt: skip


def _stop_process(chunk: list[int]) -> list[int]:
    os._exit(3)


def test_a_worker_that_stops_is_reported_plainly() -> None:
    with pytest.raises(ModelError, match="worker process extracting figures stopped"):
        in_parallel(_stop_process, [1, 2, 3], workers=2)


def test_in_parallel_keeps_the_order_of_the_jobs() -> None:
    jobs = [(f"s{i}", "Over 30 countries signed." * (i % 5 + 1), None, "") for i in range(40)]
    got = in_parallel(_rows, jobs, workers=2, weight=lambda job: len(job[1]), chunks_per_worker=5)
    assert got == _rows(jobs)
    assert [row[0] for row in got][:3] == ["s0", "s1", "s1"]


@pytest.mark.parametrize("n_chunks", [1, 3, 7, 50])
def test_chunks_are_consecutive_and_cover_every_job(n_chunks: int) -> None:
    jobs = list(range(23))
    chunks = _chunks(jobs, n_chunks, weight=lambda job: job % 4 + 1)
    assert [job for chunk in chunks for job in chunk] == jobs
    assert 1 <= len(chunks) <= min(n_chunks, len(jobs))
    assert all(chunks)
