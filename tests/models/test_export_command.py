"""`speechtrack export` and the two kinds of CSV: tables that go back in, and tables for Excel.

Real SQLite files, the real command line. The speeches table written in every format is read
back by `import-table` into an empty store and gives the same speeches (ids, metadata as precise
as it was known, text to the character); the analysis tables are long and tidy.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from corpus.records import Speech, speech_id_for
from corpus.store import CorpusStore
from models.export import to_csv_bytes
from tests.cli.test_cli import run

UNUSUAL = [
    dict(
        title='=HYPERLINK("http://example.org","click")',
        speaker="Мария Захарова",
        role="Spokeswoman",
        country="Russia",
        place="Москва",
        delivered_on=date(2019, 3, 1),
        date_precision="month",
        category="briefing",
        posted_by="Press service",
        source="https://example.org/briefing",
        language="ru",
        text='Первый абзац брифинга о работе НКО.\n\nSecond paragraph, with "quotes", a comma; '
        "and a semicolon.\n\n+7 is how the number starts.",
    ),
    dict(
        title="Address on the state of the economy",
        speaker="Mr. KOZYREV",
        role="",
        country="",
        place="",
        delivered_on=date(1962, 1, 1),
        date_precision="year",
        category="",
        posted_by="",
        source="sotu-1962.txt",
        language="en",
        text="Our exports rose by 12 per cent over the year, and 40,000 new firms were founded.",
    ),
]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.sqlite"
    store = CorpusStore(str(path))  # the seed, and two speeches with unusual metadata
    try:
        for fields in UNUSUAL:
            store.add(Speech(speech_id=speech_id_for(str(fields["text"])), **fields))  # type: ignore[arg-type]
    finally:
        store.dispose()
    return path


def _speeches(path: Path) -> tuple[pd.DataFrame, pd.Series]:
    store = CorpusStore(str(path), seed=False)
    try:
        catalogue = store.catalogue().drop(columns=["added_at"]).set_index("speech_id")
        return catalogue.sort_index(), store.texts().sort_index()
    finally:
        store.dispose()


@pytest.mark.parametrize(
    "name", ["out.csv", "out.csv.gz", "out.parquet", "out.jsonl", "out.jsonl.gz"]
)
def test_exported_speeches_import_back_as_the_same_speeches(
    db: Path, tmp_path: Path, name: str
) -> None:
    exported = tmp_path / name
    done = run(db, "export", str(exported))
    assert done.stdout.startswith("wrote 3 rows of speeches")
    fresh = tmp_path / "fresh.sqlite"
    CorpusStore(str(fresh), seed=False).dispose()  # empty: not even the seed
    report = json.loads(run(fresh, "import-table", str(exported), "--format", "json").stdout)
    assert [r["status"] for r in report] == ["added"] * 3
    before, texts_before = _speeches(db)
    after, texts_after = _speeches(fresh)
    pd.testing.assert_frame_equal(after, before)
    pd.testing.assert_series_equal(texts_after, texts_before)


def test_the_speeches_table_has_exactly_the_columns_import_table_reads(
    db: Path, tmp_path: Path
) -> None:
    from cli.export import SPEECH_COLUMNS
    from corpus.readers.tables import TABLE_FIELDS

    assert set(SPEECH_COLUMNS) <= set(TABLE_FIELDS)
    exported = tmp_path / "speeches.csv"
    run(db, "export", str(exported))
    raw = exported.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # data CSV: no byte-order mark
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    assert list(rows[0]) == list(SPEECH_COLUMNS)
    assert {r["date"] for r in rows} == {"2018-06-15", "2019-03", "1962"}
    # values exactly as stored: the title that looks like a formula is not changed
    assert '=HYPERLINK("http://example.org","click")' in {r["title"] for r in rows}


def test_export_for_a_spreadsheet_has_a_byte_order_mark_and_no_formula(
    db: Path, tmp_path: Path
) -> None:
    exported = tmp_path / "for-excel.csv"
    run(db, "export", str(exported), "--csv-for", "spreadsheet")
    raw = exported.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    titles = {r["title"] for r in rows}
    assert '\'=HYPERLINK("http://example.org","click")' in titles
    assert "Мария Захарова" in {r["speaker"] for r in rows}


def test_list_csv_for_data_or_spreadsheet(db: Path) -> None:
    spreadsheet = run(db, "list", "--format", "csv").stdout
    data = run(db, "list", "--format", "csv", "--csv-for", "data").stdout
    assert spreadsheet.startswith("\ufeff") and not data.startswith("\ufeff")
    titles = {r["title"] for r in csv.DictReader(io.StringIO(data))}
    assert '=HYPERLINK("http://example.org","click")' in titles
    safe = {r["title"] for r in csv.DictReader(io.StringIO(spreadsheet.lstrip("\ufeff")))}
    assert '\'=HYPERLINK("http://example.org","click")' in safe


def test_analysis_tables_are_long_and_tidy(db: Path, tmp_path: Path) -> None:
    figures = tmp_path / "figures.csv"
    run(db, "export", str(figures), "--table", "figures")
    table = pd.read_csv(figures)
    ngos = table[(table["value"] == 70) & table["sentence"].str.contains("ECOSOC")]
    assert len(ngos) == 1 and "Economic and Social Council" in ngos.iloc[0]["organisation"]
    assert table["speech_id"].notna().all()

    themes = tmp_path / "themes.parquet"
    run(db, "export", str(themes), "--table", "themes")
    terms = pd.read_parquet(themes)
    assert list(terms.columns) == ["theme", "label", "rank", "term", "weight"]
    assert terms.groupby("theme")["rank"].max().min() >= 5  # several terms per theme, one per row

    mix = tmp_path / "mix.jsonl"
    run(db, "export", str(mix), "--table", "mix", "--select", "year:2018")
    shares = pd.DataFrame([json.loads(line) for line in mix.read_text("utf-8").splitlines()])
    assert set(shares["date"]) == {"2018-06-15"}
    assert shares.groupby("speech_id")["share"].sum().round(6).eq(1).all()

    series = tmp_path / "series.csv.gz"
    run(db, "export", str(series), "--table", "series")
    with gzip.open(series, "rt", encoding="utf-8") as fh:
        assert fh.readline().startswith("series")


def test_export_says_what_to_do_with_a_name_it_cannot_read(db: Path, tmp_path: Path) -> None:
    done = run(db, "export", str(tmp_path / "speeches.xlsx"), check=1)
    assert "--format csv|parquet|jsonl" in done.stderr
    assert not (tmp_path / "speeches.xlsx").exists()
    missing = run(db, "export", str(tmp_path / "no" / "such" / "speeches.csv"), check=1)
    assert "no such folder" in missing.stderr
    forced = tmp_path / "speeches.txt"
    run(db, "export", str(forced), "--format", "jsonl")
    assert len(forced.read_text(encoding="utf-8").splitlines()) == 3


def test_dashboard_csv_downloads_open_in_excel_with_cyrillic_intact() -> None:
    frame = pd.DataFrame({"speaker": ["Сергей Лавров"], "title": ["-1 is not a formula here"]})
    data = to_csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines()[1] == "Сергей Лавров,'-1 is not a formula here"
