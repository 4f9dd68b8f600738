"""The per-file budget: a reader that hangs or eats memory is stopped, and the caller goes on."""

from __future__ import annotations

import functools
import time

import pytest

from corpus.readers.guard import BudgetExceeded, run_guarded


def test_results_come_back_in_order() -> None:
    assert run_guarded(iter, ([1, 2, 3],), seconds=30, memory=256 * 2**20) == [1, 2, 3]


def test_a_reader_that_hangs_is_stopped_in_time() -> None:
    started = time.monotonic()
    with pytest.raises(BudgetExceeded) as caught:
        # iter(callable, sentinel) calls time.sleep(60) until it returns 1: it never does
        run_guarded(iter, (functools.partial(time.sleep, 60), 1), seconds=1.5, memory=0)
    assert caught.value.reason == "time"
    assert time.monotonic() - started < 30


def test_a_reader_that_eats_memory_is_stopped() -> None:
    with pytest.raises(BudgetExceeded) as caught:
        run_guarded(
            iter, (functools.partial(bytearray, 4 * 2**30), None), seconds=60, memory=256 * 2**20
        )
    assert caught.value.reason == "memory"
