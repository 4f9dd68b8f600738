"""Downloads users can open safely: no transcript text acts as a spreadsheet formula."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from models.export import safe_cell, to_csv_bytes, to_excel_bytes


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("  =1+1", "'  =1+1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\n=1"),
        ("a\r\nb\rc", "a\nb\nc"),
        ("＝1+1", "'＝1+1"),
        ("Only 70 NGOs", "Only 70 NGOs"),
        ("bell\x07 and NUL\x00 gone", "bell and NUL gone"),
        (42, 42),
        (-3.5, -3.5),
    ],
    ids=[
        "hyperlink",
        "plus",
        "minus",
        "at",
        "spaces",
        "tab",
        "return",
        "line-breaks",
        "fullwidth",
        "plain",
        "controls",
        "int",
        "float",
    ],
)
def test_safe_cell(value: object, expected: object) -> None:
    assert safe_cell(value) == expected


def test_csv_is_utf8_without_index_with_iso_dates() -> None:
    frame = pd.DataFrame(
        {
            "title": ["=cmd|' /C calc'!A0", "Année"],
            "date": pd.to_datetime(["2018-06-15", "2019-01-01"]),
            "n": [1, -2],
        }
    )
    text = to_csv_bytes(frame).decode("utf-8-sig")  # a spreadsheet's CSV starts with a BOM
    assert text.splitlines()[0] == "title,date,n"
    assert "'=cmd" in text and "2018-06-15" in text and "Année" in text
    assert text.splitlines()[2].endswith(",-2"), "numbers stay numbers"


def test_excel_cells_are_text_never_formulas() -> None:
    frame = pd.DataFrame(
        {"title": ['=HYPERLINK("http://evil","click")', "plain"], "when": [date(2018, 6, 15)] * 2}
    )
    book = openpyxl.load_workbook(
        io.BytesIO(to_excel_bytes({"speeches": frame}, about={"Filters": "=1+1"}))
    )
    assert book.sheetnames == ["About", "speeches"]
    cells = [c.value for row in book["speeches"].iter_rows() for c in row]
    about = [c.value for row in book["About"].iter_rows() for c in row]
    assert all(not (isinstance(v, str) and v.startswith("=")) for v in cells + about)
    assert all(c.data_type != "f" for row in book["speeches"].iter_rows() for c in row)


@settings(max_examples=60, deadline=None)
@given(
    hs.lists(
        hs.tuples(hs.text(max_size=30), hs.integers(min_value=-(10**6), max_value=10**6)),
        min_size=1,
        max_size=15,
    )
)
def test_csv_round_trips_to_the_same_shape(rows: list[tuple[str, int]]) -> None:
    frame = pd.DataFrame(rows, columns=["text", "count"])
    parsed = pd.read_csv(io.BytesIO(to_csv_bytes(frame)), keep_default_na=False)
    assert list(parsed.columns) == ["text", "count"]
    assert len(parsed) == len(frame)
