"""A newcomer's first run: the one speech and what can already be seen of it, then the example
corpus loaded with one click, marked on the Overview, and removed with another."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import start_server, stop_server


@pytest.fixture
def new_server(tmp_path: Path) -> Iterator[str]:
    proc, url = start_server(tmp_path / "corpus.sqlite", tmp_path / "server.log")
    try:
        yield url
    finally:
        stop_server(proc)


def test_first_run_shows_the_seed_then_loads_and_removes_the_example(
    page: Page, new_server: str, ui
) -> None:
    ui.open_page(page, new_server)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("Only one speech so far", exact=False)).to_be_visible()
    # what one speech already shows: its cited figures, its themes, its key terms
    expect(main.get_by_role("heading", name="Figures it cites")).to_be_visible()
    figures = main.get_by_test_id("stDataFrame").first
    expect(figures).to_contain_text("Russian NGOs")
    expect(figures).to_contain_text("UN Economic and Social Council")
    expect(main.get_by_role("heading", name="Its themes")).to_be_visible()
    expect(main.get_by_role("heading", name="Key terms")).to_be_visible()
    ui.full_screenshot(page, ui.screenshots / "first-run-overview.png")

    main.get_by_role("button", name="Load the example corpus").click()
    ui.wait_idle(page)
    expect(main.get_by_text("Added 360 example speeches.")).to_be_visible(timeout=120_000)
    expect(main.get_by_test_id("stMetricValue").first).to_have_text("361")
    expect(main.get_by_text("360 of these speeches are the example corpus")).to_be_visible()
    ui.full_screenshot(page, ui.screenshots / "first-run-example-loaded.png")

    main.get_by_role("button", name="Remove the example speeches").click()
    ui.wait_idle(page)
    expect(main.get_by_text("Removed 360 example speeches.")).to_be_visible(timeout=60_000)
    expect(main.get_by_text("Only one speech so far", exact=False)).to_be_visible()
