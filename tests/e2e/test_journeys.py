"""User journeys in a real browser: every page opens, an upload shows everywhere, downloads open."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

PAGES = {
    "overview": "",
    "speech": "speech",
    "themes": "themes",
    "compare": "compare",
    "figures": "figures",
    "terms": "terms",
    "upload": "upload",
}
HOSTILE = (
    "Remarks by Jane Doe at the <script>window.pwned=1</script> forum, Geneva, 3 March 2024\n\n"
    "Friends, **bold** claims and $x$ maths and [link](javascript:alert(1)) are not markup here.\n\n"
    "The United Nations counts over 40 countries in the programme, and only 3 of them reported "
    "on time. The OSCE agreed, and about 12 per cent of the budget went to water.\n"
)


def test_every_page_opens_on_the_seed(page: Page, app_url: str, ui) -> None:
    for name, path in PAGES.items():
        ui.open_page(page, f"{app_url}/{path}")
        assert page.get_by_test_id("stException").count() == 0, name
        ui.full_screenshot(page, ui.screenshots / f"seed-{name}.png")
    assert (ui.screenshots / "seed-overview.png").stat().st_size > 10_000


def test_upload_then_download_csv_and_excel(page: Page, app_url: str, tmp_path: Path, ui) -> None:
    transcript = tmp_path / "hostile.txt"
    transcript.write_text(HOSTILE, encoding="utf-8")
    ui.open_page(page, f"{app_url}/upload")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(transcript))
    store = page.get_by_role("button", name="Store 1 speech(es)")
    expect(store).to_be_visible()
    ui.full_screenshot(page, ui.screenshots / "upload-confirm.png")
    store.click()
    expect(page.get_by_text("Upload stored: 1 added.")).to_be_visible()
    ui.wait_idle(page)
    ui.full_screenshot(page, ui.screenshots / "upload-report.png")

    ui.open_page(page, app_url)
    expect(page.get_by_test_id("stMetricValue").first).to_have_text("2")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV of speeches").click()
    csv_path = tmp_path / info.value.suggested_filename
    info.value.save_as(csv_path)
    speeches = pd.read_csv(csv_path)
    assert len(speeches) == 2
    assert any(t.startswith("Remarks by Jane Doe at the <script>") for t in speeches["title"])

    with page.expect_download() as info:
        page.get_by_role("button", name="Download Excel workbook of this page").click()
    book = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert book.sheetnames[0] == "About"
    about = {row[0]: row[1] for row in book["About"].iter_rows(min_row=2, values_only=True)}
    assert about["Page"] == "Overview" and about["Corpus version"].isdigit()
    assert {"speeches", "by year", "by speaker"} <= set(book.sheetnames)

    ui.open_page(page, f"{app_url}/themes")
    page.get_by_role("button", name="Fit themes now").click()
    expect(page.get_by_text("Theme shares over time").first).to_be_visible()
    ui.wait_idle(page)
    ui.full_screenshot(page, ui.screenshots / "themes-fitted.png")
    ui.open_page(page, f"{app_url}/compare")
    expect(page.get_by_role("heading", name="Terms that set them apart")).to_be_visible()
    ui.full_screenshot(page, ui.screenshots / "compare-two-speeches.png")
    ui.open_page(page, f"{app_url}/terms?terms=NGOs,water&kwic=NGOs")
    ui.full_screenshot(page, ui.screenshots / "terms.png")

    new_id = speeches.loc[speeches["title"].str.startswith("Remarks by Jane"), "speech_id"].iloc[0]
    ui.open_page(page, f"{app_url}/speech?speech={new_id}")
    reading = page.locator(".speech-text")
    expect(reading).to_contain_text("**bold** claims and $x$ maths and [link](javascript:alert(1))")
    expect(page.get_by_role("heading", name="<script>", exact=False).first).to_be_visible()
    assert page.evaluate("() => window.pwned === undefined")
    assert page.locator(".speech-text mark.st-figure").count() >= 2
    assert page.locator(".speech-text mark.st-organisation").count() >= 2
    ui.full_screenshot(page, ui.screenshots / "speech-hostile.png")

    # a link to a speech that is not the newest opens that speech, and keeps its id in the URL
    seed_id = speeches.loc[speeches["title"].str.startswith("Foreign Minister"), "speech_id"].iloc[
        0
    ]
    ui.open_page(page, f"{app_url}/speech?speech={seed_id}")
    expect(page.get_by_role("heading", name="Foreign Minister Sergey Lavrov").first).to_be_visible()
    assert f"speech={seed_id}" in page.url
    # picking another speech redraws the part of the page below the picker and links to it
    page.get_by_test_id("stMain").get_by_test_id("stSelectbox").first.click()
    page.keyboard.type("Jane Doe")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Remarks by Jane Doe").first).to_be_visible()
    expect(page).to_have_url(re.compile(f"speech={new_id}"))
    ui.wait_idle(page)
    assert page.locator(".speech-text mark.st-figure").count() >= 2
    ui.open_page(page, f"{app_url}/compare?compare_a={seed_id}&compare_b={new_id}")
    expect(page.get_by_text("A: 2018-06-15").first).to_be_visible()
