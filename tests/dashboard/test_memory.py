"""The dashboard server's memory settings (dashboard.memory), in real processes.

The server keeps the memory it frees for its next large array, backed by ordinary pages, through
environment settings that `speechtrack dashboard` gives the server when it starts. A child Python
started with that environment shows whether they took effect: how many pages the kernel had to
fault in again for a 64 MB array made after the last one was freed, and whether NumPy asked the
kernel for huge pages for it (the `hg` flag of its mapping in /proc/self/smaps).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from cli.dashboard import server_environment
from cli.main import build_parser
from dashboard.memory import allocator_settings

ROOT = Path(__file__).resolve().parents[2]
ARRAY_PAGES = 64 * 2**20 // 4096  # of 4 kB
OPERATOR_VARIABLES = (
    "NUMPY_MADVISE_HUGEPAGE",
    "GLIBC_TUNABLES",
    "MALLOC_ARENA_MAX",
    "MALLOC_MMAP_MAX_",
    "MALLOC_MMAP_THRESHOLD_",
    "MALLOC_TRIM_THRESHOLD_",
)
on_glibc = pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="the allocator settings are glibc's, and the probe reads Linux's /proc",
)

# Makes and frees a 64 MB array a few times on the main thread and on another thread (a page run
# is on a thread of its own), counting the page faults of the later ones; then reports the flags
# of the mapping that holds such an array.
PROBE = """
import json, resource, threading
import numpy as np

SIZE = 64 * 2**20 // 8
REPEATS = 8

def faults_per_array():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(REPEATS):
        array = np.ones(SIZE)  # every page written
        del array
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / REPEATS

np.ones(SIZE)  # the first array: its pages are new whatever the settings
main = faults_per_array()
on_thread = []
worker = threading.Thread(target=lambda: on_thread.append(faults_per_array()))
worker.start()
worker.join()

array = np.ones(SIZE)
middle = array.ctypes.data + array.nbytes // 2
flags = None
with open("/proc/self/smaps") as smaps:
    inside = False
    for line in smaps:
        head = line.split()[0]
        if "-" in head and not head.endswith(":"):
            start, end = (int(part, 16) for part in head.split("-"))
            inside = start <= middle < end
        elif inside and head == "VmFlags:":
            flags = line.split()[1:]
print(json.dumps({"main": main, "thread": on_thread[0], "flags": flags}))
"""


def _operator_environment(**variables: str) -> dict[str, str]:
    """This test run's environment without any memory setting, and with the operator's own."""
    environ = {k: v for k, v in os.environ.items() if k not in OPERATOR_VARIABLES}
    return {**environ, **variables}


def _server_environment(environ: dict[str, str]) -> dict[str, str]:
    """The environment `speechtrack dashboard` starts the server with."""
    return server_environment(build_parser().parse_args(["dashboard"]), environ)


def _probe(environment: dict[str, str]) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def _kernel_has_huge_pages() -> bool:
    return Path("/sys/kernel/mm/transparent_hugepage/enabled").exists()


@on_glibc
def test_the_server_reuses_freed_memory_for_large_arrays_on_ordinary_pages() -> None:
    served = _probe(_server_environment(_operator_environment()))
    # the pages of the array before are reused: nearly none is faulted in again, on any thread
    assert served["main"] < ARRAY_PAGES / 100, served
    assert served["thread"] < ARRAY_PAGES / 100, served
    assert served["flags"] is not None and "hg" not in served["flags"], served


@on_glibc
def test_an_operators_own_memory_settings_win() -> None:
    # glibc's defaults, as an operator asks with an empty GLIBC_TUNABLES: every page of every
    # array comes from the kernel again
    environ = _operator_environment(GLIBC_TUNABLES="")
    server = _server_environment(environ)
    assert server["GLIBC_TUNABLES"] == ""
    defaults = _probe(server)
    assert defaults["main"] > ARRAY_PAGES / 2, defaults
    assert defaults["thread"] > ARRAY_PAGES / 2, defaults

    # NumPy's default: it asks the kernel for huge pages again
    server = _server_environment(_operator_environment(NUMPY_MADVISE_HUGEPAGE="1"))
    assert server["NUMPY_MADVISE_HUGEPAGE"] == "1"
    if _kernel_has_huge_pages():
        huge = _probe(server)
        assert huge["flags"] is not None and "hg" in huge["flags"], huge


def test_the_operators_own_allocator_variables_are_left_to_them() -> None:
    tunables = "glibc.malloc.arena_max=2"
    assert _server_environment({"GLIBC_TUNABLES": tunables})["GLIBC_TUNABLES"] == tunables
    # an older MALLOC_* variable leaves only its own tunable to the operator
    older = _server_environment({"MALLOC_ARENA_MAX": "2", "MALLOC_TRIM_THRESHOLD_": "0"})
    assert older["MALLOC_ARENA_MAX"] == "2"
    assert older["GLIBC_TUNABLES"] == "glibc.malloc.mmap_max=0"


def test_the_server_environment_keeps_the_database_and_the_rest_of_the_operators() -> None:
    args = build_parser().parse_args(["dashboard", "--db", "team.sqlite"])
    server = server_environment(args, {"HOME": "/home/editor", "SPEECHTRACK_DB": "other.sqlite"})
    assert server["HOME"] == "/home/editor"
    assert server["SPEECHTRACK_DB"].endswith("/team.sqlite")  # --db wins, made absolute
    assert server["NUMPY_MADVISE_HUGEPAGE"] == "0"
    assert server["GLIBC_TUNABLES"].startswith("glibc.malloc.arena_max=1:")


def test_the_readmes_settings_for_streamlit_run_are_those_of_the_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for variable, value in allocator_settings({}).items():
        assert f"{variable}={value} " in readme, variable


def test_the_objects_loaded_before_the_first_run_are_left_out_of_collections() -> None:
    """In a process of its own: freezing the test runner's objects would change other tests."""
    script = (
        "import gc\n"
        "import dashboard.cache\n"
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
