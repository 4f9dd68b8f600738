"""Two dashboard servers on one PostgreSQL database share their themes: a fit and a label saved
through one server's Themes page show on the other's, and a refit on the second shows on the first."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Browser, Page, expect

from corpus.records import Speech
from corpus.store import CorpusStore
from tests.conftest import CORPORA, PG_URL, _fresh_pg_url, make_speech
from tests.e2e.conftest import open_page, start_server, stop_server, wait_idle

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

UNGDC = CORPORA / "ungdc" / "ungdc_1946-2024.jsonl.gz"
N_REAL = 4
TOPICS = [
    ("water", "rivers, wells, irrigation, drought, dams and the price of clean drinking water"),
    ("trade", "tariffs, exports, customs unions, shipping lanes and the rules of world trade"),
    ("schools", "teachers, classrooms, school meals, literacy and the training of young people"),
    ("health", "hospitals, vaccines, nurses, epidemics and the cost of medicines"),
]
MAX_THEMES = 40  # the most the Themes page's refit accepts
# the data editor is drawn on a canvas: the label cell of the first row sits at this offset
LABEL_CELL = (250, 35 + 17)


def _made_up_speeches() -> list[Speech]:
    speeches = []
    for i, (topic, words) in enumerate(TOPICS):
        paragraphs = [
            f"Paragraph {n} of our address on {topic}. We spoke of {words}. "
            f"In the year {2000 + i} our delegation counted {n * 7 + i} projects on {topic}."
            for n in range(12)
        ]
        speeches.append(
            make_speech(
                "\n\n".join(paragraphs),
                title=f"An address on {topic}",
                speaker=f"Minister of {topic.title()}",
                delivered_on=date(2000 + i, 9, 20),
            )
        )
    return speeches


def _real_speeches() -> list[Speech]:
    """The first UN General Debate speeches, or made-up addresses when the corpora are absent."""
    if not UNGDC.exists():
        return _made_up_speeches()
    speeches = []
    with gzip.open(UNGDC, "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            country = row.get("country") or row["iso3"]
            speeches.append(
                make_speech(
                    row["text"].strip(),
                    title=f"{country} at the UN General Debate ({row['year']})",
                    speaker=(row.get("speaker") or country).strip(),
                    country=country,
                    delivered_on=date(int(row["year"]), 1, 1),
                    date_precision="year",
                )
            )
            if len(speeches) == N_REAL:
                break
    return speeches


@pytest.fixture
def database() -> Iterator[str]:
    if not PG_URL:
        pytest.skip("no PostgreSQL server: set SPEECHTRACK_TEST_PG_URL (run.sh test does)")
    yield from _fresh_pg_url()


def _themes_csv(page: Page) -> pd.DataFrame:
    """The themes table as the page offers it for download: theme, label, terms."""
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV of themes").click()
    return pd.read_csv(io.BytesIO(Path(info.value.path()).read_bytes()))


def _relabel_first_theme(page: Page, url: str, old: str, new: str) -> None:
    """Open the Themes page afresh, type a new label into the table's first row and save it.

    The table is drawn on a canvas that only follows a scroll of the page after a while: it is
    edited on a page opened at the top, where it sits below the heading without any scroll.
    """
    open_page(page, f"{url}/themes")
    box = page.get_by_test_id("stDataFrame").first.bounding_box()
    assert box is not None
    page.mouse.dblclick(box["x"] + LABEL_CELL[0], box["y"] + LABEL_CELL[1])
    editor = page.locator("textarea").first
    expect(editor).to_have_value(old)  # the first row's label is open for editing
    editor.fill(new)
    editor.press("Enter")
    page.get_by_role("button", name="Save 1 label(s)").click()
    expect(page.get_by_text("Saved 1 label(s).")).to_be_visible()
    wait_idle(page)


def test_two_servers_share_fitted_themes_and_labels(
    database: str, browser: Browser, tmp_path: Path
) -> None:
    store = CorpusStore(database)  # the seed, then a few more speeches
    store.add_many(_real_speeches())
    store.dispose()
    with ThreadPoolExecutor(2) as pool:  # both servers start at once
        servers = list(
            pool.map(lambda i: start_server(database, tmp_path / f"server-{i}.log"), range(2))  # type: ignore[arg-type]
        )
    contexts = [
        browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
        for _ in servers
    ]
    try:
        a, b = (context.new_page() for context in contexts)
        (url_a, url_b) = (url for _, url in servers)
        for page in (a, b):
            page.set_default_timeout(60_000)
        # B looks first, before any theme exists; what it read then must not stay
        open_page(b, f"{url_b}/themes")
        expect(b.get_by_role("button", name="Fit themes now")).to_be_visible()

        open_page(a, f"{url_a}/themes")
        a.get_by_role("button", name="Fit themes now").click()
        expect(a.get_by_text("Theme shares over time").first).to_be_visible(timeout=60_000)
        wait_idle(a)
        fitted = _themes_csv(a)
        assert len(fitted) >= 2
        _relabel_first_theme(a, url_a, fitted["label"][0], "Shared label from A")
        on_a = _themes_csv(a)
        assert on_a["label"][0] == "Shared label from A"
        assert on_a[["theme", "terms"]].equals(fitted[["theme", "terms"]])

        open_page(b, f"{url_b}/themes")
        expect(b.get_by_text(f"{len(fitted)} themes", exact=True)).to_be_visible()
        pd.testing.assert_frame_equal(_themes_csv(b), on_a)

        # B refits with one theme more (or less, at the most the page allows) and relabels;
        # A shows it after a reload
        wanted = len(fitted) + 1 if len(fitted) < MAX_THEMES else len(fitted) - 1
        b.get_by_text("Refit the themes", exact=True).click()
        count = b.get_by_label("Number of themes")
        count.fill(str(wanted))
        count.press("Enter")
        wait_idle(b)
        b.get_by_role("button", name="Refit now").click()
        expect(b.get_by_text("Themes refitted")).to_be_visible(timeout=60_000)
        wait_idle(b)
        refitted = _themes_csv(b)
        assert len(refitted) == wanted
        _relabel_first_theme(b, url_b, refitted["label"][0], "Relabelled on B")
        on_b = _themes_csv(b)
        assert on_b["label"][0] == "Relabelled on B"

        open_page(a, f"{url_a}/themes")
        expect(a.get_by_text(f"{len(on_b)} themes", exact=True)).to_be_visible()
        pd.testing.assert_frame_equal(_themes_csv(a), on_b)
        assert a.get_by_test_id("stException").count() == 0
        assert b.get_by_test_id("stException").count() == 0
    finally:
        for context in contexts:
            context.close()
        for proc, _ in servers:
            stop_server(proc)
