"""A dashboard put on a network: who may edit without a password, and the tables' own export.

Real `streamlit run` servers, headless Chromium: a server on every interface without an editor
password refuses edits and says why; the operator's explicit setting opens it; the default server
listens on loopback only and says plainly that anyone at the machine may edit; no table offers
the toolbar's CSV download (it would let a title such as =HYPERLINK(...) reach a spreadsheet as
a formula), while the pages' formula-safe CSV and Excel buttons stay.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import start_server, stop_server


@pytest.fixture
def server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A dashboard started with the address and environment given by the test's parameter."""
    address, env = request.param
    proc, url = start_server(
        tmp_path / "corpus.sqlite", tmp_path / "server.log", address=address, env=env
    )
    try:
        yield url
    finally:
        stop_server(proc)


def _reachable_from_other_machines(url: str) -> bool:
    """Whether the server answers on a non-loopback address of this machine."""
    port = int(url.rsplit(":", 1)[1])
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: picks the outward interface
            own = probe.getsockname()[0]
        except OSError:
            return False
    if own.startswith("127."):
        return False
    with socket.socket() as s:
        s.settimeout(2)
        return s.connect_ex((own, port)) == 0


@pytest.mark.parametrize("server", [("0.0.0.0", {})], indirect=True)
def test_a_server_open_to_the_network_without_a_password_refuses_edits(
    page: Page, server: str, ui
) -> None:
    ui.open_page(page, f"{server}/upload")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("Editing is off, so you cannot upload speeches")).to_be_visible()
    expect(main.get_by_text("SPEECHTRACK_OPEN_EDITING=1")).to_be_visible()
    expect(page.get_by_test_id("stFileUploader")).to_have_count(0)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Read-only: this server is open to other machines")).to_be_visible()
    ui.open_page(page, f"{server}/themes")
    expect(page.get_by_role("button", name="Fit themes now")).to_have_count(0)
    expect(page.get_by_test_id("stMain").get_by_text("Editing is off")).to_be_visible()


@pytest.mark.parametrize("server", [("0.0.0.0", {"SPEECHTRACK_OPEN_EDITING": "1"})], indirect=True)
def test_the_operator_can_open_editing_to_everyone_and_the_page_says_so(
    page: Page, server: str, ui
) -> None:
    ui.open_page(page, f"{server}/upload")
    expect(page.get_by_test_id("stFileUploader")).to_be_visible()
    expect(
        page.get_by_test_id("stSidebar").get_by_text("No editor password is set and this server")
    ).to_be_visible()


@pytest.mark.parametrize("server", [("127.0.0.1", {})], indirect=True)
def test_the_default_server_listens_on_this_machine_and_says_who_may_edit(
    page: Page, server: str, ui
) -> None:
    assert not _reachable_from_other_machines(server)
    ui.open_page(page, f"{server}/upload")
    expect(page.get_by_test_id("stFileUploader")).to_be_visible()
    expect(
        page.get_by_test_id("stSidebar").get_by_text("anyone at this machine can upload")
    ).to_be_visible()


@pytest.mark.parametrize("server", [("127.0.0.1", {})], indirect=True)
def test_tables_offer_no_toolbar_download_but_the_safe_buttons_stay(
    page: Page, server: str, ui
) -> None:
    ui.open_page(page, f"{server}/figures")
    table = page.get_by_test_id("stDataFrame").first
    table.hover()
    toolbar = table.get_by_test_id("stElementToolbar")
    expect(toolbar.get_by_role("button", name="Search")).to_have_count(1)  # the toolbar is there
    expect(toolbar.get_by_role("button", name="Download as CSV")).to_have_count(0)
    expect(page.get_by_role("button", name="CSV").first).to_be_visible()
