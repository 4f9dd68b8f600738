"""Extracting the cited figures of many speeches on every core, with joblib as the themes do.

The speeches are cut into consecutive chunks of about equal length, each chunk is read by one of
joblib's worker processes, and the rows come back in the order of the input, whoever computed
them. It runs in any process that may have children, background jobs included (`models.jobs`
starts them as ordinary processes).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TypeVar

from joblib import Parallel, delayed
from joblib.externals.loky.process_executor import TerminatedWorkerError

from models.errors import ModelError

T = TypeVar("T")
R = TypeVar("R")


def available_cores() -> int:
    """Return how many cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _chunks(jobs: Sequence[T], n_chunks: int, weight: Callable[[T], int]) -> list[Sequence[T]]:
    """Cut `jobs` into at most `n_chunks` consecutive chunks of about equal total weight."""
    total = sum(weight(job) for job in jobs) or 1
    chunks: list[Sequence[T]] = []
    begin, load = 0, 0
    for index, job in enumerate(jobs):
        load += weight(job)
        if load * n_chunks >= total * (len(chunks) + 1):
            chunks.append(jobs[begin : index + 1])
            begin = index + 1
    if begin < len(jobs):
        chunks.append(jobs[begin:])
    return chunks


def in_parallel(
    func: Callable[[Sequence[T]], list[R]],
    jobs: Sequence[T],
    *,
    workers: int,
    weight: Callable[[T], int] = lambda _: 1,
    chunks_per_worker: int = 8,
) -> list[R]:
    """Return `func(jobs)`, computed on consecutive chunks by `workers` processes.

    Args:
        func: a module-level function (the processes import it by name) taking a chunk of jobs
            and returning one list per chunk; the lists are joined in the order of `jobs`.
        jobs: the work, each item picklable.
        workers: how many processes compute.
        weight: the relative cost of one job (text length for speeches), to cut even chunks.
        chunks_per_worker: more chunks balance the load better at the cost of more messages.

    Raises:
        ModelError: when a process stops before it has finished; any error `func` raises in a
            process is raised here.
    """
    chunks = _chunks(jobs, max(1, workers * chunks_per_worker), weight)
    try:
        parts = Parallel(n_jobs=workers)(delayed(func)(chunk) for chunk in chunks)
    except TerminatedWorkerError as err:
        raise ModelError(
            f"A worker process extracting figures stopped before it finished ({err}); run "
            "again, or use one process (n_jobs=1)."
        ) from err
    return [item for part in parts for item in part]
