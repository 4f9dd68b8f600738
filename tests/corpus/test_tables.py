"""Tables of many speeches: formats, column mapping, rejected rows, speeches from rows, real corpora."""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import json
import zipfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from corpus.errors import CorpusError, ImportTableError, MetadataError, UnreadableFileError
from corpus.readers.tables import (
    TABLE_FIELDS,
    Rejected,
    TableReading,
    default_mapping,
    read_table,
    speech_from_row,
)
from corpus.records import Document, SpeechDate, SpeechFields, speech_id_for
from tests.conftest import need_corpora

LAVROV = (
    "Dear friends,\n\nI am pleased to welcome you to our traditional meeting with the "
    "representatives of Russian non-governmental organisations."
)
MERKEL = "Ladies and gentlemen,\n\nEurope is facing a test of its unity and of its values."
SPEECHES = pd.DataFrame(
    {
        "Title": ["Remarks to Russian NGOs", "Speech in Munich"],
        "Speaker": ["Sergey Lavrov", "Angela Merkel"],
        "Date": ["2018-06-15", "2019-02-16"],
        "Place": ["Moscow", "Munich"],
        "Text": [LAVROV, MERKEL],
    }
)


CONTENT_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)


def rows_of(reading: TableReading) -> list[Document | Rejected]:
    return list(reading.rows())


def documents_of(rows: Iterable[Document | Rejected]) -> list[Document]:
    found = list(rows)
    assert all(isinstance(row, Document) for row in found), found
    return [row for row in found if isinstance(row, Document)]


def documents(reading: TableReading) -> list[Document]:
    return documents_of(reading.rows())


def as_jsonl(frame: pd.DataFrame) -> bytes:
    return frame.to_json(orient="records", lines=True, force_ascii=False).encode()


def as_xlsx(frame: pd.DataFrame, *, sheet: str = "Speeches") -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, sheet_name=sheet, engine="openpyxl")
    return buffer.getvalue()


def as_parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False, engine="pyarrow")
    return buffer.getvalue()


WRITERS = {
    "csv-comma": ("speeches.csv", lambda f: f.to_csv(index=False).encode()),
    "csv-semicolon": ("speeches.csv", lambda f: f.to_csv(index=False, sep=";").encode()),
    "tsv": ("speeches.tsv", lambda f: f.to_csv(index=False, sep="\t").encode()),
    "csv-bom": ("speeches.csv", lambda f: f.to_csv(index=False).encode("utf-8-sig")),
    "csv-gzip": ("speeches.csv.gz", lambda f: gzip.compress(f.to_csv(index=False).encode())),
    "jsonl": ("speeches.jsonl", as_jsonl),
    "ndjson-no-extension": ("speeches", as_jsonl),
    "jsonl-gzip": ("speeches.jsonl.gz", lambda f: gzip.compress(as_jsonl(f))),
    "json-array": ("speeches.json", lambda f: f.to_json(orient="records").encode()),
    "parquet": ("speeches.parquet", as_parquet),
    "xlsx": ("speeches.xlsx", as_xlsx),
}
FORMATS = {
    "csv-comma": "csv",
    "csv-semicolon": "csv",
    "tsv": "csv",
    "csv-bom": "csv",
    "csv-gzip": "csv",
    "jsonl": "jsonl",
    "ndjson-no-extension": "jsonl",
    "jsonl-gzip": "jsonl",
    "json-array": "json",
    "parquet": "parquet",
    "xlsx": "xlsx",
}


@pytest.mark.parametrize("kind", list(WRITERS), ids=list(WRITERS))
@pytest.mark.parametrize("as_path", [False, True], ids=["bytes", "path"])
def test_every_format_reads_one_speech_per_row(kind: str, as_path: bool, tmp_path: Path) -> None:
    name, write = WRITERS[kind]
    data = write(SPEECHES)
    source: bytes | Path = data
    if as_path:
        source = tmp_path / name
        source.write_bytes(data)
    reading = read_table(name, source)
    assert reading.format == FORMATS[kind]
    assert reading.columns == ("Title", "Speaker", "Date", "Place", "Text")
    assert reading.mapping == {
        "Text": "text",
        "Title": "title",
        "Speaker": "speaker",
        "Place": "place",
        "Date": "date",
    }
    assert reading.n_rows == 2
    lavrov, merkel = documents(reading)
    assert lavrov.source_name == f"{name}#row 1"
    assert lavrov.text == LAVROV
    assert lavrov.given == SpeechFields(
        title="Remarks to Russian NGOs",
        speaker="Sergey Lavrov",
        place="Moscow",
        delivered=SpeechDate(date(2018, 6, 15), "day"),
    )
    assert merkel.given.delivered == SpeechDate(date(2019, 2, 16), "day")
    assert merkel.text == MERKEL


def test_rows_can_be_read_twice() -> None:
    reading = read_table("speeches.jsonl.gz", gzip.compress(as_jsonl(SPEECHES)))
    assert [d.text for d in documents(reading)] == [d.text for d in documents(reading)]


def test_csv_in_windows_1251_is_detected_and_said() -> None:
    frame = pd.DataFrame(
        {
            "заголовок": ["Выступление министра"],
            "speaker": ["Сергей Лавров"],
            "year": [2018],
            "text": [
                "Уважаемые друзья! Рад приветствовать вас на нашей традиционной встрече с "
                "представителями российских неправительственных организаций. Мы высоко ценим "
                "вклад гражданского общества в развитие международного сотрудничества."
            ],
        }
    )
    reading = read_table("lavrov.csv", frame.to_csv(index=False, sep=";").encode("cp1251"))
    assert reading.columns[0] == "заголовок"
    assert any("Windows-1251" in w for w in reading.warnings), reading.warnings
    (doc,) = documents(reading)
    assert doc.given.speaker == "Сергей Лавров"
    assert doc.text.startswith("Уважаемые друзья!")


def test_csv_in_windows_1252_is_detected() -> None:
    text = (
        "Mesdames et messieurs, c’est un honneur d’être ici à Genève. Le café de la délégation "
        "était excellent, et nos échanges très fructueux pour l’avenir de la coopération."
    )
    frame = pd.DataFrame({"orateur": ["François Hollande"], "year": [2013], "texte": [text]})
    reading = read_table(
        "hollande.csv",
        frame.to_csv(index=False).encode("cp1252"),
        mapping={"orateur": "speaker", "texte": "text"},
    )
    assert any("Windows-1252" in w for w in reading.warnings), reading.warnings
    (doc,) = documents(reading)
    assert (doc.text, doc.given.speaker) == (text, "François Hollande")


def test_utf16_csv_from_excel_is_read() -> None:
    data = SPEECHES.to_csv(index=False, sep="\t").encode("utf-16")  # Excel's "Unicode text"
    reading = read_table("speeches.txt", data)
    assert [d.given.speaker for d in documents(reading)] == ["Sergey Lavrov", "Angela Merkel"]


def test_csv_fields_longer_than_the_csv_module_default_are_read() -> None:
    long_text = "The peace we seek must be built on law. " * 8_000  # about 320,000 characters
    data = pd.DataFrame({"text": [long_text], "year": [1990]}).to_csv(index=False).encode()
    (doc,) = documents(read_table("long.csv", data))
    assert len(doc.text) == len(long_text.strip())


def test_csv_quotes_with_delimiters_and_newlines_inside() -> None:
    data = (
        b'title;speaker;date;text\n"Peace; and war";"Doe, Jane";2020-05-01;"First line;\n\n'
        b'second paragraph, with commas."\n'
    )
    (doc,) = documents(read_table("quoted.csv", data))
    assert doc.given.title == "Peace; and war"
    assert doc.given.speaker == "Doe, Jane"
    assert doc.text == "First line;\n\nsecond paragraph, with commas."


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (
            ["id", "iso3", "country", "session", "year", "speaker", "post", "source_path", "text"],
            {
                "text": "text",
                "speaker": "speaker",
                "post": "role",
                "country": "country",
                "year": "year",
                "id": "id",
            },
        ),
        (
            ["id", "year", "president", "party", "source_path", "text"],
            {"text": "text", "president": "speaker", "year": "year", "id": "id"},
        ),
        (
            ["Body", "Name", "Position", "Location", "URL", "Delivered On", "Lang", "Headline"],
            {
                "Body": "text",
                "Headline": "title",
                "Name": "speaker",
                "Position": "role",
                "Location": "place",
                "Delivered On": "date",
                "URL": "source",
                "Lang": "language",
            },
        ),
        (["ISO Code", "Session", "Transcript"], {"Transcript": "text", "ISO Code": "country"}),
        (
            ["Name of Person Speaking", "Office", "Venue", "Content", "Link", "Category"],
            {
                "Content": "text",
                "Name of Person Speaking": "speaker",
                "Office": "role",
                "Venue": "place",
                "Link": "source",
                "Category": "category",
            },
        ),
        (
            ["speech", "speaker_name", "country_name", "iso3"],
            {
                "speech": "text",
                "speaker_name": "speaker",
                "country_name": "country",
            },
        ),
        (["session", "notes"], {}),
    ],
    ids=[
        "ungdc",
        "us-sotu",
        "synonyms",
        "iso-code-alone",
        "spreadsheet-headers",
        "name-over-code",
        "nothing",
    ],
)
def test_default_mapping_by_name(columns: list[str], expected: dict[str, str]) -> None:
    assert default_mapping(columns) == expected
    assert set(expected.values()) <= set(TABLE_FIELDS)


def test_mapping_options_override_the_defaults() -> None:
    frame = pd.DataFrame(
        {
            "summary": ["Short."],
            "body": [LAVROV],
            "who": ["Sergey Lavrov"],
            "speaker": ["Note"],
            "when": ["15 June 2018"],
        }
    )
    reading = read_table(
        "mapped.csv",
        frame.to_csv(index=False).encode(),
        mapping={"body": "text", "who": "speaker", "WHEN": "Date"},
    )
    assert reading.mapping == {"body": "text", "who": "speaker", "when": "date"}
    (doc,) = documents(reading)
    assert doc.text == LAVROV
    assert doc.given.speaker == "Sergey Lavrov"
    assert doc.given.delivered == SpeechDate(date(2018, 6, 15), "day")


def test_several_columns_may_feed_one_field_first_non_empty_wins() -> None:
    frame = pd.DataFrame(
        {
            "text": [LAVROV, MERKEL],
            "country": ["Russia", None],
            "iso3": ["RUS", "DEU"],
            "year": [2018, 2019],
        }
    )
    reading = read_table(
        "countries.jsonl", as_jsonl(frame), mapping={"country": "country", "iso3": "country"}
    )
    assert [d.given.country for d in documents(reading)] == ["Russia", "DEU"]


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"nope": "text"}, r'there is no column "nope" to map; the columns are "Title", "Speaker"'),
        (
            {"Text": "transcript"},
            r'"transcript" .* is not a speech field; map columns to one of: '
            r"text, title, speaker",
        ),
    ],
    ids=["missing-column", "unknown-field"],
)
def test_bad_mapping_options_say_what_exists(mapping: dict[str, str], message: str) -> None:
    with pytest.raises(ImportTableError, match=message) as caught:
        read_table("speeches.csv", SPEECHES.to_csv(index=False).encode(), mapping=mapping)
    assert caught.value.source_name == "speeches.csv"


def test_a_table_without_a_text_column_says_how_to_map_one() -> None:
    frame = pd.DataFrame({"speaker": ["A"], "remarks": ["Some words."], "year": [2000]})
    with pytest.raises(ImportTableError, match=r'"remarks".*--map COLUMN=text'):
        read_table("notext.csv", frame.to_csv(index=False).encode())
    reading = read_table(
        "notext.csv", frame.to_csv(index=False).encode(), mapping={"remarks": "text"}
    )
    assert documents(reading)[0].text == "Some words."


def test_rows_without_text_or_date_are_rejected_with_reasons() -> None:
    lines = [
        {"id": "good", "text": LAVROV, "date": "2018-06-15"},
        {"id": "blank", "text": "   \n ", "date": "2018-06-15"},
        {"text": MERKEL, "date": ""},
        {"id": "ambiguous", "text": MERKEL, "date": "03/04/2019"},
        {"id": "future", "text": MERKEL, "date": "2999-01-01"},
        {"id": "year-fallback", "text": MERKEL, "date": None, "year": 2019},
    ]
    data = "\n".join(json.dumps(line) for line in lines).encode() + b"\n[1, 2]\n{broken\n"
    found = rows_of(read_table("mixed.jsonl", data))
    assert [type(row).__name__ for row in found] == [
        "Document",
        "Rejected",
        "Rejected",
        "Rejected",
        "Rejected",
        "Document",
        "Rejected",
        "Rejected",
    ]
    reasons = {row.source_name: row.reason for row in found if isinstance(row, Rejected)}
    assert reasons["mixed.jsonl#blank"] == 'no text in column "text".'
    assert reasons["mixed.jsonl#row 3"] == 'no date in column "date" or "year".'
    assert "ambiguous" in reasons["mixed.jsonl#ambiguous"]
    assert "in the future" in reasons["mixed.jsonl#future"]
    assert reasons["mixed.jsonl#row 7"] == "the line is not a JSON object."
    assert reasons["mixed.jsonl#row 8"].startswith("the line is not valid JSON")
    fallback = found[5]
    assert isinstance(fallback, Document)
    assert fallback.given.delivered == SpeechDate(date(2019, 1, 1), "year")


def test_year_floats_from_pandas_become_years(tmp_path: Path) -> None:
    frame = pd.DataFrame({"text": [LAVROV, MERKEL, "A third speech."], "year": [1946, None, 2019]})
    assert frame["year"].dtype == "float64"
    for name, data in [
        ("years.parquet", as_parquet(frame)),
        ("years.csv", frame.to_csv(index=False).encode()),
        ("years.xlsx", as_xlsx(frame)),
        ("years.jsonl", as_jsonl(frame)),
    ]:
        found = rows_of(read_table(name, data))
        assert isinstance(found[0], Document), name
        assert found[0].given.delivered == SpeechDate(date(1946, 1, 1), "year"), name
        assert isinstance(found[1], Rejected), name
        assert found[1].reason == 'no date in column "year".', name
        assert isinstance(found[2], Document), name
        assert found[2].given.delivered == SpeechDate(date(2019, 1, 1), "year"), name


def test_dates_typed_by_the_table_keep_their_day() -> None:
    frame = pd.DataFrame({"text": [LAVROV], "date": [pd.Timestamp("2018-06-15 10:30")]})
    for name, data in [("typed.parquet", as_parquet(frame)), ("typed.xlsx", as_xlsx(frame))]:
        (doc,) = documents(read_table(name, data))
        assert doc.given.delivered == SpeechDate(date(2018, 6, 15), "day"), name


def test_a_formula_looking_title_stays_text() -> None:
    title = '=HYPERLINK("http://example.com","click")'
    frame = pd.DataFrame({"title": [title], "text": [LAVROV], "year": [2018]})
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["title", "text", "year"])
    sheet.append(["", LAVROV, 2018])
    sheet["A2"].value = title
    sheet["A2"].data_type = "s"  # a text cell that only looks like a formula
    buffer = io.BytesIO()
    book.save(buffer)
    for name, data in [
        ("formula.csv", frame.to_csv(index=False).encode()),
        ("formula.jsonl", as_jsonl(frame)),
        ("formula.xlsx", buffer.getvalue()),
    ]:
        (doc,) = documents(read_table(name, data))
        assert doc.given.title == title, name
        assert speech_from_row(doc).title == title, name


def test_xlsx_sheet_option_and_missing_sheet() -> None:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame({"note": ["not speeches"]}).to_excel(writer, sheet_name="About", index=False)
        SPEECHES.to_excel(writer, sheet_name="Speeches", index=False)
    data = buffer.getvalue()
    with pytest.raises(
        ImportTableError, match=r'no column holds the speech text \(the columns are "note"\)'
    ):
        read_table("book.xlsx", data)
    assert len(documents(read_table("book.xlsx", data, sheet="Speeches"))) == 2
    with pytest.raises(
        ImportTableError, match=r'there is no sheet "Other"; the sheets are "About", "Speeches"'
    ):
        read_table("book.xlsx", data, sheet="Other")


def test_an_xlsx_zip_bomb_is_refused_before_unpacking() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (40 * 1024 * 1024))
    with pytest.raises(UnreadableFileError, match="zip bomb"):
        read_table("bomb.xlsx", buffer.getvalue())


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("cut.jsonl.gz", gzip.compress(as_jsonl(SPEECHES))[:-30], "cannot be read to the end"),
        ("empty.csv", b"", "the file is empty"),
        ("fake.parquet", b"title,text\nA,B\n", "not an uncompressed Parquet or XLSX table"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "Parquet or XLSX"),
        ("scalar.json", b'["a", "b"]', "no column holds the speech text"),
        ("object.json", b"[{}]", "no column holds the speech text"),
        ("broken.json", b'[{"text": "x"', "not valid JSON"),
    ],
    ids=["cut-gzip", "empty", "not-parquet", "xls", "array-of-strings", "no-columns", "broken"],
)
def test_damaged_or_unknown_files_are_refused(name: str, data: bytes, message: str) -> None:
    with pytest.raises((UnreadableFileError, ImportTableError), match=message):
        list(read_table(name, data).rows())


def test_a_damaged_xlsx_workbook_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", "this is not XML <")
    with pytest.raises(UnreadableFileError, match="the XLSX workbook cannot be read"):
        read_table("damaged.xlsx", buffer.getvalue())


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="missing.csv: the file cannot be read"):
        read_table("missing.csv", tmp_path / "missing.csv")


def test_csv_with_broken_quotes_names_the_line() -> None:
    data = b'text,year\n"' + b"x" * 100 + b'"oops,2000\nfine,2001\n'
    with pytest.raises(UnreadableFileError, match="line 2 cannot be read as CSV"):
        list(read_table("quotes.csv", data, mapping={}).rows())


# --- speeches from rows ----------------------------------------------------------------------


def test_speech_from_row_uses_columns_and_builds_a_title() -> None:
    frame = pd.DataFrame(
        {
            "id": ["ARG_01_1946"],
            "country": ["Argentina"],
            "speaker": ["Mr. Arce"],
            "year": [1946],
            "text": ["Mr. President,\n\nAt the resumption of the first session."],
        }
    )
    (doc,) = documents(read_table("ungdc_1946-2024.jsonl.gz", gzip.compress(as_jsonl(frame))))
    assert doc.source_name == "ungdc_1946-2024.jsonl.gz#ARG_01_1946"
    speech = speech_from_row(doc)
    assert speech.title == "Argentina, 1946 (ungdc_1946-2024)"
    assert speech.text == "Mr. President,\n\nAt the resumption of the first session."
    assert speech.speaker == "Mr. Arce"
    assert speech.country == "Argentina"
    assert (speech.delivered_on, speech.date_precision) == (date(1946, 1, 1), "year")
    assert speech.speech_id == speech_id_for(speech.text)
    assert speech.source == "ungdc_1946-2024.jsonl.gz#ARG_01_1946"
    assert speech.language == "en"


def test_speech_from_row_title_falls_back_to_the_speaker() -> None:
    doc = Document(
        source_name="sotu.csv#row 4",
        text=MERKEL,
        given=SpeechFields(speaker="George Washington", delivered=SpeechDate(date(1790, 1, 8))),
    )
    assert speech_from_row(doc).title == "George Washington, 1790-01-08 (sotu)"


def test_overrides_win_over_the_columns() -> None:
    (doc, _) = documents(read_table("speeches.csv", SPEECHES.to_csv(index=False).encode()))
    overrides = SpeechFields(place="Sochi", category="remarks", language="ru")
    speech = speech_from_row(doc, overrides=overrides)
    assert (speech.place, speech.category, speech.language) == ("Sochi", "remarks", "ru")
    assert speech.title == "Remarks to Russian NGOs"
    assert speech.speaker == "Sergey Lavrov"


def test_a_row_without_any_date_column_needs_a_mapping_or_an_override() -> None:
    frame = pd.DataFrame({"text": [LAVROV], "speaker": ["Sergey Lavrov"]})
    (doc,) = documents(read_table("nodate.csv", frame.to_csv(index=False).encode()))
    with pytest.raises(
        MetadataError, match=r"nodate.csv#row 1: the row has no date; .*--map COLUMN=date"
    ):
        speech_from_row(doc)
    when = SpeechDate(date(2018, 6, 15))
    assert speech_from_row(doc, overrides=SpeechFields(delivered=when)).delivered_on == date(
        2018, 6, 15
    )


# --- real corpora ----------------------------------------------------------------------------


def test_first_200_un_general_debate_speeches() -> None:
    path = need_corpora("ungdc", "ungdc_1946-2024.jsonl.gz")
    reading = read_table(path.name, path)
    assert reading.mapping["country"] == "country"
    assert "iso3" not in reading.mapping and "session" not in reading.mapping
    speeches = [speech_from_row(row) for row in documents_of(itertools.islice(reading.rows(), 200))]
    assert len({s.speech_id for s in speeches}) == 200
    assert speeches[0].title == "Argentina, 1946 (ungdc_1946-2024)"
    assert (speeches[0].speaker, speeches[0].country) == ("Mr. Arce", "Argentina")
    assert all(s.date_precision == "year" for s in speeches)
    assert sum(bool(s.country and s.speaker) for s in speeches) >= 195  # a few have no metadata
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        first = [json.loads(line) for line in itertools.islice(lines, 200)]
    assert [s.source for s in speeches] == [f"{path.name}#{row['id']}" for row in first]
    assert [s.country for s in speeches] == [row["country"] or "" for row in first]
    assert [s.speaker for s in speeches] == [row["speaker"] or "" for row in first]
    assert [s.role for s in speeches] == [row["post"] or "" for row in first]
    assert [s.delivered_on for s in speeches] == [date(row["year"], 1, 1) for row in first]
    assert {s.delivered_on.year for s in speeches} == {1946, 1947, 1948, 1949, 1950, 1951}


def test_all_state_of_the_union_addresses() -> None:
    path = need_corpora("us-sotu", "sotu_1790-2021.jsonl.gz")
    reading = read_table(path.name, path)
    assert reading.mapping == {"text": "text", "president": "speaker", "year": "year", "id": "id"}
    assert reading.n_rows == 233
    speeches = [speech_from_row(row) for row in documents_of(reading.rows())]
    assert len(speeches) == 233
    assert (speeches[0].speaker, speeches[0].delivered_on.year) == ("George Washington", 1790)
    assert (speeches[-1].speaker, speeches[-1].delivered_on.year) == ("Joseph R Biden", 2021)
    assert speeches[-1].title == "Joseph R Biden, 2021 (sotu_1790-2021)"
    assert sum(s.delivered_on.year == 1953 for s in speeches) == 2
    assert len({s.speech_id for s in speeches}) == 233
    assert 1_700_000 < sum(s.n_words for s in speeches) < 1_900_000


def test_csv_module_limit_is_raised_only_upwards() -> None:
    read_table("one.csv", b"text,year\nx,2000\n")
    assert csv.field_size_limit() >= 64 * 1024 * 1024


@settings(max_examples=100, deadline=None)
@given(
    name=hs.sampled_from(
        ["t.csv", "t.tsv", "t.jsonl", "t.json", "t.xlsx", "t.parquet", "t.gz", "t"]
    ),
    prefix=hs.sampled_from([b"", b"PAR1", b"PK\x03\x04", b"[", b"{", b"\x1f\x8b", b"text,year\n"]),
    body=hs.binary(max_size=300),
)
def test_arbitrary_bytes_raise_nothing_but_corpus_errors(
    name: str, prefix: bytes, body: bytes
) -> None:
    try:
        reading = read_table(name, prefix + body, mapping={})
        for row in reading.rows():
            assert isinstance(row, Document | Rejected)
        reading.n_rows  # noqa: B018 - counting must not fail either
    except CorpusError:
        pass


def _with_entity(workbook: bytes) -> bytes:
    """The workbook with a DTD entity in its sheet, expanded in a cell by an XML parser that
    resolves entities (the shape of 'billion laughs' and external-entity attacks, kept small)."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = data.decode()
                doctype = '<!DOCTYPE worksheet [<!ENTITY planted "INJECTED">]>'
                if xml.startswith("<?xml"):
                    head, body = xml.split("?>", 1)
                    xml = f"{head}?>{doctype}{body}"
                else:
                    xml = doctype + xml
                xml = xml.replace(
                    "</sheetData>",
                    '<row r="9"><c r="A9" t="inlineStr"><is><t>&planted;</t></is></c></row>'
                    "</sheetData>",
                )
                data = xml.encode()
            target.writestr(item, data)
    return out.getvalue()


def test_xml_entities_in_a_workbook_are_refused_not_expanded() -> None:
    """openpyxl parses through defusedxml: a workbook that declares entities is refused."""
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML, "defusedxml is installed, so openpyxl uses it"
    data = _with_entity(as_xlsx(SPEECHES))
    with pytest.raises(UnreadableFileError, match="XLSX workbook cannot be read") as caught:
        reading = read_table("planted.xlsx", data)
        list(reading.rows())
    assert "INJECTED" not in str(caught.value)


def test_a_row_without_a_language_column_gets_the_language_of_its_text() -> None:
    russian = (Path(__file__).parents[1] / "data" / "languages" / "ru.txt").read_text("utf-8")
    frame = pd.DataFrame({"date": ["2018-06-15"], "speaker": ["Sergey Lavrov"], "text": [russian]})
    (doc,) = documents(read_table("speeches.csv", frame.to_csv(index=False).encode()))
    assert speech_from_row(doc).language == "ru"


def test_a_language_column_is_stored_as_iso_codes() -> None:
    frame = pd.DataFrame(
        {
            "date": ["2018-06-15", "2018-06-16"],
            "language": ["Ukrainian", "fr-FR"],
            "text": ["Шановні колеги, дякую за увагу.", "Mesdames et Messieurs, merci."],
        }
    )
    docs = documents(read_table("speeches.csv", frame.to_csv(index=False).encode()))
    assert [speech_from_row(d).language for d in docs] == ["uk", "fr"]
