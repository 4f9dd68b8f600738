"""Fixtures of the browser tests: a real `streamlit run` server on a throwaway database, headless Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.memory import allocator_settings

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "streamlit_app.py"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not shutil.which(CHROMIUM):
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)", allow_module_level=True)
pytest.importorskip(
    "playwright", reason="the browser tests need playwright (pip install playwright)"
)
from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

# expect() has its own 5 s default; the first Plotly chart alone can take longer on a busy machine.
expect.set_options(timeout=30_000)


IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


# Checked in one go in the page, so that a rerun starting between two checks (a button that
# stores something and reruns the page) cannot leave a chart of the last run to wait for forever.
_IDLE_AND_DRAWN = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute("data-test-script-state") !== "notRunning") return false;
    if (document.querySelector('[data-testid="stSkeleton"]')) return false;
    // attached, not visible: a chart in a closed expander is drawn but hidden
    return [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
        .every((chart) => chart.querySelector(".main-svg") !== null);
}"""


def wait_idle(page: Page) -> None:
    """Wait until the script run has finished, every Plotly chart is drawn and nothing is stale."""
    page.locator(IDLE).wait_for()
    page.wait_for_function(_IDLE_AND_DRAWN, timeout=60_000)


def open_page(page: Page, url: str) -> None:
    """Open a page of the app and wait until it is drawn."""
    page.goto(url)
    # every page opens with a header; it only exists once the script's run has reached the page
    page.get_by_test_id("stMain").get_by_test_id("stHeading").first.wait_for()
    wait_idle(page)


def full_screenshot(page: Page, path: Path) -> None:
    """Save the whole page (Streamlit scrolls inside stMain: grow the viewport first)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size or {"width": 1400, "height": 900}
    height = page.get_by_test_id("stMain").evaluate("el => el.scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": min(max(height, 600), 6000)})
    wait_idle(page)
    page.wait_for_timeout(300)  # let the resized charts redraw
    page.screenshot(path=str(path))
    page.set_viewport_size(size)


class Browsing:
    """The helpers above, handed to tests as the `ui` fixture."""

    screenshots = SCREENSHOTS
    wait_idle = staticmethod(wait_idle)
    open_page = staticmethod(open_page)
    full_screenshot = staticmethod(full_screenshot)


@pytest.fixture
def ui() -> Browsing:
    """Helpers to open pages, wait for runs and save whole-page screenshots."""
    return Browsing()


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    db_path: Path,
    log: Path,
    app: Path | None = None,
    *,
    address: str = "127.0.0.1",
    env: dict[str, str] | None = None,
) -> tuple[subprocess.Popen[bytes], str]:
    """Start `streamlit run` (the dashboard, or `app`) on a free port against `db_path`,
    listening on `address` (loopback by default; "0.0.0.0" for every interface) with the memory
    settings `speechtrack dashboard` gives its server and the extra environment `env`.

    Returns the process and its URL (on loopback) once the script has run once (warm).
    """
    port = free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(app or APP),
        "--server.headless", "true",
        "--server.address", address,
        "--server.port", str(port),
        "--server.fileWatcherType", "none",
        "--server.scriptHealthCheckEnabled", "true",
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "viewer",
    ]  # fmt: skip
    environment = {
        **os.environ, **allocator_settings(os.environ),
        "PYTHONUNBUFFERED": "1", "SPEECHTRACK_DB": str(db_path), **(env or {}),
    }  # fmt: skip
    with open(log, "w") as fh:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=environment, stdout=fh, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    wait_until_served(proc, url, log)
    return proc, url


def wait_until_served(proc: subprocess.Popen[bytes], url: str, log: Path) -> None:
    """Wait until the server at `url` is healthy and its script has run once (warm)."""
    started = time.monotonic()
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as response:
                if response.read() == b"ok":
                    break
        except OSError:
            pass
        if time.monotonic() - started > 60:
            proc.kill()
            raise RuntimeError(f"streamlit not healthy after 60 s:\n{log.read_text()}")
        time.sleep(0.1)
    try:
        urllib.request.urlopen(url + "/_stcore/script-health-check", timeout=120).read()
    except urllib.error.HTTPError as err:
        stop_server(proc)
        raise RuntimeError(f"the app script fails ({err.code}):\n{log.read_text()}") from err


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Stop a server started by `start_server`."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a dashboard on a new database that holds only the seed speech."""
    folder = tmp_path_factory.mktemp("server")
    proc, url = start_server(folder / "corpus.sqlite", folder / "server.log")
    try:
        yield url
    finally:
        stop_server(proc)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the session."""
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Page]:
    """A fresh browser tab; a screenshot is kept when the test fails."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SCREENSHOTS / f"failure-{request.node.name}.png"))
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"rep_{report.when}", report)
