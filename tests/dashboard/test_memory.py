"""The dashboard server's memory settings (dashboard.memory)."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

import pytest
from numpy._core import multiarray

from dashboard.memory import keep_freed_memory


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="the allocator settings are glibc's; elsewhere the server keeps the defaults",
)
def test_the_server_serves_large_arrays_from_kept_memory_on_glibc() -> None:
    assert keep_freed_memory() is True
    assert multiarray._get_madvise_hugepage() is False
    assert keep_freed_memory() is True  # a second call (every script run) changes nothing


def test_the_objects_loaded_before_the_first_run_are_left_out_of_collections() -> None:
    """In a process of its own: freezing the test runner's objects would change other tests."""
    script = (
        "import gc\n"
        "import dashboard.state\n"
        "from dashboard.memory import freeze_loaded_objects\n"
        "assert gc.get_freeze_count() == 0\n"
        "frozen = freeze_loaded_objects()\n"
        "assert frozen == gc.get_freeze_count() > 100_000, frozen\n"
        "made_later = [[i] for i in range(1000)]\n"
        "assert freeze_loaded_objects() == frozen  # once: later objects are collected as before\n"
        "assert gc.get_freeze_count() == frozen\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("ok")
