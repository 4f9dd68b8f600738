"""`speechtrack dashboard`: the dashboard started from the installed package, anywhere.

The command runs in a folder that is not the checkout (so neither `streamlit_app.py` nor the
checkout's `.streamlit/config.toml` is at hand), on a new database given with --db: the pages
come from the package, the seed is loaded, and the server keeps its own settings (loopback only,
no developer menu or "Deploy" button).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from corpus.store import CorpusStore
from tests.e2e.conftest import free_port, stop_server, wait_until_served

SPEECHTRACK = Path(sys.executable).with_name("speechtrack")


def test_speechtrack_dashboard_serves_the_packaged_pages_on_a_new_database(
    page: Page, tmp_path: Path, ui
) -> None:
    if not SPEECHTRACK.exists():
        pytest.skip("the package is not installed (pip install -e .)")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    port = free_port()
    log = tmp_path / "server.log"
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("STREAMLIT_", "GLIBC_TUNABLES", "NUMPY_MADVISE_HUGEPAGE"))
    }
    environment.pop("SPEECHTRACK_DB", None)
    environment["HOME"] = str(tmp_path / "home")  # no personal Streamlit settings either
    with open(log, "w") as fh:
        proc = subprocess.Popen(
            [str(SPEECHTRACK), "dashboard", "--headless", "--port", str(port), "--db", "team.sqlite"],
            cwd=elsewhere, env=environment, stdout=fh, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_served(proc, url, log)
        # the server (this process, after exec) started with the memory settings of
        # dashboard.memory; Linux shows a process's starting environment in /proc
        started_with = Path(f"/proc/{proc.pid}/environ")
        if started_with.exists():
            variables = started_with.read_bytes().split(b"\0")
            assert b"NUMPY_MADVISE_HUGEPAGE=0" in variables
            assert any(v.startswith(b"GLIBC_TUNABLES=glibc.malloc.") for v in variables)
        ui.open_page(page, url)
        main = page.get_by_test_id("stMain")
        expect(main.get_by_text("Remarks", exact=False).first).to_be_visible()
        for title in ("Speech", "Themes", "Compare", "Figures", "Terms", "Upload"):
            expect(
                page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True)
            ).to_be_visible()
        # the packaged server settings: a reader's toolbar, no "Deploy"
        expect(page.get_by_text("Deploy", exact=True)).to_have_count(0)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        # the pages link to each other wherever the script lives
        page.get_by_role("link", name="Read it", exact=False).click()
        ui.wait_idle(page)
        expect(page).to_have_url(re.compile(r"/speech\?speech=d1204cba6dca"))
        expect(page.get_by_test_id("stException")).to_have_count(0)
        ui.open_page(page, f"{url}/figures")
        expect(page.get_by_test_id("stMain").get_by_role("heading").first).to_be_visible()
    finally:
        stop_server(proc)
    assert "127.0.0.1" in log.read_text()  # loopback only, as server.toml says
    database = elsewhere / "team.sqlite"  # the relative --db is where the user typed it
    store = CorpusStore(str(database), seed=False)
    try:
        (only,) = store.catalogue()["title"]
        assert only.startswith("Foreign Minister Sergey Lavrov's remarks")
    finally:
        store.dispose()
