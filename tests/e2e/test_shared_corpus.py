"""Several people on one corpus: two dashboard servers, three browser sessions and a command-line
process add speeches at the same moment, on SQLite and on PostgreSQL. Every speech is stored once,
and what one server stored shows on the other."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from corpus.store import CorpusStore
from tests.conftest import PG_URL, _fresh_pg_url
from tests.e2e.conftest import open_page, start_server, stop_server, wait_idle

pytestmark = pytest.mark.e2e

TRANSCRIPTS = {
    f"speech-{i}.txt": (
        f"Remarks by Speaker Number{i} at the forum, Geneva, {i + 1} March 2024\n\n"
        f"Colleagues, this is speech {i}. It speaks of water, of trade and of {i * 11} schools.\n"
    )
    for i in range(5)
}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "corpus.sqlite")
        return
    if not PG_URL:
        pytest.skip("no PostgreSQL server: set SPEECHTRACK_TEST_PG_URL (run.sh test does)")
    yield from _fresh_pg_url()


def test_two_servers_three_sessions_and_the_command_line_at_once(
    database: str, browser: Browser, tmp_path: Path
) -> None:
    CorpusStore(database).dispose()  # the corpus exists, with its seed, before anyone arrives
    folder = tmp_path / "files"
    folder.mkdir()
    for name, text in TRANSCRIPTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    servers = [start_server(database, tmp_path / f"server-{i}.log") for i in range(2)]  # type: ignore[arg-type]
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in range(3)]
    try:
        pages = [context.new_page() for context in contexts]
        urls = [servers[0][1], servers[0][1], servers[1][1]]
        for i, (page, url) in enumerate(zip(pages, urls, strict=True)):
            page.set_default_timeout(60_000)
            open_page(page, f"{url}/upload")
            page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
                str(folder / f"speech-{i}.txt")
            )
            expect(page.get_by_role("button", name="Store 1 speech(es)")).to_be_visible(
                timeout=60_000
            )
        command = [sys.executable, "-m", "cli.main", "--db", database, "add",
                   str(folder / "speech-3.txt"), str(folder / "speech-4.txt"), str(folder / "speech-0.txt")]  # fmt: skip
        cli = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for page in pages:  # every session stores at once, while the command line adds too
            page.get_by_role("button", name="Store 1 speech(es)").click()
        out, err = cli.communicate(timeout=120)
        for page in pages:
            expect(page.get_by_text("Upload stored:")).to_be_visible(timeout=60_000)
        assert cli.returncode == 0, err
        assert "Traceback" not in err

        store = CorpusStore(database)
        speakers = sorted(s.speaker for s in store.find())
        assert speakers == sorted(["Sergey Lavrov", *(f"Speaker Number{i}" for i in range(5))]), (
            speakers
        )
        store.dispose()
        # speech-0 came from a browser and from the command line: stored once, the other a duplicate
        assert ("duplicate" in out) or any(p.get_by_text("1 duplicate").count() for p in pages)

        # what the first server stored shows on the second
        open_page(pages[2], servers[1][1])
        expect(pages[2].get_by_test_id("stMetricValue").first).to_have_text("6", timeout=60_000)
        wait_idle(pages[2])
    finally:
        for context in contexts:
            context.close()
        for proc, _ in servers:
            stop_server(proc)
