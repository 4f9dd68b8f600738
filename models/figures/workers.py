"""Worker processes that extract the cited figures of many speeches on every core.

The calling process works too: it takes chunks of speeches from the same queue as the workers,
so two cores mean one extra process. Results come back in the order of the input, whoever
computed them.

Why not `multiprocessing` or `concurrent.futures.ProcessPoolExecutor`: the dashboard runs long
work in a daemonic process, and a daemonic process may not start `multiprocessing` children
(joblib falls back to one process there). These workers are plain child interpreters started
with `subprocess` (which never forks the caller's threads), fed pickled chunks through pipes.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any, TypeVar

from models.errors import ModelError

T = TypeVar("T")
R = TypeVar("R")

_ROOT = Path(__file__).resolve().parents[2]  # the folder that holds the models package
_WORKER_CODE = f"""
import sys
sys.path.insert(0, {str(_ROOT)!r})
from models.figures.workers import serve
serve()
"""
_HEADER = 8  # bytes of the length written before each message


def available_cores() -> int:
    """Return how many cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _write_message(stream: IO[bytes], message: object) -> None:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(payload).to_bytes(_HEADER, "big"))
    stream.write(payload)
    stream.flush()


def _read_message(stream: IO[bytes]) -> Any:
    """Return the next message, or None when the stream closed between messages."""
    header = stream.read(_HEADER)
    if not header:
        return None
    size = int.from_bytes(header, "big") if len(header) == _HEADER else -1
    payload = stream.read(size) if size >= 0 else b""
    if size < 0 or len(payload) != size:
        raise EOFError("the stream closed inside a message")
    return pickle.loads(payload)  # noqa: S301 - our own child process, through a private pipe


def serve() -> None:
    """Answer requests from the parent until it closes the pipe (run in a worker process).

    Each request is (function, chunk); the answer is ("ok", function(chunk)) or ("error", exception).
    """
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray output must not mix with answers
    requests = sys.stdin.buffer
    while (request := _read_message(requests)) is not None:
        func, chunk = request
        try:
            answer: tuple[str, object] = ("ok", func(chunk))
        except Exception as err:  # noqa: BLE001 - handed to the parent, which raises it
            answer = ("error", err)
        try:
            _write_message(answers, answer)
        except (pickle.PicklingError, TypeError, AttributeError) as err:
            _write_message(
                answers, ("error", ModelError(f"A worker's answer could not be sent: {err}."))
            )


class _Worker:
    """One child interpreter answering `serve` requests."""

    def __init__(self) -> None:
        self._errors = tempfile.TemporaryFile()
        self._process = subprocess.Popen(
            [sys.executable, "-c", _WORKER_CODE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._errors,
        )

    def call(self, func: Callable[[Sequence[T]], R], chunk: Sequence[T]) -> R:
        assert self._process.stdin is not None and self._process.stdout is not None
        try:
            _write_message(self._process.stdin, (func, chunk))
            answer = _read_message(self._process.stdout)
        except (BrokenPipeError, EOFError):
            answer = None
        if answer is None:
            raise ModelError(
                "A worker process extracting figures stopped "
                f"({self._error_tail() or 'no message'}); run again, or use one process (n_jobs=1)."
            )
        status, value = answer
        if status == "error":
            raise value
        return value  # type: ignore[no-any-return]

    def _error_tail(self) -> str:
        """Return the last line the worker wrote to its error output (its traceback's message)."""
        try:
            self._process.wait(timeout=10)  # a stopping worker may still be writing it
        except subprocess.TimeoutExpired:
            pass
        self._errors.seek(0)
        lines = self._errors.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else ""

    def close(self) -> None:
        if self._process.stdin is not None:
            try:
                self._process.stdin.close()  # the worker sees the end of its input and exits
            except BrokenPipeError:
                pass
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._errors.close()


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
    """Return `func(jobs)`, computed on consecutive chunks by `workers` processes (this one included).

    Args:
        func: a module-level function (workers import it by name) taking a chunk of jobs and
            returning one list per chunk; the lists are joined in the order of `jobs`.
        jobs: the work, each item picklable.
        workers: how many processes compute, this one included.
        weight: the relative cost of one job (text length for speeches), to cut even chunks.
        chunks_per_worker: more chunks balance the load better at the cost of more messages.

    Raises:
        ModelError: when a worker process stops; any error `func` raises in a worker is raised here.
    """
    chunks = _chunks(jobs, max(1, workers * chunks_per_worker), weight)
    results: list[list[R]] = [[] for _ in chunks]
    pending = iter(range(len(chunks)))
    lock = threading.Lock()
    failed = threading.Event()

    def next_chunk() -> int | None:
        with lock:
            return None if failed.is_set() else next(pending, None)

    def compute(call: Callable[[Sequence[T]], list[R]]) -> None:
        try:
            while (index := next_chunk()) is not None:
                results[index] = call(chunks[index])
        except BaseException:
            failed.set()  # the others stop after their current chunk
            raise

    def remote() -> None:
        try:
            worker = _Worker()
        except OSError:
            return  # no process to start here: this process takes the worker's chunks
        try:
            compute(lambda chunk: worker.call(func, chunk))
        finally:
            worker.close()

    with ThreadPoolExecutor(max_workers=max(1, workers - 1)) as threads:
        futures = [threads.submit(remote) for _ in range(workers - 1)]
        try:
            compute(func)
        finally:
            errors = [f.exception() for f in futures]  # waits for every worker to finish
    for error in errors:
        if error is not None:
            raise error
    return [item for part in results for item in part]
