"""The dashboard server's allocator settings (dashboard.memory)."""

from __future__ import annotations

import platform
import sys

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
