"""The `speechtrack` command line, run as users run it: a real process on a real database."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from cli.main import main

SEED_TITLE = (
    "Foreign Minister Sergey Lavrov's remarks at a meeting with representatives of Russian "
    "non-profit organisations, Moscow, June 15, 2018"
)
LIST_FIELDS = [
    "speech_id",
    "title",
    "speaker",
    "role",
    "country",
    "country_code",
    "place",
    "date",
    "date_precision",
    "n_words",
    "source",
    "language",
]


def _cli() -> list[str]:
    script = shutil.which("speechtrack", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "cli.main"]


def run_process(db: Path, *args: str, check: int | None = 0) -> subprocess.CompletedProcess[str]:
    """Run the installed console script in its own process, as a user at a terminal does."""
    env = {**os.environ, "SPEECHTRACK_DB": str(db)}
    done = subprocess.run(
        [*_cli(), *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )
    if check is not None:
        assert done.returncode == check, done.stderr
    assert "Traceback" not in done.stderr
    return done


def run(db: Path, *args: str, check: int | None = 0) -> subprocess.CompletedProcess[str]:
    """Run the command line in this process (the same entry point, without the start-up cost)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--db", str(db), *args])
    done = subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())
    if check is not None:
        assert done.returncode == check, done.stderr
    assert "Traceback" not in done.stderr
    return done


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "corpus.sqlite"


def test_new_database_lists_exactly_the_seed(db: Path) -> None:
    rows = json.loads(run_process(db, "list", "--format", "json").stdout)
    assert len(rows) == 1
    (seed,) = rows
    assert list(seed) == LIST_FIELDS
    assert seed["title"] == SEED_TITLE
    assert (seed["speaker"], seed["role"], seed["place"]) == (
        "Sergey Lavrov",
        "Foreign Minister",
        "Moscow",
    )
    assert (seed["date"], seed["date_precision"]) == ("2018-06-15", "day")
    assert seed["n_words"] > 1000


def test_show_gives_text_and_page_metadata(db: Path) -> None:
    (seed,) = json.loads(run(db, "list", "--format", "json").stdout)
    shown = json.loads(run(db, "show", seed["speech_id"], "--format", "json").stdout)
    assert shown["text"].startswith("Colleagues,")
    assert "Hits: 517" not in shown["text"] and "11:40" not in shown["text"]
    assert "\n\nI am happy to meet with you again." in shown["text"]
    assert (shown["category"], shown["posted_by"], shown["language"]) == (
        "Foreign Policy News",
        "Vladimir I Poluektov",
        "en",
    )
    text_view = run(db, "show", seed["speech_id"]).stdout
    assert "Sergey Lavrov" in text_view and "Colleagues," in text_view


def test_add_reports_each_file_and_stores_the_good_ones(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "deeper").mkdir(parents=True)
    (folder / "1789-Washington.txt").write_text(
        "Fellow-Citizens of the Senate and of the House of Representatives:\n\nAmong the vicissitudes "
        "incident to life no event could have filled me with greater anxieties.",
        encoding="utf-8",
    )
    (folder / "deeper" / "speech.txt").write_bytes(
        "Date: 2019-05-01\n\nДорогие друзья, мы рады видеть вас в Москве.".encode("cp1251")
    )
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "nodate.txt").write_text("A speech without any date in it.", encoding="utf-8")
    done = run(db, "add", str(folder), "--format", "json", check=1)
    reports = {Path(r["file"]).name: r for r in json.loads(done.stdout)}
    assert set(reports) == {
        "1789-Washington.txt",
        "speech.txt",
        "empty.txt",
        "binary.txt",
        "nodate.txt",
    }
    for name in ("1789-Washington.txt", "speech.txt"):
        assert reports[name]["status"] == "added", reports[name]
        assert len(reports[name]["speech_id"]) == 12
    for name in ("empty.txt", "binary.txt", "nodate.txt"):
        assert reports[name]["status"] == "rejected"
        assert reports[name]["reason"], name
        assert isinstance(reports[name]["warnings"], list)
    assert "--date" in reports["nodate.txt"]["reason"]
    rows = json.loads(run(db, "list", "--format", "json").stdout)
    assert len(rows) == 3
    washington = next(
        r for r in rows if r["speech_id"] == reports["1789-Washington.txt"]["speech_id"]
    )
    assert (washington["date"], washington["date_precision"], washington["speaker"]) == (
        "1789",
        "year",
        "Washington",
    )


def test_add_same_text_again_is_a_duplicate(db: Path, tmp_path: Path) -> None:
    first = tmp_path / "a.txt"
    first.write_text("Date: 2020-02-02\n\nOne paragraph.\n\nAnother paragraph.", encoding="utf-8")
    second = tmp_path / "copy-with-crlf.txt"
    second.write_bytes(
        "Date: 2020-02-02\r\n\r\nOne paragraph.\r\n\r\nAnother paragraph.".encode("utf-16")
    )
    added = json.loads(run(db, "add", str(first), "--format", "json").stdout)[0]
    again = json.loads(run(db, "add", str(second), "--format", "json").stdout)[0]
    assert again["status"] == "duplicate"
    assert again["speech_id"] == added["speech_id"]
    assert added["speech_id"] in again["reason"]


def test_user_metadata_wins(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "1999-Someone.txt"
    path.write_text("Thank you all for coming today.", encoding="utf-8")
    report = json.loads(
        run(
            db,
            "add",
            str(path),
            "--speaker",
            "Jane Doe",
            "--date",
            "2001-09",
            "--place",
            "Oslo",
            "--title",
            '=HYPERLINK("http://x")',
            "--format",
            "json",
        ).stdout  # fmt: skip
    )[0]
    shown = json.loads(run(db, "show", report["speech_id"], "--format", "json").stdout)
    assert (shown["speaker"], shown["date"], shown["date_precision"], shown["place"]) == (
        "Jane Doe",
        "2001-09",
        "month",
        "Oslo",
    )
    listing = run(db, "list", "--format", "csv").stdout
    assert listing.startswith("\ufeff")  # spreadsheet CSV by default: Excel reads it as UTF-8
    row = next(
        r
        for r in csv.DictReader(io.StringIO(listing.removeprefix("\ufeff")))
        if r["speech_id"] == report["speech_id"]
    )
    assert row["title"].startswith("'="), "a title must never reach a spreadsheet as a formula"


@pytest.mark.parametrize(
    ("value", "message"),
    [("03/04/2019", "ambiguous"), ("2999-01-01", "future"), ("next week", "date")],
    ids=["ambiguous", "future", "unreadable"],
)
def test_bad_dates_are_refused(db: Path, tmp_path: Path, value: str, message: str) -> None:
    path = tmp_path / "speech.txt"
    path.write_text("Words of a speech.", encoding="utf-8")
    done = run(db, "add", str(path), "--date", value, check=1)
    assert message in done.stderr.lower() + done.stdout.lower()
    assert len(json.loads(run(db, "list", "--format", "json").stdout)) == 1


def test_archive_gets_a_report_per_member(db: Path, tmp_path: Path) -> None:
    archive = tmp_path / "speeches.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(
            "1801-Jefferson.txt",
            "Friends and fellow citizens, called upon to undertake the duties.",
        )
        zf.writestr("notes/empty.txt", "")
    reports = json.loads(run_process(db, "add", str(archive), "--format", "json", check=1).stdout)
    by_name = {r["file"].split("/")[-1]: r["status"] for r in reports}
    assert by_name == {"1801-Jefferson.txt": "added", "empty.txt": "rejected"}


def test_search_remove_and_errors(db: Path) -> None:
    hits = json.loads(run(db, "search", '"consultative status" ECOSOC', "--format", "json").stdout)
    assert len(hits) == 1 and "«" in hits[0]["snippet"]
    speech_id = hits[0]["speech_id"]
    assert "removed" in run(db, "remove", speech_id).stdout
    done = run_process(db, "show", speech_id, check=1)
    assert done.stderr.count("\n") == 1 and "speechtrack list" in done.stderr
    missing = run(db, "add", "/nonexistent/file.txt", check=1)
    assert "rejected" in missing.stdout


def test_import_table_with_mapping(db: Path, tmp_path: Path) -> None:
    table = tmp_path / "speeches.csv"
    table.write_text(
        "body,who,when,where\n"
        '"We will support regional NGOs.",Maria Zakharova,2019-03-04,Moscow\n'
        '"A second statement on trade.",Maria Zakharova,2020,Minsk\n'
        '"",Nobody,2020,Nowhere\n',
        encoding="utf-8",
    )
    done = run(db, "import-table", str(table), "--map", "body=text", "--map", "who=speaker",
               "--map", "when=date", "--map", "where=place", "--format", "json", check=1)  # fmt: skip
    statuses = [r["status"] for r in json.loads(done.stdout)]
    assert statuses == ["added", "added", "rejected"]
    rows = json.loads(run(db, "list", "--format", "json").stdout)
    assert {r["date"] for r in rows} == {"2018-06-15", "2019-03-04", "2020"}
    bad = run(db, "import-table", str(table), "--map", "nosuch=text", check=1)
    assert "nosuch" in bad.stderr


def test_list_and_show_carry_the_country_code(db: Path, tmp_path: Path) -> None:
    table = tmp_path / "speeches.csv"
    table.write_text(
        "text,speaker,year,country\n"
        '"A statement on rivers and treaties.",Andrei Kozyrev,1993,Russian Federation\n'
        '"A statement on fisheries.",Andrei Gromyko,1970,Union of Soviet Socialist Republics\n'
        '"A statement on trade.",Mr. HURD,1991,UK\n'
        '"A statement on the sea.",Someone,1992,Atlantis\n',
        encoding="utf-8",
    )
    run(db, "import-table", str(table), "--format", "json")
    rows = json.loads(run(db, "list", "--format", "json").stdout)
    assert {(r["country"], r["country_code"]) for r in rows} == {
        ("Russia", "RUS"),  # the seed: Russia's foreign minister
        ("Russian Federation", "RUS"),
        ("Union of Soviet Socialist Republics", "SUN"),
        ("UK", "GBR"),
        ("Atlantis", ""),
    }
    seed = next(r for r in rows if r["speaker"] == "Sergey Lavrov")
    shown = json.loads(run(db, "show", seed["speech_id"], "--format", "json").stdout)
    assert (shown["country"], shown["country_code"]) == ("Russia", "RUS")
    assert "country_code:   RUS" in run(db, "show", seed["speech_id"]).stdout
    assert "country_code" in run(db, "list", "--format", "csv").stdout.splitlines()[0]


def test_version_is_the_installed_package_version(db: Path) -> None:
    from importlib.metadata import version

    done = run_process(db, "--version")
    assert done.stdout.strip() == f"speechtrack {version('speech-tracker')}"


def test_speakers_are_listed_tidied_suggested_and_merged(db: Path, tmp_path: Path) -> None:
    table = tmp_path / "speeches.csv"
    table.write_text(
        "text,speaker,year\n"
        '"A statement on rivers and treaties.",Mr. KOZYREV,1993\n'
        '"A statement on fisheries.",Sergei Lavrov,2005\n'
        '"A statement on trade.",Sergey V. Lavrov,2006\n'
        '"A statement on the sea.",S. Lavrov,2007\n',
        encoding="utf-8",
    )
    run(db, "import-table", str(table), "--format", "json")
    listed = json.loads(run(db, "speakers", "--format", "json").stdout)
    assert {r["speaker"] for r in listed["speakers"]} == {
        "Kozyrev", "Sergei Lavrov", "Sergey V. Lavrov", "S. Lavrov", "Sergey Lavrov",
    }  # fmt: skip
    assert listed["likely_variants"] == [
        ["S. Lavrov", "Sergei Lavrov", "Sergey Lavrov", "Sergey V. Lavrov"]
    ]
    text = run(db, "speakers").stdout
    assert "speechtrack speakers --merge 'S. Lavrov' 'Sergei Lavrov'" in text
    done = run(db, "speakers", "--merge", "Sergey Lavrov", "Sergei Lavrov", "Sergey V. Lavrov",
               "S. Lavrov")  # fmt: skip
    assert "Sergey Lavrov now stands for" in done.stdout and "(4 speeches)" in done.stdout
    rows = json.loads(run(db, "list", "--format", "json").stdout)
    assert sorted(r["speaker"] for r in rows) == ["Kozyrev"] + ["Sergey Lavrov"] * 4
    listed = json.loads(run(db, "speakers", "--format", "json").stdout)
    assert {"name": "Sergei Lavrov", "speaker": "Sergey Lavrov"} in listed["merged"]
    assert listed["likely_variants"] == []
    assert "Sergei Lavrov -> Sergey Lavrov" in run(db, "speakers").stdout
    lavrov = listed["speakers"][0]
    assert (lavrov["speaker"], lavrov["n_speeches"]) == ("Sergey Lavrov", 4)
    assert lavrov["written_as"] == "S. Lavrov | Sergei Lavrov | Sergey Lavrov | Sergey V. Lavrov"
    kozyrev = next(r for r in rows if r["speaker"] == "Kozyrev")
    shown = json.loads(run(db, "show", kozyrev["speech_id"], "--format", "json").stdout)
    assert (shown["speaker"], shown["speaker_as_written"]) == ("Kozyrev", "Mr. KOZYREV")
    (hit,) = json.loads(run(db, "search", "rivers", "--format", "json").stdout)
    assert hit["speaker"] == "Kozyrev"
    # selections follow the merge: any name of the person selects all the speeches
    stats = json.loads(
        run(db, "stats", "--select", 'speaker:"Sergei Lavrov"', "--format", "json").stdout
    )
    assert len(stats) == 4
    assert "1 name(s)" in run(db, "speakers", "--unmerge", "S. Lavrov").stdout
    bad = run(db, "speakers", "--merge", "Sergey Lavrov", check=1)
    assert "at least one other name" in bad.stderr


def test_list_and_show_give_each_speech_its_detected_language(db: Path, tmp_path: Path) -> None:
    languages = Path(__file__).parents[1] / "data" / "languages"
    for code in ("ru", "uk", "it"):
        text = (languages / f"{code}.txt").read_text(encoding="utf-8")
        (tmp_path / f"2019-05-01-{code}.txt").write_text(text, encoding="utf-8")
        run(db, "add", str(tmp_path / f"2019-05-01-{code}.txt"))
    rows = json.loads(run(db, "list", "--format", "json").stdout)
    by_source = {Path(r["source"]).name: r for r in rows}
    assert {name: r["language"] for name, r in by_source.items()} == {
        "2018-06-15-lavrov-remarks-to-russian-ngos.txt": "en",
        "2019-05-01-ru.txt": "ru",
        "2019-05-01-uk.txt": "uk",
        "2019-05-01-it.txt": "it",
    }
    shown = run(db, "show", by_source["2019-05-01-uk.txt"]["speech_id"], "--format", "json")
    assert json.loads(shown.stdout)["language"] == "uk"


def test_stats_json_gives_readability_only_where_the_formula_is_defined(
    db: Path, tmp_path: Path
) -> None:
    russian = Path(__file__).parents[1] / "data" / "languages" / "ru.txt"
    (tmp_path / "2019-05-01-ru.txt").write_bytes(russian.read_text("utf-8").encode("cp1251"))
    run(db, "add", str(tmp_path / "2019-05-01-ru.txt"))
    rows = {r["language"]: r for r in json.loads(run(db, "stats", "--format", "json").stdout)}
    assert set(rows) == {"en", "ru"}
    assert rows["ru"]["flesch_reading_ease"] is None
    assert "defined for English only" in rows["ru"]["readability_note"]
    assert rows["ru"]["n_sentences"] == 17
    assert 0 < rows["en"]["flesch_reading_ease"] < 100 and rows["en"]["readability_note"] == ""
